// Bilingual message templates. Modules define them in code, so a template and the code that fills it
// change together; the checks here turn a typo in a placeholder into an error the module's own tests
// meet, not a message with "{name}" in it reaching a person.
import type { Lang } from '../../kernel/i18n.ts';

export const CHANNELS = ['sms', 'email', 'inApp'] as const;
export type Channel = (typeof CHANNELS)[number];

/** One text in both languages. */
export type Bilingual = Record<Lang, string>;

export interface MessageTemplate {
  /** Stable id, namespaced by the module: "applications.status-changed". */
  id: string;
  sms?: Bilingual;
  email?: { subject: Bilingual; body: Bilingual };
  inApp?: { title: Bilingual; body: Bilingual };
}

/** A template's values; one that differs by language (a service's name, a status) is given in both. */
export type TemplateParams = Record<string, string | number | Bilingual>;

/** A template rendered for one channel in one language. */
export interface RenderedMessage {
  channel: Channel;
  lang: Lang;
  /** The e-mail subject or the in-app title; absent for SMS. */
  subject?: string;
  body: string;
}

export type TemplateErrorCode = 'TEMPLATE_INVALID' | 'TEMPLATE_UNKNOWN' | 'TEMPLATE_CHANNEL_MISSING' | 'TEMPLATE_PARAM_MISSING' | 'TEMPLATE_PARAM_UNKNOWN';

/** A programming error in a template or in the call that fills it: never something a person did. */
export class TemplateError extends Error {
  readonly code: TemplateErrorCode;
  constructor(code: TemplateErrorCode, message: string) {
    super(`${code}: ${message}`);
    this.name = 'TemplateError';
    this.code = code;
  }
}

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
const TEMPLATE_ID = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/;

function placeholders(text: string): Set<string> {
  return new Set([...text.matchAll(PLACEHOLDER)].map((match) => match[1]!));
}

/** Every (name, text) pair of a template, for checking. */
function texts(template: MessageTemplate): [string, Bilingual][] {
  const out: [string, Bilingual][] = [];
  if (template.sms) out.push(['sms', template.sms]);
  if (template.email) out.push(['email.subject', template.email.subject], ['email.body', template.email.body]);
  if (template.inApp) out.push(['inApp.title', template.inApp.title], ['inApp.body', template.inApp.body]);
  return out;
}

/** A template checked once at definition, with the parameters it needs. */
export interface CompiledTemplate {
  template: MessageTemplate;
  params: ReadonlySet<string>;
}

/** Checks a template: an id, at least one channel, both languages, and the same placeholders in both. */
export function compileTemplate(template: MessageTemplate): CompiledTemplate {
  if (!TEMPLATE_ID.test(template.id)) throw new TemplateError('TEMPLATE_INVALID', `template id "${template.id}" must look like "module.name"`);
  const parts = texts(template);
  if (parts.length === 0) throw new TemplateError('TEMPLATE_INVALID', `template "${template.id}" has no channel`);
  const params = new Set<string>();
  for (const [name, text] of parts) {
    if (typeof text?.mn !== 'string' || typeof text?.en !== 'string' || !text.mn.trim() || !text.en.trim()) {
      throw new TemplateError('TEMPLATE_INVALID', `template "${template.id}" ${name} needs text in Mongolian and English`);
    }
    // A placeholder only one language uses would make that language's message say less.
    const mn = placeholders(text.mn);
    const en = placeholders(text.en);
    const only = [...mn].filter((key) => !en.has(key)).concat([...en].filter((key) => !mn.has(key)));
    if (only.length) throw new TemplateError('TEMPLATE_INVALID', `template "${template.id}" ${name}: {${only.join('}, {')}} is not in both languages`);
    for (const key of mn) params.add(key);
  }
  return { template, params };
}

function fill(text: string, params: TemplateParams, lang: Lang): string {
  return text.replace(PLACEHOLDER, (_whole, name: string) => {
    const value = params[name]!;
    return typeof value === 'object' ? value[lang] : String(value);
  });
}

/**
 * Renders a template for one channel and language. Every parameter the template uses on any channel
 * must be given, and nothing else, so that one call works for all its channels and both languages.
 */
export function renderTemplate(compiled: CompiledTemplate, channel: Channel, lang: Lang, params: TemplateParams): RenderedMessage {
  const { template } = compiled;
  const missing = [...compiled.params].filter((key) => !Object.hasOwn(params, key) || params[key] === undefined || params[key] === null);
  if (missing.length) throw new TemplateError('TEMPLATE_PARAM_MISSING', `template "${template.id}" needs {${missing.join('}, {')}}`);
  const unknown = Object.keys(params).filter((key) => !compiled.params.has(key));
  if (unknown.length) throw new TemplateError('TEMPLATE_PARAM_UNKNOWN', `template "${template.id}" has no placeholder {${unknown.join('}, {')}}`);
  switch (channel) {
    case 'sms':
      if (!template.sms) break;
      return { channel, lang, body: fill(template.sms[lang], params, lang) };
    case 'email':
      if (!template.email) break;
      return { channel, lang, subject: fill(template.email.subject[lang], params, lang), body: fill(template.email.body[lang], params, lang) };
    case 'inApp':
      if (!template.inApp) break;
      return { channel, lang, subject: fill(template.inApp.title[lang], params, lang), body: fill(template.inApp.body[lang], params, lang) };
  }
  throw new TemplateError('TEMPLATE_CHANNEL_MISSING', `template "${template.id}" has no ${channel} text`);
}

/** The templates one messaging service knows. */
export class TemplateRegistry {
  private readonly byId = new Map<string, CompiledTemplate>();

  /** Adds templates; defining an id twice is refused, so two modules cannot overwrite each other's. */
  define(templates: MessageTemplate[]): void {
    const compiled = templates.map(compileTemplate);
    const seen = new Set<string>();
    for (const { template } of compiled) {
      if (this.byId.has(template.id) || seen.has(template.id)) throw new TemplateError('TEMPLATE_INVALID', `template "${template.id}" is defined twice`);
      seen.add(template.id);
    }
    for (const entry of compiled) this.byId.set(entry.template.id, entry);
  }

  get(id: string): CompiledTemplate {
    const found = this.byId.get(id);
    if (!found) throw new TemplateError('TEMPLATE_UNKNOWN', `no template "${id}"`);
    return found;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }
}
