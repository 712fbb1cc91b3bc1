// The kernel's per-request concerns, one hook each: request id, language, security headers with a
// per-request CSP nonce, session, CSRF, metrics; and the /healthz, /readyz and /metrics endpoints.
import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CSRF_COOKIE, SESSION_COOKIE, csrfTokenFor, csrfTokenValid, decodeSession, newCsrfSecret } from './auth.ts';
import type { AppContext } from './context.ts';
import { AppError, errorText } from './errors.ts';
import { DEFAULT_LANG, isLang, langFromAcceptLanguage, type Lang } from './i18n.ts';
import { MAX_NESTING, findNonFinite, findUnstorable } from './storable.ts';

export const LANG_COOKIE = 'lang';
const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

/** Takes a well-formed X-Request-Id from a proxy, otherwise makes one. */
export function requestId(request: { headers: Record<string, string | string[] | undefined> }): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/** API paths answer in JSON problem details; everything else is a page for people. */
export function isApiPath(url: string): boolean {
  return /^\/(api|govstack|r1|docs|metrics|healthz|readyz|problems)(\/|\?|$)/.test(url);
}

/** Language of a request: page URL prefix, then ?lang=, then the cookie, then Accept-Language. */
export function resolveLang(request: FastifyRequest): Lang {
  const prefix = /^\/(mn|en)(?=\/|\?|$)/.exec(request.url)?.[1];
  if (isLang(prefix)) return prefix;
  const query = request.query as Record<string, unknown> | undefined;
  const fromQuery = query?.lang ?? new URLSearchParams(request.url.split('?')[1] ?? '').get('lang');
  if (isLang(fromQuery)) return fromQuery;
  const fromCookie = request.cookies?.[LANG_COOKIE];
  if (isLang(fromCookie)) return fromCookie;
  return langFromAcceptLanguage(request.headers['accept-language']) ?? DEFAULT_LANG;
}

function sameHost(origin: string, host: string | undefined): boolean {
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

// The form token is bound to the session the kernel accepted (see csrfBinding): the principal is
// read from that cookie alone, and set to nobody when the session has ended.
function csrfBindingOf(request: FastifyRequest): string {
  return request.principal ? (request.cookies[SESSION_COOKIE] ?? '') : '';
}

const FORM_TYPES = /^(application\/x-www-form-urlencoded|multipart\/form-data)\s*(;|$)/i;
const isUnsafe = (method: string) => method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS';

/** A route registered by the page helper (a page for people), as opposed to an API or a protocol endpoint. */
function isPageRoute(request: FastifyRequest): boolean {
  return request.routeOptions.config?.pagePath !== undefined;
}

/**
 * The Content-Security-Policy of every page, with the response's nonce for its inline scripts.
 * `formActions` adds origins a page's form may post to (the OpenID provider's answer to another
 * site's sign-in); our own pages post only to ourselves.
 */
export function contentSecurityPolicy(nonce: string, formActions: readonly string[] = []): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    ["form-action 'self'", ...formActions].join(' '),
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
  ].join('; ');
}

/** Registers the kernel's hooks and operational endpoints on the root instance. */
export async function registerKernelHttp(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const { config, metrics } = ctx;
  const secureCookies = config.baseUrl.startsWith('https:');

  app.decorateRequest('lang', DEFAULT_LANG);
  app.decorateRequest('t', null as never);
  app.decorateRequest('cspNonce', '');
  app.decorateRequest('principal', null);
  app.decorateRequest('csrfToken', function (this: FastifyRequest) {
    let secret = this.cookies[CSRF_COOKIE];
    if (!secret || secret.length > 100) {
      secret = newCsrfSecret();
      this.cookies[CSRF_COOKIE] = secret;
      // Set on the reply as soon as the form is rendered; the token in the form is bound to it.
      (this as FastifyRequest & { newCsrfCookie?: string }).newCsrfCookie = secret;
    }
    return csrfTokenFor(config.sessionSecret, secret, csrfBindingOf(this));
  });
  app.decorateRequest('csrfTokenValid', function (this: FastifyRequest, token: unknown) {
    return csrfTokenValid(config.sessionSecret, this.cookies[CSRF_COOKIE], token, csrfBindingOf(this));
  });

  app.addHook('onRequest', async (request, reply) => {
    request.lang = resolveLang(request);
    request.t = ctx.i18n.translator(request.lang);
    request.cspNonce = randomBytes(16).toString('base64');
    request.principal = decodeSession(config.sessionSecret, request.cookies[SESSION_COOKIE]) ?? null;
    reply.header('x-request-id', request.id);
    // Remember a language chosen through a page URL, so that "/" and the API follow it.
    const prefix = /^\/(mn|en)(?=\/|\?|$)/.exec(request.url)?.[1];
    if (isLang(prefix) && request.cookies[LANG_COOKIE] !== prefix) {
      reply.setCookie(LANG_COOKIE, prefix, { path: '/', maxAge: 365 * 24 * 3600, sameSite: 'lax', secure: secureCookies });
    }
  });

  // What a caller sends is checked once here, for every route, before any handler or statement sees
  // it: text PostgreSQL cannot store (a NUL, half a surrogate pair) and absurd nesting are refused
  // with the field named, so that no value one caller sends can reach a batched statement and fail
  // other callers' rows with it. Routes that take the request as raw bytes and answer in their own
  // protocol (the exchange's /r1) opt out with `config.rawRequest` and check for themselves.
  app.addHook('preValidation', async (request) => {
    if (request.routeOptions.config?.rawRequest) return;
    // A page reads one value per query parameter: a repeated name keeps its first value, unless
    // the route's own schema says the parameter is a list.
    const query = request.query as Record<string, unknown> | undefined;
    if (query && typeof query === 'object' && !request.routeOptions.schema?.querystring) {
      for (const [name, value] of Object.entries(query)) if (Array.isArray(value)) query[name] = value[0];
    }
    for (const part of [request.params, request.query, request.body]) {
      const finding = findUnstorable(part);
      if (!finding) continue;
      // A wildcard route's rest of the address is its "*" parameter: call it the path.
      const field = finding.path.replace(/^\*/, 'path').slice(0, 100);
      if (finding.kind === 'nesting') throw new AppError('NESTING_TOO_DEEP', { max: MAX_NESTING }, [{ field, message: request.t('validation.invalid', { field }) }]);
      throw new AppError('TEXT_UNSTORABLE', { field }, [{ field, message: errorText('TEXT_UNSTORABLE', request.lang, { field }) }]);
    }
  });

  // A number too large for any field ("1e999" read as Infinity passes a schema's integer check).
  app.addHook('preHandler', async (request) => {
    if (request.routeOptions.config?.rawRequest) return;
    for (const part of [request.params, request.query, request.body]) {
      const field = findNonFinite(part)?.slice(0, 100);
      if (field) throw new AppError('VALIDATION_FAILED', { detail: request.t('validation.finite', { field }) }, [{ field, message: request.t('validation.finite', { field }) }]);
    }
  });

  // A page takes what a browser's form sends and nothing else. Refused before the body is read (and
  // after the route's guards, which run at onRequest), so that a JSON or text/plain body can
  // neither reach a page's handler nor pass for something other than a form.
  app.addHook('preParsing', async (request) => {
    if (!isUnsafe(request.method) || !isPageRoute(request) || request.routeOptions.config?.csrf === false) return;
    const type = request.headers['content-type'];
    if (type === undefined || FORM_TYPES.test(type)) return;
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', { type: type.split(';')[0]!.trim().slice(0, 80) || '?' });
  });

  // Unsafe methods from a browser must prove they come from our own pages: a page post (whatever it
  // says its body is) and any form post carry the token bound to the browser's CSRF cookie and its
  // session; a JSON call must not come from another site.
  app.addHook('preHandler', async (request) => {
    if (!isUnsafe(request.method)) return;
    if (request.routeOptions.config?.csrf === false) return;
    const type = String(request.headers['content-type'] ?? '');
    if (isPageRoute(request) || FORM_TYPES.test(type)) {
      const body = request.body;
      const token = body && typeof body === 'object' ? (body as Record<string, unknown>)._csrf : undefined;
      if (!request.csrfTokenValid(token)) throw new AppError('CSRF_INVALID');
      return;
    }
    if (request.headers['sec-fetch-site'] === 'cross-site') throw new AppError('CSRF_INVALID');
    const origin = request.headers.origin;
    if (origin && request.cookies[SESSION_COOKIE] && !sameHost(origin, request.headers.host)) {
      throw new AppError('CSRF_INVALID');
    }
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const fresh = (request as FastifyRequest & { newCsrfCookie?: string }).newCsrfCookie;
    if (fresh) reply.setCookie(CSRF_COOKIE, fresh, { path: '/', httpOnly: true, sameSite: 'lax', secure: secureCookies });
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    reply.header('x-frame-options', 'DENY');
    reply.header('cross-origin-opener-policy', 'same-origin');
    reply.header('permissions-policy', 'camera=(self), geolocation=(), microphone=(), payment=()');
    if (secureCookies) reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
    if (!request.url.startsWith('/docs') && !reply.hasHeader('content-security-policy')) {
      reply.header('content-security-policy', contentSecurityPolicy(request.cspNonce));
    }
    // Pages may show who is signed in: never let a shared cache keep them.
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpDuration.observe(
      { method: request.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  // Liveness: answers from memory, so it is also the benchmarks' baseline of a bare route.
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));

  // Readiness: the database answers.
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    try {
      await ctx.db.query('SELECT 1');
      return { status: 'ok', database: ctx.db.kind };
    } catch {
      return reply.status(503).send({ status: 'unavailable', database: ctx.db.kind });
    }
  });

  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    reply.header('content-type', ctx.metrics.registry.contentType);
    return ctx.metrics.registry.metrics();
  });
}
