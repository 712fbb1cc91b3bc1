// Mongolian first, English always. Messages live in JSON files (kernel and each module), nested by
// topic; both languages must hold exactly the same keys (checked at start and in tests).

export const LANGS = ['mn', 'en'] as const;
export type Lang = (typeof LANGS)[number];
export const DEFAULT_LANG: Lang = 'mn';

export type Messages = { [key: string]: string | Messages };
export type Params = Record<string, string | number>;
export type Translate = (key: string, params?: Params) => string;

export function isLang(value: unknown): value is Lang {
  return value === 'mn' || value === 'en';
}

function flatten(messages: Messages, prefix: string, into: Map<string, string>): void {
  for (const [key, value] of Object.entries(messages)) {
    const full = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') into.set(full, value);
    else flatten(value, full, into);
  }
}

const plural = { mn: new Intl.PluralRules('mn'), en: new Intl.PluralRules('en') };

/** The message catalogue of the whole platform, merged from the kernel and every module. */
export class I18n {
  private readonly tables: Record<Lang, Map<string, string>> = { mn: new Map(), en: new Map() };

  /** Adds a bundle under a namespace ('' for the kernel's own keys). */
  add(namespace: string, bundle: Record<Lang, Messages>): this {
    for (const lang of LANGS) flatten(bundle[lang], namespace, this.tables[lang]);
    return this;
  }

  /** Keys present in one language and missing in the other; empty when the catalogues agree. */
  missingKeys(): string[] {
    const missing: string[] = [];
    for (const key of this.tables.mn.keys()) if (!this.tables.en.has(key)) missing.push(`en:${key}`);
    for (const key of this.tables.en.keys()) if (!this.tables.mn.has(key)) missing.push(`mn:${key}`);
    return missing;
  }

  has(lang: Lang, key: string): boolean {
    return this.tables[lang].has(key);
  }

  /**
   * The text for a key with {placeholders} filled. When params.count is a number and the key has
   * `_one` / `_other` forms, the form for that number is chosen.
   */
  t(lang: Lang, key: string, params: Params = {}): string {
    const table = this.tables[lang];
    let template = table.get(key);
    if (typeof params.count === 'number') {
      const form = table.get(`${key}_${plural[lang].select(params.count)}`) ?? table.get(`${key}_other`);
      if (form !== undefined) template = form;
    }
    if (template === undefined) return key;
    return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
  }

  /** A translate function bound to one language, for templates and view models. */
  translator(lang: Lang): Translate {
    return (key, params) => this.t(lang, key, params);
  }
}

/** Picks mn or en from an Accept-Language header, honouring q-values; undefined when neither is asked for. */
export function langFromAcceptLanguage(header: string | undefined): Lang | undefined {
  if (!header) return undefined;
  let best: { lang: Lang; q: number } | undefined;
  for (const part of header.split(',').slice(0, 20)) {
    const [tag = '', ...attributes] = part.trim().split(';');
    const base = tag.trim().toLowerCase().split('-')[0];
    if (!isLang(base)) continue;
    const qAttr = attributes.find((attribute) => attribute.trim().startsWith('q='));
    const q = qAttr ? Number(qAttr.trim().slice(2)) : 1;
    if (Number.isFinite(q) && q > 0 && (!best || q > best.q)) best = { lang: base, q };
  }
  return best?.lang;
}
