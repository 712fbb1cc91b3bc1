// CWT claims (RFC 8392) carrying the DCC: iss (1), exp (4), iat (6) and hcert (-260), whose key 1
// holds the eu_DCC_v1 payload. Decoding turns the payload into plain JSON values, the form the
// JSON schema and every consumer expect.
import { encode, Tagged, type DecodeOptions } from 'cborg';
import { decodeCbor, errorText } from './cose.ts';

/** CWT claim keys, and the hcert key of the EU DCC inside claim -260. */
export const Claim = { iss: 1, exp: 4, iat: 6, hcert: -260 } as const;
export const HCERT_EU_DCC_V1 = 1;

/** Name as the DCC writes it: the printed form and its ICAO 9303 transliteration. */
export interface DccName {
  fn?: string;
  fnt?: string;
  gn?: string;
  gnt: string;
}

export interface VaccinationEntry {
  tg: string;
  vp: string;
  mp: string;
  ma: string;
  dn: number;
  sd: number;
  dt: string;
  co: string;
  is: string;
  ci: string;
}

export interface TestEntry {
  tg: string;
  tt: string;
  nm?: string;
  ma?: string;
  sc: string;
  tr: string;
  tc?: string;
  co: string;
  is: string;
  ci: string;
}

export interface RecoveryEntry {
  tg: string;
  fr: string;
  co: string;
  is: string;
  df: string;
  du: string;
  ci: string;
}

/** The eu_DCC_v1 payload. Exactly one of v, t, r is present. */
export interface DccPayload {
  ver: string;
  nam: DccName;
  dob: string;
  v?: VaccinationEntry[];
  t?: TestEntry[];
  r?: RecoveryEntry[];
  [extra: string]: unknown;
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface CwtClaims {
  issuer?: string;
  issuedAt?: Date;
  expiresAt?: Date;
  /** The hcert payload as JSON, undefined when absent or not representable. */
  payload?: JsonValue;
}

export type CwtProblemCode = 'CWT_CLAIMS' | 'HCERT_MISSING' | 'SCHEMA';
export interface CwtProblem {
  code: CwtProblemCode;
  detail: string;
}

// Tag 0 (date-time text) and 1 (epoch seconds) show up in some issuers' payloads; they are read as
// text so the schema can judge them. Any other tag is malformed input.
const payloadOptions: DecodeOptions = {
  useMaps: true,
  rejectDuplicateMapKeys: true,
  tags: { 0: Tagged.decoder(0), 1: Tagged.decoder(1) },
};

/** Reads the claims of a CWT payload; every problem found is listed, not thrown. */
export function parseCwt(bytes: Uint8Array): { claims: CwtClaims; problems: CwtProblem[] } {
  const claims: CwtClaims = {};
  const problems: CwtProblem[] = [];
  let decoded: unknown;
  try {
    decoded = decodeCbor(bytes, payloadOptions);
  } catch (error) {
    problems.push({ code: 'CWT_CLAIMS', detail: `payload is not CBOR: ${errorText(error)}` });
    return { claims, problems };
  }
  if (!(decoded instanceof Map)) {
    problems.push({ code: 'CWT_CLAIMS', detail: 'payload is not a map of claims' });
    return { claims, problems };
  }
  const iss = decoded.get(Claim.iss);
  if (iss !== undefined) {
    if (typeof iss === 'string') claims.issuer = iss;
    else problems.push({ code: 'CWT_CLAIMS', detail: 'iss is not text' });
  }
  for (const [name, label] of [['exp', Claim.exp], ['iat', Claim.iat]] as const) {
    const value = decoded.get(label);
    const date = numericDate(value);
    if (date) {
      if (name === 'exp') claims.expiresAt = date;
      else claims.issuedAt = date;
    } else {
      problems.push({ code: 'CWT_CLAIMS', detail: value === undefined ? `${name} is missing` : `${name} is not a NumericDate` });
    }
  }
  const hcert = decoded.get(Claim.hcert);
  const dcc = hcert instanceof Map ? hcert.get(HCERT_EU_DCC_V1) : undefined;
  if (dcc === undefined) {
    problems.push({ code: 'HCERT_MISSING', detail: hcert === undefined ? 'no hcert claim (-260)' : 'hcert claim has no eu_DCC_v1 (1)' });
    return { claims, problems };
  }
  const json = toJson(dcc);
  if (json.ok) claims.payload = json.value;
  else problems.push({ code: 'SCHEMA', detail: json.detail });
  return { claims, problems };
}

// NumericDate: seconds since the epoch, integer or float (RFC 8392); a bigint is beyond any date.
function numericDate(value: unknown): Date | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  const date = new Date(Math.trunc(value) * 1000);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** Converts a decoded CBOR value to JSON; fails on what JSON cannot hold (byte strings, non-text keys...). */
export function toJson(value: unknown): { ok: true; value: JsonValue } | { ok: false; detail: string } {
  try {
    return { ok: true, value: convert(value) };
  } catch (error) {
    if (error instanceof NotJson) return { ok: false, detail: `/${error.path.join('/')}: ${error.message}` };
    throw error;
  }
}

// Thrown, not returned, so that converting allocates nothing per node beyond the result; the path
// to the offending value is assembled only when there is one.
class NotJson extends Error {
  readonly path: string[] = [];
}

function within<T>(step: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof NotJson) error.path.unshift(step);
    throw error;
  }
}

function convert(value: unknown): JsonValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return value;
    throw new NotJson('not a finite number');
  }
  if (Array.isArray(value)) {
    const items: JsonValue[] = new Array(value.length);
    for (let index = 0; index < value.length; index += 1) {
      const item: unknown = value[index];
      items[index] = isScalar(item) ? (item as JsonValue) : within(String(index), () => convert(item));
    }
    return items;
  }
  if (value instanceof Map) {
    const object: { [key: string]: JsonValue } = {};
    for (const [key, item] of value) {
      if (typeof key !== 'string') throw new NotJson(`map key ${String(key)} is not text`);
      const converted = isScalar(item) ? (item as JsonValue) : within(key, () => convert(item));
      // A "__proto__" key stays data, not the object's prototype.
      if (key === '__proto__') Object.defineProperty(object, key, { value: converted, enumerable: true, writable: true, configurable: true });
      else object[key] = converted;
    }
    return object;
  }
  if (value instanceof Tagged) {
    if (value.tag === 0 && typeof value.value === 'string') return value.value;
    if (value.tag === 1 && typeof value.value === 'number' && Number.isFinite(value.value)) {
      const date = new Date(value.value * 1000);
      if (!Number.isNaN(date.getTime())) return date.toISOString().replace('.000Z', 'Z');
    }
    throw new NotJson(`unsupported tag ${value.tag}`);
  }
  throw new NotJson(`${value instanceof Uint8Array ? 'byte string' : typeof value} is not a JSON value`);
}

function isScalar(value: unknown): boolean {
  return value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}

/** The CBOR encoding of a DCC payload (JSON) on its own, as issuers' test files give it. */
export function encodeDccPayload(payload: unknown): Uint8Array {
  return encode(payload, { ignoreUndefinedProperties: true });
}

/** The CWT claims for a DCC, encoded. NumericDates are whole seconds. */
export function encodeCwt(claims: { issuer: string; issuedAt: Date; expiresAt: Date; payload: unknown }): Uint8Array {
  const map = new Map<number, unknown>([
    [Claim.iss, claims.issuer],
    [Claim.iat, Math.floor(claims.issuedAt.getTime() / 1000)],
    [Claim.exp, Math.floor(claims.expiresAt.getTime() / 1000)],
    [Claim.hcert, new Map([[HCERT_EU_DCC_V1, claims.payload]])],
  ]);
  return encode(map, { ignoreUndefinedProperties: true });
}

/**
 * Decodes CBOR holding a DCC payload on its own, or a whole claims map (then its hcert is taken),
 * as test files from different issuers give it; as JSON.
 */
export function decodeDccCbor(bytes: Uint8Array): { ok: true; value: JsonValue } | { ok: false; detail: string } {
  let decoded: unknown;
  try {
    decoded = decodeCbor(bytes, payloadOptions);
  } catch (error) {
    return { ok: false, detail: `not CBOR: ${errorText(error)}` };
  }
  if (decoded instanceof Map && decoded.has(Claim.hcert)) {
    const hcert = decoded.get(Claim.hcert);
    decoded = hcert instanceof Map ? hcert.get(HCERT_EU_DCC_V1) : undefined;
    if (decoded === undefined) return { ok: false, detail: 'hcert claim has no eu_DCC_v1 (1)' };
  }
  return toJson(decoded);
}
