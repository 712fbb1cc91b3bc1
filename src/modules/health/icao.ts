// Names as travel documents write them (ICAO Doc 9303 part 3): the characters A-Z and the filler
// "<" only. A DCC carries the name twice, as printed (fn, gn: Mongolian Cyrillic) and in this form
// (fnt, gnt), which is what border systems compare with the passport's machine-readable zone.

// ICAO 9303 part 3, section 6, table of Cyrillic transliteration; Ө and Ү as Mongolian passports
// write them in the machine-readable zone (U), Ь and Ъ dropped as in the Mongolian standard.
const CYRILLIC: Record<string, string> = {
  а: 'A', б: 'B', в: 'V', г: 'G', д: 'D', е: 'E', ё: 'E', ж: 'ZH', з: 'Z', и: 'I', й: 'I', к: 'K', л: 'L',
  м: 'M', н: 'N', о: 'O', ө: 'U', п: 'P', р: 'R', с: 'S', т: 'T', у: 'U', ү: 'U', ф: 'F', х: 'KH', ц: 'TS',
  ч: 'CH', ш: 'SH', щ: 'SHCH', ъ: '', ы: 'Y', ь: '', э: 'E', ю: 'IU', я: 'IA',
};

// ICAO 9303 part 3, section 6: Latin letters with diacritics written without them, except these.
const LATIN: Record<string, string> = { ä: 'AE', æ: 'AE', å: 'AA', ö: 'OE', ø: 'OE', ü: 'UE', ß: 'SS', þ: 'TH', ĳ: 'IJ', œ: 'OE' };

/**
 * A name in the machine-readable form of ICAO 9303: upper-case A-Z; spaces and hyphens become the
 * filler "<"; apostrophes and other punctuation are left out; Cyrillic is transliterated. Runs of
 * fillers collapse to one and none lead or trail. At most `max` characters (the DCC allows 80).
 */
export function icaoName(name: string, max = 80): string {
  let out = '';
  for (const char of name.normalize('NFC').toLowerCase()) {
    if (CYRILLIC[char] !== undefined) out += CYRILLIC[char];
    else if (LATIN[char] !== undefined) out += LATIN[char];
    else if (/[a-z]/.test(char)) out += char.toUpperCase();
    else if (/[\s\-‐‑–]/u.test(char)) out += '<';
    else {
      // Other Latin letters with a diacritic: the base letter.
      const base = char.normalize('NFD').replace(/\p{M}/gu, '');
      if (/^[a-z]$/.test(base)) out += base.toUpperCase();
    }
  }
  return out.replace(/<+/g, '<').replace(/^<|<$/g, '').slice(0, max).replace(/<$/, '');
}
