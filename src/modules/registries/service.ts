// The registries' rules: a registry is a JSON Schema plus records; a record must match its
// schema, has one key, and names the people it is about. Every change is an event.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../kernel/context.ts';
import type { Queryable } from '../../kernel/db.ts';
import { AppError, type FieldError } from '../../kernel/errors.ts';
import { BASE_REGISTRIES } from './base-registries.ts';
import type { JsonSchema, Registry, RegistryInput, RegistryRecord } from './schema.ts';
import * as store from './store.ts';

export interface RegistryLookup {
  id?: string;
  name?: string;
  version?: string;
  databaseId?: number;
  databaseCode?: string;
}

export interface WriteContext {
  actor: string | null;
  requestId?: string | null;
}

export interface Registries {
  /** Creates or refreshes the base registries (population, vehicles, ...). */
  ensureBaseRegistries(): Promise<void>;
  list(): Promise<Registry[]>;
  /** The registry by id, or by GovStack name and version; throws REGISTRY_NOT_FOUND. */
  get(by: RegistryLookup): Promise<Registry>;
  find(by: RegistryLookup): Promise<Registry | undefined>;
  define(input: RegistryInput, context: WriteContext): Promise<Registry>;
  retire(id: string): Promise<void>;
  /** Checks content against the registry's schema; the problems, one per field, or none. */
  check(registry: Registry, content: unknown): FieldError[];
  create(registry: Registry, content: Record<string, unknown>, context: WriteContext, tx?: Queryable): Promise<RegistryRecord>;
  byKey(registry: Registry, key: string): Promise<RegistryRecord | undefined>;
  byId(registry: Registry, id: string): Promise<RegistryRecord | undefined>;
  bySubject(registry: Registry, registerNumber: string): Promise<RegistryRecord[]>;
  query(registry: Registry, query: store.RecordQuery): Promise<{ items: RegistryRecord[]; total: number }>;
  /** Merges `write` into each record matching `match` (at most one when `single`); the records after. */
  update(registry: Registry, match: Record<string, unknown>, write: Record<string, unknown>, options: { single: boolean }, context: WriteContext): Promise<RegistryRecord[]>;
  remove(registry: Registry, record: RegistryRecord, context: WriteContext): Promise<void>;
  history(recordId: string): ReturnType<typeof store.recordHistory>;
  subjectsOf(registry: Registry, content: Record<string, unknown>): string[];
}

type AjvInstance = InstanceType<typeof Ajv>;

function makeAjv<T extends AjvInstance>(instance: T): T {
  (addFormats as unknown as (ajv: AjvInstance) => void)(instance);
  return instance;
}

function describe(errors: ErrorObject[] | null | undefined): FieldError[] {
  return (errors ?? []).slice(0, 20).map((error) => {
    const missing = (error.params as { missingProperty?: string }).missingProperty;
    const extra = (error.params as { additionalProperty?: string }).additionalProperty;
    const path = error.instancePath.replace(/^\//, '').replace(/\//g, '.');
    const field = [path, missing ?? extra].filter(Boolean).join('.') || '(record)';
    return { field, message: `${field} ${extra ? 'is not allowed' : error.message ?? 'is not valid'}` };
  });
}

/** Values at a path such as "owners[].registerNumber" (arrays marked with []). */
export function valuesAt(content: unknown, path: string): unknown[] {
  let current: unknown[] = [content];
  for (const part of path.split('.')) {
    const many = part.endsWith('[]');
    const name = many ? part.slice(0, -2) : part;
    const next: unknown[] = [];
    for (const value of current) {
      if (value === null || typeof value !== 'object') continue;
      const child = (value as Record<string, unknown>)[name];
      if (many) {
        if (Array.isArray(child)) next.push(...child);
      } else if (child !== undefined) next.push(child);
    }
    current = next;
  }
  return current;
}

export function createRegistries(ctx: AppContext): Registries {
  const { db } = ctx;
  const draft7 = makeAjv(new Ajv({ allErrors: true, strict: false }));
  const draft2020 = makeAjv(new Ajv2020({ allErrors: true, strict: false }) as unknown as AjvInstance);
  const validators = new Map<string, { schema: string; validate: ValidateFunction }>();

  function compile(schema: JsonSchema): ValidateFunction {
    const ajv = String(schema.$schema ?? '').includes('2020-12') ? draft2020 : draft7;
    return ajv.compile(schema);
  }

  function validatorFor(registry: Registry): ValidateFunction {
    const text = JSON.stringify(registry.schema);
    const cached = validators.get(registry.id);
    if (cached && cached.schema === text) return cached.validate;
    const validate = compile(registry.schema);
    validators.set(registry.id, { schema: text, validate });
    return validate;
  }

  function subjectsOf(registry: Registry, content: Record<string, unknown>): string[] {
    const found = registry.subjectPaths.flatMap((path) => valuesAt(content, path)).filter((value): value is string => typeof value === 'string');
    return [...new Set(found)];
  }

  /** Registries keyed by a generated id (GovStack's uuid) give each new record one. */
  function generatesKey(registry: Registry): boolean {
    const property = ((registry.schema.properties ?? {}) as Record<string, { format?: string }>)[registry.keyField];
    return registry.keyField === 'uuid' || property?.format === 'uuid';
  }

  function withGeneratedKey(registry: Registry, content: Record<string, unknown>): Record<string, unknown> {
    if (!generatesKey(registry) || (content[registry.keyField] !== undefined && content[registry.keyField] !== '')) return content;
    return { [registry.keyField]: randomUUID(), ...content };
  }

  function keyOf(registry: Registry, content: Record<string, unknown>): string {
    const key = content[registry.keyField];
    if (typeof key !== 'string' && typeof key !== 'number') {
      throw new AppError('RECORD_INVALID', { detail: `${registry.keyField} is required` }, [{ field: registry.keyField, message: `${registry.keyField} is required` }]);
    }
    return String(key);
  }

  function assertValid(registry: Registry, content: unknown): void {
    const problems = check(registry, content);
    if (problems.length > 0) throw new AppError('RECORD_INVALID', { detail: problems.map((p) => p.message).join('; ') }, problems);
  }

  function check(registry: Registry, content: unknown): FieldError[] {
    const validate = validatorFor(registry);
    return validate(content) ? [] : describe(validate.errors);
  }

  async function find(by: RegistryLookup): Promise<Registry | undefined> {
    return store.findRegistry(db, by);
  }

  async function get(by: RegistryLookup): Promise<Registry> {
    const registry = await find(by);
    if (!registry) throw new AppError('REGISTRY_NOT_FOUND', { id: String(by.id ?? by.databaseId ?? by.databaseCode ?? `${by.name}/${by.version}`).slice(0, 80) });
    return registry;
  }

  async function create(registry: Registry, given: Record<string, unknown>, context: WriteContext, tx: Queryable = db): Promise<RegistryRecord> {
    const content = withGeneratedKey(registry, given);
    assertValid(registry, content);
    const key = keyOf(registry, content);
    const write = async (q: Queryable) => {
      if (await store.findRecordByKey(q, registry.id, key)) throw new AppError('RECORD_EXISTS', { key });
      return store.insertRecord(q, registry.id, key, subjectsOf(registry, content), content, context.actor, context.requestId ?? null);
    };
    try {
      // The record and its event are written together or not at all.
      return tx === db ? await db.transaction(write) : await write(tx);
    } catch (error) {
      // Two writers with the same key at once: the unique index decides, the loser hears why.
      if ((error as { code?: string }).code === '23505') throw new AppError('RECORD_EXISTS', { key });
      throw error;
    }
  }

  return {
    async ensureBaseRegistries() {
      for (const definition of BASE_REGISTRIES) {
        compile(definition.schema);
        await store.insertRegistry(db, {
          id: definition.id as Registry['id'],
          name: definition.id,
          version: definition.version,
          databaseId: definition.databaseId,
          ownerAgency: definition.ownerAgency,
          title: definition.title,
          description: definition.description,
          schema: definition.schema,
          keyField: definition.keyField,
          subjectPaths: definition.subjectPaths,
          indexedFields: definition.indexedFields,
        });
        for (const field of definition.indexedFields) await store.ensureFieldIndex(db, definition.id, field);
      }
    },

    async list() {
      const [registries, counts] = await Promise.all([store.listRegistries(db), store.recordCounts(db)]);
      return registries.map((registry) => ({ ...registry, recordCount: counts.get(registry.id) ?? 0 }));
    },
    get,
    find,

    async define(input, context) {
      try {
        compile(input.schema);
      } catch (error) {
        throw new AppError('REGISTRY_SCHEMA_INVALID', { detail: error instanceof Error ? error.message.slice(0, 300) : 'cannot compile' });
      }
      const properties = (input.schema.properties ?? {}) as Record<string, unknown>;
      if (!(input.keyField in properties)) {
        throw new AppError('REGISTRY_SCHEMA_INVALID', { detail: `the key field "${input.keyField}" is not a property of the schema` });
      }
      const name = input.name ?? input.id;
      const existing = (await store.findRegistry(db, { id: input.id })) ?? (await store.findRegistry(db, { name, version: input.version }));
      if (existing) throw new AppError('REGISTRY_EXISTS', { id: input.id });
      const databaseId = input.databaseId ?? (await store.nextDatabaseId(db));
      if (await store.findRegistry(db, { databaseId })) throw new AppError('REGISTRY_EXISTS', { id: String(databaseId) });
      await db.transaction(async (tx) => {
        await store.insertRegistry(tx, {
          id: input.id as Registry['id'],
          name,
          version: input.version,
          databaseId,
          ownerAgency: input.ownerAgency,
          title: input.title,
          description: input.description ?? { mn: '', en: '' },
          schema: input.schema,
          keyField: input.keyField,
          subjectPaths: input.subjectPaths ?? [],
          indexedFields: input.indexedFields ?? [],
          databaseCode: input.databaseCode ?? null,
        });
        for (const field of input.indexedFields ?? []) await store.ensureFieldIndex(tx, input.id, field);
        await ctx.audit.record(tx, null, { action: 'registries.define', subjectType: 'registry', subjectId: input.id, details: { by: context.actor, version: input.version } }, context.requestId ?? undefined);
      });
      return get({ id: input.id });
    },

    async retire(id) {
      await get({ id });
      await store.setRegistryStatus(db, id, 'retired');
    },

    check,
    create,
    byKey: (registry, key) => store.findRecordByKey(db, registry.id, key),
    byId: (registry, id) => (/^[0-9a-f-]{36}$/i.test(id) ? store.findRecordById(db, registry.id, id) : Promise.resolve(undefined)),
    bySubject: (registry, registerNumber) => store.findRecordsBySubject(db, registry.id, registerNumber),
    query: (registry, query) => store.queryRecords(db, registry, query),

    async update(registry, match, write, options, context) {
      // The key of a keyed-by-uuid record is its identity, not data: never overwritten by a merge.
      return db.transaction(async (tx) => {
        const { items } = await store.queryRecords(tx, registry, { match, limit: options.single ? 1 : 10_000, offset: 0, lock: true });
        const updated: RegistryRecord[] = [];
        for (const record of items) {
          const content = { ...record.content, ...write };
          if (generatesKey(registry)) content[registry.keyField] = record.content[registry.keyField];
          assertValid(registry, content);
          const key = keyOf(registry, content);
          if (key !== record.key && (await store.findRecordByKey(tx, registry.id, key))) throw new AppError('RECORD_EXISTS', { key });
          updated.push(await store.updateRecord(tx, record, key, subjectsOf(registry, content), content, context.actor, context.requestId ?? null));
        }
        return updated;
      });
    },

    async remove(registry, record, context) {
      await db.transaction((tx) => store.deleteRecord(tx, record, context.actor, context.requestId ?? null));
    },

    history: (recordId) => store.recordHistory(db, recordId),
    subjectsOf,
  };
}
