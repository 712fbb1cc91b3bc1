// The health module's domain: the keys that sign EU Digital COVID Certificates (a country signing
// CA and document signers it certifies, rotated when a signer gets too close to its end), the
// other countries' signers we trust, issuing a person's vaccination certificate from the health
// and population registries, and verifying any certificate. No HTTP here, no SQL strings.
import { dccDate } from './rows.ts';
import { createPublicKey, X509Certificate } from 'node:crypto';
import type { Principal } from '../../kernel/auth.ts';
import type { AppContext } from '../../kernel/context.ts';
import type { Queryable } from '../../kernel/db.ts';
import { seal, unseal } from '../../kernel/secrets.ts';
import { certificateDer, createCsca, createDsc, certificateTypesAllowed, DccIssueError, issueDcc, kidOf, qrPng, qrSvg, TrustList, verifyHc1, type CertificateType, type DccPayload, type DccSigner, type RecoveryEntry, type TestEntry, type VaccinationEntry, type VerificationResult } from './dcc/index.ts';
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

/** A test for an infection as the health registry records it (EU value-set codes). */
export interface TestRecord {
  disease: string;
  /** LP6464-4 (nucleic acid amplification, e.g. PCR) or LP217198-3 (rapid antigen test). */
  testType: string;
  /** Name of the NAAT test (nm), free text. */
  testName?: string;
  /** Rapid antigen test device identifier from the EU list (ma), e.g. 1232. */
  device?: string;
  /** When the sample was taken: ISO 8601 date-time with its offset. */
  sampledAt: string;
  /** 260415000 not detected, 260373001 detected. */
  result: string;
  /** Testing centre or facility (tc). */
  centre?: string;
  country: string;
}

/** A recovery as the health registry records it: the first positive NAAT result, and the certificate's validity when the registry sets it. */
export interface RecoveryRecord {
  disease: string;
  /** Date of the first positive NAAT result (fr), yyyy-MM-dd. */
  firstPositive: string;
  /** Default: 11 days after the first positive result. */
  validFrom?: string;
  /** Default: 180 days after the first positive result. */
  validUntil?: string;
  country: string;
}

/** Where the registries' data comes from; app.ts wires it to the registries module. Tests and recoveries are optional: without them only vaccination certificates are issued. */
export interface HealthRecords {
  person(registerNumber: string): Promise<PersonNames | undefined>;
  vaccinations(registerNumber: string): Promise<VaccinationRecord[] | undefined>;
  tests?(registerNumber: string): Promise<TestRecord[] | undefined>;
  recoveries?(registerNumber: string): Promise<RecoveryRecord[] | undefined>;
}

/** EU rules for a certificate of recovery made from a first positive result: valid from day 11 to day 180. */
export const RECOVERY_DAYS = { from: 11, until: 180 } as const;

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
  /** The opaque part of the UVCI: how the person's pages name the certificate. */
  id: string;
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
  /** Issues a certificate of the type from the person's latest COVID-19 vaccination, test or recovery. Recorded; the record cannot be undone. */
  issue(registerNumber: string, certificateType: CertificateType, actor: Principal | null, requestId?: string): Promise<IssuedCertificate>;
  /** Which certificate types the person's health record has something for. */
  available(registerNumber: string): Promise<CertificateType[]>;
  issuedFor(registerNumber: string): Promise<store.IssuedRow[]>;
  /** One of the person's own issued certificates by its id (the opaque part of the UVCI), with its HC1 text; undefined when it is not theirs or holds no text. */
  findIssued(registerNumber: string, id: string): Promise<(store.IssuedRow & { hc1: string }) | undefined>;
  /** Called after each certificate is issued and recorded (the portal keeps it among the person's documents). */
  onIssued(listener: IssuedListener): void;
}

export type IssuedListener = (certificate: IssuedCertificate, registerNumber: string, actor: Principal | null, requestId?: string) => Promise<void>;

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

/** The person's latest COVID-19 dose, if any. */
function latestDose(vaccinations: VaccinationRecord[] | undefined): VaccinationRecord | undefined {
  return (vaccinations ?? []).filter((item) => item.disease === COVID_19).sort((a, b) => a.date.localeCompare(b.date) || a.dose - b.dose).at(-1);
}

/** The person's latest COVID-19 test, if any. */
function latestTest(tests: TestRecord[] | undefined): TestRecord | undefined {
  return (tests ?? []).filter((item) => item.disease === COVID_19 && !Number.isNaN(Date.parse(item.sampledAt))).sort((a, b) => Date.parse(a.sampledAt) - Date.parse(b.sampledAt)).at(-1);
}

/** The person's latest COVID-19 recovery, if any. */
function latestRecovery(recoveries: RecoveryRecord[] | undefined): RecoveryRecord | undefined {
  return (recoveries ?? []).filter((item) => item.disease === COVID_19 && /^\d{4}-\d{2}-\d{2}$/.test(item.firstPositive)).sort((a, b) => a.firstPositive.localeCompare(b.firstPositive)).at(-1);
}

/** EU value sets: test types (NAAT, rapid antigen) and results (not detected, detected). */
const TEST_TYPES = new Set(['LP6464-4', 'LP217198-3']);
const TEST_RESULTS = new Set(['260415000', '260373001']);
const COUNTRY = /^[A-Z]{2}$/;

/** A recovery's validity (df, du) and the moment the certificate must end: the last second of du. */
function recoveryPeriod(recovery: RecoveryRecord): { df: string; du: string; until: Date } {
  const df = recovery.validFrom ?? addDays(recovery.firstPositive, RECOVERY_DAYS.from);
  const du = recovery.validUntil ?? addDays(recovery.firstPositive, RECOVERY_DAYS.until);
  return { df, du, until: new Date(`${du}T23:59:59Z`) };
}

/** yyyy-MM-dd plus some days. */
function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** What the person's pages call a certificate: the opaque part of its UVCI. */
export const UVCI_ID = /^[0-9A-Z]{1,60}$/;
export function uvciId(uvci: string): string {
  return /:([0-9A-Z]+)#.$/.exec(uvci)?.[1] ?? uvci;
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

  /** The entry (v, t or r) for the person's latest record of the type, or a HealthInputError naming what is missing. */
  async function entryFor(registerNumber: string, certificateType: CertificateType, uvci: string, issuedAt: Date): Promise<{ entry: VaccinationEntry | TestEntry | RecoveryEntry; until?: Date }> {
    if (certificateType === 'v') {
      const latest = latestDose(await records.vaccinations(registerNumber));
      if (!latest) throw new HealthInputError('noVaccination', 'registerNumber', {}, 404);
      return {
        entry: { tg: COVID_19, vp: latest.prophylaxis ?? '1119349007', mp: latest.vaccine, ma: latest.manufacturer ?? '', dn: latest.dose, sd: Math.max(latest.totalDoses, latest.dose), dt: latest.date, co: latest.country, is: DCC_ISSUER_NAME, ci: uvci },
      };
    }
    if (certificateType === 't') {
      const latest = latestTest(await records.tests?.(registerNumber));
      if (!latest) throw new HealthInputError('noTest', 'registerNumber', {}, 404);
      // The registry's record is checked against the EU value sets here: the DCC schema alone lets any text through.
      const wrong = !TEST_TYPES.has(latest.testType) ? `testType ${JSON.stringify(latest.testType)}` : !TEST_RESULTS.has(latest.result) ? `result ${JSON.stringify(latest.result)}` : !COUNTRY.test(latest.country) ? `country ${JSON.stringify(latest.country)}` : undefined;
      if (wrong) throw new HealthInputError('recordInvalid', 'registerNumber', { detail: wrong }, 400);
      const entry: TestEntry = { tg: COVID_19, tt: latest.testType, sc: new Date(latest.sampledAt).toISOString().replace(/\.\d{3}Z$/, 'Z'), tr: latest.result, co: latest.country, is: DCC_ISSUER_NAME, ci: uvci };
      if (latest.testName) entry.nm = latest.testName;
      if (latest.device) entry.ma = latest.device;
      if (latest.centre) entry.tc = latest.centre;
      return { entry };
    }
    const latest = latestRecovery(await records.recoveries?.(registerNumber));
    if (!latest) throw new HealthInputError('noRecovery', 'registerNumber', {}, 404);
    if (!COUNTRY.test(latest.country)) throw new HealthInputError('recordInvalid', 'registerNumber', { detail: `country ${JSON.stringify(latest.country)}` }, 400);
    const { df, du, until } = recoveryPeriod(latest);
    if (!(until.getTime() > issuedAt.getTime())) throw new HealthInputError('recoveryEnded', 'registerNumber', { date: dccDate(du) as string }, 404);
    return { entry: { tg: COVID_19, fr: latest.firstPositive, co: latest.country, is: DCC_ISSUER_NAME, df, du, ci: uvci }, until };
  }

  const issuedListeners: IssuedListener[] = [];

  async function issue(registerNumber: string, certificateType: CertificateType, actor: Principal | null, requestId?: string): Promise<IssuedCertificate> {
    const person = await records.person(registerNumber);
    if (!person) throw new HealthInputError('personNotFound', 'registerNumber', {}, 404);
    const issuedAt = new Date(Math.floor(Date.now() / 1000) * 1000);
    const uvci = newUvci(DCC_COUNTRY);
    const { entry, until } = await entryFor(registerNumber, certificateType, uvci, issuedAt);
    const { row, signer } = await activeSigner();
    const expiresAt = new Date(Math.min(issuedAt.getTime() + KEY_DAYS.certificate * 86_400_000, new Date(row.not_after).getTime(), until?.getTime() ?? Infinity));
    const payload: DccPayload = {
      ver: '1.3.0',
      nam: {
        fn: person.surname,
        fnt: icaoName(person.latin?.surname || person.surname),
        gn: person.givenName,
        gnt: icaoName(person.latin?.givenName || person.givenName),
      },
      dob: person.birthDate,
      [certificateType]: [entry],
    };
    let hc1: string;
    try {
      hc1 = issueDcc({ payload, signer, issuer: DCC_COUNTRY, issuedAt, expiresAt });
    } catch (error) {
      // A registry record the EU format cannot carry is the record's fault, named, not a crash.
      if (error instanceof DccIssueError && error.code === 'SCHEMA') throw new HealthInputError('recordInvalid', 'registerNumber', { detail: error.message }, 400);
      throw error;
    }
    await db.transaction(async (tx) => {
      await store.insertIssued(tx, { uvci, registerNumber, certificateType, kid: row.kid, issuedAt, expiresAt, actor: actor?.id ?? null, requestId: requestId ?? null, hc1 });
      await ctx.audit.record(tx, actor, { action: 'health.dcc.issue', subjectType: 'dcc', subjectId: uvci, details: { certificateType, kid: row.kid } }, requestId);
    });
    const [svg, png] = await Promise.all([qrSvg(hc1), qrPng(hc1)]);
    const issued: IssuedCertificate = { uvci, id: uvciId(uvci), hc1, certificateType, payload, kid: row.kid, issuedAt: issuedAt.toISOString(), expiresAt: expiresAt.toISOString(), qrSvg: svg, qrPng: png.toString('base64') };
    for (const listener of issuedListeners) await listener(issued, registerNumber, actor, requestId);
    return issued;
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
      return issue(registerNumber, 'v', actor, requestId);
    },

    issue,

    async available(registerNumber) {
      const [vaccinations, tests, recoveries] = await Promise.all([
        records.vaccinations(registerNumber),
        records.tests?.(registerNumber),
        records.recoveries?.(registerNumber),
      ]);
      const types: CertificateType[] = [];
      if (latestDose(vaccinations)) types.push('v');
      if (latestTest(tests)) types.push('t');
      const recovery = latestRecovery(recoveries);
      if (recovery && recoveryPeriod(recovery).until.getTime() > Date.now()) types.push('r');
      return types;
    },

    issuedFor: (registerNumber) => store.issuedFor(db, registerNumber),

    onIssued(listener) {
      issuedListeners.push(listener);
    },

    async findIssued(registerNumber, id) {
      if (!UVCI_ID.test(id)) return undefined;
      const row = await store.findIssued(db, registerNumber, id);
      return row?.hc1 ? { ...row, hc1: row.hc1 } : undefined;
    },
  };
}

