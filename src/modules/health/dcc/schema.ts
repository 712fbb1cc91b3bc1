// Validation of the eu_DCC_v1 payload by the rules of the EU DCC JSON schema, versions 1.0.0 to
// 1.3.3, written out as code: one walk over the payload, no schema files, no schema engine. The
// rules that changed between versions (which fields are required, length limits, the dob pattern,
// one entry per group, exactly one group) are looked up for the version the payload declares.
// Where the published schema is loose (an unanchored pattern, a `.` that matches any character)
// the looseness is kept: a verifier must not refuse what the official schema accepts.

import { valueSetFindings } from './valuesets.ts';

/** Schema versions whose rules are known, oldest first. */
export const SCHEMA_VERSIONS = ['1.0.0', '1.0.1', '1.1.0', '1.2.0', '1.2.1', '1.3.0', '1.3.1', '1.3.2', '1.3.3'] as const;
export type SchemaVersion = (typeof SCHEMA_VERSIONS)[number];

type Triple = [number, number, number];
const parse = (version: string): Triple | undefined => {
  const match = /^(\d{1,4})\.(\d{1,4})\.(\d{1,4})$/.exec(version);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
};
const compare = (a: Triple, b: Triple) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

/**
 * The known schema for a payload's `ver`: the same version, else the newest known one that is not
 * newer (a later patch or minor release only adds optional detail under semantic versioning);
 * undefined for a malformed version or another major version.
 */
export function schemaVersionFor(ver: unknown): SchemaVersion | undefined {
  if (typeof ver !== 'string') return undefined;
  const wanted = parse(ver);
  if (!wanted || wanted[0] !== 1) return undefined;
  let chosen: SchemaVersion | undefined;
  for (const version of SCHEMA_VERSIONS) if (compare(parse(version)!, wanted) <= 0) chosen = version;
  return chosen;
}

/** The rules that differ between schema versions. */
interface Rules {
  /** maxLength of names, issuer, certificate id and test centre: 50 up to 1.2.1, 80 from 1.3.0. */
  textMax: number;
  /** `nm` got a maxLength (80) in 1.3.0. */
  nmMax: number | undefined;
  /** dob: 1.0.x a full date (format date, unanchored pattern); 1.1.0 year, year-month or date; 1.3.0 also empty. */
  dob: 'date' | 'partial' | 'partial-or-empty';
  /** Doses at most 9 up to 1.2.1. */
  doseMax: number | undefined;
  /** `tc` (test centre) was required up to 1.2.1. */
  testCentreRequired: boolean;
  /** From 1.3.0: exactly one of v, t, r, each with exactly one entry. */
  oneGroupOneEntry: boolean;
  /** Up to 1.3.1 `fnt` is required; from 1.3.2 `fnt` or `gnt`. */
  nameRequired: 'fnt' | 'fnt-or-gnt';
  /** `dr` (date and time of the test result) is described up to 1.1.0. */
  resultDate: boolean;
}

function rulesFor(version: SchemaVersion): Rules {
  const [, minor, patch] = parse(version)!;
  const from13 = minor >= 3;
  return {
    textMax: from13 ? 80 : 50,
    nmMax: from13 ? 80 : undefined,
    dob: minor === 0 ? 'date' : from13 ? 'partial-or-empty' : 'partial',
    doseMax: from13 ? undefined : 9,
    testCentreRequired: !from13,
    oneGroupOneEntry: from13,
    nameRequired: from13 && patch >= 2 ? 'fnt-or-gnt' : 'fnt',
    resultDate: minor <= 1,
  };
}

// `format: date` is asserted (the spec wants ISO 8601 dates, and a "2021-09-99" must not reach the
// business rules). Several countries (BG, PL, SG among the official test files) wrote a time of day
// into date fields such as `dt` and `fr`; a real date followed by a valid time is accepted (the
// reference test suite asserts no format at all).
const DATE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

/** True for YYYY-MM-DD naming a real day, optionally followed by a time of day. */
export function isDccDate(value: string): boolean {
  const match = DATE.exec(value);
  if (!match) return false;
  if (!realDay(Number(match[1]), Number(match[2]), Number(match[3]))) return false;
  return match[4] === undefined || (Number(match[4]) <= 23 && Number(match[5]) <= 59 && Number(match[6] ?? 0) <= 60);
}

function realDay(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

// RFC 3339 date-time (`format: date-time`): a zone is required; T, t or a space between date and time.
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

/** True for an RFC 3339 date-time with a time zone. */
export function isDateTime(value: string): boolean {
  const match = DATE_TIME.exec(value);
  if (!match) return false;
  if (!realDay(Number(match[1]), Number(match[2]), Number(match[3]))) return false;
  if (Number(match[4]) > 23 || Number(match[5]) > 59 || Number(match[6]) > 60) return false;
  return match[8] === undefined || (Number(match[8]) <= 23 && Number(match[9]) <= 59);
}

// The schema's own patterns, as published.
const TRANSLITERATED = /^[A-Z<]*$/;
const COUNTRY = /[A-Z]{1,10}/;
const VER = /^\d+.\d+.\d+$/;
const DOB_1_0 = /(19|20)\d{2}-\d{2}-\d{2}/;
const DOB_1_1 = /^(19|20)\d\d(-\d\d){0,2}$/;
const DOB_1_3 = /^((19|20)\d\d(-\d\d){0,2}){0,1}$/;

export type SchemaResult = { ok: true; version: SchemaVersion } | { ok: false; code: 'SCHEMA' | 'SCHEMA_VERSION' | 'VALUE_SET'; detail: string; errors: string[] };

type JsonObject = Record<string, unknown>;

/** Collects what is wrong, each as "/json/pointer message". */
class Findings {
  readonly errors: string[] = [];
  add(pointer: string, message: string): void {
    this.errors.push(`${pointer || '/'} ${message}`);
  }
}

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);
// JSON Schema counts characters as code points, not UTF-16 units.
const length = (text: string): number => {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
};

function text(findings: Findings, pointer: string, value: unknown, rule: { max?: number | undefined; pattern?: RegExp; format?: 'date' | 'date-time' } = {}): void {
  if (typeof value !== 'string') {
    findings.add(pointer, 'must be a string');
    return;
  }
  if (rule.max !== undefined && length(value) > rule.max) findings.add(pointer, `must have at most ${rule.max} characters`);
  if (rule.pattern && !rule.pattern.test(value)) findings.add(pointer, `must match ${rule.pattern.source}`);
  if (rule.format === 'date' && !isDccDate(value)) findings.add(pointer, 'must be a date (YYYY-MM-DD)');
  if (rule.format === 'date-time' && !isDateTime(value)) findings.add(pointer, 'must be a date and time with a time zone (RFC 3339)');
}

function dose(findings: Findings, pointer: string, value: unknown, max: number | undefined): void {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    findings.add(pointer, 'must be an integer');
    return;
  }
  if (value < 1) findings.add(pointer, 'must be at least 1');
  if (max !== undefined && value > max) findings.add(pointer, `must be at most ${max}`);
}

// JSON has no undefined; a JavaScript caller's `key: undefined` counts as absent, as JSON.stringify would make it.
const has = (object: JsonObject, name: string): boolean => Object.hasOwn(object, name) && object[name] !== undefined;

function required(findings: Findings, pointer: string, object: JsonObject, names: readonly string[]): void {
  for (const name of names) if (!has(object, name)) findings.add(pointer, `must have the property ${name}`);
}

/** Checks present optional properties and required ones; absent optional ones are fine. */
function field(object: JsonObject, name: string, check: (value: unknown) => void): void {
  if (has(object, name)) check(object[name]);
}

function checkName(findings: Findings, value: unknown, rules: Rules): void {
  const pointer = '/nam';
  if (!isObject(value)) {
    findings.add(pointer, 'must be an object');
    return;
  }
  if (rules.nameRequired === 'fnt') required(findings, pointer, value, ['fnt']);
  else if (!has(value, 'fnt') && !has(value, 'gnt')) findings.add(pointer, 'must have fnt or gnt');
  field(value, 'fn', (item) => text(findings, `${pointer}/fn`, item, { max: rules.textMax }));
  field(value, 'gn', (item) => text(findings, `${pointer}/gn`, item, { max: rules.textMax }));
  field(value, 'fnt', (item) => text(findings, `${pointer}/fnt`, item, { max: rules.textMax, pattern: TRANSLITERATED }));
  field(value, 'gnt', (item) => text(findings, `${pointer}/gnt`, item, { max: rules.textMax, pattern: TRANSLITERATED }));
}

function checkDob(findings: Findings, value: unknown, rules: Rules): void {
  if (rules.dob === 'date') text(findings, '/dob', value, { pattern: DOB_1_0, format: 'date' });
  else text(findings, '/dob', value, { pattern: rules.dob === 'partial' ? DOB_1_1 : DOB_1_3 });
}

/** The fields every entry has: disease, country, issuer, certificate identifier. */
function checkCommon(findings: Findings, pointer: string, entry: JsonObject, rules: Rules): void {
  field(entry, 'tg', (value) => text(findings, `${pointer}/tg`, value));
  field(entry, 'co', (value) => text(findings, `${pointer}/co`, value, { pattern: COUNTRY }));
  field(entry, 'is', (value) => text(findings, `${pointer}/is`, value, { max: rules.textMax }));
  field(entry, 'ci', (value) => text(findings, `${pointer}/ci`, value, { max: rules.textMax }));
}

function checkVaccination(findings: Findings, pointer: string, entry: JsonObject, rules: Rules): void {
  required(findings, pointer, entry, ['tg', 'vp', 'mp', 'ma', 'dn', 'sd', 'dt', 'co', 'is', 'ci']);
  checkCommon(findings, pointer, entry, rules);
  for (const name of ['vp', 'mp', 'ma']) field(entry, name, (value) => text(findings, `${pointer}/${name}`, value));
  field(entry, 'dn', (value) => dose(findings, `${pointer}/dn`, value, rules.doseMax));
  field(entry, 'sd', (value) => dose(findings, `${pointer}/sd`, value, rules.doseMax));
  field(entry, 'dt', (value) => text(findings, `${pointer}/dt`, value, { format: 'date' }));
}

function checkTest(findings: Findings, pointer: string, entry: JsonObject, rules: Rules): void {
  required(findings, pointer, entry, rules.testCentreRequired ? ['tg', 'tt', 'sc', 'tr', 'tc', 'co', 'is', 'ci'] : ['tg', 'tt', 'sc', 'tr', 'co', 'is', 'ci']);
  checkCommon(findings, pointer, entry, rules);
  for (const name of ['tt', 'ma', 'tr']) field(entry, name, (value) => text(findings, `${pointer}/${name}`, value));
  field(entry, 'nm', (value) => text(findings, `${pointer}/nm`, value, { max: rules.nmMax }));
  field(entry, 'tc', (value) => text(findings, `${pointer}/tc`, value, { max: rules.textMax }));
  field(entry, 'sc', (value) => text(findings, `${pointer}/sc`, value, { format: 'date-time' }));
  // `dr` (date of result) was in the schema up to 1.1.0; later versions ignore it like any other extra field.
  if (rules.resultDate) field(entry, 'dr', (value) => text(findings, `${pointer}/dr`, value, { format: 'date-time' }));
}

function checkRecovery(findings: Findings, pointer: string, entry: JsonObject, rules: Rules): void {
  required(findings, pointer, entry, ['tg', 'fr', 'co', 'is', 'df', 'du', 'ci']);
  checkCommon(findings, pointer, entry, rules);
  for (const name of ['fr', 'df', 'du']) field(entry, name, (value) => text(findings, `${pointer}/${name}`, value, { format: 'date' }));
}

const GROUPS = { v: checkVaccination, t: checkTest, r: checkRecovery } as const;

/** Validates a DCC payload by the rules of the schema for its `ver` (or of `schema`, e.g. "1.3.0"), its codes against the EU value sets. */
export function validateDccPayload(payload: unknown, schema?: string): SchemaResult {
  if (!isObject(payload)) return { ok: false, code: 'SCHEMA', detail: 'payload is not an object', errors: ['/ must be an object'] };
  const ver = schema ?? payload.ver;
  const version = schemaVersionFor(ver);
  if (!version) {
    const detail = ver === undefined ? 'ver is missing' : `no schema for ver ${JSON.stringify(ver)}`;
    return { ok: false, code: 'SCHEMA_VERSION', detail, errors: [detail] };
  }
  const rules = rulesFor(version);
  const findings = new Findings();
  required(findings, '', payload, ['ver', 'nam', 'dob']);
  field(payload, 'ver', (value) => text(findings, '/ver', value, { pattern: VER }));
  field(payload, 'nam', (value) => checkName(findings, value, rules));
  field(payload, 'dob', (value) => checkDob(findings, value, rules));
  const groups = (Object.keys(GROUPS) as (keyof typeof GROUPS)[]).filter((group) => has(payload, group));
  if (rules.oneGroupOneEntry && groups.length !== 1) findings.add('', groups.length ? `must have only one of v, t, r, not ${groups.join(', ')}` : 'must have one of v, t, r');
  for (const group of groups) {
    const entries = payload[group];
    const pointer = `/${group}`;
    if (!Array.isArray(entries)) {
      findings.add(pointer, 'must be an array');
      continue;
    }
    if (entries.length < 1) findings.add(pointer, 'must have at least 1 entry');
    if (rules.oneGroupOneEntry && entries.length > 1) findings.add(pointer, 'must have at most 1 entry');
    entries.forEach((entry: unknown, index) => {
      if (isObject(entry)) GROUPS[group](findings, `${pointer}/${index}`, entry, rules);
      else findings.add(`${pointer}/${index}`, 'must be an object');
    });
  }
  if (findings.errors.length > 0) return { ok: false, code: 'SCHEMA', detail: `${findings.errors[0]} (schema ${version})`, errors: findings.errors };
  // The schema names each coded field's value set; the codes themselves are checked here.
  const outside = valueSetFindings(payload);
  if (outside.length > 0) return { ok: false, code: 'VALUE_SET', detail: outside[0]!, errors: outside };
  return { ok: true, version };
}
