// The documents module's face: signed e-documents (references, application results) with a
// public verify page and API, the person's own documents, and revocation by the issuer.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { AppContext, ModuleManifest } from '../../kernel/context.ts';
import type { Messages } from '../../kernel/i18n.ts';
import { documentPages } from './pages.ts';
import { documentRoutes } from './routes.ts';
import { createDocuments, type Documents } from './service.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const messages = (lang: string) => JSON.parse(readFileSync(path.join(here, 'locales', `${lang}.json`), 'utf8')) as Messages;

export const documentsManifest: ModuleManifest = {
  name: 'documents',
  migrationsDir: path.join(here, 'migrations'),
  messages: { mn: messages('mn'), en: messages('en') },
};

export async function registerDocuments(app: FastifyInstance, ctx: AppContext, agencyName: (agencyId: string) => Promise<{ mn: string; en: string } | undefined>): Promise<Documents> {
  const documents = createDocuments(ctx, agencyName);
  documentRoutes(app, documents);
  documentPages(app, ctx, documents);
  return documents;
}

export type { Documents, PublishedKey } from './service.ts';
export { documentPdf, verifyUrl } from './pdf.ts';
export { groupedId, parseDocumentId, canonicalJson, hashedContent } from './schema.ts';
export type { Bilingual, DocumentBody, DocumentDraft, DocumentId, DocumentRow, DocumentSection, DocumentTable, IssuedDocument, Text, Verification } from './schema.ts';
