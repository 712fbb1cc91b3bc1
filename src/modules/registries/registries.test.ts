// Registries: defined by JSON Schema, written and read through GovStack's Digital Registries API
// on the exchange, every change an event, imports in two formats.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { testApp, type TestApp } from '../../../test/helpers.ts';
import { outsideMember, seedPeople, type OutsideMember } from '../exchange/test-fixtures.ts';
import { BASE_REGISTRIES } from './base-registries.ts';
import { DEMO_CITIZEN, importRegistryDocument, importRegistryFile } from './index.ts';
import { REGISTRY_SERVICES, memberCodeOf } from './services.ts';

const DR = 'MN/GOV/ema/registries/digitalRegistries';

const HERDERS = {
  id: 'herders',
  version: '1.0',
  ownerAgency: 'mofa',
  title: { mn: 'Малчдын бүртгэл', en: 'Herder register' },
  schema: {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    required: ['cardNumber', 'registerNumber', 'livestock'],
    properties: {
      cardNumber: { type: 'string', pattern: '^H[0-9]{6}$' },
      registerNumber: { type: 'string', pattern: '^[А-ЯЁӨҮ]{2}[0-9]{8}$' },
      soum: { type: 'string' },
      livestock: { type: 'integer', minimum: 0 },
    },
    additionalProperties: false,
  },
  keyField: 'cardNumber',
  subjectPaths: ['registerNumber'],
  indexedFields: ['soum'],
};

interface Problem {
  code: string;
  detail: string;
  errors?: { field: string; message: string }[];
}

describe('registries', () => {
  let app: TestApp;
  let ministry: OutsideMember;
  let outsider: OutsideMember;

  before(async () => {
    app = await testApp({ seed: false });
    await seedPeople(app, 10);
    // The ministry that owns the herder register writes and reads it without asking each herder.
    ministry = await outsideMember(app, { memberClass: 'GOV', memberCode: 'mofa', name: 'Ministry of Food and Agriculture', rights: [{ service: DR, path: '/**' }] });
    outsider = await outsideMember(app, { memberCode: 'dairy', rights: [{ service: DR, path: '/data/herders/**' }] });
  });
  after(async () => app.close());

  const call = (member: OutsideMember, method: string, subPath: string, body?: unknown, query?: Record<string, string>) =>
    member.exchange.call(DR, subPath, { method, ...(body !== undefined ? { body } : {}), ...(query ? { query } : {}), purpose: 'Herder support programme', headers: { 'accept-language': 'en' } });

  describe('defining a registry', () => {
    it('takes a JSON Schema from a platform administrator, once', async () => {
      const created = await app.as('dev-platform-admin', { method: 'POST', url: '/api/v1/registries', headers: { 'x-csrf-token': app.csrf }, payload: HERDERS });
      assert.equal(created.statusCode, 201, created.body);
      assert.equal(created.json<{ databaseId: number }>().databaseId > 0, true);
      const again = await app.as('dev-platform-admin', { method: 'POST', url: '/api/v1/registries?lang=mn', headers: { 'x-csrf-token': app.csrf }, payload: HERDERS });
      assert.equal(again.statusCode, 409);
      assert.match(again.json<Problem>().detail, /бүртгэл аль хэдийн байна/);
      const list = (await app.as('dev-platform-admin', { method: 'GET', url: '/api/v1/registries' })).json<{ items: { id: string; recordCount: number }[] }>();
      assert.deepEqual(list.items.find((item) => item.id === 'herders')?.recordCount, 0);
      assert.ok(list.items.some((item) => item.id === 'population' && item.recordCount >= 10));
    });

    it('refuses a schema that does not compile or lacks its key field', async () => {
      for (const schema of [{ type: 'object', properties: { code: { type: 'no-such-type' } } }, { type: 'object', properties: { other: { type: 'string' } } }]) {
        const response = await app.as('dev-platform-admin', { method: 'POST', url: '/api/v1/registries', headers: { 'x-csrf-token': app.csrf }, payload: { ...HERDERS, id: 'broken', schema, keyField: 'code' } });
        assert.equal(response.statusCode, 400, response.body);
        assert.equal(response.json<Problem>().code, 'REGISTRY_SCHEMA_INVALID');
      }
      const badId = await app.as('dev-platform-admin', { method: 'POST', url: '/api/v1/registries', headers: { 'x-csrf-token': app.csrf }, payload: { ...HERDERS, id: '../etc' } });
      assert.equal(badId.statusCode, 400);
      assert.equal((await app.registries.find({ id: 'broken' })), undefined);
    });
  });

  describe('GovStack Data API through the exchange', () => {
    const herder = { cardNumber: 'H000001', registerNumber: DEMO_CITIZEN.registerNumber, soum: 'Өлзийт', livestock: 320 };

    it('creates a record that fits the schema and refuses one that does not, keeping what is stored', async () => {
      const created = await call(ministry, 'POST', '/data/herders/1.0/create', { write: { content: herder } });
      assert.equal(created.status, 200, created.body.toString());
      assert.deepEqual(created.json<{ content: unknown }>().content, herder);
      const invalid = await call(ministry, 'POST', '/data/herders/1.0/create', { write: { content: { ...herder, cardNumber: 'H000002', livestock: -5, colour: 'red' } } });
      assert.equal(invalid.status, 400);
      const error = invalid.json<{ type: string; message: string }>();
      assert.equal(error.type, 'Client.BadRequest');
      assert.match(error.message, /livestock/);
      assert.match(error.message, /colour is not allowed/);
      const duplicate = await call(ministry, 'POST', '/data/herders/1.0/create', { write: { content: { ...herder, livestock: 1 } } });
      assert.equal(duplicate.status, 400);
      assert.match(duplicate.json<{ message: string }>().message, /already exists/);
      const missing = await call(ministry, 'POST', '/data/herders/1.0/create', { nothing: true });
      assert.equal(missing.status, 400);
      const stored = await app.registries.byKey(await app.registries.get({ id: 'herders' }), 'H000001');
      assert.equal(stored?.content.livestock, 320, 'the first record is untouched');
      assert.equal((await app.registries.list()).find((registry) => registry.id === 'herders')?.recordCount, 1);
    });

    it('reads, checks existence and reads one value', async () => {
      const read = await call(ministry, 'POST', '/data/herders/1.0/read', { query: { content: { cardNumber: 'H000001' } } });
      assert.equal(read.status, 200, read.body.toString());
      assert.equal(read.json<{ content: { soum: string } }>().content.soum, 'Өлзийт');
      assert.equal((await call(ministry, 'POST', '/data/herders/1.0/read', { query: { content: { cardNumber: 'H999999' } } })).status, 404);
      const exists = await call(ministry, 'POST', '/data/herders/1.0/exists', { query: { content: { soum: 'Өлзийт' } } });
      assert.deepEqual(exists.json(), { answer: { status: true, message: 'Object found from database' } });
      const absent = await call(ministry, 'POST', '/data/herders/1.0/exists', { query: { content: { soum: 'Нигүүлсэл' } } });
      assert.equal(absent.json<{ answer: { status: boolean } }>().answer.status, false);
      for (const spelling of ['read-value', 'readValue']) {
        const value = await call(ministry, 'GET', `/data/herders/1.0/H000001/${spelling}/soum.json`);
        assert.equal(value.status, 200, spelling);
        assert.equal(value.json(), 'Өлзийт');
      }
      assert.equal((await call(ministry, 'GET', '/data/herders/1.0/H000001/readValue/nothing')).status, 404);
    });

    it('asks anyone but the owner for the herder’s consent', async () => {
      const refused = await call(outsider, 'POST', '/data/herders/1.0/read', { query: { content: { cardNumber: 'H000001' } } });
      assert.equal(refused.status, 403);
      assert.equal(refused.json<{ type: string }>().type, 'Server.ServerProxy.ConsentRequired');
      const consent = await app.exchange.grantConsent({ subject: DEMO_CITIZEN.registerNumber, clientId: outsider.client, services: [DR], purpose: 'Milk contract', method: 'portal', days: 1 });
      const allowed = await outsider.exchange.call(DR, '/data/herders/1.0/read', { method: 'POST', body: { query: { content: { cardNumber: 'H000001' } } }, consent: consent.id, purpose: 'Milk contract' });
      assert.equal(allowed.status, 200);
      const elsewhere = await call(outsider, 'GET', '/data/population/1.0');
      assert.equal(elsewhere.json<{ type: string }>().type, 'Server.ServerProxy.AccessDenied', 'its right stops at the herder register');
    });

    it('answers whether someone is in the register only after the consent check, alike for both', async () => {
      const DR_CALL = (body: unknown, consent?: string) => outsider.exchange.call(DR, '/data/herders/1.0/exists', { method: 'POST', body, purpose: 'Milk contract', ...(consent ? { consent } : {}) });
      const present = await DR_CALL({ query: { content: { cardNumber: 'H000001' } } });
      const absent = await DR_CALL({ query: { content: { cardNumber: 'H999999' } } });
      assert.equal(present.status, 403);
      assert.equal(absent.status, present.status, 'in the register or not, the same answer');
      assert.equal(absent.json<{ type: string }>().type, present.json<{ type: string }>().type);
      assert.equal(absent.json<{ type: string }>().type, 'Server.ServerProxy.ConsentRequired');
      // Named by register number: refused alike without the person's consent, answered with it.
      const someone = (await app.ctx.db.query<{ key: string }>(`SELECT key FROM registries.records WHERE registry_id = 'population' AND key <> $1 LIMIT 1`, [DEMO_CITIZEN.registerNumber])).rows[0]!.key;
      const namedAbsent = await DR_CALL({ query: { content: { registerNumber: someone } } });
      const namedPresent = await DR_CALL({ query: { content: { registerNumber: DEMO_CITIZEN.registerNumber } } });
      assert.deepEqual([namedAbsent.status, namedPresent.status], [403, 403]);
      const consent = await app.exchange.grantConsent({ subject: someone, clientId: outsider.client, services: [DR], purpose: 'Milk contract', method: 'portal', days: 1 });
      const answered = await DR_CALL({ query: { content: { registerNumber: someone } } }, consent.id);
      assert.equal(answered.status, 200, answered.body.toString());
      assert.equal(answered.json<{ answer: { status: boolean } }>().answer.status, false);
      // Read and read-value refuse alike too.
      const readAbsent = await outsider.exchange.call(DR, '/data/herders/1.0/read', { method: 'POST', body: { query: { content: { cardNumber: 'H999999' } } }, purpose: 'Milk contract' });
      assert.equal(readAbsent.status, 403);
      const valueAbsent = await outsider.exchange.call(DR, '/data/herders/1.0/H999999/read-value/soum', { purpose: 'Milk contract' });
      assert.equal(valueAbsent.status, 403);
    });

    it('names the header a GovStack caller uses when the client is missing', async () => {
      const response = await app.server.inject({ method: 'POST', url: '/govstack/digital-registries/data/herders/1.0/exists', headers: { 'content-type': 'application/json', 'accept-language': 'en' }, payload: '{}' });
      assert.equal(response.statusCode, 400);
      assert.match(response.json<{ message: string }>().message, /Information-Mediator-Client/);
      assert.doesNotMatch(response.json<{ message: string }>().message, /X-Road-Client/);
      const xroad = await app.server.inject({ method: 'POST', url: '/r1/MN/GOV/ema/registries/digitalRegistries/data/herders/1.0/exists', headers: { 'content-type': 'application/json', 'accept-language': 'en' }, payload: '{}' });
      assert.match(xroad.json<{ message: string }>().message, /X-Road-Client/);
    });

    it('updates by merging, keeps every version as an event, and lists with paging', async () => {
      for (const card of ['H000002', 'H000003', 'H000004']) {
        assert.equal((await call(ministry, 'POST', '/data/herders/1.0/create', { write: { content: { ...herder, cardNumber: card, livestock: 10 } } })).status, 200);
      }
      const updated = await call(ministry, 'PUT', '/data/herders/1.0/update', { query: { content: { cardNumber: 'H000001' } }, write: { content: { livestock: 400 } } });
      assert.equal(updated.status, 200, updated.body.toString());
      assert.deepEqual(updated.json<{ content: unknown }>().content, { ...herder, livestock: 400 });
      const refused = await call(ministry, 'PUT', '/data/herders/1.0/update', { query: { content: { cardNumber: 'H000001' } }, write: { content: { livestock: 'many' } } });
      assert.equal(refused.status, 400, 'an update that breaks the schema is refused');
      for (const spelling of ['update-entries', 'updateEntries']) {
        const many = await call(ministry, 'PUT', `/data/herders/1.0/${spelling}`, { query: { content: { livestock: 10 } }, write: { content: { soum: 'Баян-Өндөр' } } });
        assert.equal(many.status, 200);
      }
      const upserted = await call(ministry, 'POST', '/data/herders/1.0/update-or-create', { query: { content: { cardNumber: 'H000005' } }, write: { content: { ...herder, cardNumber: 'H000005', livestock: 5 } } });
      assert.equal(upserted.status, 200);

      const record = await app.registries.byKey(await app.registries.get({ id: 'herders' }), 'H000001');
      assert.equal(record?.version, 2);
      const history = await app.registries.history(record!.id);
      assert.deepEqual(history.map((event) => [event.version, event.action, event.actor]), [[1, 'create', ministry.client], [2, 'update', ministry.client]]);

      const first = await call(ministry, 'GET', '/data/herders/1.0', undefined, { page_size: '2' });
      const page = first.json<{ count: number; results: { cardNumber: string }[]; next?: string; previous: string | null }>();
      assert.equal(page.count, 2);
      assert.equal(page.previous, null);
      assert.ok(page.next?.includes('page=2'));
      const filtered = await call(ministry, 'GET', '/data/herders/1.0', undefined, { filter: 'soum', search: 'Баян-Өндөр' });
      assert.deepEqual(filtered.json<{ results: { cardNumber: string }[] }>().results.map((r) => r.cardNumber).sort(), ['H000002', 'H000003', 'H000004']);
      assert.deepEqual((await call(ministry, 'GET', '/data/nothing/1.0')).json(), { count: 0, results: [] });
    });

    it('deletes idempotently and keeps the deleted content in the history', async () => {
      const record = await app.registries.byKey(await app.registries.get({ id: 'herders' }), 'H000005');
      assert.equal((await call(ministry, 'DELETE', '/data/herders/1.0/H000005/delete')).status, 204);
      assert.equal((await call(ministry, 'DELETE', '/data/herders/1.0/H000005/delete')).status, 204);
      assert.equal((await call(ministry, 'POST', '/data/herders/1.0/read', { query: { content: { cardNumber: 'H000005' } } })).status, 404);
      const { rows } = await app.ctx.db.query<{ action: string; content: unknown; previous: unknown }>('SELECT action, content, previous FROM registries.record_events WHERE record_id = $1 ORDER BY id', [record!.id]);
      assert.deepEqual(rows.map((row) => row.action), ['create', 'delete']);
      assert.equal(rows[1]!.content, null);
      assert.deepEqual(rows[1]!.previous, record!.content, 'a record written once keeps its content in the delete event');
    });

    it('keeps what a bulk load wrote when the record first changes', async () => {
      const population = await app.registries.get({ id: 'population' });
      const person = await app.registries.byKey(population, DEMO_CITIZEN.registerNumber);
      await app.registries.update(population, { registerNumber: DEMO_CITIZEN.registerNumber }, { mobile: '99112233' }, { single: true }, { actor: 'test' });
      const { rows } = await app.ctx.db.query<{ action: string; content: { mobile?: string } | null; previous: unknown }>('SELECT action, content, previous FROM registries.record_events WHERE record_id = $1 ORDER BY id', [person!.id]);
      assert.deepEqual(rows.map((row) => row.action), ['import', 'update']);
      assert.equal(rows[0]!.content, null, 'the load does not repeat the content in its event');
      assert.deepEqual(rows[1]!.previous, person!.content);
      assert.equal(rows[1]!.content?.mobile, '99112233');
    });

    it('refuses to change the event history', async () => {
      await assert.rejects(app.ctx.db.query(`UPDATE registries.record_events SET actor = 'someone else'`));
      await assert.rejects(app.ctx.db.query('DELETE FROM registries.record_events'));
    });

    it('answers the Database API and personal data usage', async () => {
      const databases = (await call(ministry, 'GET', '/databases')).json<{ databases: { name: string; id: number }[] }>();
      const herders = databases.databases.find((entry) => entry.name === 'herders');
      assert.ok(herders);
      const one = await call(ministry, 'GET', `/database/${herders.id}`);
      assert.equal(one.json<{ name: string }>().name, 'herders');
      assert.equal((await call(ministry, 'GET', '/database/0')).status, 400);
      assert.equal((await call(ministry, 'GET', '/database/987654')).status, 404);
      // Who read a person's data is that person's data too: the ministry asks with their consent.
      const consent = await app.exchange.grantConsent({ subject: DEMO_CITIZEN.registerNumber, clientId: ministry.client, services: [DR], purpose: 'Audit of reads', method: 'portal', days: 1 });
      const usage = await ministry.exchange.call(DR, '/data/myPersonalDataUsage', { query: { userID: DEMO_CITIZEN.registerNumber, DatabaseID: String(herders.id) }, consent: consent.id, purpose: 'Audit of reads' });
      assert.equal(usage.status, 200, usage.body.toString());
      const entries = usage.json<{ readerApplicationName: string }[]>();
      assert.ok(entries.some((entry) => entry.readerApplicationName === outsider.client), 'the dairy’s read is listed');
      assert.equal((await call(ministry, 'GET', '/data/myPersonalDataUsage', undefined, { userID: '../x', DatabaseID: '1' })).status, 400);
    });
  });

  describe('imports', () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'urtuu-import-'));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('imports Urtuu’s format, defining the registry, and reports the records that do not fit', async () => {
      const file = path.join(dir, 'wells.json');
      writeFileSync(file, JSON.stringify({
        definition: { id: 'wells', version: '1.0', ownerAgency: 'mofa', title: { mn: 'Худаг', en: 'Wells' }, schema: { type: 'object', required: ['wellId', 'depth'], properties: { wellId: { type: 'string' }, depth: { type: 'number' } } }, keyField: 'wellId' },
        records: [{ wellId: 'W1', depth: 40 }, { wellId: 'W2', depth: 'deep' }, { wellId: 'W3', depth: 12.5 }, 'nonsense'],
      }));
      const report = await importRegistryFile(app.registries, app.ctx.db, file, { actor: 'test' });
      assert.equal(report.imported, 2);
      assert.equal(report.failed, 2);
      assert.ok(report.lines.some((line) => line.startsWith('wells record 2:') && line.includes('depth')), report.lines.join('\n'));
      const again = await importRegistryDocument(app.registries, app.ctx.db, { registry: 'wells', records: [{ wellId: 'W1', depth: 1 }] }, { actor: 'test' });
      assert.equal(again.failed, 1, 'an existing key is refused, not overwritten');
      assert.equal((await app.registries.byKey(await app.registries.get({ id: 'wells' }), 'W1'))?.content.depth, 40);
    });

    it('imports GovStack’s test-data.json shape, with its database catalogue', async () => {
      const report = await importRegistryDocument(app.registries, app.ctx.db, {
        registries: { registryname: 'registryname', versionnumber: '111', databaseID: '4242', records: [{ id: 'EE378627348834', FirstName: 'John', LastName: 'Helmut', BirthCertificateID: 'RR-1234567889' }] },
        databases: [{ databases: ['a comment', { id: 4243, name: 'Catalogued', code: 'CAT', version: '1.0', schema: { type: 'object' } }] }],
      }, { actor: 'test', owner: 'ema' });
      assert.equal(report.imported, 1, report.lines.join('\n'));
      const registry = await app.registries.get({ name: 'registryname', version: '111' });
      assert.equal(registry.databaseId, 4242);
      const read = await call(ministry, 'POST', '/data/registryname/111/read', { query: { content: { ID: 'EE378627348834' } } });
      assert.equal(read.json<{ content: { FirstName: string } }>().content.FirstName, 'John');
      assert.equal((await call(ministry, 'GET', '/database/4243')).json<{ code: string }>().code, 'CAT');
    });

    it('says which file it cannot read', async () => {
      const file = path.join(dir, 'broken.json');
      writeFileSync(file, '{ not json');
      await assert.rejects(importRegistryFile(app.registries, app.ctx.db, file, { actor: 'test' }), /Cannot read .*broken\.json as JSON/);
      await assert.rejects(importRegistryDocument(app.registries, app.ctx.db, { something: 'else' }, { actor: 'test' }), /registry/);
    });
  });
});

describe('registry services on the exchange', () => {
  it('are published under the member of the agency that keeps their registry', async () => {
    const app = await testApp({ seed: false });
    try {
      const dir = await app.exchange.directory();
      for (const definition of REGISTRY_SERVICES) {
        const registry = BASE_REGISTRIES.find((candidate) => candidate.id === definition.registry);
        assert.ok(registry, `${definition.serviceCode}: registry ${definition.registry}`);
        assert.equal(definition.memberCode, memberCodeOf(registry.ownerAgency), definition.serviceCode);
        const member = dir.members.find((row) => row.id === `MN/GOV/${definition.memberCode}`);
        assert.equal(member?.agency_id, registry.ownerAgency);
        const subsystem = dir.subsystems.find((row) => row.id === `MN/GOV/${definition.memberCode}/${definition.subsystemCode}`);
        assert.deepEqual({ mn: subsystem?.name_mn, en: subsystem?.name_en }, registry.title);
      }
    } finally {
      await app.close();
    }
  });
});
