// The health module's face: EU Digital COVID Certificates issued from the health registry and
// verified for anyone, with the keys that sign them and the trust list that publishes them.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { AppContext, ModuleManifest } from '../../kernel/context.ts';
import type { Messages } from '../../kernel/i18n.ts';
import { healthPages } from './pages.ts';
import { healthRoutes } from './routes.ts';
import { createHealth, type Health, type HealthRecords } from './service.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const messages = (lang: string) => JSON.parse(readFileSync(path.join(here, 'locales', `${lang}.json`), 'utf8')) as Messages;

export const healthManifest: ModuleManifest = {
  name: 'health',
  migrationsDir: path.join(here, 'migrations'),
  messages: { mn: messages('mn'), en: messages('en') },
};

/** Creates the health service and registers its API and pages. Keys are made when first needed. */
export async function registerHealth(app: FastifyInstance, ctx: AppContext, records: HealthRecords): Promise<Health> {
  const health = createHealth(ctx, records);
  await healthRoutes(app, health);
  await healthPages(app, health, ctx);
  return health;
}

export { DCC_HELP, runDccCommand } from './cli.ts';

/** Where the catalogue's health services start on the portal: getting one's own certificate, and checking anyone's. */
export const HEALTH_STARTS: Readonly<Record<string, string>> = {
  'covid-19-vaccination-certificate': '/my/health-certificates',
  'verify-covid-19-certificate': '/dcc/verify',
};
export { payloadRows } from './rows.ts';
export type { IssuedCertificate } from './service.ts';
export { COVID_19, DCC_COUNTRY, type Health, type HealthRecords, type PersonNames, type RecoveryRecord, type TestRecord, type VaccinationRecord } from './service.ts';
