// Parsed keys, kept: turning a PEM into a key object costs far more than the signature made with
// it (about 1 ms against 0.05 ms for ECDSA P-256), and the same few keys sign and verify every
// request. Bounded, so a stream of one-off keys cannot grow it without end; a key never goes stale.
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { LruCache } from './lru.ts';

const LIMIT = 1000;
const privateKeys = new LruCache<KeyObject>(LIMIT, Number.POSITIVE_INFINITY);
const publicKeys = new LruCache<KeyObject>(LIMIT, Number.POSITIVE_INFINITY);

function cached(cache: LruCache<KeyObject>, pem: string, parse: (pem: string) => KeyObject): KeyObject {
  let key = cache.get(pem);
  if (!key) {
    key = parse(pem);
    cache.set(pem, key);
  }
  return key;
}

/** The private key of a PKCS#8 (or SEC1) PEM. */
export function privateKeyOf(pem: string): KeyObject {
  return cached(privateKeys, pem, createPrivateKey);
}

/** The public key of an SPKI PEM (or of a certificate's PEM). */
export function publicKeyOf(pem: string): KeyObject {
  return cached(publicKeys, pem, createPublicKey);
}
