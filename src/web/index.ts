// The web shell: assets, page rendering, error and not-found pages, the language root redirect,
// the accessibility statement, and the development sign-in.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext, PageOptions } from '../kernel/context.ts';
import { AppError } from '../kernel/errors.ts';
import { isApiPath, resolveLang } from '../kernel/http.ts';
import type { Lang } from '../kernel/i18n.ts';
import { problemDetails, toAppError } from '../kernel/problems.ts';
import { staticDir, type AssetManifest } from './assets.ts';
import { registerDevSignIn } from './dev-sign-in.ts';
import { page } from './page.ts';
import { createRenderer, sendPage, type PageContextSource } from './render.ts';

export { page };

/** Sends a problem or an error page for a catalogue error, as the request prefers. */
function sendError(ctx: AppContext, request: FastifyRequest, reply: FastifyReply, appError: AppError): FastifyReply {
  if (appError.status === 405) reply.header('allow', 'GET, HEAD, POST');
  // Worth trying again soon (the database coming back): say when.
  if (appError.status === 503) reply.header('retry-after', '5');
  const wantsJson = isApiPath(request.url) || !String(request.headers.accept ?? '').includes('text/html') && String(request.headers.accept ?? '').includes('json');
  if (wantsJson) {
    return reply.status(appError.status).type('application/problem+json; charset=utf-8').send(problemDetails(appError, request, ctx.config.baseUrl));
  }
  const t = request.t;
  const headings: Record<number, string> = {
    401: t('errors.unauthenticatedTitle'),
    403: t('errors.forbiddenTitle'),
    404: t('errors.notFoundTitle'),
    500: t('errors.serverTitle'),
    503: t('errors.unavailableTitle'),
  };
  const heading = headings[appError.status] ?? (appError.status >= 500 ? t('errors.serverTitle') : t('errors.badRequestTitle'));
  // Our own failure gets the general words; a named one (the database away) says what it is.
  const message = appError.code === 'NOT_FOUND' ? t('errors.notFoundBody') : appError.code === 'INTERNAL' ? t('errors.serverBody') : appError.text(request.lang);
  return reply.page(
    'web/views/error.njk',
    { heading, message, status: appError.status, requestId: request.id, returnTo: request.url },
    { status: appError.status, title: heading },
  );
}

/** Registers the web shell on the root instance. */
export async function registerWeb(app: FastifyInstance, ctx: AppContext, assets: AssetManifest): Promise<void> {
  const renderer = createRenderer();
  const source: PageContextSource = { config: ctx.config, assets, pageCache: ctx.pageCache };
  app.decorate('pageSource', source);

  app.decorateReply('page', function (this: FastifyReply, template: string, data: Record<string, unknown> = {}, options: PageOptions = {}) {
    return sendPage(renderer, source, this.request, this, template, data, options);
  });

  await app.register(fastifyStatic, {
    root: [assets.builtDir, staticDir],
    prefix: '/assets/',
    decorateReply: false,
    cacheControl: false,
    // The built files carry .br and .gz forms made once at build time.
    preCompressed: true,
    setHeaders(reply: FastifyReply, filePath: string) {
      // Built files carry their content hash in the name and never change.
      const immutable = /\.[0-9a-f]{10}\.css(\.br|\.gz)?$/.test(filePath);
      reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'public, max-age=86400');
    },
  });

  app.get('/', { schema: { hide: true } }, async (request, reply) => reply.redirect(`/${request.lang}`, 302));

  // Browsers ask for /favicon.ico whatever the page says; answer with the mark the pages name.
  const favicon = await readFile(path.join(staticDir, 'urtuu-mark.svg'));
  app.get('/favicon.ico', { schema: { hide: true } }, async (_request, reply) =>
    reply.header('content-type', 'image/svg+xml').header('cache-control', 'public, max-age=86400').send(favicon));

  page(app, 'GET', '/accessibility', { cache: true }, async (request, reply) =>
    reply.page('web/views/accessibility.njk', {}, { title: request.t('layout.accessibility') }),
  );

  registerDevSignIn(app, ctx);

  app.setNotFoundHandler(async (request, reply) => {
    request.lang = resolveLang(request);
    return sendError(ctx, request, reply, new AppError('NOT_FOUND'));
  });

  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    const { appError, unexpected } = toAppError(error, request.t ?? ctx.i18n.translator('mn'));
    if (unexpected) request.log.error({ err: error }, 'unexpected error');
    else if (appError.status >= 500) request.log.warn({ code: appError.code }, 'service error');
    return sendError(ctx, request, reply, appError);
  });
}

export type { Lang };
