// Nothing one caller sends can fail another caller's message. Messages are logged in shared
// batches (one statement for many callers), so a value the database refuses, sent by one caller,
// must neither fail the batch it lands in nor go unlogged itself.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { testApp, type TestApp } from '../../../test/helpers.ts';
import type { Principal } from '../../kernel/auth.ts';
import { generateKeyPair } from '../../kernel/pki.ts';
import { DEMO_CITIZEN } from '../registries/index.ts';
import { MessageLog, verifyLog, type LogEntry } from './log.ts';
import { ADDRESS_SERVICE, outsideMember, seedPeople, type OutsideMember } from './test-fixtures.ts';

const CITIZEN = DEMO_CITIZEN.registerNumber;
const PURPOSE = 'Loan application 2026/204';

async function logCount(app: TestApp): Promise<number> {
  await app.exchange.flush();
  const { rows } = await app.ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM exchange.message_log');
  return rows[0]!.n;
}

async function logKeys(app: TestApp): Promise<Map<string, string>> {
  const { rows } = await app.ctx.db.query<{ id: string; public_key_pem: string }>('SELECT id, public_key_pem FROM exchange.keys');
  return new Map(rows.map((row) => [row.id, row.public_key_pem]));
}

describe('one caller cannot fail another’s message', () => {
  let app: TestApp;
  let bank: OutsideMember;
  let people: string[];

  before(async () => {
    app = await testApp({ seed: true });
    await seedPeople(app, 40);
    bank = await outsideMember(app, { memberCode: 'xacbank', subsystemCode: 'loans', name: 'XacBank', rights: [{ service: ADDRESS_SERVICE, method: 'GET', path: '/*' }] });
    const { rows } = await app.ctx.db.query<{ key: string; content: { birthDate: string } }>(`SELECT key, content FROM registries.records WHERE registry_id = 'population' ORDER BY key`);
    // Adults, who may ask for a reference themselves.
    people = rows.filter((row) => row.content.birthDate < '2006-01-01').map((row) => row.key).slice(0, 10);
  });
  after(async () => app.close());

  it('answers 20 signed reads beside 40 messages with a NUL in the address, and logs all 60', async () => {
    const consent = await app.exchange.grantConsent({ subject: CITIZEN, clientId: bank.client, services: [ADDRESS_SERVICE], purpose: PURPOSE, method: 'portal', days: 1 });
    const before = await logCount(app);
    const good = Array.from({ length: 20 }, () => bank.exchange.call(ADDRESS_SERVICE, `/${CITIZEN}`, { consent: consent.id, purpose: PURPOSE }));
    // Half anonymous, half signed by a registered member: both reach the log.
    const anonymous = Array.from({ length: 20 }, (_, index) => app.server.inject({ method: 'GET', url: `/r1/MN/GOV/gasr/population/address/x%00y${index}`, headers: { 'x-road-client': bank.client, 'x-road-id': randomUUID() } }));
    const signed = Array.from({ length: 20 }, (_, index) => bank.exchange.call(ADDRESS_SERVICE, `/a%00b${index}`, { purpose: 'a\u0000b' }));
    const [goodAnswers, anonymousAnswers, signedAnswers] = await Promise.all([Promise.all(good), Promise.all(anonymous), Promise.all(signed)]);
    for (const answer of goodAnswers) assert.equal(answer.status, 200, answer.body.toString());
    for (const answer of anonymousAnswers) {
      assert.ok(answer.statusCode >= 400 && answer.statusCode < 500, `${answer.statusCode} ${answer.body}`);
      assert.ok(answer.headers['x-road-error'], 'refused in X-Road’s terms');
    }
    for (const answer of signedAnswers) {
      assert.equal(answer.status, 400, answer.body.toString());
      assert.equal(answer.headers['x-road-error'], 'Client.BadRequest');
    }
    assert.equal(await logCount(app), before + 60, 'every message is logged, the refused ones too');
    const { rows } = await app.ctx.db.query<{ path: string }>('SELECT path FROM exchange.message_log WHERE strpos(path, $1) > 0 OR strpos(path, $2) > 0', ['x\\u0000y', 'a\\u0000b']);
    assert.equal(rows.length, 40, 'the NUL is kept in the log as its escape');
    const report = await app.exchange.verifyLog();
    assert.equal(report.ok, true, JSON.stringify(report.firstBad));
  });

  it('gives citizens their references while strangers send NUL bytes at the exchange', async () => {
    const asPerson = (registerNumber: string): Principal => ({ id: `person-${registerNumber}`, name: registerNumber, kind: 'citizen', roles: ['citizen'], agencyId: null, registerNumber });
    let done = false;
    // Eight strangers sending NUL addresses, without pause, for as long as the references take.
    const noise = Array.from({ length: 8 }, async (_, index) => {
      while (!done) await app.server.inject({ method: 'GET', url: `/r1/MN/GOV/gasr/population/address/%00${index}` });
    });
    const answers = await Promise.all(people.map((registerNumber) => app.as(asPerson(registerNumber), { method: 'POST', url: '/api/v1/references/residence-address-reference', payload: { consent: true } })));
    done = true;
    await Promise.all(noise);
    assert.equal(answers.length, 10);
    for (const answer of answers) assert.equal(answer.statusCode, 201, answer.body.slice(0, 300));
  });

  it('fails only the entry the database refuses when the log writes a shared batch', async () => {
    const key = generateKeyPair();
    const log = new MessageLog(app.ctx.db, () => ({ keyId: 'isolation-test-key', privateKeyPem: key.privateKeyPem }));
    const entry = (path: string): LogEntry => ({
      at: new Date().toISOString(), requestId: randomUUID(), messageId: randomUUID(), client: 'MN/COM/x/y', service: 'MN/GOV/a/b/c', method: 'GET', path,
      status: 200, errorType: null, userId: null, subjects: [], purpose: null, consentId: null, issue: null, representedParty: null,
      requestHash: null, responseHash: null, durationMs: 1, node: 'test',
    });
    const before = await logCount(app);
    // Written past the exchange's own escaping, as a future caller of the log might.
    const settled = await Promise.allSettled(['/a', '/b', '/poison\u0000', '/c', '/d\ud800'].map((path) => log.append(entry(path))));
    await log.flush();
    assert.deepEqual(settled.map((result) => result.status), ['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'rejected']);
    assert.equal(await logCount(app), before + 3);
    const report = await verifyLog(app.ctx.db, new Map([...(await logKeys(app)), ['isolation-test-key', key.publicKeyPem]]));
    assert.equal(report.ok, true, JSON.stringify(report.firstBad));
  });
});
