// HTTP Message Signatures (RFC 9421) with ECDSA P-256 over SHA-256, and Content-Digest (RFC 9530).
// An exchange member signs each request with its registered key; the exchange checks who signed,
// that the method, path, query, identity headers and body digest are what was signed, and that the
// signature is fresh; the digest is recomputed over the body that arrived. Standard headers, so any
// HTTP stack can produce them.
import { createHash, createSign, createVerify, randomBytes, timingSafeEqual } from 'node:crypto';
import { privateKeyOf, publicKeyOf } from './key-cache.ts';

export const SIGNATURE_ALGORITHM = 'ecdsa-p256-sha256';

export interface SignableRequest {
  method: string;
  /** Path with the query string, exactly as sent on the request line. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body?: Buffer | undefined;
}

/** RFC 9530 Content-Digest of a body: sha-256=:base64:. */
export function contentDigest(body: Buffer): string {
  return `sha-256=:${createHash('sha256').update(body).digest('base64')}:`;
}

function header(request: SignableRequest, name: string): string | undefined {
  const value = request.headers[name] ?? request.headers[name.toLowerCase()];
  if (Array.isArray(value)) return value.join(', ');
  return value;
}

function componentValue(request: SignableRequest, component: string): string | undefined {
  const [path = '', query] = splitUrl(request.url);
  switch (component) {
    case '@method':
      return request.method.toUpperCase();
    case '@path':
      return path;
    case '@query':
      return `?${query ?? ''}`;
    default:
      return component.startsWith('@') ? undefined : header(request, component)?.trim();
  }
}

function splitUrl(url: string): [string, string | undefined] {
  const index = url.indexOf('?');
  return index < 0 ? [url, undefined] : [url.slice(0, index), url.slice(index + 1)];
}

function signatureBase(request: SignableRequest, components: string[], params: string): string | undefined {
  const lines: string[] = [];
  for (const component of components) {
    const value = componentValue(request, component);
    if (value === undefined) return undefined;
    lines.push(`"${component}": ${value}`);
  }
  lines.push(`"@signature-params": ${params}`);
  return lines.join('\n');
}

export interface SignOptions {
  keyId: string;
  privateKeyPem: string;
  /** Header names to cover besides @method, @path and @query (lower case). */
  headers?: string[];
  created?: number;
  nonce?: string;
}

/**
 * The headers that sign a request: Signature-Input, Signature and, when there is a body,
 * Content-Digest (which the signature covers).
 */
export function signRequest(request: SignableRequest, options: SignOptions): Record<string, string> {
  const added: Record<string, string> = {};
  const components = ['@method', '@path', '@query', ...(options.headers ?? [])];
  if (request.body && request.body.length > 0) {
    added['content-digest'] = contentDigest(request.body);
    components.push('content-digest');
  }
  const withAdded: SignableRequest = { ...request, headers: { ...request.headers, ...added } };
  const created = options.created ?? Math.floor(Date.now() / 1000);
  const nonce = options.nonce ?? randomBytes(16).toString('base64url');
  const params = `(${components.map((c) => `"${c}"`).join(' ')});created=${created};keyid="${options.keyId}";alg="${SIGNATURE_ALGORITHM}";nonce="${nonce}"`;
  const base = signatureBase(withAdded, components, params);
  if (base === undefined) throw new Error('a component to sign is missing from the request');
  const signature = createSign('SHA256').update(base).sign({ key: privateKeyOf(options.privateKeyPem), dsaEncoding: 'ieee-p1363' });
  return { ...added, 'signature-input': `sig1=${params}`, signature: `sig1=:${signature.toString('base64')}:` };
}

export type VerifyFailure =
  | 'missing'
  | 'malformed'
  | 'unsupported-algorithm'
  | 'missing-component'
  | 'unknown-key'
  | 'bad-signature'
  | 'stale'
  | 'digest-mismatch';

export type VerifyResult =
  | { ok: true; keyId: string; created: number; nonce: string | undefined; components: string[] }
  | { ok: false; reason: VerifyFailure };

export interface VerifyOptions {
  /** Returns the public key (SPKI PEM) registered under a key id. */
  keyFor(keyId: string): string | undefined;
  /** Components the signature must cover. */
  required: string[];
  /**
   * Headers the signature must cover whenever the request carries them (the purpose and consent
   * of an exchange call): otherwise anyone on the path could add, change or drop them.
   */
  requiredWhenPresent?: string[];
  /** How old (or how far in the future) a signature may be, seconds. */
  maxAgeSeconds: number;
  now?: number;
}

const INPUT = /^([A-Za-z][\w-]*)=\(([^)]*)\)((?:;[a-z]+=(?:"[^"\\]*"|\d+))*)$/;
const SIGNATURE = /^([A-Za-z][\w-]*)=:([A-Za-z0-9+/=]+):$/;

/** Checks a request's RFC 9421 signature (a single signature labelled as in its Signature-Input). */
export function verifyRequest(request: SignableRequest, options: VerifyOptions): VerifyResult {
  const input = header(request, 'signature-input');
  const signatureHeader = header(request, 'signature');
  if (!input || !signatureHeader) return { ok: false, reason: 'missing' };
  if (input.length > 2000 || signatureHeader.length > 500) return { ok: false, reason: 'malformed' };
  const inputMatch = INPUT.exec(input.trim());
  const signatureMatch = SIGNATURE.exec(signatureHeader.trim());
  if (!inputMatch || !signatureMatch || inputMatch[1] !== signatureMatch[1]) return { ok: false, reason: 'malformed' };
  const components = (inputMatch[2] ?? '').trim().split(/\s+/).filter(Boolean).map((c) => c.replace(/^"|"$/g, ''));
  const params = new Map<string, string>();
  for (const match of (inputMatch[3] ?? '').matchAll(/;([a-z]+)=("([^"]*)"|\d+)/g)) params.set(match[1]!, match[3] ?? match[2]!);
  if (params.get('alg') !== undefined && params.get('alg') !== SIGNATURE_ALGORITHM) return { ok: false, reason: 'unsupported-algorithm' };
  const keyId = params.get('keyid');
  const created = Number(params.get('created'));
  if (!keyId || !Number.isInteger(created)) return { ok: false, reason: 'malformed' };
  const hasBody = Boolean(request.body && request.body.length > 0);
  const needed = [...options.required, ...(options.requiredWhenPresent ?? []).filter((name) => header(request, name) !== undefined)];
  if (hasBody) needed.push('content-digest');
  if (needed.some((component) => !components.includes(component))) return { ok: false, reason: 'missing-component' };
  const now = options.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - created) > options.maxAgeSeconds) return { ok: false, reason: 'stale' };
  // A digest that was signed (or sent) is checked against the body that arrived, an empty one
  // included: a signed POST whose body was stripped on the way must not pass as a bodiless request.
  if (hasBody || components.includes('content-digest') || header(request, 'content-digest') !== undefined) {
    const expected = Buffer.from(contentDigest(request.body ?? Buffer.alloc(0)));
    const given = Buffer.from(header(request, 'content-digest') ?? '');
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'digest-mismatch' };
  }
  const publicKey = options.keyFor(keyId);
  if (!publicKey) return { ok: false, reason: 'unknown-key' };
  const base = signatureBase(request, components, `(${inputMatch[2]})${inputMatch[3] ?? ''}`);
  if (base === undefined) return { ok: false, reason: 'missing-component' };
  const signature = Buffer.from(signatureMatch[2]!, 'base64');
  let valid = false;
  try {
    valid = createVerify('SHA256').update(base).verify({ key: publicKeyOf(publicKey), dsaEncoding: 'ieee-p1363' }, signature);
  } catch {
    valid = false;
  }
  return valid ? { ok: true, keyId, created, nonce: params.get('nonce'), components } : { ok: false, reason: 'bad-signature' };
}
