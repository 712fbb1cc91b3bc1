// Runner for the EU DCC test-file format (dgc-testdata: <COUNTRY>/2DCode/raw/<name>.json). Each
// file holds one certificate at every stage (JSON, CBOR, COSE, COMPRESSED, BASE45, PREFIX, 2DCODE),
// the signer certificate and a validation clock (TESTCTX), and EXPECTEDRESULTS: which steps must
// succeed (true) or fail (false). Every expectation present is checked against what this module's
// decoder and verifier do, trusting only the file's own certificate at its own clock. A stage the
// file leaves out is derived from the stage before it where there is one (PREFIX → BASE45 →
// COMPRESSED → COSE); an expectation whose inputs are all missing is listed as not checked.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { encode } from 'cborg';
import { base45Decode } from './base45.ts';
import { headerValue, HeaderLabel, parseCoseSign1 } from './cose.ts';
import { decodeDccCbor, encodeDccPayload, type JsonValue } from './cwt.ts';
import { validateDccPayload } from './schema.ts';
import { TrustList } from './trust.ts';
import { readQrPng } from './qr.ts';
import { decodeHc1, HC1_PREFIX, inflate, verifyCose, type FailureCode, type VerificationResult } from './verify.ts';

/** The EXPECTEDRESULTS flags of the test-file format. */
export const EXPECTATIONS = [
  'EXPECTEDVALIDOBJECT',
  'EXPECTEDSCHEMAVALIDATION',
  'EXPECTEDENCODE',
  'EXPECTEDDECODE',
  'EXPECTEDVERIFY',
  'EXPECTEDUNPREFIX',
  'EXPECTEDVALIDJSON',
  'EXPECTEDCOMPRESSION',
  'EXPECTEDB45DECODE',
  'EXPECTEDPICTUREDECODE',
  'EXPECTEDEXPIRATIONCHECK',
  'EXPECTEDKEYUSAGE',
] as const;
export type Expectation = (typeof EXPECTATIONS)[number];

/**
 * The reference suite's test functions (the test_name column of known_issues.csv) and the
 * expectations each stands for. The suite has no test of its own for EXPECTEDVALIDOBJECT (the
 * schema check on the JSON stage); its schema issues are about the payload, which is the same in
 * JSON and in COSE, so they cover both schema expectations.
 */
export const TEST_EXPECTATIONS: Record<string, Expectation[]> = {
  test_compression: ['EXPECTEDCOMPRESSION'],
  test_cose_schema: ['EXPECTEDSCHEMAVALIDATION', 'EXPECTEDVALIDOBJECT'],
  test_cose_json: ['EXPECTEDDECODE'],
  test_cose_cbor: ['EXPECTEDDECODE'],
  test_cbor_json: ['EXPECTEDVALIDJSON'],
  test_verification_check: ['EXPECTEDVERIFY'],
  test_expiration_check: ['EXPECTEDEXPIRATIONCHECK'],
  test_expected_key_usage: ['EXPECTEDKEYUSAGE'],
  test_b45decode: ['EXPECTEDB45DECODE'],
  test_un_prefix: ['EXPECTEDUNPREFIX'],
  test_picture_decode: ['EXPECTEDPICTUREDECODE'],
  // The suite checks the codes against the EU value sets in a test of their own; here a code outside
  // them fails the schema expectations, so such an issue explains only a VALUE_SET miss of those.
  test_valuesets: ['EXPECTEDSCHEMAVALIDATION', 'EXPECTEDVALIDOBJECT'],
};

/**
 * Official test files whose codes lie outside the EU value sets though they are expected valid,
 * found by this project (upstream's known_issues.csv does not list them); read with every run.
 */
const VALUE_SET_ISSUES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'valuesets', 'testdata-issues.csv');

export interface KnownIssue {
  testName: string;
  country: string;
  /** File name without .json; empty for every file of the country. */
  testSet: string;
  reason: string;
}

export interface ExpectationCheck {
  expectation: Expectation;
  expected: boolean;
  actual: boolean;
  /** What our side found, e.g. the failure codes of the verifier. */
  detail: string;
  /** The known issue that explains a mismatch. */
  knownIssue?: string;
}

export interface FileResult {
  /** Path relative to the test-data folder, with forward slashes. */
  file: string;
  country: string;
  testSet: string;
  description: string;
  status: 'passed' | 'failed' | 'known';
  checks: ExpectationCheck[];
  /** Expectations present whose inputs the file does not have. */
  notChecked: { expectation: Expectation; reason: string }[];
  /** Keys under EXPECTEDRESULTS that are not expectations (misspellings in the upstream files). */
  ignoredKeys: string[];
}

export interface ConformanceReport {
  files: FileResult[];
  passed: number;
  failed: number;
  known: number;
  knownIssues: KnownIssue[];
}

export interface ConformanceOptions {
  /** Path of a known_issues.csv (test_name,country,test_set,reason). */
  knownIssues?: string;
  onProgress?: (done: number, total: number) => void;
}

/** Runs every test file under `dir` and reports which expectations our implementation does not meet. */
export async function runConformance(dir: string, options: ConformanceOptions = {}): Promise<ConformanceReport> {
  const knownIssues = [...(options.knownIssues ? parseKnownIssues(await readFile(options.knownIssues, 'utf8')) : []), ...parseKnownIssues(await readFile(VALUE_SET_ISSUES, 'utf8'))];
  const files = await findTestFiles(dir);
  const results: FileResult[] = [];
  for (const file of files) {
    results.push(checkFile(path.relative(dir, file).split(path.sep).join('/'), await readFile(file, 'utf8'), knownIssues));
    options.onProgress?.(results.length, files.length);
  }
  return {
    files: results,
    passed: results.filter((result) => result.status === 'passed').length,
    failed: results.filter((result) => result.status === 'failed').length,
    known: results.filter((result) => result.status === 'known').length,
    knownIssues,
  };
}

/** The printed report: one line per file that falls short, then the counts, ending with "N passed, M failed". */
export function formatConformanceReport(report: ConformanceReport): string {
  const lines: string[] = [];
  for (const result of report.files) {
    if (result.status === 'passed') continue;
    const misses = result.checks
      .filter((check) => check.actual !== check.expected)
      .map((check) => `${check.expectation} expected ${check.expected}, got ${check.actual} (${check.detail})${check.knownIssue ? ` [known: ${check.knownIssue}]` : ''}`);
    lines.push(`${result.status === 'failed' ? 'FAIL ' : 'KNOWN'} ${result.file}: ${misses.join('; ') || result.description}`);
  }
  const notChecked = report.files.reduce((sum, result) => sum + result.notChecked.length, 0);
  lines.push(`${report.known} falling short only on known issues (not counted below); ${notChecked} expectations without the inputs to check them`);
  lines.push(`${report.passed} passed, ${report.failed} failed`);
  return lines.join('\n');
}

async function findTestFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (folder: string): Promise<void> => {
    const entries = await readdir(folder, { withFileTypes: true });
    for (const entry of entries) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) await walk(full);
      // Test files live in <COUNTRY>/2DCode/raw (one country spells it Raw).
      else if (entry.name.endsWith('.json') && /(^|[\\/])2DCode[\\/]raw$/i.test(folder)) found.push(full);
    }
  };
  await walk(dir);
  return found.sort();
}

/** Reads known_issues.csv: a header line, then test_name,country,test_set,reason (no quoting in practice; reason may hold commas). */
export function parseKnownIssues(csv: string): KnownIssue[] {
  const rows = csv.split(/\r?\n/).filter((line) => line.trim() !== '');
  const [header, ...body] = rows;
  if (!header || !/^test_name,country,test_set,reason$/.test(header.trim())) throw new Error('known issues: the header must be test_name,country,test_set,reason');
  return body.map((line) => {
    const [testName = '', country = '', testSet = '', ...reason] = line.split(',');
    return { testName: testName.trim(), country: country.trim(), testSet: testSet.trim(), reason: reason.join(',').trim() };
  });
}

// As the reference suite matches them: the row's test (or every test when empty) for the row's
// country, for one file (test_set = the file name without .json) or for all when test_set is empty.
function knownIssueFor(issues: KnownIssue[], expectation: Expectation, country: string, testSet: string, detail: string): string | undefined {
  for (const issue of issues) {
    if (issue.country !== country) continue;
    if (issue.testName === 'test_valuesets' && !detail.includes('VALUE_SET')) continue;
    if (issue.testSet && issue.testSet !== testSet) continue;
    if (issue.testName && !(TEST_EXPECTATIONS[issue.testName] ?? []).includes(expectation)) continue;
    return issue.reason || `${issue.testName} ${issue.country} ${issue.testSet}`.trim();
  }
  return undefined;
}

type TestFile = Record<string, unknown> & { TESTCTX?: Record<string, unknown>; EXPECTEDRESULTS?: Record<string, unknown> };

const SIGNATURE_CODES: FailureCode[] = ['TOO_LARGE', 'CBOR', 'COSE_TAG', 'COSE_STRUCTURE', 'KID_MISSING', 'KID_UNKNOWN', 'ALGORITHM', 'SIGNATURE'];
const TIME_CODES: FailureCode[] = ['SIGNER_NOT_YET_VALID', 'SIGNER_EXPIRED', 'CWT_NOT_YET_VALID', 'CWT_EXPIRED', 'CWT_OUTSIDE_SIGNER_VALIDITY'];
const STRUCTURE_CODES: FailureCode[] = ['TOO_LARGE', 'CBOR', 'COSE_TAG', 'COSE_STRUCTURE'];
const CONTENT_CODES: FailureCode[] = ['CWT_CLAIMS', 'HCERT_MISSING', 'CERTIFICATE_TYPE', 'SCHEMA_VERSION', 'SCHEMA', 'VALUE_SET'];

function checkFile(file: string, text: string, knownIssues: KnownIssue[]): FileResult {
  const [country = '', ...rest] = file.split('/');
  const testSet = path.basename(rest.at(-1) ?? '', '.json');
  const result: FileResult = { file, country, testSet, description: '', status: 'passed', checks: [], notChecked: [], ignoredKeys: [] };
  let data: TestFile;
  try {
    data = JSON.parse(text) as TestFile;
  } catch (error) {
    result.status = 'failed';
    result.description = `not JSON: ${error instanceof Error ? error.message : String(error)}`;
    return result;
  }
  const context = (data.TESTCTX ?? {}) as Record<string, unknown>;
  result.description = typeof context.DESCRIPTION === 'string' ? context.DESCRIPTION : '';
  const expected = (data.EXPECTEDRESULTS ?? {}) as Record<string, unknown>;
  const stages = new Stages(data);
  for (const [key, value] of Object.entries(expected)) {
    if (!(EXPECTATIONS as readonly string[]).includes(key) || typeof value !== 'boolean') {
      result.ignoredKeys.push(key);
      continue;
    }
    const expectation = key as Expectation;
    const outcome = evaluate(expectation, stages);
    if ('notChecked' in outcome) {
      result.notChecked.push({ expectation, reason: outcome.notChecked });
      continue;
    }
    const check: ExpectationCheck = { expectation, expected: value, actual: outcome.actual, detail: outcome.detail };
    if (check.actual !== check.expected) {
      const known = knownIssueFor(knownIssues, expectation, country, testSet, check.detail);
      if (known) check.knownIssue = known;
    }
    result.checks.push(check);
  }
  const misses = result.checks.filter((check) => check.actual !== check.expected);
  result.status = misses.length === 0 ? 'passed' : misses.every((check) => check.knownIssue) ? 'known' : 'failed';
  return result;
}

type Outcome = { actual: boolean; detail: string } | { notChecked: string };

function evaluate(expectation: Expectation, stages: Stages): Outcome {
  switch (expectation) {
    case 'EXPECTEDUNPREFIX': {
      // The PREFIX field without its "HC1:" must be the BASE45 field (or, lacking it, base45 at all).
      const prefixed = stages.field('PREFIX');
      if (prefixed === undefined) return { notChecked: 'no PREFIX' };
      if (!prefixed.startsWith(HC1_PREFIX)) return { actual: false, detail: `PREFIX does not start with ${HC1_PREFIX}` };
      const base45 = stages.field('BASE45');
      const rest = prefixed.slice(HC1_PREFIX.length);
      if (base45 !== undefined) return rest === base45 ? { actual: true, detail: 'equals BASE45' } : { actual: false, detail: 'differs from BASE45' };
      return base45Decode(rest) ? { actual: true, detail: 'base45 after the prefix' } : { actual: false, detail: 'not base45 after the prefix' };
    }
    case 'EXPECTEDB45DECODE': {
      const source = stages.base45Text();
      if (source === undefined) return { notChecked: 'no BASE45 or PREFIX' };
      const bytes = base45Decode(source);
      if (!bytes) return { actual: false, detail: 'BASE45' };
      const compressed = stages.hexField('COMPRESSED');
      if (compressed === undefined) return { actual: true, detail: 'decodes' };
      return bytes.equals(compressed) ? { actual: true, detail: 'equals COMPRESSED' } : { actual: false, detail: 'differs from COMPRESSED' };
    }
    case 'EXPECTEDCOMPRESSION': {
      const compressed = stages.compressed();
      if (!compressed) return { notChecked: 'no COMPRESSED, BASE45 or PREFIX' };
      const inflated = inflate(compressed);
      if (!inflated.ok) return { actual: false, detail: inflated.code };
      const cose = stages.hexField('COSE');
      if (cose === undefined) return { actual: true, detail: 'decompresses' };
      return inflated.cose.equals(cose) ? { actual: true, detail: 'equals COSE' } : { actual: false, detail: 'differs from COSE' };
    }
    case 'EXPECTEDPICTUREDECODE': {
      const picture = stages.field('2DCODE');
      if (picture === undefined) return { notChecked: 'no 2DCODE' };
      const read = readQrPng(Buffer.from(picture, 'base64'));
      if (read === undefined) return { actual: false, detail: 'no QR code read' };
      const prefixed = stages.field('PREFIX');
      if (prefixed === undefined) return { actual: true, detail: 'read' };
      return read === prefixed ? { actual: true, detail: 'equals PREFIX' } : { actual: false, detail: 'differs from PREFIX' };
    }
    case 'EXPECTEDVERIFY': {
      const verified = stages.verification();
      if ('notChecked' in verified) return verified;
      return codesOutcome(verified, SIGNATURE_CODES);
    }
    case 'EXPECTEDEXPIRATIONCHECK': {
      const verified = stages.verificationAsSigner();
      if ('notChecked' in verified) return verified;
      if (!verified.issuedAt || !verified.expiresAt) return { actual: false, detail: 'no iat or exp' };
      return codesOutcome(verified, [...STRUCTURE_CODES, ...TIME_CODES]);
    }
    case 'EXPECTEDKEYUSAGE': {
      // The key usage of the file's certificate against the certificate type of the payload.
      const verified = stages.verificationAsSigner();
      if ('notChecked' in verified) return verified;
      if (!verified.certificateType) return { actual: false, detail: listCodes(verified) || 'no single certificate type' };
      return codesOutcome(verified, [...STRUCTURE_CODES, 'KEY_USAGE']);
    }
    case 'EXPECTEDSCHEMAVALIDATION': {
      const decoded = stages.decoded();
      if ('notChecked' in decoded) return decoded;
      return codesOutcome(decoded, [...STRUCTURE_CODES, ...CONTENT_CODES]);
    }
    case 'EXPECTEDVALIDOBJECT': {
      // The JSON against the schema the test context names.
      const json = stages.json();
      if (json === undefined) return { notChecked: 'no JSON' };
      const schema = stages.context('SCHEMA');
      const checked = validateDccPayload(json, typeof schema === 'string' ? schema : undefined);
      return checked.ok ? { actual: true, detail: `valid (schema ${checked.version})` } : { actual: false, detail: `${checked.code}: ${checked.detail}` };
    }
    case 'EXPECTEDENCODE': {
      // JSON → CBOR with our encoder; compared with the file's CBOR after both are decoded and
      // re-encoded by the same (canonical) encoder, since map order is free in CBOR.
      const json = stages.json();
      const cbor = stages.hexField('CBOR');
      if (json === undefined || cbor === undefined) return { notChecked: 'no JSON or CBOR' };
      const ours = decodeDccCbor(encodeDccPayload(json));
      const theirs = decodeDccCbor(cbor);
      if (!ours.ok) return { actual: false, detail: `our encoding: ${ours.detail}` };
      if (!theirs.ok) return { actual: false, detail: `CBOR: ${theirs.detail}` };
      return Buffer.from(encode(ours.value)).equals(Buffer.from(encode(theirs.value))) ? { actual: true, detail: 'same CBOR' } : { actual: false, detail: 'CBOR differs' };
    }
    case 'EXPECTEDDECODE': {
      // The payload extracted from COSE matches the CBOR field, and both match JSON.
      const json = stages.json();
      const cbor = stages.hexField('CBOR');
      const cose = stages.cose();
      if (cose === undefined && cbor === undefined) return { notChecked: 'no COSE or CBOR' };
      let fromCbor: JsonValue | undefined;
      if (cbor !== undefined) {
        const decoded = decodeDccCbor(cbor);
        if (!decoded.ok) return { actual: false, detail: `CBOR: ${decoded.detail}` };
        fromCbor = decoded.value;
        if (json !== undefined && !sameContent(fromCbor, json)) return { actual: false, detail: `CBOR differs from JSON${difference(fromCbor, json)}` };
      }
      if (cose !== undefined) {
        const decoded = stages.decoded();
        const payload = 'notChecked' in decoded ? undefined : (decoded.payload as JsonValue | undefined);
        if (payload === undefined) return { actual: false, detail: `no payload from COSE (${'notChecked' in decoded ? decoded.notChecked : listCodes(decoded)})` };
        if (fromCbor !== undefined && !sameContent(payload, fromCbor)) return { actual: false, detail: `COSE payload differs from CBOR${difference(payload, fromCbor)}` };
        if (json !== undefined && !sameContent(payload, json)) return { actual: false, detail: `COSE payload differs from JSON${difference(payload, json)}` };
      }
      return { actual: true, detail: 'decodes and matches' };
    }
    case 'EXPECTEDVALIDJSON': {
      // The whole chain from the QR text (PREFIX, else the picture) decodes to the JSON; so does the CBOR field.
      const json = stages.json();
      if (json === undefined) return { notChecked: 'no JSON' };
      const cbor = stages.hexField('CBOR');
      const picture = stages.field('2DCODE');
      const prefixed = stages.field('PREFIX') ?? (picture === undefined ? undefined : (readQrPng(Buffer.from(picture, 'base64')) ?? ''));
      if (cbor === undefined && prefixed === undefined) return { notChecked: 'no PREFIX or CBOR' };
      if (cbor !== undefined) {
        const decoded = decodeDccCbor(cbor);
        if (!decoded.ok) return { actual: false, detail: `CBOR: ${decoded.detail}` };
        if (!sameContent(decoded.value, json)) return { actual: false, detail: `CBOR differs from JSON${difference(decoded.value, json)}` };
      }
      if (prefixed !== undefined) {
        const decoded = decodeHc1(prefixed);
        if (!decoded.ok) return { actual: false, detail: `PREFIX: ${decoded.code}` };
        const verified = verifyCose(decoded.cose, { trust: new TrustList() });
        if (!verified.payload) return { actual: false, detail: `PREFIX: ${listCodes(verified)}` };
        if (!sameContent(verified.payload as unknown as JsonValue, json)) return { actual: false, detail: `PREFIX payload differs from JSON${difference(verified.payload as unknown as JsonValue, json)}` };
      }
      return { actual: true, detail: 'matches JSON' };
    }
  }
}

function listCodes(result: VerificationResult): string {
  return result.failures.map((code) => `${code}: ${result.details[code]}`).join(', ');
}

function codesOutcome(result: VerificationResult, codes: FailureCode[]): Outcome {
  const hit = result.failures.filter((code) => codes.includes(code));
  return hit.length ? { actual: false, detail: hit.map((code) => `${code}: ${result.details[code]}`).join(', ') } : { actual: true, detail: `none of ${codes.join(', ')}` };
}

/** The stages of one test file, each from its field or derived from the stage before. */
class Stages {
  private verified: VerificationResult | { notChecked: string } | undefined;
  private verifiedAsSigner: VerificationResult | { notChecked: string } | undefined;
  private decodedOnly: VerificationResult | { notChecked: string } | undefined;
  private coseBytes: Buffer | null | undefined;

  constructor(private readonly data: TestFile) {}

  field(name: string): string | undefined {
    const value = this.data[name];
    return typeof value === 'string' ? value : undefined;
  }

  hexField(name: string): Buffer | undefined {
    const value = this.field(name);
    return value !== undefined && /^([0-9a-fA-F]{2})*$/.test(value) ? Buffer.from(value, 'hex') : undefined;
  }

  context(name: string): unknown {
    return this.data.TESTCTX?.[name];
  }

  json(): JsonValue | undefined {
    const value = this.data.JSON;
    return value === undefined ? undefined : (value as JsonValue);
  }

  base45Text(): string | undefined {
    const base45 = this.field('BASE45');
    if (base45 !== undefined) return base45;
    const prefixed = this.field('PREFIX');
    return prefixed?.startsWith(HC1_PREFIX) ? prefixed.slice(HC1_PREFIX.length) : undefined;
  }

  compressed(): Buffer | undefined {
    const compressed = this.hexField('COMPRESSED');
    if (compressed !== undefined) return compressed;
    const base45 = this.base45Text();
    return base45 === undefined ? undefined : base45Decode(base45);
  }

  cose(): Buffer | undefined {
    if (this.coseBytes === undefined) {
      this.coseBytes = this.hexField('COSE') ?? null;
      if (this.coseBytes === null) {
        const compressed = this.compressed();
        const inflated = compressed ? inflate(compressed) : undefined;
        if (inflated?.ok) this.coseBytes = inflated.cose;
      }
    }
    return this.coseBytes ?? undefined;
  }

  /** The COSE stage decoded by our verifier with nothing trusted: structure, claims and payload, whatever the signature. */
  decoded(): VerificationResult | { notChecked: string } {
    if (!this.decodedOnly) {
      const cose = this.cose();
      this.decodedOnly = cose === undefined ? { notChecked: 'no COSE (nor a stage to derive it from)' } : verifyCose(cose, { trust: new TrustList() });
    }
    return this.decodedOnly;
  }

  /** Our verifier on the COSE stage, trusting the file's certificate (under its own kid) at the file's validation clock. */
  verification(): VerificationResult | { notChecked: string } {
    this.verified ??= this.verify(false);
    return this.verified;
  }

  /**
   * The same, with the file's certificate trusted under whatever kid the message names: the time
   * and key-usage expectations are about that certificate as the signer, whether or not the kid
   * or the signature is right (those are EXPECTEDVERIFY's business).
   */
  verificationAsSigner(): VerificationResult | { notChecked: string } {
    this.verifiedAsSigner ??= this.verify(true);
    return this.verifiedAsSigner;
  }

  private verify(underMessageKid: boolean): VerificationResult | { notChecked: string } {
    const cose = this.cose();
    const certificate = this.context('CERTIFICATE');
    const clock = parseClock(this.context('VALIDATIONCLOCK')) ?? parseClock(this.context('validationClockInstant'));
    if (cose === undefined) return { notChecked: 'no COSE (nor a stage to derive it from)' };
    if (typeof certificate !== 'string') return { notChecked: 'no TESTCTX.CERTIFICATE' };
    if (!clock) return { notChecked: 'no readable TESTCTX.VALIDATIONCLOCK' };
    const trust = new TrustList();
    let kid: string | undefined;
    if (underMessageKid) {
      const parsed = parseCoseSign1(cose);
      const value = parsed.ok ? headerValue(parsed.value, HeaderLabel.kid) : undefined;
      if (value instanceof Uint8Array && value.length > 0) kid = Buffer.from(value).toString('base64');
    }
    try {
      trust.addCertificate(certificate, kid);
    } catch {
      // An unreadable certificate trusts nothing: verification then fails with KID_UNKNOWN.
    }
    return verifyCose(cose, { trust, at: clock });
  }
}

/**
 * An ISO 8601 timestamp as the files write it: with or without fractional seconds (any number of
 * digits), with Z, ±hh:mm, ±hhmm or no zone (then UTC, as the reference suite reads it).
 */
export function parseClock(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i.exec(value.trim());
  if (!match) return undefined;
  const [, year, month, day, hour = '0', minute = '0', second = '0', fraction = '', zone = 'Z'] = match;
  let time = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second), Number(fraction.slice(0, 3).padEnd(3, '0')));
  if (zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    time -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0')) * 60_000;
  }
  return Number.isNaN(time) ? undefined : new Date(time);
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})$/i;

/**
 * Deep equality of JSON values; object member order does not matter, array order does. Two
 * RFC 3339 date-times are equal when they name the same instant ("…12:34:56Z" and
 * "…12:34:56+00:00"), as issuers' serialisers write the same time differently.
 */
export function sameContent(a: JsonValue, b: JsonValue): boolean {
  if (a === b) return true;
  if (typeof a === 'string' && typeof b === 'string') {
    if (!DATE_TIME.test(a) || !DATE_TIME.test(b)) return false;
    const left = parseClock(a);
    const right = parseClock(b);
    return left !== undefined && right !== undefined && left.getTime() === right.getTime() && fraction(a) === fraction(b);
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, index) => sameContent(item, b[index]!));
  }
  if (typeof a === 'object' && typeof b === 'object' && a !== null && b !== null) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && sameContent(a[key]!, b[key]!));
  }
  return false;
}

// Sub-millisecond digits are beyond Date; compared as written, without trailing zeros.
function fraction(value: string): string {
  return (/\.(\d+)/.exec(value)?.[1] ?? '').replace(/0+$/, '');
}

function difference(a: JsonValue, b: JsonValue, where = ''): string {
  if (sameContent(a, b)) return '';
  if (typeof a === 'object' && typeof b === 'object' && a !== null && b !== null && Array.isArray(a) === Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) {
      const left = (a as Record<string, JsonValue>)[key];
      const right = (b as Record<string, JsonValue>)[key];
      if (left === undefined || right === undefined) return ` at ${where}/${key}: ${left === undefined ? 'missing' : 'extra'}`;
      const inner = difference(left, right, `${where}/${key}`);
      if (inner) return inner;
    }
  }
  return ` at ${where || '/'}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`;
}
