// Why data is read (Urtuu-Purpose). A member's system writes its purpose as free text in its own
// words, shown to the person as written. The platform's own systems say it in both languages, as a
// JSON object {"mn": "...", "en": "..."} in the same header, so that "who looked at my data" shows
// the purpose in the page's language rather than both at once. The log and the consent keep the
// header's text exactly as sent (it is part of the signed log); the reading happens on display.
import type { Lang } from '../../kernel/i18n.ts';

/** The Urtuu-Purpose text for a purpose given in both languages. */
export function bilingualPurpose(purpose: { mn: string; en: string }): string {
  return JSON.stringify({ mn: purpose.mn, en: purpose.en });
}

/** A purpose as the person reads it in `lang`: the matching language of a bilingual one, or the text as written. */
export function purposeText(purpose: string | null | undefined, lang: Lang): string | null {
  if (!purpose) return null;
  if (purpose.startsWith('{')) {
    try {
      const parsed = JSON.parse(purpose) as Record<string, unknown>;
      const text = parsed[lang] ?? parsed[lang === 'mn' ? 'en' : 'mn'];
      if (typeof text === 'string' && text) return text;
    } catch {
      // Not ours after all: shown as written.
    }
  }
  return purpose;
}
