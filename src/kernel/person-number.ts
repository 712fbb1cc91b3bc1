// The numbers that name a person in the registers: a citizen's register number (2 Cyrillic letters
// and 8 digits, date of birth inside) and a foreign resident's F-register number. Every place that
// checks or finds a person's number (the exchange's consent and access log, registry services,
// the national login) uses these, so a foreign resident is a data subject like a citizen.
//
// The F-register number is 13 characters and printed on the residence permit card; its inner
// structure is not published. Our assumption: the Cyrillic letter Ф followed by 12 digits.

/** A citizen's register number, e.g. УБ90051428. */
export const CITIZEN_REGISTER_NUMBER = /^[А-ЯЁӨҮ]{2}[0-9]{8}$/u;
/** A foreign resident's F-register number (our assumption of its form): Ф and 12 digits. */
export const FOREIGN_REGISTER_NUMBER = /^Ф[0-9]{12}$/u;
/** The same two forms as JSON Schema patterns. */
export const CITIZEN_REGISTER_NUMBER_PATTERN = '^[А-ЯЁӨҮ]{2}[0-9]{8}$';
export const FOREIGN_REGISTER_NUMBER_PATTERN = '^Ф[0-9]{12}$';

// Either number anywhere in a text; the citizen form is tried first, so citizen matches are exactly
// what they were before foreign residents were added.
const PERSON_NUMBER_IN_TEXT = /[А-ЯЁӨҮ]{2}[0-9]{8}|Ф[0-9]{12}/gu;

/** True for a citizen's register number or a foreign resident's F-register number. */
export function isPersonNumber(value: string): boolean {
  return CITIZEN_REGISTER_NUMBER.test(value) || FOREIGN_REGISTER_NUMBER.test(value);
}

/** True for a foreign resident's F-register number. */
export function isForeignRegisterNumber(value: string): boolean {
  return FOREIGN_REGISTER_NUMBER.test(value);
}

/** The distinct person numbers in a text, in the order they first appear. */
export function personNumbersIn(text: string): string[] {
  return [...new Set(text.match(PERSON_NUMBER_IN_TEXT) ?? [])];
}

/** Replaces every person number in a text with what `replacer` makes of it. */
export function replacePersonNumbers(text: string, replacer: (number: string) => string): string {
  return text.replace(PERSON_NUMBER_IN_TEXT, replacer);
}

/**
 * A typed F-register number in its register form: a Latin F (as on the card's machine-readable
 * side, or on a keyboard without Cyrillic) becomes Ф. Anything else is returned unchanged.
 */
export function canonicalForeignNumber(value: string): string {
  return /^F[0-9]{12}$/.test(value) ? `Ф${value.slice(1)}` : value;
}

/**
 * The Cyrillic letter each Latin letter stands for when a person types their register number on a
 * Latin keyboard, after the Mongolian standard transliteration of Cyrillic into Latin (MNS
 * 5217:2012) read backwards, one letter for one letter since the number has exactly two. Where a
 * Latin letter could stand for more than one Cyrillic letter, the choice and its reason:
 * - U is У and O is О: the standard writes Ү as Ü and Ө as Ö (both accepted here), so a plain U or O
 *   is the letter without the diaeresis, as in UB for УБ (Ulaanbaatar).
 * - E is Э: the standard writes Э as E and Е as YE; Е and Ё have no one-letter Latin form and are
 *   typed in Cyrillic.
 * - H is Х: the standard writes Х as KH, and a single H is how one types it where only one letter
 *   fits; no other Mongolian letter is written with H. X, which looks like Х and is used for it in
 *   everyday Latin typing, is Х too.
 * - B is Б and P is П, not the look-alikes В and Р: В is V and Р is R in the standard.
 * - C is Ц: the standard writes Ц as TS and С as S; a lone C is Ц in everyday Latin typing.
 * - Y is Ы, as in the standard (Ү is Ü).
 * - I is И (the standard also writes Й as I, but Й never starts a syllable).
 * Q and W stand for no Mongolian letter and are left as they are, so the number is refused.
 */
const LATIN_TO_CYRILLIC: Readonly<Record<string, string>> = {
  A: 'А', B: 'Б', V: 'В', G: 'Г', D: 'Д', E: 'Э', J: 'Ж', Z: 'З', I: 'И', K: 'К', L: 'Л', M: 'М', N: 'Н',
  O: 'О', Ö: 'Ө', P: 'П', R: 'Р', S: 'С', T: 'Т', U: 'У', Ü: 'Ү', F: 'Ф', H: 'Х', X: 'Х', C: 'Ц', Y: 'Ы',
};

/**
 * A register number as a person typed it, in its register form: spaces dropped, upper case, the two
 * letters of a citizen's number read as the Cyrillic they stand for when typed in Latin (UB90051428 →
 * УБ90051428, ub90051428 too), and a foreign resident's Latin F as Ф. Anything else is returned
 * upper-cased, for the caller's own check to refuse.
 */
export function readPersonNumber(value: unknown): string {
  if (typeof value !== 'string') return '';
  const typed = value.normalize('NFC').replace(/\s+/g, '').toUpperCase();
  const citizen = /^(\p{L})(\p{L})([0-9]{8})$/u.exec(typed);
  if (citizen) return `${LATIN_TO_CYRILLIC[citizen[1]!] ?? citizen[1]}${LATIN_TO_CYRILLIC[citizen[2]!] ?? citizen[2]}${citizen[3]}`;
  return canonicalForeignNumber(typed);
}
