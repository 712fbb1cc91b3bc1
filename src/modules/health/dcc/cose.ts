// COSE_Sign1 (RFC 9052) as the DCC uses it: a CBOR array [protected, unprotected, payload,
// signature], usually under tag 18, sometimes untagged, and from a few issuers wrapped in the
// CWT tag 61 as well. Parsing never throws: it returns the structure or a failure code.
import { decode, encode, Tagged, type DecodeOptions } from 'cborg';

/** CBOR tags: COSE_Sign1 (RFC 9052) and CWT (RFC 8392), which a few issuers put around it. */
export const COSE_SIGN1_TAG = 18;
export const CWT_TAG = 61;

/** COSE header labels the DCC uses. */
export const HeaderLabel = { alg: 1, kid: 4 } as const;
/** The COSE algorithms the DCC allows: ECDSA P-256 with SHA-256, RSASSA-PSS with SHA-256. */
export const Algorithm = { ES256: -7, PS256: -37 } as const;
export type AlgorithmName = keyof typeof Algorithm;

export type HeaderMap = Map<unknown, unknown>;

export interface CoseSign1 {
  /** The protected header exactly as signed (a CBOR map in a byte string; may be empty). */
  protectedBytes: Uint8Array;
  protectedHeader: HeaderMap;
  unprotectedHeader: HeaderMap;
  payload: Uint8Array;
  signature: Uint8Array;
  /** Tags found around the array, outermost first: [18], [61, 18] or []. */
  tags: number[];
}

export type CoseFailure = 'CBOR' | 'COSE_TAG' | 'COSE_STRUCTURE';
export type Parsed<T, C extends string> = { ok: true; value: T } | { ok: false; code: C; detail: string };

// The tags that may wrap a COSE_Sign1 are read, and so are the other COSE message tags (16, 17,
// 96, 97, 98) to name them in the failure; any other tag fails the decode. Duplicate map keys are
// refused: two different `alg` or `kid` values must not be a matter of parser choice.
const envelopeOptions: DecodeOptions = {
  useMaps: true,
  rejectDuplicateMapKeys: true,
  tags: Tagged.preserve(COSE_SIGN1_TAG, CWT_TAG, 16, 17, 96, 97, 98),
};
const headerOptions: DecodeOptions = { useMaps: true, rejectDuplicateMapKeys: true };

/** CBOR-decodes with the options for COSE headers and claims; throws on malformed input. */
export function decodeCbor(bytes: Uint8Array, options: DecodeOptions = headerOptions): unknown {
  return decode(bytes, options);
}

/** Parses a COSE_Sign1 message: tag 18, untagged, or tag 61 around either. */
export function parseCoseSign1(bytes: Uint8Array): Parsed<CoseSign1, CoseFailure> {
  let message: unknown;
  try {
    message = decode(bytes, envelopeOptions);
  } catch (error) {
    return { ok: false, code: 'CBOR', detail: errorText(error) };
  }
  const tags: number[] = [];
  while (message instanceof Tagged) {
    tags.push(message.tag);
    message = message.value;
  }
  const tagPath = tags.join('/');
  if (!(tagPath === '' || tagPath === '18' || tagPath === '61' || tagPath === '61/18')) {
    return { ok: false, code: 'COSE_TAG', detail: `unexpected tags ${tagPath}` };
  }
  if (!Array.isArray(message) || message.length !== 4) {
    return { ok: false, code: 'COSE_STRUCTURE', detail: 'not an array of four elements' };
  }
  const [protectedBytes, unprotectedHeader, payload, signature] = message as unknown[];
  if (!(protectedBytes instanceof Uint8Array)) return { ok: false, code: 'COSE_STRUCTURE', detail: 'protected header is not a byte string' };
  if (!(unprotectedHeader instanceof Map)) return { ok: false, code: 'COSE_STRUCTURE', detail: 'unprotected header is not a map' };
  if (!(payload instanceof Uint8Array)) return { ok: false, code: 'COSE_STRUCTURE', detail: 'payload is not a byte string' };
  if (!(signature instanceof Uint8Array)) return { ok: false, code: 'COSE_STRUCTURE', detail: 'signature is not a byte string' };
  let protectedHeader: HeaderMap = new Map();
  if (protectedBytes.length > 0) {
    try {
      const decoded = decode(protectedBytes, headerOptions);
      if (!(decoded instanceof Map)) return { ok: false, code: 'COSE_STRUCTURE', detail: 'protected header is not a map' };
      protectedHeader = decoded;
    } catch (error) {
      return { ok: false, code: 'COSE_STRUCTURE', detail: `protected header: ${errorText(error)}` };
    }
  }
  return { ok: true, value: { protectedBytes, protectedHeader, unprotectedHeader, payload, signature, tags } };
}

/** A header parameter, from the protected header when present there, else from the unprotected one. */
export function headerValue(message: CoseSign1, label: number): unknown {
  return message.protectedHeader.has(label) ? message.protectedHeader.get(label) : message.unprotectedHeader.get(label);
}

const SIGNATURE1 = Buffer.from([0x6a, ...Buffer.from('Signature1', 'ascii')]);

/** The bytes that are signed: Sig_structure ["Signature1", protected, h'', payload], written directly. */
export function sigStructure(protectedBytes: Uint8Array, payload: Uint8Array): Buffer {
  const protectedHead = byteStringHead(protectedBytes.length);
  const payloadHead = byteStringHead(payload.length);
  const out = Buffer.allocUnsafe(1 + SIGNATURE1.length + protectedHead.length + protectedBytes.length + 1 + payloadHead.length + payload.length);
  let at = 0;
  out[at++] = 0x84;
  at += SIGNATURE1.copy(out, at);
  at += protectedHead.copy(out, at);
  out.set(protectedBytes, at);
  at += protectedBytes.length;
  out[at++] = 0x40;
  at += payloadHead.copy(out, at);
  out.set(payload, at);
  return out;
}

function byteStringHead(length: number): Buffer {
  if (length < 24) return Buffer.from([0x40 | length]);
  if (length < 0x100) return Buffer.from([0x58, length]);
  if (length < 0x10000) return Buffer.from([0x59, length >> 8, length & 0xff]);
  const head = Buffer.alloc(5);
  head[0] = 0x5a;
  head.writeUInt32BE(length, 1);
  return head;
}

/** The encoded protected header for `alg` and `kid`. */
export function encodeProtectedHeader(alg: number, kid: Uint8Array): Uint8Array {
  return encode(new Map<number, unknown>([[HeaderLabel.alg, alg], [HeaderLabel.kid, kid]]));
}

/** A tagged COSE_Sign1 message (tag 18) with an empty unprotected header. */
export function encodeCoseSign1(protectedBytes: Uint8Array, payload: Uint8Array, signature: Uint8Array): Uint8Array {
  return encode(new Tagged(COSE_SIGN1_TAG, [protectedBytes, new Map(), payload, signature]));
}

/** The message of a caught error. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
