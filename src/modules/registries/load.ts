// Bulk loading of registry records (the population generator): rows go in with COPY on
// PostgreSQL, so the whole country loads in minutes. Each record gets its 'import' event; the
// content itself is not repeated there (see the registries migration).
import { uuidv7 } from '../../kernel/ids.ts';
import type { CopyValue, Db } from '../../kernel/db.ts';

export interface LoadableRecord {
  registryId: string;
  key: string;
  subjects: string[];
  content: Record<string, unknown>;
}

export interface LoadReport {
  records: number;
  byRegistry: Record<string, number>;
}

/**
 * Takes the secondary indexes of the record tables down for a big load and returns how to put
 * them back exactly as they were (their definitions are read from the catalogue, so they always
 * match the migrations). Building an index once at the end is much cheaper than updating it for
 * every row. Unique indexes stay: they are what refuses a duplicate key.
 */
export async function deferIndexes(db: Db): Promise<() => Promise<void>> {
  const { rows } = await db.query<{ name: string; definition: string }>(
    `SELECT i.indexname AS name, i.indexdef AS definition
       FROM pg_indexes i JOIN pg_class c ON c.relname = i.indexname JOIN pg_index x ON x.indexrelid = c.oid
      WHERE i.schemaname = 'registries' AND i.tablename IN ('records', 'record_events') AND NOT x.indisunique`,
  );
  for (const row of rows) await db.exec(`DROP INDEX registries."${row.name}"`);
  return async () => {
    await db.exec(`SET maintenance_work_mem = '512MB'`);
    for (const row of rows) await db.exec(row.definition);
  };
}

/** Writes record batches as they come; `onBatch` hears after each commit. */
export async function loadRecords(
  db: Db,
  batches: Iterable<LoadableRecord[]>,
  options: { actor: string; batchSize?: number; onBatch?: (written: LoadableRecord[]) => void },
): Promise<LoadReport> {
  const batchSize = options.batchSize ?? (db.kind === 'postgres' ? 20_000 : 2_000);
  const report: LoadReport = { records: 0, byRegistry: {} };
  let pending: LoadableRecord[] = [];
  // One batch is written while the next is generated: the generator and the database work at the
  // same time (two cores, two workers) instead of taking turns.
  let inFlight: Promise<void> | undefined;
  const write = async (batch: LoadableRecord[]) => {
    const now = new Date().toISOString();
    const records: CopyValue[][] = [];
    const events: CopyValue[][] = [];
    for (const record of batch) {
      const id = uuidv7();
      const json = JSON.stringify(record.content);
      records.push([id, record.registryId, record.key, record.subjects, json, 1, now, now]);
      events.push([id, record.registryId, 1, 'import', options.actor, now]);
      report.byRegistry[record.registryId] = (report.byRegistry[record.registryId] ?? 0) + 1;
    }
    await db.copy([
      { table: 'registries.records', columns: ['id', 'registry_id', 'key', 'subjects', 'content', 'version', 'created_at', 'updated_at'], rows: records },
      { table: 'registries.record_events', columns: ['record_id', 'registry_id', 'version', 'action', 'actor', 'at'], rows: events },
    ]);
    report.records += batch.length;
    options.onBatch?.(batch);
  };
  const flush = async () => {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    await inFlight;
    inFlight = write(batch);
  };
  let sinceYield = 0;
  for (const batch of batches) {
    pending.push(...batch);
    if (pending.length >= batchSize) await flush();
    // Let the socket drain the batch in flight while we keep generating.
    if ((sinceYield += batch.length) >= 500) {
      sinceYield = 0;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  await flush();
  await inFlight;
  return report;
}
