// SQL for the registries' own tables.
import type { Queryable } from '../../kernel/db.ts';
import type { JsonSchema, Registry, RegistryId, RegistryRecord, RecordId } from './schema.ts';

interface RegistryRow {
  id: string; name: string; version: string; database_id: number; database_code: string | null; owner_agency: string; title_mn: string; title_en: string;
  description_mn: string; description_en: string; schema: JsonSchema; key_field: string; subject_paths: string[];
  indexed_fields: string[]; status: 'active' | 'retired'; record_count?: number;
}

function toRegistry(row: RegistryRow): Registry {
  return {
    id: row.id as RegistryId,
    name: row.name,
    version: row.version,
    databaseId: Number(row.database_id),
    databaseCode: row.database_code,
    ownerAgency: row.owner_agency,
    title: { mn: row.title_mn, en: row.title_en },
    description: { mn: row.description_mn, en: row.description_en },
    schema: row.schema,
    keyField: row.key_field,
    subjectPaths: row.subject_paths,
    indexedFields: row.indexed_fields,
    status: row.status,
    ...(row.record_count !== undefined ? { recordCount: Number(row.record_count) } : {}),
  };
}

const REGISTRY_SELECT = `SELECT id, name, version, database_id, database_code, owner_agency, title_mn, title_en, description_mn, description_en,
  schema, key_field, subject_paths, indexed_fields, status FROM registries.registries`;

export async function listRegistries(db: Queryable): Promise<Registry[]> {
  const { rows } = await db.query<RegistryRow>(`${REGISTRY_SELECT} ORDER BY database_id`);
  return rows.map(toRegistry);
}

export async function findRegistry(db: Queryable, by: { id?: string; name?: string; version?: string; databaseId?: number; databaseCode?: string }): Promise<Registry | undefined> {
  if (by.databaseCode !== undefined) {
    const { rows } = await db.query<RegistryRow>(`${REGISTRY_SELECT} WHERE database_code = $1 ORDER BY database_id LIMIT 1`, [by.databaseCode]);
    return rows[0] ? toRegistry(rows[0]) : undefined;
  }
  if (by.id !== undefined) {
    const { rows } = await db.query<RegistryRow>(`${REGISTRY_SELECT} WHERE id = $1`, [by.id]);
    return rows[0] ? toRegistry(rows[0]) : undefined;
  }
  if (by.databaseId !== undefined) {
    const { rows } = await db.query<RegistryRow>(`${REGISTRY_SELECT} WHERE database_id = $1`, [by.databaseId]);
    return rows[0] ? toRegistry(rows[0]) : undefined;
  }
  const { rows } = await db.query<RegistryRow>(`${REGISTRY_SELECT} WHERE name = $1 AND version = $2`, [by.name, by.version]);
  return rows[0] ? toRegistry(rows[0]) : undefined;
}

/** Records per registry, estimated from statistics for big registries so listing stays instant. */
export async function recordCounts(db: Queryable): Promise<Map<string, number>> {
  const { rows } = await db.query<{ registry_id: string; n: number }>('SELECT registry_id, count(*)::int AS n FROM registries.records GROUP BY registry_id');
  return new Map(rows.map((row) => [row.registry_id, Number(row.n)]));
}

export async function insertRegistry(db: Queryable, registry: Omit<Registry, 'status' | 'recordCount' | 'databaseCode'> & { databaseCode?: string | null }): Promise<void> {
  await db.query(
    `INSERT INTO registries.registries (id, name, version, database_id, owner_agency, title_mn, title_en, description_mn, description_en,
       schema, key_field, subject_paths, indexed_fields, database_code)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
     ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, version = EXCLUDED.version, database_id = EXCLUDED.database_id, database_code = EXCLUDED.database_code,
       owner_agency = EXCLUDED.owner_agency, title_mn = EXCLUDED.title_mn, title_en = EXCLUDED.title_en,
       description_mn = EXCLUDED.description_mn, description_en = EXCLUDED.description_en, schema = EXCLUDED.schema,
       key_field = EXCLUDED.key_field, subject_paths = EXCLUDED.subject_paths, indexed_fields = EXCLUDED.indexed_fields,
       updated_at = now()`,
    [registry.id, registry.name, registry.version, registry.databaseId, registry.ownerAgency, registry.title.mn, registry.title.en,
      registry.description.mn, registry.description.en, JSON.stringify(registry.schema), registry.keyField, registry.subjectPaths, registry.indexedFields, registry.databaseCode ?? null],
  );
}

export async function setRegistryStatus(db: Queryable, id: string, status: 'active' | 'retired'): Promise<void> {
  await db.query('UPDATE registries.registries SET status = $2, updated_at = now() WHERE id = $1', [id, status]);
}

export async function nextDatabaseId(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT coalesce(max(database_id), 2000) + 1 AS n FROM registries.registries');
  return Number(rows[0]?.n ?? 2001);
}

/**
 * Indexes a top-level field of one registry's records. Names come from validated identifiers
 * (registry ids and field names are checked against strict patterns before they get here).
 */
export async function ensureFieldIndex(db: Queryable, registryId: string, field: string): Promise<void> {
  if (!/^[a-zA-Z0-9_-]+$/.test(registryId) || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(field)) throw new Error('unsafe index name');
  const name = `records_${registryId.replace(/-/g, '_')}_${field}`.toLowerCase().slice(0, 63);
  await db.query(`CREATE INDEX IF NOT EXISTS "${name}" ON registries.records ((content->>'${field}')) WHERE registry_id = '${registryId}'`);
}

interface RecordRow {
  id: string; registry_id: string; key: string; subjects: string[]; content: Record<string, unknown>; version: number;
  created_at: Date; updated_at: Date; total?: number;
}

function toRecord(row: RecordRow): RegistryRecord {
  return {
    id: row.id as RecordId,
    registryId: row.registry_id as RegistryId,
    key: row.key,
    subjects: row.subjects,
    content: row.content,
    version: row.version,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

const RECORD_SELECT = 'SELECT id, registry_id, key, subjects, content, version, created_at, updated_at FROM registries.records';

export async function findRecordByKey(db: Queryable, registryId: string, key: string): Promise<RegistryRecord | undefined> {
  const { rows } = await db.query<RecordRow>(`${RECORD_SELECT} WHERE registry_id = $1 AND key = $2`, [registryId, key]);
  return rows[0] ? toRecord(rows[0]) : undefined;
}

export async function findRecordById(db: Queryable, registryId: string, id: string): Promise<RegistryRecord | undefined> {
  const { rows } = await db.query<RecordRow>(`${RECORD_SELECT} WHERE registry_id = $1 AND id = $2`, [registryId, id]);
  return rows[0] ? toRecord(rows[0]) : undefined;
}

export async function findRecordsBySubject(db: Queryable, registryId: string, subject: string, limit = 100): Promise<RegistryRecord[]> {
  const { rows } = await db.query<RecordRow>(`${RECORD_SELECT} WHERE registry_id = $1 AND subjects @> ARRAY[$2]::text[] ORDER BY created_at, id LIMIT $3`, [registryId, subject, limit]);
  return rows.map(toRecord);
}

export interface RecordQuery {
  /** Records whose content contains this object (JSON containment; every field must match). */
  match?: Record<string, unknown>;
  /** Text looked for in every string field (case-insensitive). */
  search?: string;
  orderBy?: string;
  descending?: boolean;
  limit: number;
  offset: number;
  /** Update with FOR UPDATE semantics inside a transaction. */
  lock?: boolean;
}

/** Finds records of a registry; the key field in `match` uses the key index. */
export async function queryRecords(db: Queryable, registry: Registry, query: RecordQuery): Promise<{ items: RegistryRecord[]; total: number }> {
  const where = ['registry_id = $1'];
  const params: unknown[] = [registry.id];
  if (query.match && Object.keys(query.match).length > 0) {
    const keyValue = query.match[registry.keyField];
    if (typeof keyValue === 'string' || typeof keyValue === 'number') {
      params.push(String(keyValue));
      where.push(`key = $${params.length}`);
    }
    params.push(JSON.stringify(query.match));
    where.push(`content @> $${params.length}::jsonb`);
  }
  if (query.search) {
    params.push(`%${query.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    where.push(`EXISTS (SELECT 1 FROM jsonb_each_text(content) AS f(k, v) WHERE v ILIKE $${params.length})`);
  }
  let order = 'created_at, id';
  if (query.orderBy && /^[A-Za-z_][A-Za-z0-9_]*$/.test(query.orderBy)) {
    params.push(query.orderBy);
    order = `content->>$${params.length} ${query.descending ? 'DESC' : 'ASC'} NULLS LAST, id`;
  }
  params.push(query.limit, query.offset);
  // Rows locked for an update are not counted (FOR UPDATE cannot go with a window function).
  const { rows } = await db.query<RecordRow>(
    `SELECT id, registry_id, key, subjects, content, version, created_at, updated_at, ${query.lock ? 'NULL' : 'count(*) OVER ()'} AS total
       FROM registries.records WHERE ${where.join(' AND ')}
      ORDER BY ${order} LIMIT $${params.length - 1} OFFSET $${params.length}${query.lock ? ' FOR UPDATE' : ''}`,
    params,
  );
  if (query.lock) return { items: rows.map(toRecord), total: rows.length };
  let total = Number(rows[0]?.total ?? 0);
  if (rows.length === 0 && query.offset > 0) {
    const count = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM registries.records WHERE ${where.join(' AND ')}`, params.slice(0, -2));
    total = Number(count.rows[0]?.n ?? 0);
  }
  return { items: rows.map(toRecord), total };
}

export async function insertRecord(db: Queryable, registryId: string, key: string, subjects: string[], content: unknown, actor: string | null, requestId: string | null, action: 'create' | 'import' = 'create'): Promise<RegistryRecord> {
  const { rows } = await db.query<RecordRow>(
    `INSERT INTO registries.records (registry_id, key, subjects, content) VALUES ($1, $2, $3, $4)
     RETURNING id, registry_id, key, subjects, content, version, created_at, updated_at`,
    [registryId, key, subjects, JSON.stringify(content)],
  );
  const record = toRecord(rows[0]!);
  await insertEvent(db, record, action, content, actor, requestId);
  return record;
}

export async function updateRecord(db: Queryable, record: RegistryRecord, key: string, subjects: string[], content: unknown, actor: string | null, requestId: string | null): Promise<RegistryRecord> {
  const { rows } = await db.query<RecordRow>(
    `UPDATE registries.records SET key = $2, subjects = $3, content = $4, version = version + 1, updated_at = now()
      WHERE id = $1 RETURNING id, registry_id, key, subjects, content, version, created_at, updated_at`,
    [record.id, key, subjects, JSON.stringify(content)],
  );
  const updated = toRecord(rows[0]!);
  // The first change of a bulk-loaded record keeps what was loaded (see the migration).
  await insertEvent(db, updated, 'update', content, actor, requestId, record.version === 1 ? record.content : null);
  return updated;
}

export async function deleteRecord(db: Queryable, record: RegistryRecord, actor: string | null, requestId: string | null): Promise<void> {
  await db.query('DELETE FROM registries.records WHERE id = $1', [record.id]);
  await insertEvent(db, { ...record, version: record.version + 1 }, 'delete', null, actor, requestId, record.version === 1 ? record.content : null);
}

async function insertEvent(db: Queryable, record: RegistryRecord, action: string, content: unknown, actor: string | null, requestId: string | null, previous: unknown = null): Promise<void> {
  await db.query(
    `INSERT INTO registries.record_events (record_id, registry_id, version, action, content, actor, request_id, previous) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [record.id, record.registryId, record.version, action, content === null ? null : JSON.stringify(content), actor, requestId, previous === null ? null : JSON.stringify(previous)],
  );
}

export async function recordHistory(db: Queryable, recordId: string): Promise<{ version: number; action: string; actor: string | null; at: string }[]> {
  const { rows } = await db.query<{ version: number; action: string; actor: string | null; at: Date }>(
    'SELECT version, action, actor, at FROM registries.record_events WHERE record_id = $1 ORDER BY id',
    [recordId],
  );
  return rows.map((row) => ({ version: row.version, action: row.action, actor: row.actor, at: new Date(row.at).toISOString() }));
}

// ---- GovStack Database API catalogue.

export interface DatabaseRow { id: number; code: string; name: string; version: string; body: Record<string, unknown> }

export async function listDatabases(db: Queryable): Promise<DatabaseRow[]> {
  const { rows } = await db.query<DatabaseRow>('SELECT id, code, name, version, body FROM registries.databases WHERE deleted_at IS NULL ORDER BY id');
  return rows.map((row) => ({ ...row, id: Number(row.id) }));
}

export async function findDatabase(db: Queryable, id: number): Promise<DatabaseRow | undefined> {
  const { rows } = await db.query<DatabaseRow>('SELECT id, code, name, version, body FROM registries.databases WHERE id = $1 AND deleted_at IS NULL', [id]);
  return rows[0] ? { ...rows[0], id: Number(rows[0].id) } : undefined;
}

export async function findDatabaseByCode(db: Queryable, code: string): Promise<DatabaseRow | undefined> {
  const { rows } = await db.query<DatabaseRow>('SELECT id, code, name, version, body FROM registries.databases WHERE code = $1 AND deleted_at IS NULL ORDER BY id DESC LIMIT 1', [code]);
  return rows[0] ? { ...rows[0], id: Number(rows[0].id) } : undefined;
}

export async function upsertDatabase(db: Queryable, row: DatabaseRow): Promise<void> {
  await db.query(
    `INSERT INTO registries.databases (id, code, name, version, body) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (id) DO UPDATE SET code = EXCLUDED.code, name = EXCLUDED.name, version = EXCLUDED.version, body = EXCLUDED.body, deleted_at = NULL, updated_at = now()`,
    [row.id, row.code, row.name, row.version, JSON.stringify(row.body)],
  );
}

export async function deleteDatabase(db: Queryable, id: number): Promise<void> {
  await db.query('UPDATE registries.databases SET deleted_at = now() WHERE id = $1 AND deleted_at IS NULL', [id]);
}

export async function nextCatalogueId(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT coalesce(max(id), 0) + 1 AS n FROM registries.databases');
  return Number(rows[0]?.n ?? 1);
}
