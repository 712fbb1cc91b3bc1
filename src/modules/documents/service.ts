// Issuing, verifying and revoking documents. Each agency signs with its own key, certified by the
// platform's document CA; the signature is a JWS (ES256) over the document's id and the SHA-256 of
// its canonical content, so anyone holding the CA certificate can check a document offline, and
// the verify page checks it again on every look.
import { X509Certificate, createPublicKey } from 'node:crypto';
import { CompactSign, compactVerify } from 'jose';
import type { Principal } from '../../kernel/auth.ts';
import type { AppContext } from '../../kernel/context.ts';
import { AppError, errorText } from '../../kernel/errors.ts';
import { privateKeyOf, publicKeyOf } from '../../kernel/key-cache.ts';
import { KeyUsage, certificateFingerprint, createCertificateAuthority, issueCertificate, verifyCertificate, type Issued } from '../../kernel/pki.ts';
import { seal, unseal } from '../../kernel/secrets.ts';
import { hashedContent, newDocumentId, canonicalJson, type DocumentDraft, type IssuedDocument, type Verification } from './schema.ts';
import * as store from './store.ts';

/** id-kp-documentSigning (RFC 9336): the certificate signs documents, nothing else. */
export const DOCUMENT_SIGNING_EKU = '1.3.6.1.5.5.7.3.36';
const CA_SUBJECT = 'CN=Urtuu Document CA, O=Urtuu, C=MN';
const CA_DAYS = 3650;
const SIGNER_DAYS = 825;
const MAX_REASON = 500;

export interface PublishedKey {
  kid: string;
  role: 'ca' | 'signer';
  agencyId: string | null;
  subject: string;
  notAfter: string;
  certificatePem: string;
}

export interface Documents {
  /** Signs and keeps a document; returns it as issued. */
  issue(draft: DocumentDraft, actor: Principal | null, requestId?: string): Promise<IssuedDocument>;
  find(id: string): Promise<IssuedDocument | undefined>;
  /** Checks a document again: signature, certificate chain, hash, revocation. Undefined for an id never issued. */
  verify(id: string): Promise<Verification | undefined>;
  /** Documents about a person or company, newest first. */
  documentsOf(subject: string): Promise<IssuedDocument[]>;
  /** Revokes a document of the actor's agency (or any, for a platform administrator). Cannot be undone. */
  revoke(id: string, reason: string, actor: Principal, requestId?: string): Promise<IssuedDocument>;
  /** True when the principal may revoke documents of this agency. */
  mayRevoke(principal: Principal | null | undefined, agencyId: string): boolean;
  /** The CA and every agency signer, for those who verify offline. */
  publishedKeys(): Promise<PublishedKey[]>;
}

function kidOf(certificatePem: string): string {
  return certificateFingerprint(certificatePem).slice(0, 16);
}

/** A distinguished name's value with the characters that would break it taken out. */
function dnValue(text: string): string {
  return text.replace(/[,+=<>#;"\\]/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 60) || 'Agency';
}

export function createDocuments(ctx: AppContext, agencyName: (agencyId: string) => Promise<{ mn: string; en: string } | undefined>): Documents {
  const { db } = ctx;
  const secret = ctx.config.sessionSecret;

  async function ca(): Promise<Issued & { kid: string }> {
    let row = await store.findCa(db);
    if (!row) {
      const made = await createCertificateAuthority({ subject: CA_SUBJECT, days: CA_DAYS, pathLength: 0 });
      await store.insertKey(db, { role: 'ca', agency_id: null, kid: kidOf(made.certificatePem), certificate_pem: made.certificatePem, private_key: seal(secret, made.privateKeyPem), not_after: new Date(new X509Certificate(made.certificatePem).validTo) });
      row = await store.findCa(db);
    }
    if (!row) throw new Error('the document CA could not be kept');
    const privateKeyPem = unseal(secret, row.private_key);
    return { kid: row.kid, certificatePem: row.certificate_pem, privateKeyPem, publicKeyPem: createPublicKey(privateKeyPem).export({ type: 'spki', format: 'pem' }).toString() };
  }

  // A signer's key, unsealed once per process: unsealing and parsing cost more than the signature.
  const signers = new Map<string, { kid: string; privateKeyPem: string }>();
  async function signerFor(agencyId: string): Promise<{ kid: string; privateKeyPem: string }> {
    const cached = signers.get(agencyId);
    if (cached) return cached;
    let row = await store.findSigner(db, agencyId);
    if (!row) {
      const authority = await ca();
      const name = await agencyName(agencyId);
      const made = await issueCertificate(authority, {
        subject: `CN=${dnValue(name?.en ?? agencyId)} document signer, OU=${dnValue(agencyId)}, O=Urtuu, C=MN`,
        days: SIGNER_DAYS,
        keyUsage: KeyUsage.digitalSignature | KeyUsage.nonRepudiation,
        extendedKeyUsage: [DOCUMENT_SIGNING_EKU],
      });
      await store.insertKey(db, { role: 'signer', agency_id: agencyId, kid: kidOf(made.certificatePem), certificate_pem: made.certificatePem, private_key: seal(secret, made.privateKeyPem), not_after: new Date(new X509Certificate(made.certificatePem).validTo) });
      row = await store.findSigner(db, agencyId);
    }
    if (!row) throw new Error(`the signer of ${agencyId} could not be kept`);
    const signer = { kid: row.kid, privateKeyPem: unseal(secret, row.private_key) };
    signers.set(agencyId, signer);
    return signer;
  }

  function mayRevoke(principal: Principal | null | undefined, agencyId: string): boolean {
    if (!principal || principal.actingFor) return false;
    if (principal.roles.includes('platform-admin')) return true;
    return principal.agencyId === agencyId && (principal.roles.includes('agency-admin') || principal.roles.includes('supervisor'));
  }

  return {
    async issue(draft, actor, requestId) {
      const signer = await signerFor(draft.agencyId);
      const unsigned = {
        id: newDocumentId(),
        kind: draft.kind,
        title: draft.title,
        subject: draft.subject,
        subjectName: draft.subjectName,
        agencyId: draft.agencyId,
        issuer: draft.issuer,
        body: draft.body,
        source: draft.source ?? {},
        // Whole seconds: what the JWS's iat can carry is what the hash covers.
        issuedAt: new Date(Math.floor(Date.now() / 1000) * 1000).toISOString(),
        validUntil: draft.validUntil ?? null,
        issuedBy: actor?.id ?? null,
      };
      const contentHash = hashedContent(unsigned);
      const payload = canonicalJson({ id: unsigned.id, sha256: contentHash, iss: unsigned.agencyId, iat: Date.parse(unsigned.issuedAt) / 1000 });
      const signature = await new CompactSign(new TextEncoder().encode(payload)).setProtectedHeader({ alg: 'ES256', kid: signer.kid, typ: 'urtuu-document+jws' }).sign(privateKeyOf(signer.privateKeyPem));
      const document: IssuedDocument = { ...unsigned, contentHash, signature, signerKid: signer.kid, revocation: null };
      await db.transaction(async (tx) => {
        await store.insertDocument(tx, document);
        await ctx.audit.record(tx, actor, { action: 'document.issued', subjectType: 'document', subjectId: document.id, details: { kind: document.kind, agency: document.agencyId, service: document.source.service ?? null } }, requestId);
      });
      return document;
    },

    find: (id) => store.findDocument(db, id),

    async verify(id) {
      const document = await store.findDocument(db, id);
      if (!document) return undefined;
      const signerKey = await store.findKey(db, document.signerKid);
      const authority = await store.findCa(db);
      const checks = { signature: false, certificate: false, hash: false };
      if (signerKey && authority) {
        checks.certificate = verifyCertificate(signerKey.certificate_pem, authority.certificate_pem, new Date(document.issuedAt));
        try {
          const { payload, protectedHeader } = await compactVerify(document.signature, publicKeyOf(signerKey.certificate_pem), { algorithms: ['ES256'] });
          const claims = JSON.parse(new TextDecoder().decode(payload)) as { id?: string; sha256?: string; iss?: string };
          checks.signature = protectedHeader.kid === signerKey.kid && claims.id === document.id && claims.iss === document.agencyId && claims.sha256 === document.contentHash;
        } catch {
          checks.signature = false;
        }
      }
      checks.hash = hashedContent(document) === document.contentHash;
      const intact = checks.signature && checks.certificate && checks.hash;
      const certificate = signerKey ? new X509Certificate(signerKey.certificate_pem) : undefined;
      return {
        id: document.id,
        status: !intact ? 'invalid' : document.revocation ? 'revoked' : 'valid',
        checks,
        document,
        signer: { kid: document.signerKid, subject: certificate?.subject.replace(/\n/g, ', ') ?? '', notAfter: certificate ? new Date(certificate.validTo).toISOString() : '' },
      };
    },

    documentsOf: (subject) => store.documentsOf(db, subject),

    async revoke(id, reason, actor, requestId) {
      const document = await store.findDocument(db, id);
      if (!document) throw new AppError('DOCUMENT_NOT_FOUND', { id });
      // The document itself is public (its number opens it); revoking is its agency's alone.
      if (!mayRevoke(actor, document.agencyId)) throw new AppError('FORBIDDEN');
      const text = reason.trim();
      if (!text || text.length > MAX_REASON) throw new AppError('DOCUMENT_REVOKE_REASON', {}, [{ field: 'reason', message: errorText('DOCUMENT_REVOKE_REASON', 'mn') }]);
      if (document.revocation) throw new AppError('DOCUMENT_ALREADY_REVOKED', { id });
      await db.transaction(async (tx) => {
        if (!(await store.insertRevocation(tx, id, text, actor.id))) throw new AppError('DOCUMENT_ALREADY_REVOKED', { id });
        await ctx.audit.record(tx, actor, { action: 'document.revoked', subjectType: 'document', subjectId: id, details: { agency: document.agencyId } }, requestId);
      });
      return (await store.findDocument(db, id))!;
    },

    mayRevoke,

    async publishedKeys() {
      await ca();
      return (await store.listSigners(db)).map((row) => ({
        kid: row.kid,
        role: row.role,
        agencyId: row.agency_id,
        subject: new X509Certificate(row.certificate_pem).subject.replace(/\n/g, ', '),
        notAfter: new Date(row.not_after).toISOString(),
        certificatePem: row.certificate_pem,
      }));
    },
  };
}
