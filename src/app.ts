// Builds the server from the kernel, the web shell and the modules, and wires the flows between them.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { agencyNames, applicationFees, applicationOfficials, bindOnlineStart, consentCodeDelivery, exchangePublisher, fileHealthCertificates, healthRegisterReads, lateOnlineStart, loginPeople, loginRegisterFacts, platformSubsystems, portalRegisterReads, registrationCallers, startApplicationsWhenPaid } from './flows/index.ts';
import { createAudit } from './kernel/audit.ts';
import type { Config } from './kernel/config.ts';
import type { AppContext, ModuleManifest } from './kernel/context.ts';
import { openDb, type Db } from './kernel/db.ts';
import { registerKernelHttp } from './kernel/http.ts';
import { I18n, type Messages } from './kernel/i18n.ts';
import { LruCache } from './kernel/lru.ts';
import { createMetrics } from './kernel/metrics.ts';
import { migrate, type MigrationSource } from './kernel/migrations.ts';
import { createServer, registerProblemPages, registerServerPlugins } from './kernel/server.ts';
import type { RegisteredRoute } from './kernel/route-map.ts';
import { applicationsManifest, registerApplications, type ApplicationsModule } from './modules/applications/index.ts';
import { catalogManifest, registerCatalog, type Catalog } from './modules/catalog/index.ts';
import { documentsManifest, registerDocuments, type Documents } from './modules/documents/index.ts';
import { createExchangeService, exchangeManifest, registerExchange, type Exchange } from './modules/exchange/index.ts';
import { identityManifest, registerIdentity, type IdentityModule } from './modules/identity/index.ts';
import { healthManifest, registerHealth, type Health } from './modules/health/index.ts';
import { messagingManifest, registerMessaging, type Messaging } from './modules/messaging/index.ts';
import { paymentsManifest, registerPayments, type Payments } from './modules/payments/index.ts';
import { registerRegistries, registriesManifest, registryReaders, type Registries } from './modules/registries/index.ts';
import { buildAssets } from './web/assets.ts';
import { registerWeb } from './web/index.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const kernelMessages = (lang: string) => JSON.parse(readFileSync(path.join(here, 'kernel', 'locales', `${lang}.json`), 'utf8')) as Messages;

/** Every module, in the order their migrations run. */
export const MODULES: ModuleManifest[] = [catalogManifest, messagingManifest, registriesManifest, exchangeManifest, identityManifest, healthManifest, paymentsManifest, documentsManifest, applicationsManifest];

/** Where each migration set lives: the kernel's first, then the modules' in order. */
export function migrationSources(): MigrationSource[] {
  return [{ module: 'kernel', dir: path.join(here, 'kernel', 'migrations') }, ...MODULES.map((module) => ({ module: module.name, dir: module.migrationsDir }))];
}

/** The message catalogue of the kernel and every module, in both languages. */
export function buildI18n(): I18n {
  const i18n = new I18n().add('', { mn: kernelMessages('mn'), en: kernelMessages('en') });
  for (const module of MODULES) i18n.add(module.name, module.messages);
  return i18n;
}

export interface App {
  server: FastifyInstance;
  /** Every route registered, for the authorization matrix tests and the route map. */
  routes: RegisteredRoute[];
  ctx: AppContext;
  catalog: Catalog;
  messaging: Messaging;
  payments: Payments;
  documents: Documents;
  applications: ApplicationsModule;
  registries: Registries;
  exchange: Exchange;
  health: Health;
  identity: IdentityModule;
  /** The portal's identity on the exchange (subsystem id). */
  portalSubsystem: string;
  /** Publishes the platform's members and services on the exchange (idempotent; again after seeding). */
  publish(): Promise<void>;
  close(): Promise<void>;
}

export interface BuildOptions {
  /** Use this database instead of opening one from the configuration (tests share one). */
  db?: Db;
}

/** Opens the database, applies migrations and builds the HTTP server (not yet listening). */
export async function buildApp(config: Config, options: BuildOptions = {}): Promise<App> {
  const i18n = buildI18n();
  const missing = i18n.missingKeys();
  if (missing.length > 0) throw new Error(`Messages missing in one language: ${missing.slice(0, 10).join(', ')}`);

  const db = options.db ?? (await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, inMemory: config.inMemory }));
  await migrate(db, migrationSources());
  const assets = await buildAssets();
  const { server, routes } = createServer(config);
  const ctx: AppContext = { config, db, i18n, audit: createAudit(db), metrics: createMetrics(), log: server.log, pageCache: new LruCache(2000, config.cacheTtlMs) };
  await registerServerPlugins(server, config);
  await registerKernelHttp(server, ctx);
  await registerWeb(server, ctx, assets);
  registerProblemPages(server);

  const startOnline = lateOnlineStart();
  const catalog = await registerCatalog(server, ctx, startOnline);
  const agencyName = agencyNames(catalog);
  const messaging = await registerMessaging(server, ctx);
  const payments = await registerPayments(server, ctx);
  const exchange = createExchangeService(ctx);
  const registries = await registerRegistries(server, ctx, exchange);
  const readers = registryReaders(registries);
  const delivery = consentCodeDelivery(readers, messaging);
  await registerExchange(server, ctx, exchange, delivery, (lang) => catalog.listAgencies(lang));
  const health = await registerHealth(server, ctx, healthRegisterReads(readers));
  const subsystems = platformSubsystems(exchange);
  const publish = exchangePublisher(exchange, agencyName, subsystems);
  await publish();
  const identity = await registerIdentity(server, ctx, {
    exchange,
    identitySubsystem: subsystems.identity,
    portalSubsystem: subsystems.portal,
    people: loginPeople(readers, messaging),
    ...loginRegisterFacts(readers, catalog),
  });
  const documents = await registerDocuments(server, ctx, agencyName);
  fileHealthCertificates(ctx, health, documents, agencyName);
  const applications = await registerApplications(server, ctx, {
    service: (slug) => catalog.findService(slug),
    agencyName,
    ...(await portalRegisterReads(server, exchange, catalog, subsystems.portal, delivery)),
    documents,
    fees: applicationFees(payments),
    messaging,
    mobileOf: (registerNumber) => delivery.mobileOf(registerNumber),
    staffMember: applicationOfficials(config, identity),
    authenticateExchangeCaller: registrationCallers(exchange),
  });
  bindOnlineStart(startOnline, applications);
  startApplicationsWhenPaid(payments, applications);
  await server.ready();

  return {
    server, routes, ctx, catalog, messaging, payments, documents, applications, registries, exchange, health, identity,
    portalSubsystem: subsystems.portal,
    publish,
    async close() {
      await server.close();
      if (!options.db) await db.close();
    },
  };
}
