// Numbered SQL migrations, one folder per module, applied in order at start. Applied files are
// recorded with a checksum: editing a migration that already ran is refused, because the database
// would silently differ from what the file says. Write a new numbered file instead.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Db } from './db.ts';

export interface MigrationSource {
  /** Module name, also the PostgreSQL schema the module owns. */
  module: string;
  /** Folder holding NNN_description.sql files. */
  dir: string;
}

export interface Migration {
  module: string;
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

const FILE_PATTERN = /^(\d{3})_([a-z0-9_-]+)\.sql$/;

/** Lists a module's migration files in order, refusing gaps and duplicates. */
export function readMigrations(source: MigrationSource): Migration[] {
  let files: string[];
  try {
    files = readdirSync(source.dir).filter((file) => file.endsWith('.sql')).sort();
  } catch {
    return [];
  }
  return files.map((file, index) => {
    const match = FILE_PATTERN.exec(file);
    if (!match) throw new Error(`Migration file name must look like 001_name.sql: ${source.module}/${file}`);
    const version = Number(match[1]);
    if (version !== index + 1) {
      throw new Error(`Migrations of ${source.module} must be numbered 001, 002, ... without gaps; found ${file}`);
    }
    const sql = readFileSync(path.join(source.dir, file), 'utf8');
    return {
      module: source.module,
      version,
      name: match[2] ?? file,
      sql,
      checksum: createHash('sha256').update(sql).digest('hex'),
    };
  });
}

export interface MigrationReport {
  applied: Migration[];
  alreadyApplied: number;
}

/**
 * Applies every pending migration of every source, in the order given, in one transaction under an
 * advisory lock, so several processes starting together migrate once and a failure leaves nothing
 * half-done.
 */
export async function migrate(db: Db, sources: MigrationSource[]): Promise<MigrationReport> {
  const all = sources.flatMap(readMigrations);
  return db.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(7352841)`);
    await tx.exec(`
      CREATE SCHEMA IF NOT EXISTS kernel;
      CREATE TABLE IF NOT EXISTS kernel.migrations (
        module     text        NOT NULL,
        version    integer     NOT NULL,
        name       text        NOT NULL,
        checksum   text        NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (module, version)
      );`);
    const { rows } = await tx.query<{ module: string; version: number; checksum: string }>(
      'SELECT module, version, checksum FROM kernel.migrations',
    );
    const done = new Map(rows.map((row) => [`${row.module}/${row.version}`, row.checksum]));
    const applied: Migration[] = [];
    for (const migration of all) {
      const key = `${migration.module}/${migration.version}`;
      const checksum = done.get(key);
      if (checksum !== undefined) {
        if (checksum !== migration.checksum) {
          throw new Error(
            `Migration ${migration.module}/${String(migration.version).padStart(3, '0')}_${migration.name}.sql ` +
              'was changed after it was applied. Restore it and add a new numbered migration instead.',
          );
        }
        continue;
      }
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO kernel.migrations (module, version, name, checksum) VALUES ($1, $2, $3, $4)', [
        migration.module,
        migration.version,
        migration.name,
        migration.checksum,
      ]);
      applied.push(migration);
    }
    return { applied, alreadyApplied: all.length - applied.length };
  });
}
