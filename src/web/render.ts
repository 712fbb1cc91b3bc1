// Server-rendered pages: Nunjucks with GOV.UK Frontend's macros. Templates are named by their path
// under src/ ('web/views/layout.njk', 'modules/catalog/views/home.njk'); GOV.UK's live under 'govuk/'.
// Autoescaping is on: nothing a person typed reaches the page unescaped.
import path from 'node:path';
import nunjucks from 'nunjucks';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../kernel/config.ts';
import type { FieldError } from '../kernel/errors.ts';
import { formatDate, formatDateTime, formatMnt, formatNumber, isoDate } from '../kernel/format.ts';
import { LANGS, type Lang } from '../kernel/i18n.ts';
import { safeReturnTo } from '../kernel/return-to.ts';
import type { CachedPage, PageOptions } from '../kernel/context.ts';
import type { LruCache } from '../kernel/lru.ts';
import { govukDist, projectRoot, type AssetManifest } from './assets.ts';

export const srcDir = path.join(projectRoot, 'src');
export const LANG_NAMES: Record<Lang, string> = { mn: 'Монгол', en: 'English' };

export interface Renderer {
  render(template: string, context: Record<string, unknown>): string;
}

/** Creates the template environment with the filters every page uses. */
export function createRenderer(): Renderer {
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader([srcDir, govukDist]), {
    autoescape: true,
    throwOnUndefined: false,
    trimBlocks: true,
    lstripBlocks: true,
  });
  env.addFilter('mnt', (amount: number) => formatMnt(amount));
  env.addFilter('number', (value: number) => formatNumber(value));
  env.addFilter('date', (value: Date | string) => formatDate(value));
  env.addFilter('datetime', (value: Date | string) => formatDateTime(value));
  env.addFilter('isodate', (value: Date | string) => isoDate(value));
  return { render: (template, context) => env.render(template, context) };
}

/** The path of the current page without its language prefix: /en/services/x -> /services/x. */
export function pathWithoutLang(url: string): string {
  const match = /^\/(mn|en)(?=\/|\?|$)/.exec(url);
  const rest = match ? url.slice(match[0].length) : url;
  return rest === '' || rest.startsWith('?') ? `/${rest}` : rest;
}

/** The same page in another language, query string kept. */
export function urlInLang(url: string, lang: Lang): string {
  const rest = pathWithoutLang(url);
  return rest === '/' ? `/${lang}` : rest.startsWith('/?') ? `/${lang}${rest.slice(1)}` : `/${lang}${rest}`;
}

export interface PageContextSource {
  config: Config;
  assets: AssetManifest;
  pageCache: LruCache<CachedPage>;
}

// Stands in for the CSP nonce in cached pages; replaced with each response's own nonce.
const NONCE_PLACEHOLDER = '\u0000urtuu-nonce\u0000';

/** Sends a cached page with this response's nonce; false when there is none to send. */
export function sendCachedPage(source: PageContextSource, request: FastifyRequest, reply: FastifyReply): boolean {
  if (!request.routeOptions.config?.pageCache || request.principal || request.method !== 'GET') return false;
  const hit = source.pageCache.get(request.url);
  if (!hit) return false;
  hit.onHit?.();
  void reply
    .status(200)
    .header('content-type', 'text/html; charset=utf-8')
    .header('content-language', hit.lang)
    .send(hit.html.replaceAll(NONCE_PLACEHOLDER, request.cspNonce));
  return true;
}

/** The page the header's "Sign in" brings a person back to: this one, when it can be opened again. */
function signInReturnTo(request: FastifyRequest, baseUrl: string): string | undefined {
  if (request.method !== 'GET' || /^\/(mn|en)\/(sign-in|login)(\/|\?|$)/.test(request.url)) return undefined;
  return safeReturnTo(request.url, baseUrl);
}

/** Builds the context every page template receives, then renders and sends the page. */
export function sendPage(
  renderer: Renderer,
  source: PageContextSource,
  request: FastifyRequest,
  reply: FastifyReply,
  template: string,
  data: Record<string, unknown>,
  options: PageOptions,
): FastifyReply {
  const lang = request.lang;
  const errors: FieldError[] = options.errors ?? [];
  const status = options.status ?? 200;
  let usedCsrf = false;
  const cacheable = Boolean(request.routeOptions.config?.pageCache) && !request.principal && status === 200 && source.pageCache.enabled;
  const siteName = request.t('site.name');
  const title = options.title ? `${options.title} – ${siteName}` : siteName;
  const context = {
    ...data,
    lang,
    t: request.t,
    cspNonce: cacheable ? NONCE_PLACEHOLDER : request.cspNonce,
    css: source.assets.css,
    principal: request.principal,
    devLogin: source.config.devLogin,
    baseUrl: source.config.baseUrl,
    pagePath: pathWithoutLang(request.url),
    signInReturnTo: signInReturnTo(request, source.config.baseUrl),
    csrf: () => {
      usedCsrf = true;
      return request.csrfToken();
    },
    pageTitle: errors.length > 0 ? `${request.t('errors.titlePrefix')} ${title}` : title,
    errors,
    errorList: errors.map((error) => ({ text: error.message, href: `#${error.field}` })),
    fieldError: (field: string) => {
      const found = errors.find((error) => error.field === field);
      // The hidden "Error:" before each message is read out in the page's language too.
      return found ? { text: found.message, visuallyHiddenText: request.t('errors.titlePrefix').replace(/:$/, '') } : undefined;
    },
    languages: LANGS.map((code) => ({
      text: LANG_NAMES[code],
      lang: code,
      href: urlInLang(request.url, code),
      current: code === lang,
    })),
    alternates: LANGS.map((code) => ({ lang: code, href: source.config.baseUrl + urlInLang(request.url, code) })),
  };
  let html = renderer.render(template, context);
  if (cacheable) {
    // A page holding a form token belongs to one browser and is never shared.
    if (!usedCsrf) source.pageCache.set(request.url, { html, lang, ...(options.onCacheHit ? { onHit: options.onCacheHit } : {}) });
    html = html.replaceAll(NONCE_PLACEHOLDER, request.cspNonce);
  }
  return reply
    .status(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('content-language', lang)
    .send(html);
}

/** Renders a page outside a Fastify request (pages another framework serves, e.g. the OpenID provider's). */
export function renderStandalone(renderer: Renderer, source: PageContextSource, lang: Lang, t: (key: string, params?: Record<string, string | number>) => string, template: string, data: Record<string, unknown>, title: string, cspNonce: string): string {
  const siteName = t('site.name');
  return renderer.render(template, {
    ...data,
    lang,
    t,
    cspNonce,
    css: source.assets.css,
    principal: null,
    devLogin: source.config.devLogin,
    baseUrl: source.config.baseUrl,
    pagePath: '/',
    csrf: () => '',
    pageTitle: `${title} – ${siteName}`,
    errors: [],
    errorList: [],
    fieldError: () => undefined,
    languages: LANGS.map((code) => ({ text: LANG_NAMES[code], lang: code, href: `/${code}`, current: code === lang })),
    alternates: [],
  });
}
