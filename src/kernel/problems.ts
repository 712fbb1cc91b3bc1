// Turning any error into a catalogue error, and a catalogue error into RFC 9457 problem details.
// Nothing from an unexpected error (message, stack) ever reaches the client; it goes to the log.
import type { FastifyError, FastifyRequest } from 'fastify';
import { isDataError, isDatabaseUnavailable } from './db.ts';
import { AppError, problemSlug, type FieldError } from './errors.ts';
import type { Translate } from './i18n.ts';

interface AjvError {
  instancePath?: string;
  keyword?: string;
  params?: Record<string, unknown>;
}

function fieldOf(error: AjvError, context: string | undefined): string {
  const path = (error.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
  const missing = error.params?.missingProperty;
  const extra = error.params?.additionalProperty;
  const name = [path, typeof missing === 'string' ? missing : typeof extra === 'string' ? extra : ''].filter(Boolean).join('.');
  return name || context || 'request';
}

/** Localised messages for schema validation failures (Fastify's AJV errors are English only). */
export function validationFieldErrors(error: FastifyError, t: Translate): FieldError[] {
  const list = (error.validation ?? []) as AjvError[];
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const item of list) {
    const field = fieldOf(item, error.validationContext);
    if (seen.has(field)) continue;
    seen.add(field);
    const params = item.params ?? {};
    const values: Record<string, string | number> = { field };
    if (typeof params.limit === 'number') values.limit = params.limit;
    if (Array.isArray(params.allowedValues)) values.allowed = params.allowedValues.join(', ');
    if (typeof params.type === 'string') values.type = params.type;
    if (typeof params.format === 'string') values.format = params.format;
    const key = `validation.${item.keyword ?? 'invalid'}`;
    const message = t(key, values);
    out.push({ field, message: message === key ? t('validation.invalid', values) : message });
  }
  return out;
}

/** Maps anything thrown while handling a request to a catalogue error. */
export function toAppError(error: unknown, t: Translate): { appError: AppError; unexpected: boolean } {
  if (error instanceof AppError) return { appError: error, unexpected: false };
  const fastifyError = error as FastifyError & { status?: number; type?: string };
  if (fastifyError?.validation) {
    const fields = validationFieldErrors(fastifyError, t);
    return {
      appError: new AppError('VALIDATION_FAILED', { detail: fields.map((field) => field.message).join('; ') }, fields),
      unexpected: false,
    };
  }
  // The database refused a value the request carried (out of range, unstorable, over a limit):
  // the caller's mistake, told as one. The database gone away: try again soon.
  if (isDataError(error)) {
    return { appError: new AppError('VALIDATION_FAILED', { detail: t('validation.invalid', { field: 'request' }) }), unexpected: false };
  }
  if (isDatabaseUnavailable(error)) return { appError: new AppError('DATABASE_UNAVAILABLE'), unexpected: false };
  const status = fastifyError?.statusCode ?? fastifyError?.status;
  // Not every error's code is a string (a DOMException's is a number).
  const code = typeof fastifyError?.code === 'string' ? fastifyError.code : '';
  if (status === 413 || code === 'FST_ERR_CTP_BODY_TOO_LARGE') return { appError: new AppError('BODY_TOO_LARGE'), unexpected: false };
  if (status === 415 || code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return { appError: new AppError('UNSUPPORTED_MEDIA_TYPE', { type: 'unknown' }), unexpected: false };
  }
  if (status === 404) return { appError: new AppError('NOT_FOUND'), unexpected: false };
  if (status === 405) return { appError: new AppError('METHOD_NOT_ALLOWED', { method: '' }), unexpected: false };
  if (status === 429) return { appError: new AppError('RATE_LIMITED'), unexpected: false };
  if (status === 400 || error instanceof SyntaxError || code.startsWith('FST_ERR_CTP')) {
    return { appError: new AppError('MALFORMED_BODY'), unexpected: false };
  }
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { appError: new AppError('VALIDATION_FAILED', { detail: t('validation.invalid', { field: 'request' }) }), unexpected: false };
  }
  return { appError: new AppError('INTERNAL'), unexpected: true };
}

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: string;
  requestId: string;
  errors?: FieldError[];
}

/** RFC 9457 problem details in the request's language. */
export function problemDetails(appError: AppError, request: FastifyRequest, baseUrl: string): ProblemDetails {
  const lang = request.lang;
  const problem: ProblemDetails = {
    type: `${baseUrl}/problems/${problemSlug(appError.code)}`,
    title: request.t(`httpStatus.${appError.status}`),
    status: appError.status,
    detail: appError.text(lang),
    instance: request.url.split('?')[0] ?? request.url,
    code: appError.code,
    requestId: request.id,
  };
  if (appError.fieldErrors.length > 0) problem.errors = appError.fieldErrors;
  return problem;
}
