// Unique vaccination certificate identifiers (UVCI, eHealth Network guidelines, annex 2): the
// prefix URN:UVCI:, version 01, the country, an opaque unique part, and a "#" with a Luhn mod N
// check character over the characters before it.
import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ/:';

/** The Luhn mod N check character (N = 38: digits, A-Z, "/" and ":") of `text`. */
export function luhnModN(text: string): string {
  const n = ALPHABET.length;
  let factor = 2;
  let sum = 0;
  for (let index = text.length - 1; index >= 0; index -= 1) {
    const code = ALPHABET.indexOf(text[index]!);
    if (code < 0) throw new TypeError(`"${text[index]}" cannot be in a UVCI`);
    let addend = factor * code;
    factor = factor === 2 ? 1 : 2;
    addend = Math.floor(addend / n) + (addend % n);
    sum += addend;
  }
  return ALPHABET[(n - (sum % n)) % n]!;
}

/** A new UVCI for `country`, e.g. URN:UVCI:01:MN:8QZ3K5R1H2W7TQ9C4XN0BJ6D#K. */
export function newUvci(country: string): string {
  const unique = [...randomBytes(16)].map((byte) => ALPHABET[byte % 36]).join('');
  const body = `URN:UVCI:01:${country}:${unique}`;
  return `${body}#${luhnModN(body)}`;
}

/** True when `uvci` carries a correct check character. */
export function uvciChecks(uvci: string): boolean {
  const [body, check] = uvci.split('#');
  if (!body || !check || check.length !== 1) return false;
  try {
    return luhnModN(body) === check;
  } catch {
    return false;
  }
}
