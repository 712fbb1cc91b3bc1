// Sealing secrets at rest (private keys kept in the database): AES-256-GCM under a key derived
// from the platform secret. Every process that shares the database must share SESSION_SECRET.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

// Derived once per secret: unsealing runs on hot paths (a relying party's secret at every token request).
const derived = new Map<string, Buffer>();
function keyFrom(secret: string): Buffer {
  let key = derived.get(secret);
  if (!key) {
    key = Buffer.from(hkdfSync('sha256', secret, 'urtuu', 'seal secrets at rest v1', 32));
    if (derived.size > 16) derived.clear();
    derived.set(secret, key);
  }
  return key;
}

/** Encrypts `plaintext`; the result is "v1.<iv>.<tag>.<ciphertext>" in base64url. */
export function seal(secret: string, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyFrom(secret), iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
}

/** Decrypts what `seal` made; throws if it was altered or sealed under another secret. */
export function unseal(secret: string, sealed: string): string {
  const [version, iv, tag, body] = sealed.split('.');
  if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('not a sealed secret');
  const decipher = createDecipheriv('aes-256-gcm', keyFrom(secret), Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
}
