// Texts for verification failures, from the health module's locale files
// (health.dcc.failures.CODE), for places that show a result without the platform's I18n at hand.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Lang, Messages } from '../../../kernel/i18n.ts';
import type { FailureCode } from './verify.ts';

const localesDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'locales');
const loaded: Partial<Record<Lang, Messages>> = {};

/** The health module's messages in a language, as an I18n bundle. */
export function healthMessages(lang: Lang): Messages {
  return (loaded[lang] ??= JSON.parse(readFileSync(path.join(localesDir, `${lang}.json`), 'utf8')) as Messages);
}

/** The text for a failure code in a language; the code itself when the text is missing. */
export function failureMessage(code: FailureCode, lang: Lang): string {
  const dcc = healthMessages(lang).dcc;
  const failures = typeof dcc === 'object' ? dcc.failures : undefined;
  const text = typeof failures === 'object' ? failures[code] : undefined;
  return typeof text === 'string' ? text : code;
}
