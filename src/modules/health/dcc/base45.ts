// Base45 (RFC 9285): two bytes become three characters of a 45-character alphabet that is all
// in the QR code's alphanumeric mode, which is why the DCC uses it.

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
const VALUES = new Int8Array(128).fill(-1);
for (let index = 0; index < ALPHABET.length; index += 1) VALUES[ALPHABET.charCodeAt(index)] = index;

/** Base45 text of `bytes`. */
export function base45Encode(bytes: Uint8Array): string {
  let out = '';
  let index = 0;
  for (; index + 1 < bytes.length; index += 2) {
    let n = bytes[index]! * 256 + bytes[index + 1]!;
    const c = n % 45;
    n = (n - c) / 45;
    const d = n % 45;
    const e = (n - d) / 45;
    out += ALPHABET[c]! + ALPHABET[d]! + ALPHABET[e]!;
  }
  if (index < bytes.length) {
    const n = bytes[index]!;
    out += ALPHABET[n % 45]! + ALPHABET[Math.floor(n / 45)]!;
  }
  return out;
}

/** The bytes of base45 `text`, or undefined when it is not valid base45 (bad character, dangling character, group out of range). */
export function base45Decode(text: string): Buffer | undefined {
  const length = text.length;
  if (length % 3 === 1) return undefined;
  const out = Buffer.allocUnsafe(Math.floor(length / 3) * 2 + (length % 3 === 2 ? 1 : 0));
  let at = 0;
  let index = 0;
  for (; index + 2 < length; index += 3) {
    const c = value(text.charCodeAt(index));
    const d = value(text.charCodeAt(index + 1));
    const e = value(text.charCodeAt(index + 2));
    if (c < 0 || d < 0 || e < 0) return undefined;
    const n = c + d * 45 + e * 2025;
    if (n > 0xffff) return undefined;
    out[at++] = n >> 8;
    out[at++] = n & 0xff;
  }
  if (index < length) {
    const c = value(text.charCodeAt(index));
    const d = value(text.charCodeAt(index + 1));
    if (c < 0 || d < 0) return undefined;
    const n = c + d * 45;
    if (n > 0xff) return undefined;
    out[at++] = n;
  }
  return out;
}

function value(code: number): number {
  return code < 128 ? VALUES[code]! : -1;
}
