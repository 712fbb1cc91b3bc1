// "Who looked at my data": every read of a person's data through the exchange, allowed or refused,
// is theirs to see, with the consents they gave and can withdraw.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { form, testApp, type TestApp } from '../../../test/helpers.ts';
import type { Principal } from '../../kernel/auth.ts';
import { DEMO_CITIZEN } from '../registries/index.ts';
import { ADDRESS_SERVICE, outsideMember, seedPeople, type OutsideMember } from './test-fixtures.ts';

const CITIZEN = DEMO_CITIZEN.registerNumber;

interface AccessItem {
  at: string;
  client: string;
  clientName: { mn: string; en: string } | null;
  service: string;
  serviceTitle: { mn: string; en: string } | null;
  purpose: string | null;
  allowed: boolean;
}

describe('who looked at my data', () => {
  let app: TestApp;
  let bank: OutsideMember;
  let stranger: OutsideMember;
  let neighbour: Principal;

  before(async () => {
    app = await testApp({ seed: false });
    await seedPeople(app, 20);
    bank = await outsideMember(app, { memberCode: 'khanbank', name: 'Khan Bank', rights: [{ service: ADDRESS_SERVICE }] });
    stranger = await outsideMember(app, { memberCode: 'collector', name: 'Debt Collectors LLC', rights: [{ service: ADDRESS_SERVICE }] });
    const consent = await app.exchange.grantConsent({ subject: CITIZEN, clientId: bank.client, services: [ADDRESS_SERVICE], purpose: 'Loan application', method: 'portal', days: 30 });
    assert.equal((await bank.exchange.call(ADDRESS_SERVICE, `/${CITIZEN}`, { consent: consent.id, purpose: 'Loan application' })).status, 200);
    assert.equal((await stranger.exchange.call(ADDRESS_SERVICE, `/${CITIZEN}`, { purpose: 'Finding debtors' })).status, 403);
    const { rows } = await app.ctx.db.query<{ key: string }>(`SELECT key FROM registries.records WHERE registry_id = 'population' AND key <> $1 ORDER BY key LIMIT 1`, [CITIZEN]);
    neighbour = { id: 'neighbour', name: 'Neighbour', kind: 'citizen', roles: ['citizen'], agencyId: null, registerNumber: rows[0]!.key };
  });
  after(async () => app.close());

  it('lists each read with who, what, when and why, refused ones too', async () => {
    const response = await app.as('dev-citizen', { method: 'GET', url: '/api/v1/me/data-access' });
    assert.equal(response.statusCode, 200);
    const items = response.json<{ items: AccessItem[] }>().items;
    const read = items.find((item) => item.client === bank.client);
    assert.ok(read, JSON.stringify(items));
    assert.equal(read.clientName?.en, 'Khan Bank');
    assert.equal(read.serviceTitle?.en, 'Residence address reference');
    assert.equal(read.purpose, 'Loan application');
    assert.equal(read.allowed, true);
    assert.ok(Date.now() - Date.parse(read.at) < 60_000);
    const refused = items.find((item) => item.client === stranger.client);
    assert.equal(refused?.allowed, false);
    assert.equal(refused?.purpose, 'Finding debtors');
  });

  it('shows nobody else’s reads to a person', async () => {
    const response = await app.as(neighbour, { method: 'GET', url: '/api/v1/me/data-access' });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json<{ items: AccessItem[] }>().items.filter((item) => item.client === bank.client || item.client === stranger.client), []);
  });

  it('shows the same on a page in both languages', async () => {
    const english = await app.as('dev-citizen', { method: 'GET', url: '/en/my/data-access' });
    assert.equal(english.statusCode, 200);
    assert.match(english.body, /Khan Bank/);
    assert.match(english.body, /Loan application/);
    assert.match(english.body, /Refused/);
    const mongolian = await app.as('dev-citizen', { method: 'GET', url: '/mn/my/data-access' });
    assert.match(mongolian.body, /Миний мэдээллийг хэн харсан/);
    assert.match(mongolian.body, /Оршин суугаа хаягийн лавлагаа/);
  });

  it('lets the person withdraw a consent, after which it opens nothing', async () => {
    const consent = await app.exchange.grantConsent({ subject: CITIZEN, clientId: bank.client, services: [ADDRESS_SERVICE], purpose: 'Mortgage', method: 'portal', days: 30 });
    const listed = (await app.as('dev-citizen', { method: 'GET', url: '/api/v1/me/consents' })).json<{ items: { id: string; withdrawnAt: string | null }[] }>();
    assert.equal(listed.items.find((item) => item.id === consent.id)?.withdrawnAt, null);
    // Someone else cannot withdraw it, nor learn that it exists.
    assert.equal((await app.as(neighbour, { method: 'POST', url: `/api/v1/me/consents/${consent.id}/withdraw`, headers: { 'x-csrf-token': app.csrf } })).statusCode, 404);
    const withdrawn = await app.as('dev-citizen', { method: 'POST', url: `/en/my/consents/${consent.id}/withdraw`, ...form({}, app.csrf) });
    assert.equal(withdrawn.statusCode, 303);
    assert.equal(withdrawn.headers.location, `/en/my/data-access?withdrawn=${consent.id}#consent-${consent.id}`);
    const after = (await app.as('dev-citizen', { method: 'GET', url: '/api/v1/me/consents' })).json<{ items: { id: string; withdrawnAt: string | null }[] }>();
    assert.ok(after.items.find((item) => item.id === consent.id)?.withdrawnAt);
    const refused = await bank.exchange.call(ADDRESS_SERVICE, `/${CITIZEN}`, { consent: consent.id, purpose: 'Mortgage' });
    assert.equal(refused.status, 403);
    const page = await app.as('dev-citizen', { method: 'GET', url: '/en/my/data-access' });
    assert.match(page.body, /withdrawn/);
  });

  it('answers a consent id that is not one with 404, and a page post without its token with 403', async () => {
    assert.equal((await app.as('dev-citizen', { method: 'POST', url: '/api/v1/me/consents/nonsense/withdraw', headers: { 'x-csrf-token': app.csrf } })).statusCode, 404);
    const consent = await app.exchange.grantConsent({ subject: CITIZEN, clientId: bank.client, services: [ADDRESS_SERVICE], purpose: 'CSRF check', method: 'portal', days: 1 });
    const forged = await app.as('dev-citizen', { method: 'POST', url: `/en/my/consents/${consent.id}/withdraw`, ...form({}) });
    assert.equal(forged.statusCode, 403);
    const still = (await app.as('dev-citizen', { method: 'GET', url: '/api/v1/me/consents' })).json<{ items: { id: string; withdrawnAt: string | null }[] }>();
    assert.equal(still.items.find((item) => item.id === consent.id)?.withdrawnAt, null, 'nothing was withdrawn');
  });
});
