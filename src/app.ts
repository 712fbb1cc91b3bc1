// Builds the server from the kernel, the web shell and the modules; nothing else.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCompress from '@fastify/compress';
import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { createAudit } from './kernel/audit.ts';
import type { Config } from './kernel/config.ts';
import type { AppContext, ModuleManifest } from './kernel/context.ts';
import { openDb, type Db } from './kernel/db.ts';
import { AppError, errorCatalogue, isErrorCode, problemSlug } from './kernel/errors.ts';
import { registerKernelHttp, requestId } from './kernel/http.ts';
import { I18n, type Messages } from './kernel/i18n.ts';
import { LruCache } from './kernel/lru.ts';
import { isForeignRegisterNumber } from './kernel/person-number.ts';
import { createMetrics } from './kernel/metrics.ts';
import { migrate, type MigrationSource } from './kernel/migrations.ts';
import { collectRoutes, type RegisteredRoute } from './kernel/route-map.ts';
import { actorSnapshot, applicationsManifest, referenceFor, registerApplications, type ApplicationsModule } from './modules/applications/index.ts';
import { catalogManifest, registerCatalog, type Catalog, type OnlineStart } from './modules/catalog/index.ts';
import { documentsManifest, registerDocuments, type Documents } from './modules/documents/index.ts';
import { ExchangeClient, PLATFORM_MEMBER, PORTAL_SUBSYSTEM, createExchangeService, exchangeRequest, injectTransport, exchangeManifest, registerExchange, type ConsentCodeDelivery, type Exchange } from './modules/exchange/index.ts';
import { IDENTITY_SUBSYSTEM, identityManifest, registerIdentity, type IdentityModule } from './modules/identity/index.ts';
import { HEALTH_STARTS, healthManifest, payloadRows, registerHealth, type Health, type PersonNames, type RecoveryRecord, type TestRecord, type VaccinationRecord } from './modules/health/index.ts';
import { messagingManifest, registerMessaging, type Messaging } from './modules/messaging/index.ts';
import { paymentsManifest, registerPayments, type Payments } from './modules/payments/index.ts';
import { publishRegistryServices, registerRegistries, registriesManifest, type Registries } from './modules/registries/index.ts';
import { buildAssets } from './web/assets.ts';
import { DEV_PERSONAS } from './web/dev-sign-in.ts';
import { registerWeb } from './web/index.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const kernelMessages = (lang: string) => JSON.parse(readFileSync(path.join(here, 'kernel', 'locales', `${lang}.json`), 'utf8')) as Messages;

/** Every module, in the order their migrations run. */
export const MODULES: ModuleManifest[] = [catalogManifest, messagingManifest, registriesManifest, exchangeManifest, identityManifest, healthManifest, paymentsManifest, documentsManifest, applicationsManifest];

export function migrationSources(): MigrationSource[] {
  return [{ module: 'kernel', dir: path.join(here, 'kernel', 'migrations') }, ...MODULES.map((module) => ({ module: module.name, dir: module.migrationsDir }))];
}

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
  const ctx: AppContext = { config, db, i18n, audit: createAudit(db), metrics: createMetrics(), log: server.log, pageCache: new LruCache(2000, config.cacheTtlMs) };
  const routes = collectRoutes(server);

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

  await registerKernelHttp(server, ctx);
  await registerWeb(server, ctx, assets);

  // Problem type URIs resolve to their description in both languages.
  server.get('/problems/:slug', { schema: { hide: true } }, async (request) => {
    const code = (request.params as { slug: string }).slug.toUpperCase().replace(/-/g, '_');
    if (!isErrorCode(code)) throw new AppError('NOT_FOUND');
    const entry = errorCatalogue[code];
    return { code, status: entry.status, mn: entry.mn, en: entry.en };
  });

  // The catalogue's "Start now" leads to the online reference or form, once the applications module is up.
  const startOnline: { find: OnlineStart } = { find: async () => undefined };
  const catalog = await registerCatalog(server, ctx, startOnline);
  const messaging = await registerMessaging(server, ctx);
  const payments = await registerPayments(server, ctx);
  const exchange = createExchangeService(ctx);
  const registries = await registerRegistries(server, ctx, exchange);
  const delivery: ConsentCodeDelivery = {
    async mobileOf(registerNumber) {
      const record = await registries.byKey(await registries.get({ id: isForeignRegisterNumber(registerNumber) ? 'foreign-residents' : 'population' }), registerNumber);
      return typeof record?.content.mobile === 'string' ? record.content.mobile : undefined;
    },
    async send(mobile, text, lang) {
      await messaging.send({ channel: 'sms', to: mobile, lang, body: text, purpose: 'exchange.consent-code' });
    },
  };
  await registerExchange(server, ctx, exchange, delivery, (lang) => catalog.listAgencies(lang));
  const health = await registerHealth(server, ctx, {
    async person(registerNumber) {
      const record = await registries.byKey(await registries.get({ id: 'population' }), registerNumber);
      return record ? (record.content as unknown as PersonNames) : undefined;
    },
    async vaccinations(registerNumber) {
      const record = await registries.byKey(await registries.get({ id: 'health' }), registerNumber);
      return record ? ((record.content.vaccinations ?? []) as VaccinationRecord[]) : undefined;
    },
    async tests(registerNumber) {
      const record = await registries.byKey(await registries.get({ id: 'health' }), registerNumber);
      return record ? ((record.content.tests ?? []) as TestRecord[]) : undefined;
    },
    async recoveries(registerNumber) {
      const record = await registries.byKey(await registries.get({ id: 'health' }), registerNumber);
      return record ? ((record.content.recoveries ?? []) as RecoveryRecord[]) : undefined;
    },
  });
  const portalSubsystem = `${exchange.instance}/${PLATFORM_MEMBER.memberClass}/${PLATFORM_MEMBER.memberCode}/${PORTAL_SUBSYSTEM}`;
  const identitySubsystem = `${exchange.instance}/${PLATFORM_MEMBER.memberClass}/${PLATFORM_MEMBER.memberCode}/${IDENTITY_SUBSYSTEM}`;
  const agencyName = async (agencyId: string) => {
    const agency = await catalog.getAgency(agencyId).catch(() => undefined);
    return agency?.name;
  };
  const publish = async () => {
    const platformName = (await agencyName(PLATFORM_MEMBER.agencyId)) ?? { mn: 'И-Монгол академи', en: 'E-Mongolia Academy' };
    const memberId = await exchange.admin.upsertMember({ memberClass: PLATFORM_MEMBER.memberClass, memberCode: PLATFORM_MEMBER.memberCode, name: platformName, agencyId: PLATFORM_MEMBER.agencyId });
    await exchange.admin.upsertSubsystem({ memberId, subsystemCode: PORTAL_SUBSYSTEM, name: { mn: 'Төрийн үйлчилгээний портал', en: 'Public service portal' } });
    await exchange.platformKey(portalSubsystem);
    await exchange.admin.upsertSubsystem({ memberId, subsystemCode: IDENTITY_SUBSYSTEM, name: { mn: 'Үндэсний нэвтрэлт', en: 'National login' } });
    await exchange.platformKey(identitySubsystem);
    // A satellite node reaches the registries at the central node; it publishes none of its own.
    if (!exchange.forwards) await publishRegistryServices(exchange, { nameOf: agencyName }, [portalSubsystem, identitySubsystem]);
  };
  await publish();
  // The national login reads what signing in needs (is this a living adult, their mobile number, their
  // children, the companies they direct) straight from the registers, as the consent-code delivery
  // does: it is the authentication itself. Data a relying party asks for goes through the exchange.
  const population = () => registries.get({ id: 'population' });
  const foreignResidents = () => registries.get({ id: 'foreign-residents' });
  const identity = await registerIdentity(server, ctx, {
    exchange,
    identitySubsystem,
    portalSubsystem,
    people: {
      async person(registerNumber) {
        // Foreign residents are in the immigration agency's register, not the population register.
        if (isForeignRegisterNumber(registerNumber)) {
          const record = await registries.byKey(await foreignResidents(), registerNumber);
          if (!record) return undefined;
          const content = record.content as Record<string, unknown>;
          const permit = content.permit as { validUntil?: unknown } | undefined;
          return {
            registerNumber,
            surname: String(content.surname ?? ''),
            givenName: String(content.givenName ?? ''),
            latin: { surname: String(content.surname ?? ''), givenName: String(content.givenName ?? '') },
            sex: content.sex as string | undefined,
            birthDate: String(content.birthDate ?? ''),
            ...(typeof content.mobile === 'string' ? { mobile: content.mobile } : {}),
            deceased: false,
            citizenship: String(content.nationality ?? ''),
            children: [],
            // No valid-until date reads as expired: a permit that cannot be shown to hold does not let anyone in.
            permitValidUntil: typeof permit?.validUntil === 'string' ? permit.validUntil : '0000-00-00',
          };
        }
        const record = await registries.byKey(await population(), registerNumber);
        if (!record) return undefined;
        const content = record.content as Record<string, unknown>;
        return {
          registerNumber,
          familyName: content.familyName as string | undefined,
          surname: String(content.surname ?? ''),
          givenName: String(content.givenName ?? ''),
          latin: content.latin as { surname?: string; givenName?: string } | undefined,
          sex: content.sex as string | undefined,
          birthDate: String(content.birthDate ?? ''),
          ...(typeof content.mobile === 'string' ? { mobile: content.mobile } : {}),
          deceased: Boolean(content.death),
          citizenship: String(content.citizenship ?? 'MN'),
          children: Array.isArray(content.children) ? (content.children as string[]) : [],
        };
      },
      async companiesDirectedBy(registerNumber) {
        const records = await registries.bySubject(await registries.get({ id: 'legal-entities' }), registerNumber);
        return records
          .filter((record) => ((record.content.directors as { registerNumber: string }[] | undefined) ?? []).some((director) => director.registerNumber === registerNumber))
          .map((record) => ({ registerNumber: String(record.content.registerNumber), name: String(record.content.name), status: record.content.status as string | undefined }));
      },
      async sendSms(mobile, text, lang, purpose) {
        await messaging.send({ channel: 'sms', to: mobile, lang, body: text, purpose });
      },
    },
    async company(registerNumber) {
      const record = await registries.byKey(await registries.get({ id: 'legal-entities' }), registerNumber);
      return record ? { registerNumber, name: String(record.content.name), status: record.content.status as string | undefined } : undefined;
    },
    agencies: async (lang) => (await catalog.listAgencies(lang)).map((agency) => ({ id: agency.id, name: agency.name[lang] })),
  });
  const documents = await registerDocuments(server, ctx, agencyName);
  // Each health certificate is also one of the person's documents: listed, verifiable by its number, logged.
  health.onIssued(async (certificate, registerNumber, actor, requestId) => {
    const mn = ctx.i18n.translator('mn');
    const en = ctx.i18n.translator('en');
    const result = { certificateType: certificate.certificateType, expiresAt: new Date(certificate.expiresAt), issuer: 'MN' };
    const rowsMn = payloadRows(certificate.payload, result, mn);
    const rowsEn = payloadRows(certificate.payload, result, en);
    const issuer = (await agencyName('moh')) ?? { mn: 'Эрүүл мэндийн яам', en: 'Ministry of Health' };
    await documents.issue({
      kind: 'certificate',
      title: { mn: `${mn(`health.verify.types.${certificate.certificateType}`)} (КОВИД-19)`, en: `${en(`health.verify.types.${certificate.certificateType}`)} (COVID-19)` },
      subject: registerNumber,
      subjectName: `${certificate.payload.nam.fn} ${certificate.payload.nam.gn ?? ''}`.trim(),
      agencyId: 'moh',
      issuer,
      body: { sections: [
        { rows: rowsMn.map((row, index) => ({ label: { mn: row.key.text, en: rowsEn[index]?.key.text ?? row.key.text }, value: row.value.text === rowsEn[index]?.value.text ? row.value.text : { mn: row.value.text, en: rowsEn[index]?.value.text ?? row.value.text } })) },
        { note: { mn: `EU DCC дугаар (UVCI): ${certificate.uvci}`, en: `EU DCC identifier (UVCI): ${certificate.uvci}` } },
      ] },
      source: { service: 'covid-19-vaccination-certificate', request: certificate.uvci },
      validUntil: certificate.expiresAt.slice(0, 10),
    }, actor, requestId).catch((error: unknown) => {
      // The certificate stands (it is signed and recorded); only its copy among the documents is missing.
      ctx.log.error({ err: error, uvci: certificate.uvci }, 'health certificate not filed among documents');
    });
  });
  // References read registries as the portal, through the exchange, signed like any member.
  const portalKey = await exchange.platformKey(portalSubsystem);
  const portalClient = new ExchangeClient({ client: portalSubsystem, keyId: portalKey.keyId, privateKeyPem: portalKey.privateKeyPem, transport: injectTransport(server as never) });
  let keepers: { at: number; byMember: Map<string, { id: string; name: { mn: string; en: string } }> } | undefined;
  const applicationsModule = await registerApplications(server, ctx, {
    service: (slug) => catalog.findService(slug),
    agencyName: (id) => catalog.getAgency(id).then((agency) => agency.name, () => undefined),
    async keeper(memberCode) {
      // Agencies change rarely; a minute-old list is good enough to name who keeps a register.
      if (!keepers || Date.now() - keepers.at > 60_000) {
        const agencies = await catalog.listAgencies('mn');
        keepers = { at: Date.now(), byMember: new Map(agencies.map((agency) => [agency.id.replace(/-/g, ''), { id: agency.id, name: agency.name }])) };
      }
      return keepers.byMember.get(memberCode);
    },
    async grantConsent(subject, services, purpose) {
      return (await exchange.grantConsent({ subject, clientId: portalSubsystem, services, purpose, method: 'portal', days: 1 })).id;
    },
    withdrawConsent: (subject, consentId) => exchange.withdrawConsent(subject, consentId),
    read: (service, servicePath, options) => portalClient.call(service, servicePath, options),
    instance: exchange.instance,
    documents,
    fees: {
      invoice: (input) => payments.createInvoice(input),
      async refund(invoiceId, reason, actor) {
        await payments.refund(invoiceId, reason, actor);
      },
      isPaid: async (invoiceId) => ['paid', 'refund_requested', 'refunded'].includes((await payments.checkPayment(invoiceId)).state),
    },
    messaging,
    mobileOf: (registerNumber) => delivery.mobileOf(registerNumber),
    // Officials by id: national-login staff from their records, development personas by their own names.
    async staffMember(id) {
      const persona = config.devLogin ? DEV_PERSONAS.find((candidate) => candidate.id === id) : undefined;
      return persona ? actorSnapshot(persona) : identity.staffMember(id);
    },
    // At a service centre the person reads out a code sent to their phone: the portal asks for it.
    requestConsentCode: (subject, services, purpose, lang) => exchange.requestConsentCode(portalSubsystem, { subject, services, purpose }, delivery, lang),
    redeemConsentCode: (subject, code) => exchange.redeemConsentCode(portalSubsystem, subject, code),
    // GovStack Registration calls made by a member's system are authenticated as the exchange authenticates any call.
    async authenticateExchangeCaller(request, body, clientHeader) {
      const authenticated = await exchange.authenticateOnly({ ...exchangeRequest(request, ''), body, clientHeaderName: 'Information-Mediator-Client' }, clientHeader);
      if ('client' in authenticated) return { client: authenticated.client };
      let reason = authenticated.response.headers['x-road-error'] ?? 'refused';
      try {
        reason = String((JSON.parse(authenticated.response.body.toString('utf8')) as { message?: string }).message ?? reason);
      } catch {
        // An XML refusal: its type is reason enough.
      }
      return { refused: reason };
    },
  });
  startOnline.find = async (slug) => {
    if (referenceFor(slug)) return `/references/${slug}`;
    if (HEALTH_STARTS[slug]) return HEALTH_STARTS[slug];
    return (await applicationsModule.submissions.available()).some(({ form }) => form.slug === slug) ? `/apply/${slug}` : undefined;
  };
  // A paid fee lets the agency start on the application.
  payments.onPaid((invoice) => applicationsModule.submissions.paid(invoice.reference, invoice.id));
  await server.ready();

  return {
    server,
    routes,
    ctx,
    catalog,
    messaging,
    payments,
    documents,
    applications: applicationsModule,
    registries,
    exchange,
    health,
    identity,
    portalSubsystem,
    publish,
    async close() {
      await server.close();
      if (!options.db) await db.close();
    },
  };
}
