// Application forms as data: a JSON Schema for the answers, and a page flow in the GOV.UK way (one
// thing per page, then check your answers). Administrators add or change a form without code; each
// change is a new version, and answers keep the version they were given under. The five forms the
// platform ships with are in forms/*.json, in the same format an administrator sends.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { Lang } from '../../kernel/i18n.ts';
import { CITIZEN_REGISTER_NUMBER_PATTERN, FOREIGN_REGISTER_NUMBER_PATTERN, readPersonNumber } from '../../kernel/person-number.ts';

export type Bilingual = { mn: string; en: string };

export const WIDGETS = ['text', 'textarea', 'number', 'date', 'radios', 'select', 'checkbox', 'file'] as const;
export type Widget = (typeof WIDGETS)[number];

export interface FormField {
  label: Bilingual;
  hint?: Bilingual;
  widget: Widget;
  /** For radios and select: the values the schema's enum allows, with their labels. */
  options?: { value: string; label: Bilingual }[];
  /** For a file: accepted content types and the largest size. */
  file?: { types: string[]; maxBytes: number; required?: boolean };
}

export interface FormPage {
  id: string;
  title: Bilingual;
  fields: string[];
}

/** A fact read from a registry when the form is begun, shown to the person and the officer, never asked. */
export interface FormFact {
  id: string;
  label: Bilingual;
  /** Exchange service without the instance: CLASS/MEMBER/SUBSYSTEM/SERVICE. */
  service: string;
  /** JSON pointer into the service's answer. */
  pointer: string;
  /** How to show it: as text, or as an address line. */
  format?: 'text' | 'address' | 'date';
}

export interface FormDefinition {
  slug: string;
  version: number;
  /** JSON Schema (draft-07) of the answers; attachments are not in it. */
  schema: { type: 'object'; properties: Record<string, Record<string, unknown>>; required?: string[]; additionalProperties?: boolean };
  fields: Record<string, FormField>;
  pages: FormPage[];
  facts?: FormFact[];
  /** What the person is told once the form is sent. */
  next?: Bilingual;
  /** Whether the fee is returned when the application is rejected. */
  refundable?: boolean;
  /** Days a person has to answer a request for a file or for changes before the application expires. */
  replyDays?: number;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const ajv = new Ajv({ allErrors: true, strict: false, coerceTypes: false });
(addFormats as unknown as (instance: InstanceType<typeof Ajv>) => void)(ajv);
const PAGE_ID = /^[a-z][a-z0-9-]{0,40}$/;
const FIELD_NAME = /^[a-zA-Z][a-zA-Z0-9]{0,40}$/;
const MAX_FILE = 10 * 1024 * 1024;
export const FILE_TYPES = ['application/pdf', 'image/jpeg', 'image/png'];

/** The forms shipped with the platform. */
export function builtinForms(): FormDefinition[] {
  const dir = path.join(here, 'forms');
  return readdirSync(dir).filter((name) => name.endsWith('.json')).sort().map((name) => JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as FormDefinition);
}

const bilingual = (value: unknown): value is Bilingual => typeof value === 'object' && value !== null && typeof (value as Bilingual).mn === 'string' && typeof (value as Bilingual).en === 'string' && (value as Bilingual).mn.length > 0 && (value as Bilingual).en.length > 0;

/** Everything wrong with a definition, as "where: what" lines; empty when it is usable. */
export function definitionProblems(definition: unknown): string[] {
  const problems: string[] = [];
  const form = definition as Partial<FormDefinition>;
  if (typeof form !== 'object' || form === null) return ['the definition must be a JSON object'];
  if (!form.schema || form.schema.type !== 'object' || typeof form.schema.properties !== 'object') problems.push('schema: must be a JSON Schema of type object with properties');
  else {
    try {
      ajv.compile(form.schema);
    } catch (error) {
      problems.push(`schema: ${(error as Error).message}`);
    }
  }
  const fields = form.fields ?? {};
  const properties = form.schema?.properties ?? {};
  for (const [name, field] of Object.entries(fields)) {
    if (!FIELD_NAME.test(name)) problems.push(`fields.${name}: names are letters and digits`);
    if (!bilingual(field.label)) problems.push(`fields.${name}.label: needs mn and en`);
    if (!WIDGETS.includes(field.widget)) problems.push(`fields.${name}.widget: one of ${WIDGETS.join(', ')}`);
    if (field.widget === 'file') {
      if (!field.file || !Array.isArray(field.file.types) || field.file.types.some((type) => !FILE_TYPES.includes(type)) || !(field.file.maxBytes > 0 && field.file.maxBytes <= MAX_FILE)) problems.push(`fields.${name}.file: types among ${FILE_TYPES.join(', ')} and maxBytes up to ${MAX_FILE}`);
    } else if (!properties[name]) problems.push(`fields.${name}: not in schema.properties`);
    if ((field.widget === 'radios' || field.widget === 'select') && (!field.options?.length || field.options.some((option) => !bilingual(option.label)))) problems.push(`fields.${name}.options: each with a value and an mn and en label`);
  }
  for (const name of Object.keys(properties)) if (!fields[name]) problems.push(`schema.properties.${name}: has no field (label and widget)`);
  if (!Array.isArray(form.pages) || form.pages.length === 0) problems.push('pages: at least one');
  const onPages = new Set<string>();
  const pageIds = new Set<string>();
  for (const page of form.pages ?? []) {
    if (!PAGE_ID.test(page.id ?? '') || pageIds.has(page.id)) problems.push(`pages.${page.id}: ids are unique, lowercase, with hyphens`);
    pageIds.add(page.id);
    if (page.id === 'check') problems.push('pages.check: the name is kept for "check your answers"');
    if (!bilingual(page.title)) problems.push(`pages.${page.id}.title: needs mn and en`);
    for (const name of page.fields ?? []) {
      if (!fields[name]) problems.push(`pages.${page.id}: unknown field ${name}`);
      if (onPages.has(name)) problems.push(`pages.${page.id}: ${name} is on two pages`);
      onPages.add(name);
    }
  }
  for (const name of Object.keys(fields)) if (!onPages.has(name)) problems.push(`fields.${name}: on no page`);
  for (const fact of form.facts ?? []) {
    if (!bilingual(fact.label) || typeof fact.service !== 'string' || fact.service.split('/').length !== 4 || typeof fact.pointer !== 'string' || !fact.pointer.startsWith('/')) problems.push(`facts.${fact.id}: label, service (CLASS/MEMBER/SUBSYSTEM/SERVICE) and a JSON pointer`);
  }
  return problems;
}

const validators = new Map<string, ValidateFunction>();
function validatorOf(definition: FormDefinition): ValidateFunction {
  const key = `${definition.slug}@${definition.version}`;
  let validate = validators.get(key);
  if (!validate) {
    validate = ajv.compile(definition.schema);
    validators.set(key, validate);
  }
  return validate;
}

export interface AnswerError {
  field: string;
  message: string;
}

/** The fields of the schema that are required, and whether `name` is one. */
export function isRequired(definition: FormDefinition, name: string): boolean {
  return definition.schema.required?.includes(name) ?? false;
}

function messageFor(error: ErrorObject, field: FormField | undefined, lang: Lang): string {
  const label = field?.label[lang] ?? '';
  const choose = field?.widget === 'radios' || field?.widget === 'select' || field?.widget === 'checkbox';
  const text: Record<string, Bilingual> = {
    required: choose ? { mn: `${label}: сонгоно уу`, en: `Select ${label.toLowerCase()}` } : { mn: `${label}: бөглөнө үү`, en: `Enter ${label.toLowerCase()}` },
    maxLength: { mn: `${label}: ${String(error.params.limit)} тэмдэгтээс ихгүй байна`, en: `${label} must be ${String(error.params.limit)} characters or fewer` },
    minLength: { mn: `${label}: бөглөнө үү`, en: `Enter ${label.toLowerCase()}` },
    pattern: { mn: `${label}: зөв хэлбэрээр бичнэ үү`, en: `Enter ${label.toLowerCase()} in the right format` },
    format: { mn: `${label}: зөв огноо оруулна уу`, en: `Enter a real date for ${label.toLowerCase()}` },
    minimum: { mn: `${label}: хамгийн багадаа ${String(error.params.limit)}`, en: `${label} must be ${String(error.params.limit)} or more` },
    maximum: { mn: `${label}: хамгийн ихдээ ${String(error.params.limit)}`, en: `${label} must be ${String(error.params.limit)} or less` },
    enum: { mn: `${label}: жагсаалтаас сонгоно уу`, en: `Select ${label.toLowerCase()} from the list` },
    const: { mn: `${label}: тэмдэглэнэ үү`, en: `Tick to confirm: ${label.toLowerCase()}` },
    type: { mn: `${label}: зөв утга оруулна уу`, en: `Enter a valid ${label.toLowerCase()}` },
  };
  return (text[error.keyword] ?? text.type!)[lang];
}

const REGISTER_NUMBER_PATTERNS = new Set([CITIZEN_REGISTER_NUMBER_PATTERN, FOREIGN_REGISTER_NUMBER_PATTERN]);

/**
 * Checks answers against the form; with `only`, just those fields (one page of the flow). Values come
 * from HTML forms as text: numbers and ticks are converted first, empty text means not answered.
 */
export function checkAnswers(definition: FormDefinition, raw: Record<string, unknown>, lang: Lang, only?: string[]): { answers: Record<string, unknown>; errors: AnswerError[] } {
  const answers: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(definition.fields)) {
    if (field.widget === 'file' || !(name in raw)) continue;
    let value = raw[name];
    if (typeof value === 'string') value = value.trim();
    if (value === '' || value === undefined || value === null) continue;
    // A register number typed on a Latin keyboard is read as the Cyrillic it stands for.
    if (typeof value === 'string' && REGISTER_NUMBER_PATTERNS.has(String(definition.schema.properties[name]?.pattern))) value = readPersonNumber(value);
    if (field.widget === 'number' && typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)) value = Number(value);
    if (field.widget === 'checkbox') value = value === true || value === 'yes' || value === 'true';
    answers[name] = value;
  }
  const validate = validatorOf(definition);
  validate(answers);
  const errors: AnswerError[] = [];
  const seen = new Set<string>();
  for (const error of validate.errors ?? []) {
    const name = error.keyword === 'required' ? String(error.params.missingProperty) : error.instancePath.split('/')[1] ?? '';
    if (!name || seen.has(name) || (only && !only.includes(name)) || definition.fields[name]?.widget === 'file') continue;
    seen.add(name);
    errors.push({ field: name, message: messageFor(error, definition.fields[name], lang) });
  }
  // Report in the order the fields appear on the pages.
  const order = definition.pages.flatMap((page) => page.fields);
  errors.sort((a, b) => order.indexOf(a.field) - order.indexOf(b.field));
  return { answers, errors };
}

/** The value of a JSON pointer in a registry's answer. */
export function atPointer(value: unknown, pointer: string): unknown {
  let current = value;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** The file fields of a form, with the page each is on. */
export function fileFields(definition: FormDefinition): string[] {
  return Object.entries(definition.fields).filter(([, field]) => field.widget === 'file').map(([name]) => name);
}

/** The label a value has in the form (an option's label), or the value itself. */
export function answerText(field: FormField, value: unknown, lang: Lang): string {
  if (value === undefined || value === null || value === '') return '';
  if (field.options) return field.options.find((option) => option.value === value)?.label[lang] ?? String(value);
  if (field.widget === 'checkbox') return value ? (lang === 'mn' ? 'Тийм' : 'Yes') : lang === 'mn' ? 'Үгүй' : 'No';
  return String(value);
}
