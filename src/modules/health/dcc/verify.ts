// Verification of a DCC: "HC1:" → base45 → zlib → COSE_Sign1 → kid in the trust list → ES256 or
// PS256 signature → CWT claims against the clock and the signer's validity → key usage of the
// signer for the certificate type → JSON schema of the payload. Nothing here throws: every problem
// becomes a stable failure code (messages in locales under health.dcc.failures.CODE) with an
// English detail for logs. All failures that can be determined are reported, not only the first.
import { constants, verify as cryptoVerify } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import { base45Decode } from './base45.ts';
import { Algorithm, HeaderLabel, headerValue, parseCoseSign1, sigStructure, type AlgorithmName, type CoseSign1 } from './cose.ts';
import { parseCwt, type DccPayload } from './cwt.ts';
import { certificateTypesAllowed, type CertificateType } from './certificates.ts';
import { validateDccPayload } from './schema.ts';
import type { TrustedSigner, TrustList } from './trust.ts';

/** The context identifier of version 1 of the health certificate. */
export const HC1_PREFIX = 'HC1:';

/** Every failure code, in the order of the verification steps. */
export const FAILURE_CODES = [
  'TOO_LARGE',
  'PREFIX',
  'BASE45',
  'COMPRESSION',
  'CBOR',
  'COSE_TAG',
  'COSE_STRUCTURE',
  'KID_MISSING',
  'KID_UNKNOWN',
  'ALGORITHM',
  'SIGNATURE',
  'CWT_CLAIMS',
  'HCERT_MISSING',
  'SIGNER_NOT_YET_VALID',
  'SIGNER_EXPIRED',
  'CWT_NOT_YET_VALID',
  'CWT_EXPIRED',
  'CWT_OUTSIDE_SIGNER_VALIDITY',
  'CERTIFICATE_TYPE',
  'KEY_USAGE',
  'SCHEMA_VERSION',
  'SCHEMA',
  'VALUE_SET',
] as const;
export type FailureCode = (typeof FAILURE_CODES)[number];

/** Limits applied before any decoding work, against oversized or decompression-bomb input. */
export const LIMITS = {
  /** Characters of "HC1:" text: far above the 2,420 alphanumeric characters of the largest QR code at level Q. */
  maxTextLength: 8 * 1024,
  /** Bytes of the decompressed COSE message. */
  maxCoseBytes: 64 * 1024,
} as const;

export interface VerifyOptions {
  trust: TrustList;
  /** The validation time; now when not given (or not a valid date). */
  at?: Date;
}

export interface VerificationResult {
  valid: boolean;
  /** Failure codes, each once, in step order; empty when valid. */
  failures: FailureCode[];
  /** An English detail per failure code, for logs and developers. */
  details: Partial<Record<FailureCode, string>>;
  certificateType: CertificateType | undefined;
  /** The payload when it could be decoded. Not to be trusted unless `valid`. */
  payload: DccPayload | undefined;
  /** Base64 of the kid. */
  kid: string | undefined;
  issuer: string | undefined;
  issuedAt: Date | undefined;
  expiresAt: Date | undefined;
  algorithm: AlgorithmName | undefined;
  /** Subject of the certificate whose key verified the signature. */
  signerSubject: string | undefined;
  /** The schema version the payload was validated against. */
  schemaVersion: string | undefined;
}

class Outcome {
  readonly result: VerificationResult = {
    valid: false,
    failures: [],
    details: {},
    certificateType: undefined,
    payload: undefined,
    kid: undefined,
    issuer: undefined,
    issuedAt: undefined,
    expiresAt: undefined,
    algorithm: undefined,
    signerSubject: undefined,
    schemaVersion: undefined,
  };

  fail(code: FailureCode, detail: string): void {
    if (this.result.details[code] !== undefined) return;
    this.result.failures.push(code);
    this.result.details[code] = detail;
  }

  done(): VerificationResult {
    const order = (code: FailureCode) => FAILURE_CODES.indexOf(code);
    this.result.failures.sort((a, b) => order(a) - order(b));
    this.result.valid = this.result.failures.length === 0;
    return this.result;
  }
}

export type Decoded = { ok: true; cose: Buffer } | { ok: false; code: FailureCode; detail: string };

/** Undoes the transport encoding of an "HC1:" text down to the COSE bytes, within LIMITS. */
export function decodeHc1(text: unknown): Decoded {
  if (typeof text !== 'string') return { ok: false, code: 'PREFIX', detail: 'input is not text' };
  if (text.length > LIMITS.maxTextLength) return { ok: false, code: 'TOO_LARGE', detail: `${text.length} characters, at most ${LIMITS.maxTextLength}` };
  if (!text.startsWith(HC1_PREFIX)) return { ok: false, code: 'PREFIX', detail: `does not start with ${HC1_PREFIX}` };
  const compressed = base45Decode(text.slice(HC1_PREFIX.length));
  if (!compressed) return { ok: false, code: 'BASE45', detail: 'not valid base45' };
  return inflate(compressed);
}

/** ZLIB-decompresses at most LIMITS.maxCoseBytes. */
export function inflate(compressed: Uint8Array): Decoded {
  try {
    return { ok: true, cose: inflateSync(compressed, { maxOutputLength: LIMITS.maxCoseBytes }) };
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') return { ok: false, code: 'TOO_LARGE', detail: `decompresses to more than ${LIMITS.maxCoseBytes} bytes` };
    return { ok: false, code: 'COMPRESSION', detail: error instanceof Error ? error.message : 'not ZLIB data' };
  }
}

/** Verifies an "HC1:" text (what the QR code holds) against the trust list at a time. */
export function verifyHc1(hc1: unknown, options: VerifyOptions): VerificationResult {
  try {
    const decoded = decodeHc1(hc1);
    if (!decoded.ok) {
      const outcome = new Outcome();
      outcome.fail(decoded.code, decoded.detail);
      return outcome.done();
    }
    return verifyCose(decoded.cose, options);
  } catch (error) {
    return unexpected(error);
  }
}

/** Verifies COSE_Sign1 bytes (the decompressed content of an "HC1:" text). */
export function verifyCose(cose: Uint8Array, options: VerifyOptions): VerificationResult {
  try {
    return verifyMessage(cose, options);
  } catch (error) {
    return unexpected(error);
  }
}

// A bug of ours must not turn into a thrown error at the edge either; it is reported as undecodable.
function unexpected(error: unknown): VerificationResult {
  const outcome = new Outcome();
  outcome.fail('CBOR', `unexpected: ${error instanceof Error ? error.message : String(error)}`);
  return outcome.done();
}

function verifyMessage(cose: Uint8Array, options: VerifyOptions): VerificationResult {
  const outcome = new Outcome();
  const result = outcome.result;
  if (!(cose instanceof Uint8Array)) {
    outcome.fail('CBOR', 'input is not bytes');
    return outcome.done();
  }
  if (cose.length > LIMITS.maxCoseBytes) {
    outcome.fail('TOO_LARGE', `${cose.length} bytes, at most ${LIMITS.maxCoseBytes}`);
    return outcome.done();
  }
  const parsed = parseCoseSign1(cose);
  if (!parsed.ok) {
    outcome.fail(parsed.code, parsed.detail);
    return outcome.done();
  }
  const message = parsed.value;
  if (message.protectedHeader.has(2)) outcome.fail('COSE_STRUCTURE', 'critical header parameters are not supported');

  const signer = checkSignature(message, options.trust, outcome);

  const { claims, problems } = parseCwt(message.payload);
  for (const problem of problems) outcome.fail(problem.code, problem.detail);
  result.issuer = claims.issuer;
  result.issuedAt = claims.issuedAt;
  result.expiresAt = claims.expiresAt;
  const payload = claims.payload;
  if (payload !== undefined) {
    if (typeof payload === 'object' && payload !== null && !Array.isArray(payload)) result.payload = payload as unknown as DccPayload;
    else outcome.fail('SCHEMA', 'payload is not an object');
  }

  const at = options.at instanceof Date && !Number.isNaN(options.at.getTime()) ? options.at : new Date();
  checkTimes(at, signer, outcome);

  if (result.payload) {
    // A group set to null is not a group (some issuers' serialisers wrote "t": null); the schema still refuses it.
    const present = (['v', 't', 'r'] as const).filter((type) => result.payload![type] !== undefined && result.payload![type] !== null);
    if (present.length === 1) result.certificateType = present[0];
    else outcome.fail('CERTIFICATE_TYPE', present.length ? `holds ${present.join(', ')}` : 'holds none of v, t, r');
    const allowed = certificateTypesAllowed(signer?.certificate?.extendedKeyUsage);
    if (allowed && result.certificateType && !allowed.has(result.certificateType)) {
      outcome.fail('KEY_USAGE', `the signer may sign ${[...allowed].join(', ')}, not ${result.certificateType}`);
    }
    const schema = validateDccPayload(result.payload);
    if (schema.ok) result.schemaVersion = schema.version;
    else outcome.fail(schema.code, schema.detail);
  }
  return outcome.done();
}

/**
 * Finds the trusted key that verifies the signature. Returns it, or, when the signature fails but
 * the kid names a single signer, that signer, so its validity and key usage are still reported.
 */
function checkSignature(message: CoseSign1, trust: TrustList, outcome: Outcome): TrustedSigner | undefined {
  const result = outcome.result;
  const kid = headerValue(message, HeaderLabel.kid);
  const alg = headerValue(message, HeaderLabel.alg);
  if (alg === Algorithm.ES256) result.algorithm = 'ES256';
  else if (alg === Algorithm.PS256) result.algorithm = 'PS256';
  else outcome.fail('ALGORITHM', alg === undefined ? 'no alg header' : `alg ${String(alg)} is not ES256 (-7) or PS256 (-37)`);

  if (!(kid instanceof Uint8Array) || kid.length === 0) {
    outcome.fail('KID_MISSING', kid === undefined ? 'no kid header' : 'kid is not a byte string');
    return undefined;
  }
  result.kid = Buffer.from(kid.buffer, kid.byteOffset, kid.byteLength).toString('base64');
  const signers = trust.signers(result.kid);
  if (signers.length === 0) {
    outcome.fail('KID_UNKNOWN', `kid ${result.kid} is not in the trust list`);
    return undefined;
  }
  const fallback = signers.length === 1 ? signers[0] : undefined;
  if (!result.algorithm) return fallback;

  const usable = signers.filter((signer) => suits(signer, result.algorithm!));
  if (usable.length === 0) {
    const signer = signers[0]!;
    outcome.fail('ALGORITHM', `${result.algorithm} does not suit the signer's ${signer.keyType === 'ec' ? `EC ${signer.namedCurve}` : signer.keyType} key`);
    return fallback;
  }
  const data = sigStructure(message.protectedBytes, message.payload);
  for (const signer of usable) {
    if (signatureValid(result.algorithm, signer, data, message.signature)) {
      result.signerSubject = signer.certificate?.subject;
      return signer;
    }
  }
  outcome.fail('SIGNATURE', 'the signature does not verify with the key of the kid');
  return fallback;
}

function suits(signer: TrustedSigner, algorithm: AlgorithmName): boolean {
  return algorithm === 'ES256' ? signer.keyType === 'ec' && signer.namedCurve === 'prime256v1' : signer.keyType === 'rsa';
}

function signatureValid(algorithm: AlgorithmName, signer: TrustedSigner, data: Buffer, signature: Uint8Array): boolean {
  try {
    if (algorithm === 'ES256') {
      // COSE carries r||s (32 bytes each), not DER.
      return signature.length === 64 && cryptoVerify('sha256', data, { key: signer.publicKey, dsaEncoding: 'ieee-p1363' }, signature);
    }
    return cryptoVerify('sha256', data, { key: signer.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, signature);
  } catch {
    return false;
  }
}

// hcert spec 3.3.5/3.3.6: the DCC is valid from iat to exp, which must lie within the DSC's own validity.
function checkTimes(at: Date, signer: TrustedSigner | undefined, outcome: Outcome): void {
  const { issuedAt, expiresAt } = outcome.result;
  const time = at.getTime();
  const certificate = signer?.certificate;
  if (certificate) {
    if (time < certificate.notBefore.getTime()) outcome.fail('SIGNER_NOT_YET_VALID', `the signer certificate is valid from ${certificate.notBefore.toISOString()}`);
    if (time > certificate.notAfter.getTime()) outcome.fail('SIGNER_EXPIRED', `the signer certificate expired at ${certificate.notAfter.toISOString()}`);
    if (issuedAt && issuedAt.getTime() < certificate.notBefore.getTime()) outcome.fail('CWT_OUTSIDE_SIGNER_VALIDITY', `issued at ${issuedAt.toISOString()}, before the signer certificate was valid`);
    else if (expiresAt && expiresAt.getTime() > certificate.notAfter.getTime()) outcome.fail('CWT_OUTSIDE_SIGNER_VALIDITY', `expires at ${expiresAt.toISOString()}, after the signer certificate`);
  }
  if (issuedAt && time < issuedAt.getTime()) outcome.fail('CWT_NOT_YET_VALID', `issued at ${issuedAt.toISOString()}, after the validation time`);
  if (expiresAt && time > expiresAt.getTime()) outcome.fail('CWT_EXPIRED', `expired at ${expiresAt.toISOString()}`);
}
