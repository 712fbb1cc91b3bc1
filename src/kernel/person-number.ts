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
