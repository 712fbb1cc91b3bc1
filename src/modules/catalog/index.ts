// The catalogue module's face: its manifest, its service and its routes. Other modules import
// only from here.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { AppContext, ModuleManifest } from '../../kernel/context.ts';
import type { Messages } from '../../kernel/i18n.ts';
import { catalogAdminPages } from './admin-pages.ts';
import { catalogPages } from './pages.ts';
import { catalogRoutes } from './routes.ts';
import { createCatalog, type Catalog } from './service.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const messages = (lang: string) => JSON.parse(readFileSync(path.join(here, 'locales', `${lang}.json`), 'utf8')) as Messages;

export const catalogManifest: ModuleManifest = {
  name: 'catalog',
  migrationsDir: path.join(here, 'migrations'),
  messages: { mn: messages('mn'), en: messages('en') },
};

/** Where a service can be used online, if it can: set by the module that serves it (references, applications). */
export type OnlineStart = (slug: string) => Promise<string | undefined>;

/** Creates the catalogue service and registers its API and pages; `startOnline` is read at each page. */
export async function registerCatalog(app: FastifyInstance, ctx: AppContext, startOnline: { find: OnlineStart } = { find: async () => undefined }): Promise<Catalog> {
  const catalog = createCatalog(ctx);
  app.addHook('onClose', async () => catalog.close());
  await catalogRoutes(app, catalog);
  await catalogPages(app, catalog, startOnline);
  await catalogAdminPages(app, catalog);
  return catalog;
}

export { seedCatalog, type SeedOptions, type SeedReport } from './seed.ts';
export type { Catalog } from './service.ts';
export type { Service, ServiceId, Agency, Sector } from './schema.ts';
