// The one seam between the platform and its database. Everything speaks PostgreSQL's dialect; the
// embedded PGlite (PostgreSQL compiled to WebAssembly) is the zero-set-up default and a real server
// is used when DATABASE_URL is set. Modules get a `Db` and never know which one is behind it.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { fuzzystrmatch } from '@electric-sql/pglite/contrib/fuzzystrmatch';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { AppError } from './errors.ts';
import { findUnstorable, isStorable } from './storable.ts';

export interface QueryResult<Row> {
  rows: Row[];
  rowCount: number;
}

export interface Queryable {
  /** Runs one parameterised statement ($1, $2, ...). */
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<Row>>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export type CopyValue = string | number | boolean | null | string[];

export interface CopyPart {
  table: string;
  columns: string[];
  rows: CopyValue[][];
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /**
   * Appends many rows to one or more tables at once, all in one transaction: COPY on PostgreSQL,
   * batched INSERTs on PGlite.
   */
  copy(parts: CopyPart[]): Promise<void>;
  /** Runs `work` in one transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

// Settings every connection needs, whichever database is behind the seam.
const SESSION_SETTINGS: Record<string, string> = {
  timezone: 'UTC',
};

// int8 (bigint) as a JavaScript number: our counters and sequences stay far below 2^53, and one
// representation on both drivers keeps rows identical whichever database is behind the seam.
const INT8_OID = 20;

export interface DbOptions {
  databaseUrl?: string | undefined;
  dataDir?: string;
  inMemory?: boolean;
  /** Pool size for PostgreSQL. */
  poolSize?: number;
}

/** Opens the configured database: PostgreSQL when a URL is given, otherwise embedded PGlite. */
export async function openDb(options: DbOptions): Promise<Db> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options.poolSize ?? 10);
  return openPglite(options.inMemory ? undefined : path.join(options.dataDir ?? 'data', 'pgdata'));
}

async function openPglite(dir: string | undefined): Promise<Db> {
  if (dir) mkdirSync(dir, { recursive: true });
  const lite = await PGlite.create({
    ...(dir ? { dataDir: dir } : {}),
    extensions: { pg_trgm, fuzzystrmatch },
    parsers: { [INT8_OID]: (value: string) => Number(value) },
  });
  for (const [name, value] of Object.entries(SESSION_SETTINGS)) {
    await lite.query('SELECT set_config($1, $2, false)', [name, value]);
  }
  const wrap = (target: Pick<PGlite, 'query' | 'exec'>): Queryable => ({
    async query<Row>(sql: string, params: readonly unknown[] = []) {
      assertStorableParams(params);
      const result = await target.query<Row>(sql, params as unknown[]);
      return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
    },
    async exec(sql: string) {
      await target.exec(sql);
    },
  });
  return {
    kind: 'pglite',
    ...wrap(lite),
    transaction: (work) => lite.transaction((tx) => work(wrap(tx))),
    async copy(parts) {
      for (const part of parts) assertIdentifiers(part.table, part.columns);
      await lite.transaction(async (tx) => {
        for (const { table, columns, rows } of parts) {
          // A few hundred rows per statement keeps each under the parameter limit.
          const perStatement = Math.max(1, Math.floor(5000 / columns.length));
          for (let start = 0; start < rows.length; start += perStatement) {
            const chunk = rows.slice(start, start + perStatement);
            const params: unknown[] = [];
            const tuples = chunk.map((row) => `(${row.map((value) => {
              params.push(value);
              return `$${params.length}`;
            }).join(', ')})`);
            await tx.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`, params);
          }
        }
      });
    },
    close: () => lite.close(),
  };
}

async function openPostgres(url: string, poolSize: number): Promise<Db> {
  const options = Object.entries(SESSION_SETTINGS)
    .map(([name, value]) => `-c ${name}=${value}`)
    .join(' ');
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    // A server that does not answer (a network partition, not a refused connection) fails a request
    // in seconds with 503, instead of holding it open for as long as the outage lasts.
    connectionTimeoutMillis: 5_000,
    keepAlive: true,
    options,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client that loses its server must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  // Fail at start, not on the first request, when the server is unreachable.
  const probe = await pool.connect();
  probe.release();
  const wrap = (target: pg.Pool | pg.PoolClient): Queryable => ({
    async query<Row>(sql: string, params: readonly unknown[] = []) {
      assertStorableParams(params);
      const result = await target.query(sql, params as unknown[]);
      return { rows: result.rows as Row[], rowCount: result.rowCount ?? result.rows.length };
    },
    async exec(sql: string) {
      await target.query(sql);
    },
  });
  return {
    kind: 'postgres',
    ...wrap(pool),
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    async copy(parts) {
      for (const part of parts) assertIdentifiers(part.table, part.columns);
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        for (const { table, columns, rows } of parts) {
          const stream = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
          const done = new Promise<void>((resolve, reject) => {
            stream.on('finish', () => resolve());
            stream.on('error', reject);
          });
          let buffer = '';
          for (const row of rows) {
            buffer += row.map(copyText).join('\t') + '\n';
            if (buffer.length > 1 << 20) {
              if (!stream.write(buffer)) await new Promise((resolve) => stream.once('drain', resolve));
              buffer = '';
            }
          }
          stream.end(buffer);
          await done;
        }
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

/**
 * Refuses, before anything is sent, a parameter PostgreSQL would refuse to store (a NUL character,
 * half a surrogate pair), as the caller's mistake (400) rather than a failed statement (500).
 * Requests are checked at the edge already; this is the seam's own guarantee for text that reaches
 * a statement another way (a message from another agency, a file's contents).
 */
function assertStorableParams(params: readonly unknown[]): void {
  for (const param of params) {
    if (param === null || param === undefined || typeof param === 'number' || typeof param === 'boolean') continue;
    if (findUnstorable(param, Infinity)) throw new AppError('VALUE_UNSTORABLE');
  }
}

/** PostgreSQL error classes that a request can cause with its data (SQLSTATE class 22, data exception; 54, a value over a limit such as an index row). */
export function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^(22|54)[0-9A-Z]{3}$/.test(code);
}

/**
 * True when the database could not be reached or went away: connection refused or reset, the
 * server shutting down (57P01-57P03), a connection exception (class 08), or the pool timing out.
 * Such a request may succeed in a moment; it is answered 503 with Retry-After, not 500.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const candidate = error as { code?: unknown; message?: unknown } | null;
  const code = typeof candidate?.code === 'string' ? candidate.code : '';
  if (/^(08[0-9A-Z]{3}|57P0[1-3])$/.test(code)) return true;
  if (['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN'].includes(code)) return true;
  const message = typeof candidate?.message === 'string' ? candidate.message : '';
  return /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Cannot use a pool after calling end)/.test(message);
}

function assertIdentifiers(table: string, columns: string[]): void {
  const identifier = /^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/;
  if (!identifier.test(table) || columns.some((column) => !identifier.test(column))) throw new Error('copy: unsafe table or column name');
}

/** One field in COPY's text format; text PostgreSQL cannot store is refused as it would be by a query. */
function copyText(value: CopyValue): string {
  if (value === null) return '\\N';
  if ((typeof value === 'string' && !isStorable(value)) || (Array.isArray(value) && !value.every(isStorable))) throw new AppError('VALUE_UNSTORABLE');
  if (Array.isArray(value)) {
    return escapeCopy(`{${value.map((item) => `"${item.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(',')}}`);
  }
  return escapeCopy(String(value));
}

function escapeCopy(text: string): string {
  return text.replace(/[\\\n\r\t]/g, (c) => (c === '\\' ? '\\\\' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\t'));
}
