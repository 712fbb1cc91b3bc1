// The registries module's face: manifest, service, exchange handlers and administration API.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { requireRole } from '../../kernel/auth.ts';
import type { AppContext, ModuleManifest } from '../../kernel/context.ts';
import type { Messages } from '../../kernel/i18n.ts';
import { exchangeRequest, sendExchangeResponse, type Exchange } from '../exchange/index.ts';
import { BASE_REGISTRIES } from './base-registries.ts';
import { digitalRegistriesHandler } from './govstack.ts';
import { RegistryInput } from './schema.ts';
import { createRegistries, type Registries } from './service.ts';
import { REGISTRY_SERVICES, handlerName, registryServiceHandler } from './services.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const messages = (lang: string) => JSON.parse(readFileSync(path.join(here, 'locales', `${lang}.json`), 'utf8')) as Messages;

export const registriesManifest: ModuleManifest = {
  name: 'registries',
  migrationsDir: path.join(here, 'migrations'),
  messages: { mn: messages('mn'), en: messages('en') },
};

/** Creates the registries, ensures the base registries exist and answers their exchange services. */
export async function registerRegistries(app: FastifyInstance, ctx: AppContext, exchange: Exchange): Promise<Registries> {
  const registries = createRegistries(ctx);
  await registries.ensureBaseRegistries();
  for (const definition of REGISTRY_SERVICES) exchange.provide(handlerName(definition), registryServiceHandler(registries, definition));
  exchange.provide(DIGITAL_REGISTRIES_HANDLER, digitalRegistriesHandler(registries, exchange, ctx.db));

  // GovStack's Digital Registries API: an exchange service, so calls are authenticated, checked and logged.
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 1024 * 1024 }, (_request, body, done) => done(null, body));
    scope.route({
      method: ['GET', 'POST', 'PUT', 'DELETE'],
      url: '/govstack/digital-registries/*',
      schema: { hide: true },
      config: { csrf: false },
      handler: async (request, reply) => {
        const subPath = request.url.split('?')[0]!.slice('/govstack/digital-registries'.length) || '/';
        const [instance, memberClass, memberCode, subsystemCode, serviceCode] = digitalRegistriesService(exchange.instance).split('/') as [string, string, string, string, string];
        return sendExchangeResponse(reply, await exchange.handle({ instance, memberClass, memberCode, subsystemCode, serviceCode }, { ...exchangeRequest(request, subPath), clientHeaderName: 'Information-Mediator-Client' }));
      },
    });
  });

  const admin = requireRole('platform-admin');
  app.get('/api/v1/registries', { schema: { tags: ['registries administration'], summary: 'Registries and how many records each holds' }, preHandler: admin }, async () => ({ items: await registries.list() }));
  app.post('/api/v1/registries', {
    schema: { tags: ['registries administration'], summary: 'Define a new registry by its JSON Schema', body: RegistryInput },
    preHandler: admin,
  }, async (request, reply) => reply.status(201).send(await registries.define(request.body as RegistryInput, { actor: request.principal?.id ?? null, requestId: request.id })));
  return registries;
}

export const DIGITAL_REGISTRIES_HANDLER = 'registries:digital-registries';

/** The exchange service behind /govstack/digital-registries/: the platform's registries subsystem. */
export function digitalRegistriesService(instance: string): string {
  return `${instance}/GOV/ema/registries/digitalRegistries`;
}

/** Member names of the agencies that own registries, as the catalogue knows them. */
export interface AgencyNames {
  nameOf(agencyId: string): Promise<{ mn: string; en: string } | undefined>;
}

/**
 * Publishes every registry service on the exchange under the owning agency's member, and lets the
 * platform's portal call them (with the person's consent, which the exchange checks).
 */
export async function publishRegistryServices(exchange: Exchange, agencies: AgencyNames, platformClients: string[]): Promise<void> {
  const platformMember = `${exchange.instance}/GOV/ema`;
  const registriesSubsystem = await exchange.admin.upsertSubsystem({ memberId: platformMember, subsystemCode: 'registries', name: { mn: 'Бүртгэлийн сангууд', en: 'Registries' } });
  await exchange.admin.upsertService({
    subsystemId: registriesSubsystem,
    serviceCode: 'digitalRegistries',
    title: { mn: 'GovStack бүртгэлийн API', en: 'GovStack Digital Registries API' },
    description: { mn: 'Бүх бүртгэлийн өгөгдлийг GovStack-ийн стандарт API-аар.', en: 'Every registry through GovStack’s standard API.' },
    kind: 'internal',
    handler: DIGITAL_REGISTRIES_HANDLER,
    personal: true,
    openapi: null,
  });
  for (const definition of REGISTRY_SERVICES) {
    // The member is the agency that keeps the registry; its subsystem carries the registry's name.
    const registry = BASE_REGISTRIES.find((candidate) => candidate.id === definition.registry)!;
    const agencyId = registry.ownerAgency;
    const name = (await agencies.nameOf(agencyId)) ?? { mn: definition.memberCode, en: definition.memberCode };
    const memberId = await exchange.admin.upsertMember({ memberClass: 'GOV', memberCode: definition.memberCode, name, agencyId });
    const subsystemId = await exchange.admin.upsertSubsystem({ memberId, subsystemCode: definition.subsystemCode, name: registry.title });
    const key = definition.lookup === 'key' ? 'key' : 'registerNumber';
    const serviceId = await exchange.admin.upsertService({
      subsystemId,
      serviceCode: definition.serviceCode,
      title: definition.title,
      description: definition.description,
      kind: 'internal',
      handler: handlerName(definition),
      personal: definition.personal,
      openapi: {
        openapi: '3.1.0',
        info: { title: definition.title.en, version: '1.0', description: definition.description.en },
        paths: {
          [`/{${key}}`]: {
            get: {
              summary: definition.title.en,
              parameters: [{ name: key, in: 'path', required: true, schema: { type: 'string' } }],
              responses: { '200': { description: 'Found' }, '404': { description: 'No record found' } },
            },
          },
        },
      },
    });
    for (const clientId of platformClients) await exchange.admin.grant({ serviceId, clientId, method: 'GET', path: '/*', grantedBy: 'platform' });
  }
}

export type { Registries } from './service.ts';
export { registryReaders, type RegistryReaders } from './readers.ts';
export type { CitizenEntry, ForeignResidentEntry, HealthEntry, LegalEntityEntry } from './schema.ts';
export { administrativeUnits, generatePopulation, generateForeignResidents, foreignResidentCount, DEMO_CITIZEN, DEMO_FOREIGNER } from './generator.ts';
export { importRegistryDocument, importRegistryFile } from './import.ts';
export { deferIndexes, loadRecords } from './load.ts';
