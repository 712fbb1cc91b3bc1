// Pure rules of the exchange: path globs of access rights, the X-Road request hash, and masking
// register numbers in what the message log keeps.
import { createHash, createHmac } from 'node:crypto';
import { replacePersonNumbers } from '../../kernel/person-number.ts';

/** Glob of an access right: "*" matches within one path segment, "**" across segments. */
export function globMatches(glob: string, path: string): boolean {
  let pattern = '';
  for (let i = 0; i < glob.length; i += 1) {
    const char = glob[i]!;
    if (char === '*') {
      if (glob[i + 1] === '*') {
        pattern += '.*';
        i += 1;
      } else pattern += '[^/]*';
    } else pattern += char.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${pattern}$`, 'u').test(path);
}

/**
 * Decodes and checks the path after the service code. Refuses what could escape a glob: dot
 * segments, empty segments, encoded slashes or backslashes, control characters.
 */
export function normalisePath(raw: string): string | undefined {
  if (raw === '' || raw === '/') return '/';
  if (!raw.startsWith('/')) return undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return undefined;
  }
  if (/[\u0000-\u001f\\]/.test(decoded) || /%2f/i.test(raw)) return undefined;
  const segments = decoded.slice(1).split('/');
  if (segments.some((segment, index) => segment === '.' || segment === '..' || (segment === '' && index < segments.length - 1))) return undefined;
  return decoded;
}

/**
 * Headers that say why a person's data is read and under which consent: whenever a request carries
 * them the signature must cover them, so nobody on the way can swap the purpose the person sees in
 * their log or the consent the read is made under.
 */
export const SIGNED_WHEN_PRESENT = ['urtuu-purpose', 'urtuu-consent', 'urtuu-consent-code'];

// Headers never forwarded between client, exchange and provider (PR-REST 4.3).
export const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host', 'user-agent', 'server', 'content-length', 'expect']);

/**
 * X-Road-Request-Hash: SHA-512 over "VERB CRLF path?query CRLF name:value CRLF ..." and, when there
 * is a body, SHA-512 of that digest joined with the body's SHA-512. Base64.
 */
export function requestHash(method: string, url: string, headers: [string, string][], body: Buffer | undefined): string {
  let headerPart = `${method.toUpperCase()}\r\n${url}\r\n`;
  for (const [name, value] of headers) headerPart += `${name}:${value}\r\n`;
  const headerDigest = createHash('sha512').update(headerPart).digest();
  if (!body || body.length === 0) return headerDigest.toString('base64');
  const bodyDigest = createHash('sha512').update(body).digest();
  return createHash('sha512').update(Buffer.concat([headerDigest, bodyDigest])).digest('base64');
}

/** A keyed hash of a register number: links a person to log entries without naming them. */
export function subjectHash(secret: string, registerNumber: string): string {
  return createHmac('sha256', secret).update(`subject:${registerNumber.toUpperCase()}`).digest('hex').slice(0, 32);
}

/** Replaces register numbers (citizens' and F-register numbers) in text with "#" and their keyed hash. */
export function maskRegisterNumbers(secret: string, text: string): string {
  return replacePersonNumbers(text, (match) => `#${subjectHash(secret, match)}`);
}

export function isLoopback(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

/** The addresses a request says it was forwarded for (X-Forwarded-For and Forwarded's for=), or none. */
function forwardedFor(headers: Record<string, string | string[] | undefined>): string[] | undefined {
  const text = (name: string) => {
    const value = headers[name];
    return value === undefined ? undefined : Array.isArray(value) ? value.join(',') : value;
  };
  const xff = text('x-forwarded-for');
  const forwarded = text('forwarded');
  const realIp = text('x-real-ip');
  if (xff === undefined && forwarded === undefined && realIp === undefined) return undefined;
  const addresses = [...(xff ?? '').split(','), ...(realIp ?? '').split(',')].map((part) => part.trim()).filter(Boolean);
  for (const match of (forwarded ?? '').matchAll(/for=("?)\[?([^\]";,]+)\]?(?::\d+)?\1/gi)) addresses.push(match[2]!.trim());
  return addresses;
}

/**
 * Whether a caller of a `local` subsystem is on this machine. The socket's address alone is not
 * enough: behind a reverse proxy on the same host every caller arrives from the loopback address,
 * so a request carrying proxy headers (Forwarded, X-Forwarded-For, X-Real-IP) is not local unless
 * the operator trusts the proxy (TRUST_PROXY) and every address it names is a loopback one too.
 */
export function isLocalCaller(remoteAddress: string | undefined, headers: Record<string, string | string[] | undefined>, trustProxy: boolean): boolean {
  if (!isLoopback(remoteAddress)) return false;
  const forwarded = forwardedFor(headers);
  if (forwarded === undefined) return true;
  return trustProxy && forwarded.length > 0 && forwarded.every((address) => isLoopback(address) || address.toLowerCase() === 'localhost');
}
