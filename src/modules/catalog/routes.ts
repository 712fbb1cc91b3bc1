// The catalogue's JSON API under /api/v1. Reading is public; changing needs a platform or agency
// administrator. Every route declares its schema, which validates requests and documents the API.
import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import { requireRole } from '../../kernel/auth.ts';
import { AppError } from '../../kernel/errors.ts';
import type { Catalog } from './service.ts';
import { Agency, LifeEvent, Revision, Sector, Service, ServiceInput, ServiceList, ServiceListQuery, type ServiceId } from './schema.ts';

const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    instance: Type.String(),
    code: Type.String(),
    requestId: Type.String(),
    errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
  },
  { description: 'RFC 9457 problem details, in the language asked for (?lang=, cookie or Accept-Language)' },
);
const problems = (...statuses: number[]) => Object.fromEntries(statuses.map((status) => [status, Problem]));
const LangQuery = Type.Object({ lang: Type.Optional(Type.Union([Type.Literal('mn'), Type.Literal('en')])) });
const IdParams = Type.Object({ id: Type.String({ maxLength: 100, description: 'Service id (UUID) or slug' }) });
const VersionBody = Type.Object({ version: Type.Integer({ minimum: 1 }) });

export async function catalogRoutes(app: FastifyInstance, catalog: Catalog): Promise<void> {
  app.get('/api/v1/agencies', {
    schema: {
      tags: ['catalogue'], summary: 'All agencies that provide services', querystring: LangQuery,
      response: { 200: Type.Object({ items: Type.Array(Agency) }), ...problems(400) },
    },
  }, async (request) => ({ items: await catalog.listAgencies(request.lang) }));

  app.get('/api/v1/agencies/:id', {
    schema: {
      tags: ['catalogue'], summary: 'One agency', params: Type.Object({ id: Type.String({ maxLength: 100 }) }), querystring: LangQuery,
      response: { 200: Agency, ...problems(400, 404) },
    },
  }, async (request) => catalog.getAgency((request.params as { id: string }).id));

  app.get('/api/v1/sectors', {
    schema: {
      tags: ['catalogue'], summary: 'Sectors and life events that group services', querystring: LangQuery,
      response: { 200: Type.Object({ items: Type.Array(Sector), lifeEvents: Type.Array(LifeEvent) }), ...problems(400) },
    },
  }, async () => {
    const [items, lifeEvents] = await Promise.all([catalog.listSectors(), catalog.listLifeEvents()]);
    return { items, lifeEvents };
  });

  app.get('/api/v1/services', {
    schema: {
      tags: ['catalogue'],
      summary: 'Find services',
      description: 'Search in Mongolian or English, in Cyrillic or Latin letters; small typos are forgiven. Without q, services are listed by name (or by use with sort=popular). Retired services appear only with status=retired.',
      querystring: ServiceListQuery,
      response: { 200: ServiceList, ...problems(400) },
    },
  }, async (request) => {
    const query = request.query as ServiceListQuery;
    return catalog.listServices({ ...query, lang: query.lang ?? request.lang });
  });

  app.get('/api/v1/services/:id', {
    schema: {
      tags: ['catalogue'], summary: 'One service, by id or slug', params: IdParams, querystring: LangQuery,
      response: { 200: Service, ...problems(400, 404) },
    },
  }, async (request) => catalog.getService((request.params as { id: string }).id));

  app.get('/api/v1/services/:id/revisions', {
    schema: {
      tags: ['catalogue administration'], summary: 'Change history of a service', params: IdParams,
      response: { 200: Type.Object({ items: Type.Array(Revision) }), ...problems(401, 403, 404) },
    },
    preHandler: requireRole('platform-admin', 'agency-admin'),
  }, async (request) => {
    const service = await catalog.getService((request.params as { id: string }).id);
    if (!catalog.canManage(request.principal, service.agency.id)) throw new AppError('FORBIDDEN_OTHER_AGENCY');
    return { items: await catalog.history(service.id) };
  });

  app.post('/api/v1/services', {
    schema: {
      tags: ['catalogue administration'], summary: 'Add a service', body: ServiceInput,
      response: { 201: Service, ...problems(400, 401, 403, 409) },
    },
    preHandler: requireRole('platform-admin', 'agency-admin'),
  }, async (request, reply) => {
    const { input, errors } = await catalog.validateInput(request.body as ServiceInput, request.t, request.principal);
    if (!input) throw invalid(errors);
    const service = await catalog.createService(request.principal!, input, request.id);
    return reply.status(201).header('location', `/api/v1/services/${service.id}`).send(service);
  });

  app.put('/api/v1/services/:id', {
    schema: {
      tags: ['catalogue administration'], summary: 'Change a service (the whole record, naming the version it was read at)',
      params: IdParams, body: Type.Intersect([ServiceInput, VersionBody]),
      response: { 200: Service, ...problems(400, 401, 403, 404, 409) },
    },
    preHandler: requireRole('platform-admin', 'agency-admin'),
  }, async (request) => {
    const current = await catalog.getService((request.params as { id: string }).id);
    if (!catalog.canManage(request.principal, current.agency.id)) throw new AppError('FORBIDDEN_OTHER_AGENCY');
    const body = request.body as ServiceInput & { version: number };
    const { input, errors } = await catalog.validateInput(body, request.t, request.principal, current.id);
    if (!input) throw invalid(errors);
    return catalog.updateService(request.principal!, current.id, body.version, input, request.id);
  });

  app.post('/api/v1/services/:id/retire', {
    schema: {
      tags: ['catalogue administration'], summary: 'Retire a service: it leaves search and shows as no longer provided',
      params: IdParams, body: Type.Object({ version: Type.Integer({ minimum: 1 }), reason: Type.String({ minLength: 3, maxLength: 500 }) }),
      response: { 200: Service, ...problems(400, 401, 403, 404, 409) },
    },
    preHandler: requireRole('platform-admin', 'agency-admin'),
  }, async (request) => {
    const current = await catalog.getService((request.params as { id: string }).id);
    const body = request.body as { version: number; reason: string };
    return catalog.retireService(request.principal!, current.id as ServiceId, body.version, body.reason.trim(), request.id);
  });

  app.post('/api/v1/services/:id/reinstate', {
    schema: {
      tags: ['catalogue administration'], summary: 'Bring a retired service back', params: IdParams, body: VersionBody,
      response: { 200: Service, ...problems(400, 401, 403, 404, 409) },
    },
    preHandler: requireRole('platform-admin', 'agency-admin'),
  }, async (request) => {
    const current = await catalog.getService((request.params as { id: string }).id);
    return catalog.reinstateService(request.principal!, current.id, (request.body as { version: number }).version, request.id);
  });
}

function invalid(errors: { field: string; message: string }[]): AppError {
  return new AppError('VALIDATION_FAILED', { detail: errors.map((error) => error.message).join('; ') }, errors);
}
