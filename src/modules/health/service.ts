// The health module's domain: the keys that sign EU Digital COVID Certificates (a country signing
// CA and document signers it certifies, rotated when a signer gets too close to its end), the
// other countries' signers we trust, issuing a person's vaccination certificate from the health
// and population registries, and verifying any certificate. No HTTP here, no SQL strings.
import { createPublicKey, X509Certificate } from 'node:crypto';
import type { Principal } from '../../kernel/auth.ts';
import type { AppContext } from '../../kernel/context.ts';
import type { Queryable } from '../../kernel/db.ts';
import { seal, unseal } from '../../kernel/secrets.ts';
import { certificateDer, createCsca, createDsc, certificateTypesAllowed, issueDcc, kidOf, qrPng, qrSvg, TrustList, verifyHc1, type CertificateType, type DccPayload, type DccSigner, type VerificationResult } from './dcc/index.ts';
import { icaoName } from './icao.ts';
import * as store from './store.ts';
import { newUvci } from './uvci.ts';

/** The issuing country (ISO 3166-1 alpha-2) and its health authority, as certificates name them. */
export const DCC_COUNTRY = 'MN';
export const DCC_ISSUER_NAME = 'Ministry of Health of Mongolia';
/** SNOMED CT code of COVID-19, the disease the DCC is about. */
export const COVID_19 = '840539006';

/** Key lifetimes, in days. A DCC must expire before its signer, so a signer is replaced while it still has a certificate's lifetime left. */
export const KEY_DAYS = { csca: 4 * 365, dsc: 2 * 365, certificate: 365 } as const;

/** A person as the population registry knows them: names in Cyrillic, their Latin form, date of birth. */
export interface PersonNames {
  surname: string;
  givenName: string;
  latin?: { surname?: string; givenName?: string };
  birthDate: string;
}

/** A vaccination as the health registry records it (EU value-set codes). */
export interface VaccinationRecord {
  disease: string;
  vaccine: string;
  prophylaxis?: string;
  manufacturer?: string;
  dose: number;
  totalDoses: number;
  date: string;
  country: string;
}

/** Where the registries' data comes from; app.ts wires it to the registries module. */
export interface HealthRecords {
  person(registerNumber: string): Promise<PersonNames | undefined>;
  vaccinations(registerNumber: string): Promise<VaccinationRecord[] | undefined>;
}

/** A refusal caused by the request: a message key under health.errors, the field it is about and values for the text. */
export class HealthInputError extends Error {
  constructor(
    readonly key: string,
    readonly field: string,
    readonly params: Record<string, string | number> = {},
    readonly status = 400,
  ) {
    super(`${key} (${field})`);
    this.name = 'HealthInputError';
  }
}

export interface SignerInfo {
  id: string;
  role: store.KeyRole;
  kid: string;
  country: string;
  subject: string;
  notBefore: string;
  notAfter: string;
  /** Base64 DER of the certificate, as the EU gateway publishes it. */
  certificate: string;
  /** Certificate types the signer may sign (from its extended key usage); all when it names none. */
  certificateTypes: CertificateType[];
  state: 'active' | 'retired' | 'removed' | 'expired';
}

export interface TrustListDocument {
  country: string;
  issuedAt: string;
  /** Our country signing CAs. */
  csca: SignerInfo[];
  /** Our document signers whose certificates may still be in circulation. */
  signers: SignerInfo[];
}

export interface IssuedCertificate {
  uvci: string;
  hc1: string;
  certificateType: CertificateType;
  payload: DccPayload;
  kid: string;
  issuedAt: string;
  expiresAt: string;
  qrSvg: string;
  /** Base64 of the QR code as PNG. */
  qrPng: string;
}

export interface Health {
  /** Makes the country signing CA and a document signer when there are none, and replaces a signer near its end. */
  ensureKeys(): Promise<void>;
  /** Retires the signing document signer and makes a new one (its certificates still verify). */
  rotate(actor: Principal | null): Promise<SignerInfo>;
  /** What GET /api/v1/dcc/trust-list publishes. */
  trustList(): Promise<TrustListDocument>;
  /** Every key the platform knows: ours and the imported ones. */
  signers(): Promise<SignerInfo[]>;
  /** Trusts another country's document signer certificate (PEM or base64 DER). */
  importSigner(input: { certificate: string; country?: string }, actor: Principal | null): Promise<SignerInfo>;
  /** Stops trusting an imported signer. */
  removeSigner(id: string, actor: Principal | null): Promise<SignerInfo>;
  /** The verifier's trust list: our signers and the imported ones. */
  verifierTrust(): Promise<TrustList>;
  verify(hc1: unknown, at?: Date): Promise<VerificationResult>;
  /** Issues a vaccination certificate for the person's latest COVID-19 dose. Recorded; the record cannot be undone. */
  issueVaccination(registerNumber: string, actor: Principal | null, requestId?: string): Promise<IssuedCertificate>;
  issuedFor(registerNumber: string): Promise<store.IssuedRow[]>;
}

const TRUST_TTL_MS = 30_000;

/** Describes a stored key for the API. */
function describe(row: store.KeyRow, now = Date.now()): SignerInfo {
  const certificate = new X509Certificate(row.certificate_pem);
  const eku = certificate.keyUsage as string[] | undefined;
  const types = certificateTypesAllowed(eku);
  const expired = new Date(row.not_after).getTime() < now;
  return {
    id: row.id,
    role: row.role,
    kid: row.kid,
    country: row.country,
    subject: certificate.subject.replace(/\n/g, ', '),
    notBefore: new Date(row.not_before).toISOString(),
    notAfter: new Date(row.not_after).toISOString(),
    certificate: certificate.raw.toString('base64'),
    certificateTypes: types ? [...types] : ['v', 't', 'r'],
    state: row.removed_at ? 'removed' : row.retired_at ? 'retired' : expired ? 'expired' : 'active',
  };
}

/** The country in a certificate's subject (C=), if any. */
function countryOf(certificate: X509Certificate): string | undefined {
  return /(?:^|\n|, ?)C=([A-Za-z]{2})(?:$|\n|,)/.exec(certificate.subject)?.[1]?.toUpperCase();
}

export function createHealth(ctx: AppContext, records: HealthRecords): Health {
  const { db, config } = ctx;
  let trust: { list: Promise<TrustList>; at: number } | undefined;
  let ensuring: Promise<void> | undefined;

  const invalidate = () => {
    trust = undefined;
  };

  async function makeDsc(csca: store.KeyRow, tx: Queryable, actor: string | null): Promise<string> {
    const privateKeyPem = unseal(config.sessionSecret, csca.private_key!);
    const publicKeyPem = createPublicKey(privateKeyPem).export({ type: 'spki', format: 'pem' }).toString();
    const ca = { certificatePem: csca.certificate_pem, privateKeyPem, publicKeyPem };
    const serial = new Date().toISOString().slice(0, 10);
    const dsc = await createDsc(ca, { subject: `CN=Urtuu DCC Document Signer ${serial}, O=Ministry of Health, C=${DCC_COUNTRY}`, days: KEY_DAYS.dsc, types: ['v', 't', 'r'] });
    const certificate = new X509Certificate(dsc.certificatePem);
    return store.insertKey(tx, {
      role: 'dsc',
      kid: kidOf(certificate.raw).toString('base64'),
      country: DCC_COUNTRY,
      certificatePem: dsc.certificatePem,
      privateKey: seal(config.sessionSecret, dsc.privateKeyPem),
      notBefore: new Date(certificate.validFrom),
      notAfter: new Date(certificate.validTo),
      createdBy: actor,
    });
  }

  const usable = (row: store.KeyRow, minimumDays: number) => !row.retired_at && !row.removed_at && new Date(row.not_after).getTime() - Date.now() > minimumDays * 86_400_000;

  /** Under the key lock: the CSCA (made if missing), and a signing DSC (made if missing or near its end). */
  async function ensureWithin(tx: Queryable, actor: string | null, forceNewDsc: boolean): Promise<void> {
    await store.lockKeys(tx);
    const keys = await store.listKeys(tx, ['csca', 'dsc']);
    let csca = keys.find((row) => row.role === 'csca' && usable(row, KEY_DAYS.dsc));
    if (!csca) {
      const made = await createCsca({ subject: `CN=Urtuu DCC Country Signing CA, O=Ministry of Health, C=${DCC_COUNTRY}`, days: KEY_DAYS.csca });
      const certificate = new X509Certificate(made.certificatePem);
      const id = await store.insertKey(tx, {
        role: 'csca',
        kid: kidOf(certificate.raw).toString('base64'),
        country: DCC_COUNTRY,
        certificatePem: made.certificatePem,
        privateKey: seal(config.sessionSecret, made.privateKeyPem),
        notBefore: new Date(certificate.validFrom),
        notAfter: new Date(certificate.validTo),
        createdBy: actor,
      });
      csca = (await store.findKey(tx, id))!;
    }
    const signing = keys.filter((row) => row.role === 'dsc' && !row.retired_at);
    const current = signing.find((row) => usable(row, KEY_DAYS.certificate));
    if (current && !forceNewDsc) return;
    await makeDsc(csca, tx, actor);
    // Older signers stop signing; they stay in the trust list until they expire.
    for (const row of signing) await store.addKeyEvent(tx, row.id, 'retired', actor);
    invalidate();
  }

  async function ensureKeys(): Promise<void> {
    ensuring ??= db.transaction((tx) => ensureWithin(tx, 'system', false)).finally(() => {
      ensuring = undefined;
    });
    return ensuring;
  }

  async function activeSigner(): Promise<{ row: store.KeyRow; signer: DccSigner }> {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const row = (await store.listKeys(db, ['dsc'])).find((key) => usable(key, 1));
      if (row) return { row, signer: { certificatePem: row.certificate_pem, privateKeyPem: unseal(config.sessionSecret, row.private_key!) } };
      await ensureKeys();
    }
    throw new Error('no document signer could be made');
  }

  async function buildTrust(): Promise<TrustList> {
    const list = new TrustList();
    const now = Date.now();
    for (const row of await store.listKeys(db, ['dsc', 'foreign'])) {
      if (row.removed_at) continue;
      // Expired signers stay: the verifier names the expiry instead of calling the key unknown.
      if (new Date(row.not_after).getTime() < now - 365 * 86_400_000) continue;
      try {
        list.addCertificate(row.certificate_pem, row.kid);
      } catch (error) {
        ctx.log.warn({ keyId: row.id, err: error }, 'a stored DCC signer certificate could not be read');
      }
    }
    return list;
  }

  async function verifierTrust(): Promise<TrustList> {
    if (!trust || Date.now() - trust.at > TRUST_TTL_MS) {
      const list = buildTrust();
      trust = { list, at: Date.now() };
      list.catch(invalidate);
    }
    return trust.list;
  }

  return {
    ensureKeys,

    async rotate(actor) {
      await db.transaction(async (tx) => {
        await ensureWithin(tx, actor?.id ?? null, true);
        await ctx.audit.record(tx, actor, { action: 'health.dcc.rotate', subjectType: 'dcc-key', subjectId: 'dsc' });
      });
      invalidate();
      const { row } = await activeSigner();
      return describe(row);
    },

    async trustList() {
      await ensureKeys();
      const now = Date.now();
      const keys = await store.listKeys(db, ['csca', 'dsc']);
      const published = keys.filter((row) => !row.removed_at && new Date(row.not_after).getTime() > now).map((row) => describe(row, now));
      return {
        country: DCC_COUNTRY,
        issuedAt: new Date(now).toISOString(),
        csca: published.filter((key) => key.role === 'csca'),
        signers: published.filter((key) => key.role === 'dsc'),
      };
    },

    async signers() {
      await ensureKeys();
      return (await store.listKeys(db, ['csca', 'dsc', 'foreign'])).map((row) => describe(row));
    },

    async importSigner(input, actor) {
      let certificate: X509Certificate;
      try {
        certificate = new X509Certificate(certificateDer(input.certificate.trim()));
      } catch {
        throw new HealthInputError('certificateUnreadable', 'certificate');
      }
      const key = certificate.publicKey;
      const suitable = (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') || key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss';
      if (!suitable) throw new HealthInputError('keyNotSuitable', 'certificate');
      if (certificate.ca) throw new HealthInputError('notDocumentSigner', 'certificate');
      const country = (input.country?.trim().toUpperCase() || countryOf(certificate)) ?? '';
      if (!/^[A-Z]{2}$/.test(country)) throw new HealthInputError('countryRequired', 'country');
      const pem = certificate.toString();
      const kid = kidOf(certificate.raw).toString('base64');
      const existing = await store.findKeyByCertificate(db, 'foreign', kid, pem);
      // A removed signer stays removed: trusting it again is a decision for a new certificate.
      if (existing) throw new HealthInputError(existing.removed_at ? 'signerRemoved' : 'signerExists', 'certificate', { kid }, 409);
      const id = await db.transaction(async (tx) => {
        const inserted = await store.insertKey(tx, { role: 'foreign', kid, country, certificatePem: pem, privateKey: null, notBefore: new Date(certificate.validFrom), notAfter: new Date(certificate.validTo), createdBy: actor?.id ?? null });
        await ctx.audit.record(tx, actor, { action: 'health.dcc.import-signer', subjectType: 'dcc-key', subjectId: inserted, details: { kid, country } });
        return inserted;
      });
      invalidate();
      return describe((await store.findKey(db, id))!);
    },

    async removeSigner(id, actor) {
      const row = /^[0-9a-f-]{36}$/i.test(id) ? await store.findKey(db, id) : undefined;
      if (!row || row.role !== 'foreign') throw new HealthInputError('signerNotFound', 'id', {}, 404);
      await db.transaction(async (tx) => {
        await store.addKeyEvent(tx, row.id, 'removed', actor?.id ?? null);
        await ctx.audit.record(tx, actor, { action: 'health.dcc.remove-signer', subjectType: 'dcc-key', subjectId: row.id, details: { kid: row.kid, country: row.country } });
      });
      invalidate();
      return describe((await store.findKey(db, id))!);
    },

    verifierTrust,

    async verify(hc1, at) {
      return verifyHc1(hc1, { trust: await verifierTrust(), ...(at ? { at } : {}) });
    },

    async issueVaccination(registerNumber, actor, requestId) {
      const [person, vaccinations] = await Promise.all([records.person(registerNumber), records.vaccinations(registerNumber)]);
      if (!person) throw new HealthInputError('personNotFound', 'registerNumber', {}, 404);
      const doses = (vaccinations ?? []).filter((item) => item.disease === COVID_19).sort((a, b) => a.date.localeCompare(b.date) || a.dose - b.dose);
      const latest = doses.at(-1);
      if (!latest) throw new HealthInputError('noVaccination', 'registerNumber', {}, 404);
      const { row, signer } = await activeSigner();
      const issuedAt = new Date(Math.floor(Date.now() / 1000) * 1000);
      const expiresAt = new Date(Math.min(issuedAt.getTime() + KEY_DAYS.certificate * 86_400_000, new Date(row.not_after).getTime()));
      const uvci = newUvci(DCC_COUNTRY);
      const payload: DccPayload = {
        ver: '1.3.0',
        nam: {
          fn: person.surname,
          fnt: icaoName(person.latin?.surname || person.surname),
          gn: person.givenName,
          gnt: icaoName(person.latin?.givenName || person.givenName),
        },
        dob: person.birthDate,
        v: [{
          tg: COVID_19,
          vp: latest.prophylaxis ?? '1119349007',
          mp: latest.vaccine,
          ma: latest.manufacturer ?? '',
          dn: latest.dose,
          sd: Math.max(latest.totalDoses, latest.dose),
          dt: latest.date,
          co: latest.country,
          is: DCC_ISSUER_NAME,
          ci: uvci,
        }],
      };
      const hc1 = issueDcc({ payload, signer, issuer: DCC_COUNTRY, issuedAt, expiresAt });
      await db.transaction(async (tx) => {
        await store.insertIssued(tx, { uvci, registerNumber, certificateType: 'v', kid: row.kid, issuedAt, expiresAt, actor: actor?.id ?? null, requestId: requestId ?? null });
        await ctx.audit.record(tx, actor, { action: 'health.dcc.issue', subjectType: 'dcc', subjectId: uvci, details: { certificateType: 'v', kid: row.kid } }, requestId);
      });
      const [svg, png] = await Promise.all([qrSvg(hc1), qrPng(hc1)]);
      return { uvci, hc1, certificateType: 'v', payload, kid: row.kid, issuedAt: issuedAt.toISOString(), expiresAt: expiresAt.toISOString(), qrSvg: svg, qrPng: png.toString('base64') };
    },

    issuedFor: (registerNumber) => store.issuedFor(db, registerNumber),
  };
}

