// Search keys: one folded, Latin-letter form of any text, so that a Mongolian word matches however
// it was typed. People write Mongolian in Latin letters in several ways ("khayag", "hayag", "xayag"
// for "хаяг"), mix scripts, skip long vowels ("ulanbatar") and drop diacritics; English text passes
// through the same folding. Documents and queries are folded the same way, so these variants meet.

const CYRILLIC: Record<string, string> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'yo', ж: 'j', з: 'z', и: 'i', й: 'i',
  к: 'k', л: 'l', м: 'm', н: 'n', о: 'o', ө: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u',
  ү: 'u', ф: 'f', х: 'h', ц: 'c', ч: 'ch', ш: 'sh', щ: 'sh', ъ: '', ы: 'i', ь: '', э: 'e',
  ю: 'yu', я: 'ya',
};

// Latin spellings folded to one form, longest first. Order matters: "kh" before "h" rules,
// "ts" before "s", and "y" only after the digraphs that contain it.
const LATIN_FOLDS: [RegExp, string][] = [
  [/kh/g, 'h'],
  [/x/g, 'h'],
  [/t[sz]/g, 'c'],
  [/dz/g, 'z'],
  [/zh/g, 'j'],
  [/q/g, 'k'],
  [/w/g, 'v'],
  [/ye/g, 'e'],
  [/y/g, 'i'],
  // Long vowels and doubled consonants: "aa" and "a" are typed interchangeably.
  [/([a-z])\1+/g, '$1'],
];

/** Folds text into its search key: lower-case Latin letters and digits separated by single spaces. */
export function searchKey(text: string): string {
  let out = '';
  for (const char of text.toLowerCase()) {
    const mapped = CYRILLIC[char];
    out += mapped ?? char;
  }
  // Strip diacritics (ö -> o, ü -> u) and anything that is not a letter or digit.
  out = out.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  out = out.replace(/[^a-z0-9]+/g, ' ');
  for (const [pattern, replacement] of LATIN_FOLDS) out = out.replace(pattern, replacement);
  return out.trim();
}

/** The distinct words of a search key, longest first, capped so a pasted essay stays cheap. */
export function searchWords(key: string, max = 8): string[] {
  const words = [...new Set(key.split(' ').filter((word) => word.length > 0))];
  return words.slice(0, max);
}

/** A URL slug from any text: latin kebab-case, folded like search keys but keeping readable spelling. */
export function slugify(text: string): string {
  let out = '';
  for (const char of text.toLowerCase()) {
    const mapped = CYRILLIC[char];
    out += mapped === undefined ? char : mapped === 'h' ? 'kh' : mapped === 'c' ? 'ts' : mapped;
  }
  return out
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/g, '');
}

// The Mongolian Cyrillic alphabet in its own order: Ө follows О and Ү follows У, which code-point
// order (and most database collations) get wrong.
const MONGOLIAN_ORDER = 'абвгдеёжзийклмноөпрстуүфхцчшщъыьэюя';
const LATIN_ORDER = 'abcdefghijklmnopqrstuvwxyz';

function pair(index: number): string {
  const digits = '0123456789abcdefghijklmnopqrstuvwxyz';
  return (digits[Math.floor(index / 36)] ?? 'z') + (digits[index % 36] ?? 'z');
}

/**
 * A key that sorts names in alphabet order under the "C" collation on any database: each character
 * becomes two ASCII characters; spaces first, then digits, Latin, Mongolian Cyrillic, then others.
 */
export function sortKey(text: string): string {
  let out = '';
  for (const char of text.toLowerCase().normalize('NFC')) {
    if (/\s/.test(char)) out += '00';
    else if (char >= '0' && char <= '9') out += pair(1 + Number(char));
    else if (LATIN_ORDER.includes(char)) out += pair(20 + LATIN_ORDER.indexOf(char));
    else if (MONGOLIAN_ORDER.includes(char)) out += pair(60 + MONGOLIAN_ORDER.indexOf(char));
    else if (/[\p{L}\p{N}]/u.test(char)) out += pair(Math.min(1295, 200 + (char.codePointAt(0) ?? 0) % 1000));
    // Punctuation is ignored, as dictionaries do.
    if (out.length >= 200) break;
  }
  return out;
}

/** Mongolian Cyrillic letters as the Latin letters ordinary English text spells them with. */
export const CYRILLIC_LATIN: Readonly<Record<string, string>> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'ye', ё: 'yo', ж: 'j', з: 'z', и: 'i', й: 'i', к: 'k', л: 'l', м: 'm',
  н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'kh', ц: 'ts', ч: 'ch', ш: 'sh', щ: 'sh',
  ъ: 'i', ы: 'y', ь: 'i', э: 'e', ю: 'yu', я: 'ya',
};

/** Everyday English spelling of a place or street: Өлгий → Ölgii, Хөвсгөл → Khövsgöl. */
export function romanize(text: string): string {
  const table: Record<string, string> = { ...CYRILLIC_LATIN, ө: 'ö', ү: 'ü' };
  let out = '';
  let startOfWord = true;
  for (const char of text) {
    const lower = char.toLowerCase();
    const mapped = table[lower];
    if (mapped === undefined) {
      out += char;
      startOfWord = !/\p{L}/u.test(char);
      continue;
    }
    out += startOfWord ? mapped.charAt(0).toUpperCase() + mapped.slice(1) : mapped;
    startOfWord = false;
  }
  return out;
}
