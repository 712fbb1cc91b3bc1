// GovStack's Digital Registries API (Data API 1.3 and Database API 1.3) over Urtuu's registries,
// answered as an exchange service so every call is authenticated, authorised and logged. It
// serves the spellings of the specification and of GovStack's test suite (update-entries and
// updateEntries, read-value and readValue, MyPersonalDataUsage/1.0 and myPersonalDataUsage).
//
// Where the suite and the specification disagree, the suite's shape is served at the suite's path
// (see README, "Checking against GovStack's own tests"): update and delete answer success when nothing matched,
// a list without paging returns up to 100 records with `count` = the number returned.
import type { Exchange, ProviderHandler, ProviderRequest, ProviderResponse } from '../exchange/index.ts';
import type { Registries } from './service.ts';
import type { Registry, RegistryRecord } from './schema.ts';
import { ownsRegistry } from './services.ts';
import * as store from './store.ts';
import type { Queryable } from '../../kernel/db.ts';
import { isPersonNumber, personNumbersIn } from '../../kernel/person-number.ts';

type Content = Record<string, unknown>;

const json = (status: number, body: unknown): ProviderResponse => ({ status, body });
/** A JSON-encoded string with a JSON content type (read-value, database delete). */
const jsonString = (status: number, text: string): ProviderResponse => ({ status, headers: { 'content-type': 'application/json; charset=utf-8' }, body: Buffer.from(JSON.stringify(text)) });
const NOT_FOUND = json(404, { detail: 'no record found' });

function parseBody(request: ProviderRequest): Content | undefined {
  if (!request.body || request.body.length === 0) return undefined;
  try {
    const value = JSON.parse(request.body.toString('utf8')) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Content) : undefined;
  } catch {
    return undefined;
  }
}

function objectAt(body: Content | undefined, ...path: string[]): Content | undefined {
  let value: unknown = body;
  for (const key of path) value = value && typeof value === 'object' ? (value as Content)[key] : undefined;
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Content) : undefined;
}

/** What the client did not already send: people whose data a read discloses. */
function disclosed(registry: Registry, records: RegistryRecord[], client: string): Pick<ProviderResponse, 'subjects' | 'consentExempt'> {
  const subjects = [...new Set(records.flatMap((record) => record.subjects))];
  if (subjects.length === 0) return {};
  return { subjects, ...(ownsRegistry(client, registry) ? { consentExempt: 'owner' as const } : {}) };
}

/**
 * What a lookup in a register of people tells the exchange: whom it found and whom the query names
 * by register number. A caller other than the owner is then asked for consent whether or not
 * anyone matched, so a refusal cannot tell a person in the register from one who is not.
 */
function lookedUp(registry: Registry, records: RegistryRecord[], query: unknown, client: string): Pick<ProviderResponse, 'subjects' | 'consentExempt' | 'consentRequired'> {
  if (registry.subjectPaths.length === 0 || ownsRegistry(client, registry)) return disclosed(registry, records, client);
  const subjects = [...new Set([...records.flatMap((record) => record.subjects), ...personNumbersIn(JSON.stringify(query ?? null))])];
  return subjects.length > 0 ? { subjects } : { consentRequired: true };
}

const PERSONAL_USAGE_PATHS = new Set(['/data/MyPersonalDataUsage/1.0', '/data/myPersonalDataUsage', '/data/mypersonalDataUsage']);

export function digitalRegistriesHandler(registries: Registries, exchange: Exchange, db: Queryable): ProviderHandler {
  return async (request) => {
    const path = request.path;
    const method = request.method;
    const actor = request.client;
    const context = { actor, requestId: request.requestId };

    // ---- Database API.
    if (method === 'GET' && path === '/databases') return json(200, await databaseGroup(registries, db));
    if (method === 'POST' && path === '/database/modify') {
      const body = parseBody(request);
      const code = typeof body?.code === 'string' ? body.code.trim() : '';
      if (!body || !code || !body.schema || typeof body.schema !== 'object') return json(400, { detail: 'code and schema are required' });
      const existing = await store.findDatabaseByCode(db, code);
      const id = existing?.id ?? (await store.nextCatalogueId(db));
      const entry = {
        id,
        code,
        name: String(body.catalog_name ?? body.catalogName ?? existing?.name ?? code),
        version: String(body.version ?? existing?.version ?? '1.0'),
        body: { ...(existing?.body ?? {}), id, name: code, group_name: body.group_name ?? body.groupName ?? null, catalog_name: body.catalog_name ?? body.catalogName ?? null, schema: body.schema, modified_at: new Date().toISOString() },
      };
      await store.upsertDatabase(db, entry);
      return json(200, entry.body.schema);
    }

    let match = /^\/database\/([^/]+)$/.exec(path);
    if (match) {
      const id = Number(match[1]);
      if (!Number.isSafeInteger(id) || id <= 0) return json(400, { detail: 'the database id is a positive whole number' });
      if (method === 'GET') {
        const entry = await databaseInfo(registries, db, id);
        return entry ? json(200, entry) : json(404, { detail: 'no database found' });
      }
      if (method === 'DELETE') {
        // Deleting is idempotent: a database already gone is still "Success".
        await store.deleteDatabase(db, id);
        return jsonString(200, 'Success');
      }
    }
    // ---- Personal data usage: who read a person's data.
    if (method === 'GET' && PERSONAL_USAGE_PATHS.has(path)) {
      const userId = request.query.get('userID') ?? request.query.get('userId') ?? '';
      const databaseId = request.query.get('DatabaseID') ?? request.query.get('databaseId') ?? '';
      const pascal = path === '/data/MyPersonalDataUsage/1.0';
      if (!/^[0-9a-zA-Z\u0400-\u04FF]+$/u.test(userId) || !/^[0-9a-zA-Z]+$/.test(databaseId)) return json(400, { detail: 'Invalid ID supplied' });
      const registry = /^[0-9]+$/.test(databaseId) ? await registries.find({ databaseId: Number(databaseId) }) : await registries.find({ databaseCode: databaseId });
      const usage: Content[] = [];
      if (registry) {
        // Usage kept in the records themselves (GovStack's format), then the exchange's own log.
        const { items } = await registries.query(registry, { match: { ID: userId }, limit: 100, offset: 0 });
        for (const record of items) for (const entry of (record.content.PersonalData as Content[] | undefined) ?? []) usage.push(entry);
      }
      if (isPersonNumber(userId)) {
        const dir = await exchange.directory();
        for (const row of await exchange.accessLog(userId, 100)) {
          const member = row.client ? dir.members.find((m) => row.client!.startsWith(`${m.id}/`)) : undefined;
          usage.push({
            ID: String(row.seq),
            ReaderID: row.client ?? '',
            ReaderInitials: '',
            ReaderInstitutionID: member?.id ?? '',
            ReaderInstitutionName: member?.name_en ?? '',
            ReaderApplicationName: row.client ?? '',
            SearchDateTime: new Date(row.at).toISOString(),
            Refrences: [{ ReferenceID: row.service ?? '' }],
          });
        }
      }
      const body = pascal ? usage : usage.map(camelUsage);
      return { status: 200, body, ...(isPersonNumber(userId) ? { subjects: [userId] } : {}) };
    }

    // ---- Data API.
    match = /^\/data\/([^/]+)\/([^/]+)(?:\/(.*))?$/.exec(path);
    if (!match) return json(404, { detail: 'unknown path' });
    const [, name, version, rest = ''] = match;
    const registry = await registries.find({ name: name!, version: version! });

    if (rest === '' && method === 'GET') {
      // An unknown registry lists as empty, as GovStack's tests expect.
      if (!registry) return json(200, { count: 0, results: [] });
      const pageSize = Math.min(100, Math.max(1, Number(request.query.get('page_size') ?? request.query.get('pageSize') ?? 100) || 100));
      const page = Math.max(1, Number(request.query.get('page') ?? 1) || 1);
      const filter = request.query.get('filter');
      const search = request.query.get('search');
      const criteria: Content = {};
      for (const [key, value] of request.query) if (key.startsWith('query.') && key.length > 6) criteria[key.slice(6)] = value;
      if (filter && search !== null && /^[A-Za-z_][A-Za-z0-9_]*$/.test(filter)) criteria[filter] = search;
      const ordering = request.query.get('ordering');
      const { items, total } = await registries.query(registry, {
        match: criteria,
        ...(search && !filter ? { search } : {}),
        ...(filter && /^[A-Za-z_][A-Za-z0-9_]*$/.test(filter) ? { orderBy: filter, descending: ordering === 'descending' } : {}),
        limit: pageSize,
        offset: (page - 1) * pageSize,
      });
      const body: Content = { count: items.length, previous: page > 1 ? pageLink(request, page - 1) : null, results: items.map((record) => record.content) };
      if (page * pageSize < total) body.next = pageLink(request, page + 1);
      const filtered = Object.keys(criteria).length > 0 || Boolean(search);
      return { status: 200, body, ...(filtered ? lookedUp(registry, items, { criteria, search }, request.client) : disclosed(registry, items, request.client)) };
    }
    if (!registry) return json(404, { detail: `no registry ${name}/${version}` });

    const body = parseBody(request);
    if (rest === 'create' && method === 'POST') {
      const content = objectAt(body, 'write', 'content');
      if (!content) return json(400, { detail: 'write.content is required' });
      const record = await registries.create(registry, content, context);
      return json(200, { content: record.content });
    }
    if (rest === 'exists' && method === 'POST') {
      const criteria = objectAt(body, 'query', 'content') ?? body;
      if (!criteria || Object.keys(criteria).length === 0) return json(400, { detail: 'the fields to look for are required' });
      const { items } = await registries.query(registry, { match: criteria, limit: 1, offset: 0 });
      return {
        status: 200,
        body: { answer: { status: items.length > 0, message: items.length > 0 ? 'Object found from database' : 'Object not found from database' } },
        ...lookedUp(registry, items, criteria, request.client),
      };
    }
    if (rest === 'read' && method === 'POST') {
      const criteria = objectAt(body, 'query', 'content');
      if (!criteria) return json(400, { detail: 'query.content is required' });
      const { items } = await registries.query(registry, { match: criteria, limit: 1, offset: 0 });
      if (items.length === 0) return { ...NOT_FOUND, ...lookedUp(registry, items, criteria, request.client) };
      return { status: 200, body: { content: items[0]!.content }, ...lookedUp(registry, items, criteria, request.client) };
    }
    if ((rest === 'update' || rest === 'update-entries' || rest === 'updateEntries') && method === 'PUT') {
      const criteria = objectAt(body, 'query', 'content');
      const write = objectAt(body, 'write', 'content');
      if (!criteria || !write) return json(400, { detail: 'query.content and write.content are required' });
      const updated = await registries.update(registry, criteria, write, { single: rest === 'update' }, context);
      return json(200, rest === 'update' && updated[0] ? { content: updated[0].content } : { updated: updated.length });
    }
    if ((rest === 'update-or-create' || rest === 'updateOrCreate') && method === 'POST') {
      const criteria = objectAt(body, 'query', 'content');
      const write = objectAt(body, 'write', 'content');
      if (!write) return json(400, { detail: 'write.content is required' });
      const updated = criteria ? await registries.update(registry, criteria, write, { single: true }, context) : [];
      const record = updated[0] ?? (await registries.create(registry, write, context));
      return json(200, { content: record.content });
    }
    match = /^([^/]+)\/delete$/.exec(rest);
    if (match && method === 'DELETE') {
      const id = match[1]!;
      // Every record whose key or ID is this; none is success too (deleting is idempotent).
      const byKey = await registries.byKey(registry, id);
      const { items } = await registries.query(registry, { match: { ID: id }, limit: 1000, offset: 0 });
      for (const record of [...(byKey ? [byKey] : []), ...items.filter((item) => item.id !== byKey?.id)]) await registries.remove(registry, record, context);
      return { status: 204, body: Buffer.alloc(0) };
    }
    match = /^([^/]+)\/(?:read-value|readValue)\/([^/]+)$/.exec(rest);
    if (match && method === 'GET') {
      const [, id, fieldWithExtension] = match;
      const field = fieldWithExtension!.replace(/\.[A-Za-z0-9]+$/, '');
      const record = (await registries.byId(registry, id!)) ?? (await registries.byKey(registry, id!));
      if (!record || !(field in record.content)) return { ...NOT_FOUND, ...lookedUp(registry, record ? [record] : [], id, request.client) };
      const value = record.content[field];
      const response = typeof value === 'string' ? jsonString(200, value) : json(200, value);
      return { ...response, ...lookedUp(registry, [record], id, request.client) };
    }
    return json(404, { detail: 'unknown path' });
  };
}

function pageLink(request: ProviderRequest, page: number): string {
  const query = new URLSearchParams(request.query);
  query.set('page', String(page));
  return `?${query.toString()}`;
}

function camelUsage(entry: Content): Content {
  return {
    id: entry.ID, readerId: entry.ReaderID, readerInitials: entry.ReaderInitials, readerInstitutionId: entry.ReaderInstitutionID,
    readerInstitutionName: entry.ReaderInstitutionName, readerApplicationName: entry.ReaderApplicationName, searchDateTime: entry.SearchDateTime,
    refrences: entry.Refrences,
  };
}

/** A registry of ours in GovStack's DatabaseInfo shape (snake_case, as GovStack's tests expect). */
function registryAsDatabase(registry: Registry): Content {
  return {
    id: registry.databaseId,
    version: registry.version,
    name: registry.name,
    description: registry.description.en,
    institution: registry.ownerAgency,
    number_format: '',
    schema: registry.schema,
    schema_tags: [],
    schema_flags: registry.schema.required ? (registry.schema.required as string[]).map((field) => ({ name: 'mandatory', path: `/${field}` })) : [],
    fields_uniques: [[registry.keyField]],
    is_draft: false,
    is_disabled: registry.status !== 'active',
    is_archived: registry.status === 'retired',
    modified_at: new Date().toISOString(),
    by_user_name: '',
    by_user_auth_id: 0,
    by_on_behalf_of_user_auth_id: 0,
    by_on_behalf_of_user_name: '',
    generic_services: [],
    data_index_increment: 0,
    has_logo: false,
  };
}

async function databaseInfo(registries: Registries, db: Queryable, id: number): Promise<Content | undefined> {
  const entry = await store.findDatabase(db, id);
  if (entry) return { ...entry.body, id: entry.id };
  const registry = await registries.find({ databaseId: id });
  return registry ? registryAsDatabase(registry) : undefined;
}

/** GET /databases answers one group: our registries and the catalogued databases. */
async function databaseGroup(registries: Registries, db: Queryable): Promise<Content> {
  const [own, catalogued] = await Promise.all([registries.list(), store.listDatabases(db)]);
  return {
    id: 1,
    name: 'Urtuu registries',
    code: 'URTUU',
    databases: [...own.map(registryAsDatabase), ...catalogued.map((entry) => ({ ...entry.body, id: entry.id }))],
    group_id: 1,
    order: 1,
    data_index_increment: 0,
  };
}

