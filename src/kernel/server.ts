// The Fastify server every module is registered on: its options, the shared plugins, the API
// description and the problem-type pages. Modules and flows come after, in app.ts.
import fastifyCompress from '@fastify/compress';
import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import type { Config } from './config.ts';
import { AppError, errorCatalogue, isErrorCode, problemSlug } from './errors.ts';
import { requestId } from './http.ts';
import { collectRoutes, type RegisteredRoute } from './route-map.ts';

/** Creates the server (not yet listening) and the list that records every route registered on it. */
export function createServer(config: Config): { server: FastifyInstance; routes: RegisteredRoute[] } {
  const server = Fastify({
    logger: { level: config.logLevel, redact: ['req.headers.cookie', 'req.headers.authorization'] },
    genReqId: requestId,
    trustProxy: config.trustProxy,
    bodyLimit: 1024 * 1024,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    ajv: { customOptions: { allErrors: true, coerceTypes: 'array', removeAdditional: true } },
    // Malformed URLs (bad percent-encoding) get the same problem answer as any other bad input.
    frameworkErrors(error, request, reply) {
      void (reply as FastifyReply).code(400).type('application/problem+json; charset=utf-8').send({
        type: `${config.baseUrl}/problems/${problemSlug('VALIDATION_FAILED')}`,
        title: 'Bad request',
        status: 400,
        detail: error.code === 'FST_ERR_BAD_URL' ? 'The address is not valid.' : 'The request is not valid.',
        instance: '',
        code: 'VALIDATION_FAILED',
        requestId: request.id,
      });
    },
  });
  const routes = collectRoutes(server);
  return { server, routes };
}

/** Registers cookies, forms, compression, the OpenAPI description (/docs) and the problem-type pages. */
export async function registerServerPlugins(server: FastifyInstance, config: Config): Promise<void> {
  await server.register(fastifyCookie);
  await server.register(fastifyFormbody, { bodyLimit: 256 * 1024 });
  await server.register(fastifyCompress, { global: true, threshold: 1024, encodings: ['br', 'gzip'], brotliOptions: { params: { [(await import('node:zlib')).constants.BROTLI_PARAM_QUALITY]: 4 } } });
  await server.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Urtuu API',
        version: '1',
        description: 'Public service catalogue of Urtuu. Errors are RFC 9457 problem details in Mongolian or English (?lang=mn|en, the lang cookie or Accept-Language).',
      },
      servers: [{ url: config.baseUrl }],
    },
  });
  await server.register(fastifySwaggerUi, { routePrefix: '/docs', staticCSP: true, uiConfig: { docExpansion: 'list', deepLinking: false } });
}

/** Problem type URIs resolve to their description in both languages. */
export function registerProblemPages(server: FastifyInstance): void {
  server.get('/problems/:slug', { schema: { hide: true } }, async (request) => {
    const code = (request.params as { slug: string }).slug.toUpperCase().replace(/-/g, '_');
    if (!isErrorCode(code)) throw new AppError('NOT_FOUND');
    const entry = errorCatalogue[code];
    return { code, status: entry.status, mn: entry.mn, en: entry.en };
  });
}
