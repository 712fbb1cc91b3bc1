// The one catalogue of errors. Each has a stable code (clients and tests depend on it), an HTTP
// status, and its text in Mongolian and English with {placeholders}. Domain code throws
// `AppError(code, params)`; the edge renders it as RFC 9457 problem details for the API and as an
// error page or error summary for people.
import type { Lang } from './i18n.ts';

export interface ErrorDefinition {
  status: number;
  mn: string;
  en: string;
}

export const errorCatalogue = {
  NOT_FOUND: { status: 404, mn: 'Хуудас олдсонгүй.', en: 'Page not found.' },
  SERVICE_NOT_FOUND: { status: 404, mn: '"{id}" үйлчилгээ олдсонгүй.', en: 'There is no service "{id}".' },
  AGENCY_NOT_FOUND: { status: 404, mn: '"{id}" байгууллага олдсонгүй.', en: 'There is no agency "{id}".' },
  SECTOR_NOT_FOUND: { status: 404, mn: '"{id}" салбар олдсонгүй.', en: 'There is no sector "{id}".' },
  VALIDATION_FAILED: {
    status: 400,
    mn: 'Илгээсэн мэдээлэл буруу байна: {detail}',
    en: 'The request is not valid: {detail}',
  },
  QUERY_TOO_LONG: {
    status: 400,
    mn: 'Хайлтын үг хэт урт байна. {max} тэмдэгтээс хэтрэхгүй байна уу.',
    en: 'The search is too long. Use at most {max} characters.',
  },
  BODY_TOO_LARGE: { status: 413, mn: 'Илгээсэн мэдээлэл хэт том байна.', en: 'The request body is too large.' },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    mn: 'Энэ төрлийн мэдээллийг хүлээн авахгүй: {type}.',
    en: 'This content type is not accepted: {type}.',
  },
  MALFORMED_BODY: {
    status: 400,
    mn: 'Илгээсэн мэдээллийг уншиж чадсангүй. JSON буруу бичигдсэн байж магадгүй.',
    en: 'The request body could not be read. The JSON may be malformed.',
  },
  METHOD_NOT_ALLOWED: { status: 405, mn: 'Энэ хаяг {method} хүсэлт хүлээж авахгүй.', en: 'This address does not accept {method}.' },
  UNAUTHENTICATED: { status: 401, mn: 'Эхлээд нэвтэрнэ үү.', en: 'Please sign in first.' },
  FORBIDDEN: {
    status: 403,
    mn: 'Танд энэ үйлдлийг хийх эрх байхгүй.',
    en: 'You do not have permission to do this.',
  },
  FORBIDDEN_OTHER_AGENCY: {
    status: 403,
    mn: 'Та зөвхөн өөрийн байгууллагын үйлчилгээг удирдах эрхтэй.',
    en: 'You can only manage your own agency’s services.',
  },
  CSRF_INVALID: {
    status: 403,
    mn: 'Маягтын хугацаа дууссан эсвэл өөр хуудаснаас илгээгдсэн байна. Хуудсыг дахин ачаалж, дахин оролдоно уу.',
    en: 'The form has expired or was sent from another page. Reload the page and try again.',
  },
  DEV_LOGIN_DISABLED: {
    status: 404,
    mn: 'Хөгжүүлэлтийн нэвтрэлт идэвхгүй байна.',
    en: 'Development sign-in is not enabled.',
  },
  SLUG_TAKEN: {
    status: 409,
    mn: '"{slug}" хаягтай үйлчилгээ аль хэдийн байна.',
    en: 'A service with the address "{slug}" already exists.',
  },
  STALE_EDIT: {
    status: 409,
    mn: 'Энэ үйлчилгээг таныг засаж байх хооронд өөр хүн өөрчилсөн байна. Шинэ хувилбарыг шалгаад дахин засна уу.',
    en: 'Someone else changed this service while you were editing it. Check the new version and edit again.',
  },
  ACTION_NOT_ALLOWED: {
    status: 409,
    mn: '"{action}" үйлдлийг "{state}" төлөвт хийх боломжгүй. Боломжит үйлдэл: {allowed}.',
    en: 'Action "{action}" cannot be performed in state "{state}". Allowed actions: {allowed}.',
  },
  REGISTRY_NOT_FOUND: { status: 404, mn: '"{id}" бүртгэл олдсонгүй.', en: 'There is no registry "{id}".' },
  REGISTRY_EXISTS: { status: 409, mn: '"{id}" бүртгэл аль хэдийн байна.', en: 'A registry "{id}" already exists.' },
  REGISTRY_SCHEMA_INVALID: {
    status: 400,
    mn: 'Бүртгэлийн JSON Schema буруу байна: {detail}',
    en: 'The registry’s JSON Schema is not valid: {detail}',
  },
  RECORD_NOT_FOUND: { status: 404, mn: 'Бичлэг олдсонгүй.', en: 'No record found.' },
  RECORD_EXISTS: { status: 409, mn: '"{key}" түлхүүртэй бичлэг аль хэдийн байна.', en: 'A record with key "{key}" already exists.' },
  RECORD_INVALID: {
    status: 400,
    mn: 'Бичлэг бүртгэлийн схемд нийцэхгүй байна: {detail}',
    en: 'The record does not match the registry’s schema: {detail}',
  },
  RATE_LIMITED: { status: 429, mn: 'Хэт олон хүсэлт илгээлээ. Түр хүлээгээд дахин оролдоно уу.', en: 'Too many requests. Wait a moment and try again.' },
  INTERNAL: {
    status: 500,
    mn: 'Системд алдаа гарлаа. Бид үүнийг засах болно. Дараа дахин оролдоно уу.',
    en: 'Something went wrong on our side. Please try again later.',
  },
  UNAVAILABLE: {
    status: 503,
    mn: 'Үйлчилгээ түр ажиллахгүй байна. Дараа дахин оролдоно уу.',
    en: 'The service is temporarily unavailable. Please try again later.',
  },
} as const satisfies Record<string, ErrorDefinition>;

export type ErrorCode = keyof typeof errorCatalogue;

export interface FieldError {
  /** The field (form name, query parameter, JSON pointer) the problem is about. */
  field: string;
  message: string;
}

/** An error from the catalogue, carrying the values for its text and optional per-field details. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly params: Record<string, string | number>;
  readonly fieldErrors: FieldError[];

  constructor(code: ErrorCode, params: Record<string, string | number> = {}, fieldErrors: FieldError[] = []) {
    super(`${code}: ${formatText(errorCatalogue[code].en, params)}`);
    this.name = 'AppError';
    this.code = code;
    this.status = errorCatalogue[code].status;
    this.params = params;
    this.fieldErrors = fieldErrors;
  }

  /** The message in the given language. */
  text(lang: Lang): string {
    return formatText(errorCatalogue[this.code][lang], this.params);
  }
}

function formatText(template: string, params: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** The message of a catalogue entry in a language, for places that render without throwing. */
export function errorText(code: ErrorCode, lang: Lang, params: Record<string, string | number> = {}): string {
  return formatText(errorCatalogue[code][lang], params);
}

/** The problem type URI path segment for a code: NOT_FOUND -> not-found. */
export function problemSlug(code: ErrorCode): string {
  return code.toLowerCase().replace(/_/g, '-');
}

export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(errorCatalogue, value);
}
