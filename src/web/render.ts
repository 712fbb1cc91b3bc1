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
import type { PageOptions } from '../kernel/context.ts';
import { govukDist, projectRoot, type AssetManifest } from './assets.ts';

export const srcDir = path.join(projectRoot, 'src');
export const LANG_NAMES: Record<Lang, string> = { mn: 'Монгол', en: 'English' };

export interface Renderer {
  render(template: string, context: Record<string, unknown>): string;
}

/** Creates the template environment with the filters every page uses. */
export function createRenderer(config: Config): Renderer {
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader([srcDir, govukDist], { noCache: config.env === 'development' && process.env.URTUU_WATCH === '1' }), {
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
  const siteName = request.t('site.name');
  const title = options.title ? `${options.title} – ${siteName}` : siteName;
  const context = {
    ...data,
    lang,
    t: request.t,
    cspNonce: request.cspNonce,
    css: source.assets.css,
    principal: request.principal,
    devLogin: source.config.devLogin,
    baseUrl: source.config.baseUrl,
    pagePath: pathWithoutLang(request.url),
    csrf: () => request.csrfToken(),
    pageTitle: errors.length > 0 ? `${request.t('errors.titlePrefix')} ${title}` : title,
    errors,
    errorList: errors.map((error) => ({ text: error.message, href: `#${error.field}` })),
    fieldError: (field: string) => {
      const found = errors.find((error) => error.field === field);
      return found ? { text: found.message } : undefined;
    },
    languages: LANGS.map((code) => ({
      text: LANG_NAMES[code],
      lang: code,
      href: urlInLang(request.url, code),
      current: code === lang,
    })),
    alternates: LANGS.map((code) => ({ lang: code, href: source.config.baseUrl + urlInLang(request.url, code) })),
  };
  const html = renderer.render(template, context);
  return reply
    .status(options.status ?? 200)
    .header('content-type', 'text/html; charset=utf-8')
    .header('content-language', lang)
    .send(html);
}
