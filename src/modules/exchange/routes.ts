// The exchange on the wire: the X-Road REST protocol (/r1/...), listClients, GovStack's
// Information Mediator paths, the consent-code request, the person's own view of who read their
// data, and the administration API. /r1 takes any body as raw bytes: it is forwarded, not parsed.
import type { TLSSocket } from 'node:tls';
import { Type } from 'typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireRole } from '../../kernel/auth.ts';
import { AppError } from '../../kernel/errors.ts';
import type { Lang } from '../../kernel/i18n.ts';
import { purposeText } from './purpose.ts';
import { CODE, INSTANCE_OR_CLASS, parseServiceParts, type ServiceId } from './identifiers.ts';
import type { ConsentCodeDelivery, Exchange, ExchangeRequest, ExchangeResponse } from './service.ts';
import type * as store from './store.ts';

const MAX_BODY = 10 * 1024 * 1024;

/** The parts of a Fastify request the exchange pipeline needs. */
export function exchangeRequest(request: FastifyRequest, subPath: string): ExchangeRequest {
  const [, query = ''] = request.url.split(/\?(.*)/s);
  const socket = request.raw.socket as TLSSocket;
  let peerCertificatePem: string | undefined;
  if (typeof socket.getPeerCertificate === 'function' && socket.authorized) {
    const raw = socket.getPeerCertificate(false)?.raw;
    if (raw) peerCertificatePem = `-----BEGIN CERTIFICATE-----\n${raw.toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;
  }
  return {
    method: request.method,
    subPath,
    query,
    url: request.url,
    headers: request.headers,
    body: Buffer.isBuffer(request.body) ? request.body : undefined,
    remoteAddress: request.raw.socket.remoteAddress,
    peerCertificatePem,
    viaNode: (request as FastifyRequest & { exchangeNode?: string }).exchangeNode,
    lang: request.lang,
  };
}

export function send(reply: FastifyReply, response: ExchangeResponse): FastifyReply {
  return reply.status(response.status).headers(response.headers).send(response.body);
}

/** Splits "/r1/A/B/C/D/E/rest?q" into the service and what follows it. */
function splitServicePath(url: string): { service: ServiceId; subPath: string } | { version: string } | undefined {
  const path = url.split('?')[0] ?? '';
  const match = /^\/(r\d)\/([^/]+)\/([^/]+)\/([^/]+)\/([^/]+)\/([^/?]+)(\/.*)?$/.exec(path);
  if (!match) return undefined;
  if (match[1] !== 'r1') return { version: match[1]! };
  const service = parseServiceParts(match.slice(2, 7));
  return service ? { service, subPath: match[7] ?? '' } : undefined;
}

/** listClients in X-Road's JSON form. */
export function listClients(dir: store.Directory, instance: string | undefined) {
  const member: unknown[] = [];
  for (const row of dir.members.filter((m) => m.status === 'active' && (!instance || m.instance === instance))) {
    member.push({ id: { member_class: row.member_class, member_code: row.member_code, object_type: 'MEMBER', xroad_instance: row.instance }, name: row.name_en });
    for (const subsystem of dir.subsystems.filter((s) => s.member_id === row.id && s.status === 'active')) {
      member.push({ id: { member_class: row.member_class, member_code: row.member_code, subsystem_code: subsystem.subsystem_code, object_type: 'SUBSYSTEM', xroad_instance: row.instance }, name: row.name_en, subsystem_name: subsystem.name_en });
    }
  }
  return { member };
}

export async function exchangeRoutes(app: FastifyInstance, exchange: Exchange, delivery: ConsentCodeDelivery): Promise<void> {
  // The X-Road REST protocol, in its own encapsulated context so bodies stay raw bytes.
  await app.register(async (r1) => {
    r1.removeAllContentTypeParsers();
    r1.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_BODY }, (_request, body, done) => done(null, body));
    // An oversized body never reaches the pipeline; it is still answered in X-Road's terms and logged.
    r1.setErrorHandler(async (error: { code?: string; statusCode?: number }, request, reply) => {
      const target = splitServicePath(request.url);
      const service = target && 'service' in target ? target.service : undefined;
      const tooLarge = error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || error.statusCode === 413;
      if (!tooLarge && (error.statusCode ?? 500) >= 500) throw error;
      const refusal = tooLarge ? 'bodyTooLarge' : 'badRequest';
      return send(reply, await exchange.refuse(service, { ...exchangeRequest(request, ''), body: undefined }, refusal, { detail: 'the request could not be read' }));
    });
    r1.route({
      method: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
      url: '/r1/*',
      schema: { hide: true },
      // The pipeline checks the address itself and answers in X-Road's terms, logging the refusal.
      config: { csrf: false, rawRequest: true },
      handler: async (request, reply) => {
        const target = splitServicePath(request.url);
        if (!target) return send(reply, await exchange.refuse(undefined, exchangeRequest(request, ''), 'invalidService'));
        if ('version' in target) return send(reply, await exchange.refuse(undefined, exchangeRequest(request, ''), 'badRequest', { detail: `protocol version ${target.version} is not supported; use r1` }));
        return send(reply, await exchange.handle(target.service, exchangeRequest(request, target.subPath)));
      },
    });
    r1.route({
      method: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      url: '/r*',
      schema: { hide: true },
      config: { csrf: false, rawRequest: true },
      handler: async (request, reply) => {
        if (/^\/r\d\//.test(request.url)) return send(reply, await exchange.refuse(undefined, exchangeRequest(request, ''), 'invalidService'));
        throw new AppError('NOT_FOUND');
      },
    });
  });

  app.get('/listClients', {
    schema: { tags: ['exchange'], summary: 'X-Road metaservice: members and subsystems of the exchange', querystring: Type.Object({ xRoadInstance: Type.Optional(Type.String({ maxLength: 64 })) }) },
    config: { csrf: false },
  }, async (request) => listClients(await exchange.directory(), (request.query as { xRoadInstance?: string }).xRoadInstance));

  // A member asks for a one-time code to be sent to a person, who gives it back as consent.
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 64 * 1024 }, (_request, body, done) => done(null, body));
    scope.post('/api/v1/exchange/consent-codes', {
      schema: { tags: ['exchange'], summary: 'Send a person a one-time consent code (signed by the calling member)' },
      config: { csrf: false },
    }, async (request, reply) => {
      const authenticated = await exchange.authenticateOnly(exchangeRequest(request, ''), String(request.headers['x-road-client'] ?? ''));
      if ('response' in authenticated) return send(reply, authenticated.response);
      let body: { subject?: unknown; services?: unknown; purpose?: unknown };
      try {
        body = JSON.parse((request.body as Buffer).toString('utf8')) as typeof body;
      } catch {
        throw new AppError('MALFORMED_BODY');
      }
      const services = Array.isArray(body.services) ? body.services.filter((s): s is string => typeof s === 'string' && s.length <= 300).slice(0, 20) : [];
      const purpose = typeof body.purpose === 'string' ? body.purpose.trim().slice(0, 200) : '';
      if (typeof body.subject !== 'string' || services.length === 0 || purpose.length < 3) {
        throw new AppError('VALIDATION_FAILED', { detail: 'subject, services and purpose are required' }, [{ field: 'subject', message: 'subject, services and purpose are required' }]);
      }
      return reply.status(201).send(await exchange.requestConsentCode(authenticated.client, { subject: body.subject, services, purpose }, delivery, request.lang));
    });
  });

  // ---- The person's own view.
  const citizen = requireRole('citizen');
  const registerNumberOf = (request: FastifyRequest) => {
    const number = request.principal?.registerNumber;
    if (!number) throw new AppError('FORBIDDEN');
    return number;
  };

  app.get('/api/v1/me/data-access', {
    schema: { tags: ['my data'], summary: 'Who read my data through the exchange' },
    preHandler: citizen,
  }, async (request) => {
    const dir = await exchange.directory();
    const rows = await exchange.accessLog(registerNumberOf(request));
    return { items: rows.map((row) => describeAccess(dir, row, request.lang)) };
  });

  app.get('/api/v1/me/consents', { schema: { tags: ['my data'], summary: 'Consents I have given' }, preHandler: citizen }, async (request) => ({
    items: (await exchange.consentsOf(registerNumberOf(request))).map((row) => ({
      id: row.id, client: row.client_id, services: row.services, purpose: purposeText(row.purpose, request.lang), method: row.method,
      grantedAt: new Date(row.granted_at).toISOString(), expiresAt: new Date(row.expires_at).toISOString(),
      withdrawnAt: row.withdrawn_at ? new Date(row.withdrawn_at).toISOString() : null,
    })),
  }));

  app.post('/api/v1/me/consents/:id/withdraw', {
    schema: { tags: ['my data'], summary: 'Withdraw a consent', params: Type.Object({ id: Type.String({ maxLength: 64 }) }) },
    preHandler: citizen,
  }, async (request, reply) => {
    await exchange.withdrawConsent(registerNumberOf(request), (request.params as { id: string }).id);
    return reply.status(204).send();
  });
}

export interface AccessView {
  at: string;
  client: string | null;
  clientName: { mn: string; en: string } | null;
  service: string | null;
  serviceTitle: { mn: string; en: string } | null;
  purpose: string | null;
  allowed: boolean;
}

/** One line of "who looked at my data", with names from the directory and the purpose in `lang`. */
export function describeAccess(dir: store.Directory, row: store.AccessRow, lang: Lang): AccessView {
  const member = row.client ? dir.members.find((m) => row.client!.startsWith(`${m.id}/`)) : undefined;
  const service = row.service ? dir.services.find((s) => s.id === row.service) : undefined;
  return {
    at: new Date(row.at).toISOString(),
    client: row.client,
    clientName: member ? { mn: member.name_mn, en: member.name_en } : null,
    service: row.service,
    serviceTitle: service ? { mn: service.title_mn, en: service.title_en } : null,
    purpose: purposeText(row.purpose, lang),
    allowed: row.status < 400,
  };
}

export { CODE, INSTANCE_OR_CLASS };
