// The exchange module's face: manifest, service, routes and pages.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import { requireRole } from '../../kernel/auth.ts';
import type { AppContext, ModuleManifest } from '../../kernel/context.ts';
import { AppError } from '../../kernel/errors.ts';
import type { Messages } from '../../kernel/i18n.ts';
import { page } from '../../web/index.ts';
import { registerExchangeAdminPages, type AgencyLookup } from './admin-pages.ts';
import { registerInformationMediator } from './govstack-im.ts';
import { purposeText } from './purpose.ts';
import { describeAccess, exchangeRoutes } from './routes.ts';
import { centralAgent, centralLinkFromEnvironment, forwardToCentral, startNodeListener } from './node.ts';
import { createExchange, type ConsentCodeDelivery, type Exchange } from './service.ts';
import { DirectoryWitness, MemoryWitness, type LogWitness } from './witness.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const messages = (lang: string) => JSON.parse(readFileSync(path.join(here, 'locales', `${lang}.json`), 'utf8')) as Messages;

export const exchangeManifest: ModuleManifest = {
  name: 'exchange',
  migrationsDir: path.join(here, 'migrations'),
  messages: { mn: messages('mn'), en: messages('en') },
};

/** The platform's own member and the subsystem its portal calls registries as. */
export const PLATFORM_MEMBER = { memberClass: 'GOV', memberCode: 'ema', agencyId: 'ema' };
export const PORTAL_SUBSYSTEM = 'portal';

/**
 * Where checkpoints of the message log are kept: EXCHANGE_LOG_WITNESS_DIR, else a folder under the
 * data directory named after the database (so each database has its own, and the name comes from
 * the operator's settings, not from anything stored in the database). A database held only in
 * memory keeps its checkpoints in memory too.
 */
export function logWitnessFor(config: AppContext['config'], env: NodeJS.ProcessEnv = process.env): LogWitness {
  if (env.EXCHANGE_LOG_WITNESS_DIR) return new DirectoryWitness(path.resolve(env.EXCHANGE_LOG_WITNESS_DIR));
  if (!config.databaseUrl && config.inMemory) return new MemoryWitness();
  let database = 'embedded';
  if (config.databaseUrl) {
    const url = new URL(config.databaseUrl);
    database = `${url.hostname}-${url.port || '5432'}-${decodeURIComponent(url.pathname.slice(1)) || 'postgres'}`.replace(/[^A-Za-z0-9._-]/g, '_');
  }
  return new DirectoryWitness(path.join(config.dataDir, 'exchange-log-witness', database));
}

/** The exchange of this process; a satellite node forwards to the central node (see node.ts). */
export function createExchangeService(ctx: AppContext): Exchange {
  const link = centralLinkFromEnvironment();
  const seconds = Number(process.env.EXCHANGE_CHECKPOINT_SECONDS || 60);
  return createExchange(ctx, {
    instance: process.env.EXCHANGE_INSTANCE || 'MN',
    nodeId: process.env.EXCHANGE_NODE_ID || 'central',
    witness: logWitnessFor(ctx.config),
    checkpointEveryMs: Number.isFinite(seconds) && seconds >= 1 ? seconds * 1000 : 60_000,
    ...(link ? { forward: forwardToCentral(link, centralAgent(link)) } : {}),
  });
}

/** Registers the exchange's routes and pages. */
export async function registerExchange(app: FastifyInstance, ctx: AppContext, exchange: Exchange, delivery: ConsentCodeDelivery, agencies?: AgencyLookup): Promise<void> {
  app.addHook('onClose', async () => exchange.flush());
  await exchangeRoutes(app, exchange, delivery);
  registerInformationMediator(app, exchange);
  // The node-to-node interface (mutual TLS) listens when a port is configured.
  const nodePort = process.env.EXCHANGE_NODE_PORT ? Number(process.env.EXCHANGE_NODE_PORT) : undefined;
  if (nodePort !== undefined) {
    app.addHook('onReady', async () => {
      const listener = await startNodeListener(ctx, exchange, { port: nodePort, host: process.env.EXCHANGE_NODE_HOST || '127.0.0.1' });
      app.addHook('onClose', async () => listener.close());
    });
  }

  page(app, 'GET', '/exchange', { cache: true }, async (request, reply) => {
    const dir = await exchange.directory();
    const members = dir.members.filter((m) => m.status === 'active').map((member) => ({
      ...member,
      subsystems: dir.subsystems.filter((s) => s.member_id === member.id && s.status === 'active').map((subsystem) => ({
        ...subsystem,
        services: dir.services.filter((service) => service.subsystem_id === subsystem.id && service.status === 'enabled').map((service) => ({
          ...service,
          path: `/r1/${service.id.split('/').map(encodeURIComponent).join('/')}`,
        })),
      })),
    }));
    return reply.page('modules/exchange/views/catalogue.njk', { members }, { title: request.t('exchange.catalogue.title') });
  });

  page(app, 'GET', '/my/data-access', { preHandler: requireRole('citizen') }, async (request, reply) => {
    const registerNumber = request.principal?.registerNumber;
    if (!registerNumber) throw new AppError('FORBIDDEN');
    const dir = await exchange.directory();
    const accesses = (await exchange.accessLog(registerNumber)).map((row) => describeAccess(dir, row, request.lang));
    const now = Date.now();
    // Just withdrawn (the redirect after the button): said beside where the button was.
    const justWithdrawn = String((request.query as { withdrawn?: unknown }).withdrawn ?? '');
    const consents = (await exchange.consentsOf(registerNumber)).map((row) => {
      const member = dir.members.find((m) => row.client_id === m.id || row.client_id.startsWith(`${m.id}/`));
      return {
        id: row.id,
        client: member ? (request.lang === 'mn' ? member.name_mn : member.name_en) : row.client_id,
        services: row.services.map((id) => {
          const service = dir.services.find((s) => s.id === id);
          return service ? (request.lang === 'mn' ? service.title_mn : service.title_en) : id;
        }),
        purpose: purposeText(row.purpose, request.lang),
        grantedAt: row.granted_at,
        expiresAt: row.expires_at,
        state: row.withdrawn_at ? 'withdrawn' : new Date(row.expires_at).getTime() < now ? 'expired' : 'active',
        justWithdrawn: row.id === justWithdrawn && Boolean(row.withdrawn_at),
      };
    });
    return reply.page('modules/exchange/views/data-access.njk', { accesses, consents }, { title: request.t('exchange.access.title') });
  });

  page(app, 'POST', '/my/consents/:id/withdraw', { preHandler: requireRole('citizen') }, async (request, reply) => {
    const registerNumber = request.principal?.registerNumber;
    if (!registerNumber) throw new AppError('FORBIDDEN');
    const { id } = request.params as { id: string };
    await exchange.withdrawConsent(registerNumber, id);
    // Back to the same consent in the list, which now says it is withdrawn (no JavaScript needed).
    return reply.redirect(`/${request.lang}/my/data-access?withdrawn=${encodeURIComponent(id)}#consent-${encodeURIComponent(id)}`, 303);
  });

  // ---- Administration API: platform administrators manage the directory.
  const admin = requireRole('platform-admin');
  app.get('/api/v1/exchange/directory', { schema: { tags: ['exchange administration'], summary: 'Members, subsystems, services, keys and access rights' }, preHandler: admin }, async () => {
    const dir = await exchange.directory();
    return { ...dir, keys: dir.keys.map(({ key_id, subsystem_id, public_key_pem }) => ({ key_id, subsystem_id, public_key_pem })) };
  });
  app.post('/api/v1/exchange/members', {
    schema: { tags: ['exchange administration'], summary: 'Add or rename a member', body: Type.Object({ memberClass: Type.String({ maxLength: 64 }), memberCode: Type.String({ maxLength: 64 }), name: Type.Object({ mn: Type.String({ minLength: 1, maxLength: 200 }), en: Type.String({ minLength: 1, maxLength: 200 }) }), instance: Type.Optional(Type.String({ maxLength: 64 })), agencyId: Type.Optional(Type.String({ maxLength: 80 })) }) },
    preHandler: admin,
  }, async (request, reply) => reply.status(201).send({ id: await exchange.admin.upsertMember(request.body as Parameters<Exchange['admin']['upsertMember']>[0]) }));
  app.post('/api/v1/exchange/subsystems', {
    schema: { tags: ['exchange administration'], summary: 'Add a subsystem to a member', body: Type.Object({ memberId: Type.String({ maxLength: 200 }), subsystemCode: Type.String({ maxLength: 64 }), name: Type.Object({ mn: Type.String({ minLength: 1, maxLength: 200 }), en: Type.String({ minLength: 1, maxLength: 200 }) }), authMode: Type.Optional(Type.Enum(['signature', 'tls', 'local'])), nodeId: Type.Optional(Type.String({ maxLength: 64 })) }) },
    preHandler: admin,
  }, async (request, reply) => {
    const body = request.body as Parameters<Exchange['admin']['upsertSubsystem']>[0];
    const dir = await exchange.directory();
    if (!dir.members.some((member) => member.id === body.memberId)) throw new AppError('NOT_FOUND');
    return reply.status(201).send({ id: await exchange.admin.upsertSubsystem(body) });
  });
  app.post('/api/v1/exchange/keys', {
    schema: { tags: ['exchange administration'], summary: 'Register a subsystem’s public key (PEM) or certificate', body: Type.Object({ subsystemId: Type.String({ maxLength: 300 }), publicKeyPem: Type.String({ maxLength: 10_000 }), certificatePem: Type.Optional(Type.String({ maxLength: 10_000 })), keyId: Type.Optional(Type.String({ maxLength: 300 })) }) },
    preHandler: admin,
  }, async (request, reply) => {
    const body = request.body as Parameters<Exchange['admin']['addKey']>[0];
    const dir = await exchange.directory();
    if (!dir.subsystems.some((subsystem) => subsystem.id === body.subsystemId)) throw new AppError('NOT_FOUND');
    return reply.status(201).send({ keyId: await exchange.admin.addKey(body) });
  });
  app.post('/api/v1/exchange/services', {
    schema: { tags: ['exchange administration'], summary: 'Publish a REST service of a subsystem', body: Type.Object({ subsystemId: Type.String({ maxLength: 300 }), serviceCode: Type.String({ maxLength: 64 }), title: Type.Object({ mn: Type.String({ minLength: 1, maxLength: 200 }), en: Type.String({ minLength: 1, maxLength: 200 }) }), baseUrl: Type.String({ maxLength: 500 }), openapi: Type.Optional(Type.Record(Type.String(), Type.Unknown())), personal: Type.Boolean(), timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 60_000 })) }) },
    preHandler: admin,
  }, async (request, reply) => {
    const body = request.body as { subsystemId: string; serviceCode: string; title: { mn: string; en: string }; baseUrl: string; openapi?: Record<string, unknown>; personal: boolean; timeoutMs?: number };
    const dir = await exchange.directory();
    if (!dir.subsystems.some((subsystem) => subsystem.id === body.subsystemId)) throw new AppError('NOT_FOUND');
    return reply.status(201).send({ id: await exchange.admin.upsertService({ ...body, kind: 'rest' }) });
  });
  app.post('/api/v1/exchange/access-rights', {
    schema: { tags: ['exchange administration'], summary: 'Let a client call a service (method and path glob)', body: Type.Object({ serviceId: Type.String({ maxLength: 300 }), clientId: Type.String({ maxLength: 300 }), method: Type.Optional(Type.String({ pattern: '^(\\*|GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)$' })), path: Type.Optional(Type.String({ pattern: '^/', maxLength: 300 })) }) },
    preHandler: admin,
  }, async (request, reply) => {
    const body = request.body as { serviceId: string; clientId: string; method?: string; path?: string };
    const dir = await exchange.directory();
    if (!dir.services.some((service) => service.id === body.serviceId)) throw new AppError('NOT_FOUND');
    if (!dir.subsystems.some((s) => s.id === body.clientId) && !dir.members.some((m) => m.id === body.clientId)) throw new AppError('NOT_FOUND');
    return reply.status(201).send({ id: await exchange.admin.grant({ ...body, grantedBy: request.principal?.id ?? null }) });
  });
  app.delete('/api/v1/exchange/access-rights/:id', {
    schema: { tags: ['exchange administration'], summary: 'Revoke an access right', params: Type.Object({ id: Type.String({ maxLength: 64 }) }) },
    preHandler: admin,
  }, async (request, reply) => {
    if (!(await exchange.admin.revoke((request.params as { id: string }).id))) throw new AppError('NOT_FOUND');
    return reply.status(204).send();
  });
  registerExchangeAdminPages(app, ctx, exchange, agencies);
}

export type { Exchange, ExchangeRequest, ExchangeResponse, ProviderHandler, ProviderRequest, ProviderResponse, ConsentCodeDelivery } from './service.ts';
export { ExchangeClient, fetchTransport, injectTransport, servicePath, type Transport } from './client.ts';
export { exchangeCa, issueNodeCertificate, startNodeListener } from './node.ts';
export { exchangeRequest, send as sendExchangeResponse } from './routes.ts';
export { bilingualPurpose, purposeText } from './purpose.ts';
export type { ServiceId } from './identifiers.ts';
export { DirectoryWitness, MemoryWitness, type Checkpoint, type LogWitness } from './witness.ts';
