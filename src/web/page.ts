// Pages exist in both languages: `page()` registers one handler at /mn{path} and /en{path}, with
// the page cache in front when asked. Its own file so that the web shell and the development
// sign-in (which the shell registers) both use it without importing each other.
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteShorthandOptions } from 'fastify';
import { LANGS } from '../kernel/i18n.ts';
import { sendCachedPage, type PageContextSource } from './render.ts';

type PageHandler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown> | unknown;

/** Registers a page at /mn{path} and /en{path}; the handler reads the language from request.lang. */
export function page(
  app: FastifyInstance,
  method: 'GET' | 'POST',
  pagePath: string,
  options: RouteShorthandOptions & { cache?: boolean },
  handler: PageHandler,
): void {
  const { cache, ...routeOptions } = options;
  for (const lang of LANGS) {
    app.route({
      method,
      url: pagePath === '/' ? `/${lang}` : `/${lang}${pagePath}`,
      ...routeOptions,
      schema: { hide: true, ...(routeOptions.schema ?? {}) },
      config: { ...(routeOptions.config ?? {}), lang, pagePath, pageCache: cache === true && method === 'GET' },
      handler: cache
        ? async (request, reply) => (sendCachedPage(request.server.pageSource, request, reply) ? reply : handler(request, reply))
        : handler,
    });
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    pageSource: PageContextSource;
  }
}
