// Loading records into registries from a file: Urtuu's own format, or the shape of GovStack's
// test-data.json. Every record is checked against its registry's schema; a record that does not
// fit is reported with its reason and skipped, and everything else is kept.
//
// Urtuu's format:
//   { "registry": "vehicles", "records": [ {...}, ... ] }              (an existing registry)
//   { "definition": { ...RegistryInput }, "records": [ ... ] }         (defined first if absent)
//   or an array of those.
// GovStack's: { "registries": { "registryname", "versionnumber", "databaseID", "records" } | [...],
//               "databases": [ { "databases": [ {...}, ... ] } ] }
import { readFileSync } from 'node:fs';
import { AppError } from '../../kernel/errors.ts';
import type { Registry, RegistryInput } from './schema.ts';
import type { Registries } from './service.ts';
import * as store from './store.ts';
import type { Queryable } from '../../kernel/db.ts';

type Content = Record<string, unknown>;

export interface ImportReport {
  imported: number;
  failed: number;
  lines: string[];
}

interface Batch {
  registry: () => Promise<Registry>;
  records: Content[];
  label: string;
}

/** A lenient schema for a GovStack registry: the fields its records use, nothing required. */
function inferSchema(records: Content[]): Content {
  const properties: Record<string, Content> = { uuid: { type: 'string' } };
  for (const record of records.slice(0, 100)) {
    for (const [key, value] of Object.entries(record)) {
      if (properties[key]) continue;
      properties[key] = Array.isArray(value) ? { type: 'array' } : value !== null && typeof value === 'object' ? { type: 'object' } : typeof value === 'number' ? { type: 'number' } : typeof value === 'boolean' ? { type: 'boolean' } : { type: 'string' };
    }
  }
  return { type: 'object', properties, additionalProperties: true };
}

function govstackBatches(registries: Registries, document: Content, owner: string): Batch[] {
  const list = Array.isArray(document.registries) ? document.registries : [document.registries];
  return (list as Content[]).filter((item) => item && typeof item === 'object').map((item) => {
    const name = String(item.registryname ?? '');
    const version = String(item.versionnumber ?? '');
    const databaseId = String(item.databaseID ?? '');
    // GovStack fixtures call the record id "id"; its API calls it "ID".
    const records = ((item.records as Content[] | undefined) ?? []).map(({ id, ...rest }) => (id !== undefined && rest.ID === undefined ? { ...rest, ID: id } : { ...rest, ...(id !== undefined ? { id } : {}) }));
    return {
      label: `${name}/${version}`,
      records,
      registry: async () => {
        const existing = await registries.find({ name, version });
        if (existing) return existing;
        return registries.define({
          id: `${name}-${version}`.replace(/[^a-zA-Z0-9_-]/g, '-').slice(0, 63),
          name,
          version,
          ...(/^[0-9]+$/.test(databaseId) ? { databaseId: Number(databaseId) } : databaseId ? { databaseCode: databaseId } : {}),
          ownerAgency: owner,
          title: { mn: name, en: name },
          schema: inferSchema(records),
          keyField: 'uuid',
          indexedFields: records.some((record) => 'ID' in record) ? ['ID'] : [],
        } as RegistryInput, { actor: 'import' });
      },
    };
  });
}

async function importDatabases(db: Queryable, document: Content): Promise<number> {
  let count = 0;
  for (const group of (document.databases as unknown[] | undefined) ?? []) {
    if (!group || typeof group !== 'object') continue;
    for (const entry of ((group as Content).databases as unknown[] | undefined) ?? []) {
      // GovStack's fixture has comments as bare strings among the entries.
      if (!entry || typeof entry !== 'object') continue;
      const body = entry as Content;
      const id = Number(body.id);
      if (!Number.isSafeInteger(id) || id <= 0) continue;
      await store.upsertDatabase(db, { id, code: String(body.code ?? body.name ?? id), name: String(body.name ?? ''), version: String(body.version ?? ''), body });
      count += 1;
    }
  }
  return count;
}

/** Imports a parsed document; see the file comment for the formats. */
export async function importRegistryDocument(
  registries: Registries,
  db: Queryable,
  document: unknown,
  options: { actor: string; owner?: string; onProgress?: (done: number, total: number) => void },
): Promise<ImportReport> {
  const report: ImportReport = { imported: 0, failed: 0, lines: [] };
  const batches: Batch[] = [];
  const documents = Array.isArray(document) ? document : [document];
  for (const item of documents as Content[]) {
    if (!item || typeof item !== 'object') throw new AppError('VALIDATION_FAILED', { detail: 'each item must be an object' });
    if ('registries' in item || 'databases' in item) {
      if ('databases' in item) report.lines.push(`databases: ${await importDatabases(db, item)} catalogued`);
      if ('registries' in item) batches.push(...govstackBatches(registries, item, options.owner ?? 'ema'));
      continue;
    }
    const records = Array.isArray(item.records) ? (item.records as Content[]) : [];
    if (item.definition && typeof item.definition === 'object') {
      const definition = item.definition as RegistryInput;
      batches.push({ label: definition.id, records, registry: async () => (await registries.find({ id: definition.id })) ?? registries.define(definition, { actor: options.actor }) });
    } else if (typeof item.registry === 'string') {
      const id = item.registry;
      batches.push({ label: id, records, registry: () => registries.get({ id }) });
    } else {
      throw new AppError('VALIDATION_FAILED', { detail: 'an item needs "registry", "definition" or GovStack\'s "registries"' });
    }
  }
  const total = batches.reduce((sum, batch) => sum + batch.records.length, 0);
  let done = 0;
  for (const batch of batches) {
    const registry = await batch.registry();
    let imported = 0;
    for (const [index, record] of batch.records.entries()) {
      try {
        if (!record || typeof record !== 'object' || Array.isArray(record)) throw new AppError('RECORD_INVALID', { detail: 'not an object' });
        await registries.create(registry, record, { actor: options.actor });
        imported += 1;
      } catch (error) {
        report.failed += 1;
        const reason = error instanceof AppError ? error.text('en') : 'unexpected error';
        if (report.failed <= 50) report.lines.push(`${batch.label} record ${index + 1}: ${reason}`);
      }
      done += 1;
      if (done % 100 === 0 || done === total) options.onProgress?.(done, total);
    }
    report.imported += imported;
    report.lines.push(`${batch.label}: ${imported} imported`);
  }
  if (report.failed > 50) report.lines.push(`... and ${report.failed - 50} more records refused`);
  report.lines.push(`${report.imported} records imported, ${report.failed} refused`);
  return report;
}

/** Reads a JSON file and imports it. */
export async function importRegistryFile(
  registries: Registries,
  db: Queryable,
  file: string,
  options: { actor: string; owner?: string; onProgress?: (done: number, total: number) => void },
): Promise<ImportReport> {
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`Cannot read ${file} as JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  return importRegistryDocument(registries, db, document, options);
}
