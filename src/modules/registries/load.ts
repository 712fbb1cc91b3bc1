// Bulk loading of registry records (the population generator, imports): rows go in with COPY on
// PostgreSQL, so the whole country loads in minutes. Each record gets its 'import' event, like
// any other change.
import { randomUUID } from 'node:crypto';
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

/** Writes record batches as they come; `onBatch` hears after each commit. */
export async function loadRecords(
  db: Db,
  batches: Iterable<LoadableRecord[]>,
  options: { actor: string; batchSize?: number; onBatch?: (written: LoadableRecord[]) => void },
): Promise<LoadReport> {
  const batchSize = options.batchSize ?? (db.kind === 'postgres' ? 20_000 : 2_000);
  const report: LoadReport = { records: 0, byRegistry: {} };
  let pending: LoadableRecord[] = [];
  const flush = async () => {
    if (pending.length === 0) return;
    const now = new Date().toISOString();
    const records: CopyValue[][] = [];
    const events: CopyValue[][] = [];
    for (const record of pending) {
      const id = randomUUID();
      const json = JSON.stringify(record.content);
      records.push([id, record.registryId, record.key, record.subjects, json, 1, now, now]);
      events.push([id, record.registryId, 1, 'import', json, options.actor, now]);
      report.byRegistry[record.registryId] = (report.byRegistry[record.registryId] ?? 0) + 1;
    }
    await db.copy([
      { table: 'registries.records', columns: ['id', 'registry_id', 'key', 'subjects', 'content', 'version', 'created_at', 'updated_at'], rows: records },
      { table: 'registries.record_events', columns: ['record_id', 'registry_id', 'version', 'action', 'content', 'actor', 'at'], rows: events },
    ]);
    report.records += pending.length;
    options.onBatch?.(pending);
    pending = [];
  };
  for (const batch of batches) {
    pending.push(...batch);
    if (pending.length >= batchSize) await flush();
  }
  await flush();
  return report;
}
