// The citizen certificate authority ("Urtuu Citizen CA") and the checks behind sign-in with a
// digital signature. The platform runs its own CA so that development and tests have citizens'
// certificates without an outside provider; a country plugs in its real ones through
// SIGNATURE_LOGIN_CAS (a PEM file of CA certificates trusted in addition).
//
// What a person sends: their certificate (PEM) and an ECDSA P-256 signature with SHA-256 over the
// exact UTF-8 bytes of the challenge, DER-encoded (the ASN.1 SEQUENCE of r and s, as OpenSSL and
// `openssl dgst -sha256 -sign` write it, not the 64-byte r||s of JOSE), then base64url without padding.
import { X509Certificate, createPrivateKey, randomBytes, sign, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as x509 from '@peculiar/x509';
import type { AppContext } from '../../kernel/context.ts';
import type { Queryable } from '../../kernel/db.ts';
import { KeyUsage, createCertificateAuthority, issueCertificate, type Issued } from '../../kernel/pki.ts';
import { seal, unseal } from '../../kernel/secrets.ts';
import { normaliseRegisterNumber, type Identity } from './service.ts';

const CA_ID = 'citizen-ca';
export const CITIZEN_CA_SUBJECT = 'CN=Urtuu Citizen CA, O=Urtuu, C=MN';
/** Two years, as the brief for personal certificates asks. */
export const PERSON_CERTIFICATE_DAYS = 730;
/** X.520 serialNumber: where a personal certificate carries the register number. */
const SERIAL_NUMBER_OID = '2.5.4.5';
// Generous for one P-256 certificate in PEM (about 800 characters), small enough to refuse junk early.
const MAX_CERTIFICATE_CHARS = 8_000;
const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+?-----END CERTIFICATE-----/g;

/** Why a signed challenge was refused; each has a message under identity.signature.reasons. */
export type SignatureFailure =
  | 'certificate-missing'
  | 'certificate-unreadable'
  | 'certificate-untrusted'
  | 'certificate-not-end-entity'
  | 'certificate-not-yet-valid'
  | 'certificate-expired'
  | 'certificate-not-for-signing'
  | 'certificate-other-person'
  | 'certificate-key-type'
  | 'signature-missing'
  | 'signature-unreadable'
  | 'signature-wrong'
  | 'challenge-unknown'
  | 'challenge-expired'
  | 'challenge-used';

/** Every reason, so a test can hold the messages of both languages to the list. */
export const SIGNATURE_FAILURES: readonly SignatureFailure[] = [
  'certificate-missing', 'certificate-unreadable', 'certificate-untrusted', 'certificate-not-end-entity', 'certificate-not-yet-valid',
  'certificate-expired', 'certificate-not-for-signing', 'certificate-other-person', 'certificate-key-type',
  'signature-missing', 'signature-unreadable', 'signature-wrong', 'challenge-unknown', 'challenge-expired', 'challenge-used',
];

interface CaRow {
  private_key_sealed: string;
  public_key_pem: string;
  certificate_pem: string;
}

async function findCa(db: Queryable): Promise<CaRow | undefined> {
  const { rows } = await db.query<CaRow>('SELECT private_key_sealed, public_key_pem, certificate_pem FROM identity.certificate_authorities WHERE id = $1', [CA_ID]);
  return rows[0];
}

/** The citizen CA with its private key: made on first use, kept sealed in the database. */
export async function citizenCa(ctx: AppContext): Promise<Issued> {
  let row = await findCa(ctx.db);
  if (!row) {
    const ca = await createCertificateAuthority({ subject: CITIZEN_CA_SUBJECT, days: 3650, pathLength: 0 });
    // Two processes starting together may both make one; the first insert wins and both read it back.
    await ctx.db.query(
      'INSERT INTO identity.certificate_authorities (id, private_key_sealed, public_key_pem, certificate_pem) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING',
      [CA_ID, seal(ctx.config.sessionSecret, ca.privateKeyPem), ca.publicKeyPem, ca.certificatePem],
    );
    row = await findCa(ctx.db);
  }
  return { privateKeyPem: unseal(ctx.config.sessionSecret, row!.private_key_sealed), publicKeyPem: row!.public_key_pem, certificatePem: row!.certificate_pem };
}

/** The citizen CA's certificate (PEM), public. */
export async function citizenCaCertificate(ctx: AppContext): Promise<string> {
  const row = await findCa(ctx.db);
  return row ? row.certificate_pem : (await citizenCa(ctx)).certificatePem;
}

function dnValue(value: string): string {
  // Quoted so commas in a name stay inside it; quotes and backslashes have no place in a name.
  return `"${value.replace(/["\\]/g, '').trim()}"`;
}

export interface PersonCertificateRequest {
  registerNumber: string;
  /** As it should read in the certificate, e.g. "Нямдорж Сарангэрэл". */
  name: string;
  days?: number;
  notBefore?: Date;
}

/** A new key pair and personal signing certificate from the citizen CA (ECDSA P-256, digitalSignature only). */
export async function issuePersonCertificate(ctx: AppContext, person: PersonCertificateRequest): Promise<Issued & { caPem: string }> {
  const ca = await citizenCa(ctx);
  const issued = await issueCertificate(ca, {
    subject: `CN=${dnValue(person.name)}, ${SERIAL_NUMBER_OID}=${dnValue(person.registerNumber)}, C=MN`,
    days: person.days ?? PERSON_CERTIFICATE_DAYS,
    keyUsage: KeyUsage.digitalSignature,
    ...(person.notBefore ? { notBefore: person.notBefore } : {}),
  });
  return { ...issued, caPem: ca.certificatePem };
}

/** Issues a certificate for someone in the population register who may sign in (development, the CLI). */
export async function issueCertificateForRegisteredPerson(ctx: AppContext, identity: Identity, registerNumber: string): Promise<Issued & { caPem: string; registerNumber: string }> {
  const person = await identity.personWhoMaySignIn(normaliseRegisterNumber(registerNumber));
  const issued = await issuePersonCertificate(ctx, { registerNumber: person.registerNumber, name: `${person.surname} ${person.givenName}` });
  return { ...issued, registerNumber: person.registerNumber };
}

/** The CA certificates in a PEM bundle; other text between them is ignored. */
export function certificatesIn(pem: string): string[] {
  return pem.match(PEM_CERTIFICATE) ?? [];
}

/** CA certificates trusted besides the citizen CA, from the PEM file named by SIGNATURE_LOGIN_CAS. */
export function configuredSignatureCas(env: NodeJS.ProcessEnv = process.env): string[] {
  const file = env.SIGNATURE_LOGIN_CAS;
  if (!file) return [];
  const found = certificatesIn(readFileSync(file, 'utf8'));
  // A set but unreadable variable would silently refuse every such person; fail at start instead.
  if (found.length === 0) throw new Error(`SIGNATURE_LOGIN_CAS names ${file}, which holds no PEM certificate`);
  for (const pem of found) new X509Certificate(pem);
  return found;
}

/**
 * A login challenge: a fixed prefix and 256 random bits. The prefix keeps the signing tool from
 * being talked into signing anything else (a document, a hash) with the person's key.
 */
export const LOGIN_CHALLENGE = /^urtuu-login\.[A-Za-z0-9_-]{43}$/;

/** A fresh login challenge (shell-safe, so it can be given on a command line). */
export function newChallengeText(): string {
  return `urtuu-login.${randomBytes(32).toString('base64url')}`;
}

/** The signature tool's side: signs a challenge with a PKCS#8 (or SEC1) PEM key; base64url DER ECDSA-SHA256. */
export function signChallenge(privateKeyPem: string, challenge: string): string {
  return sign('sha256', Buffer.from(challenge, 'utf8'), { key: createPrivateKey(privateKeyPem), dsaEncoding: 'der' }).toString('base64url');
}

export interface SignedChallenge {
  certificatePem: string;
  signature: string;
  challenge: string;
  /** The register number of the sign-in attempt. */
  registerNumber: string;
  /** Certificates of the CAs trusted to issue personal certificates. */
  trustedCas: string[];
  at?: Date;
}

export type SignatureCheck = { ok: true; certificate: X509Certificate } | { ok: false; reason: SignatureFailure };

function validAt(certificate: X509Certificate, at: Date): 'ok' | 'not-yet' | 'expired' {
  if (at < new Date(certificate.validFrom)) return 'not-yet';
  if (at > new Date(certificate.validTo)) return 'expired';
  return 'ok';
}

function readCertificate(text: string): X509Certificate | undefined {
  const pem = certificatesIn(text)[0];
  if (!pem) return undefined;
  try {
    return new X509Certificate(pem);
  } catch {
    return undefined;
  }
}

function readSignature(text: string): Buffer | undefined {
  // Pasting often adds line breaks or a trailing '=' from tools that pad; neither changes the bytes.
  const compact = text.replace(/\s+/g, '').replace(/=+$/, '');
  if (!/^[A-Za-z0-9_-]{8,200}$/.test(compact)) return undefined;
  return Buffer.from(compact, 'base64url');
}

/**
 * Checks a signed challenge: the certificate chains to a trusted CA, is valid at `at`, is an
 * end-entity certificate for digital signatures, names the attempt's register number, and its
 * ECDSA P-256 key made the signature over the challenge. The first failing check is the reason.
 */
export function verifySignedChallenge(input: SignedChallenge): SignatureCheck {
  const at = input.at ?? new Date();
  if (!input.certificatePem.trim()) return { ok: false, reason: 'certificate-missing' };
  if (!input.signature.trim()) return { ok: false, reason: 'signature-missing' };
  if (input.certificatePem.length > MAX_CERTIFICATE_CHARS) return { ok: false, reason: 'certificate-unreadable' };
  const certificate = readCertificate(input.certificatePem);
  if (!certificate) return { ok: false, reason: 'certificate-unreadable' };

  const issuer = input.trustedCas.map(readCertificate).find((ca) => ca !== undefined && ca.ca && validAt(ca, at) === 'ok' && certificate.checkIssued(ca) && certificate.verify(ca.publicKey));
  if (!issuer) return { ok: false, reason: 'certificate-untrusted' };
  if (certificate.ca) return { ok: false, reason: 'certificate-not-end-entity' };
  const validity = validAt(certificate, at);
  if (validity === 'not-yet') return { ok: false, reason: 'certificate-not-yet-valid' };
  if (validity === 'expired') return { ok: false, reason: 'certificate-expired' };

  const parsed = new x509.X509Certificate(certificate.raw);
  const keyUsage = parsed.getExtension(x509.KeyUsagesExtension);
  // An absent extension would allow any use; a signing certificate for login must say so explicitly.
  if (!keyUsage || (keyUsage.usages & x509.KeyUsageFlags.digitalSignature) === 0) return { ok: false, reason: 'certificate-not-for-signing' };
  const serialNumbers = parsed.subjectName.getField(SERIAL_NUMBER_OID);
  if (serialNumbers.length !== 1 || normaliseRegisterNumber(serialNumbers[0]) !== input.registerNumber) return { ok: false, reason: 'certificate-other-person' };

  const key = certificate.publicKey;
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') return { ok: false, reason: 'certificate-key-type' };
  const signature = readSignature(input.signature);
  if (!signature) return { ok: false, reason: 'signature-unreadable' };
  let valid = false;
  try {
    valid = verify('sha256', Buffer.from(input.challenge, 'utf8'), { key, dsaEncoding: 'der' }, signature);
  } catch {
    valid = false;
  }
  return valid ? { ok: true, certificate } : { ok: false, reason: 'signature-wrong' };
}
