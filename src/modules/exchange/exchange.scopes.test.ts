// Authorization matrix for the exchange, registries and messaging routes that people reach with a
// session: every route called as every role, including those that must be refused. The bus itself
// (/r1, /govstack, the consent-code request) authenticates member systems, not people; its own
// tests cover that.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { form, testApp, type TestApp } from '../../../test/helpers.ts';
import { CITIZEN_ONLY, PLATFORM_ONLY, PUBLIC, coverageTest, matrixTests, type RouteCase } from '../../../test/matrix.ts';
import { generateKeyPair } from '../../kernel/pki.ts';
import { DEMO_CITIZEN } from '../registries/index.ts';
import { ADDRESS_SERVICE, outsideMember, type OutsideMember } from './test-fixtures.ts';

/** Made afresh for every call: a consent to withdraw, an access right to remove, a number for new codes. */
interface Fixture {
  consent: string;
  right: string;
  counter: number;
}

const json = (payload: object) => ({ payload });

describe('exchange, registries and messaging authorization matrix', () => {
  let app: TestApp;
  let bank: OutsideMember;
  let counter = 0;

  before(async () => {
    app = await testApp({ seed: false });
    bank = await outsideMember(app, { memberCode: 'khanbank', rights: [{ service: ADDRESS_SERVICE }] });
  });
  after(async () => app.close());

  async function fixture(): Promise<Fixture> {
    counter += 1;
    const consent = await app.exchange.grantConsent({ subject: DEMO_CITIZEN.registerNumber, clientId: bank.client, services: [ADDRESS_SERVICE], purpose: 'matrix', method: 'portal', days: 1 });
    const right = await app.exchange.admin.grant({ serviceId: ADDRESS_SERVICE, clientId: bank.client, method: 'GET', path: `/matrix${counter}` });
    return { consent: consent.id, right, counter };
  }

  const ROUTES: RouteCase<Fixture>[] = [
    { name: 'GET /listClients', method: 'GET', url: () => '/listClients', expect: PUBLIC },
    { name: 'GET /:lang/exchange', method: 'GET', url: () => '/en/exchange', expect: PUBLIC },
    { name: 'GET /api/v1/me/data-access', method: 'GET', url: () => '/api/v1/me/data-access', expect: CITIZEN_ONLY },
    { name: 'GET /api/v1/me/consents', method: 'GET', url: () => '/api/v1/me/consents', expect: CITIZEN_ONLY },
    { name: 'POST /api/v1/me/consents/:id/withdraw', method: 'POST', url: (f) => `/api/v1/me/consents/${f.consent}/withdraw`, expect: CITIZEN_ONLY },
    { name: 'GET /:lang/my/data-access', method: 'GET', url: () => '/en/my/data-access', expect: CITIZEN_ONLY },
    { name: 'POST /:lang/my/consents/:id/withdraw', method: 'POST', url: (f) => `/en/my/consents/${f.consent}/withdraw`, body: () => form({}, app.csrf), expect: CITIZEN_ONLY },
    { name: 'GET /api/v1/exchange/directory', method: 'GET', url: () => '/api/v1/exchange/directory', expect: PLATFORM_ONLY },
    { name: 'POST /api/v1/exchange/members', method: 'POST', url: () => '/api/v1/exchange/members', body: (f) => json({ memberClass: 'COM', memberCode: `matrix${f.counter}`, name: { mn: 'Матриц', en: 'Matrix' } }), expect: PLATFORM_ONLY },
    { name: 'POST /api/v1/exchange/subsystems', method: 'POST', url: () => '/api/v1/exchange/subsystems', body: (f) => json({ memberId: 'MN/COM/khanbank', subsystemCode: `sub${f.counter}`, name: { mn: 'Систем', en: 'System' } }), expect: PLATFORM_ONLY },
    { name: 'POST /api/v1/exchange/keys', method: 'POST', url: () => '/api/v1/exchange/keys', body: () => json({ subsystemId: 'MN/COM/khanbank/system', publicKeyPem: generateKeyPair().publicKeyPem }), expect: PLATFORM_ONLY },
    { name: 'POST /api/v1/exchange/services', method: 'POST', url: () => '/api/v1/exchange/services', body: (f) => json({ subsystemId: 'MN/COM/khanbank/system', serviceCode: `svc${f.counter}`, title: { mn: 'Үйлчилгээ', en: 'Service' }, baseUrl: 'http://127.0.0.1:9/x', personal: false }), expect: PLATFORM_ONLY },
    { name: 'POST /api/v1/exchange/access-rights', method: 'POST', url: () => '/api/v1/exchange/access-rights', body: () => json({ serviceId: ADDRESS_SERVICE, clientId: 'MN/COM/khanbank/system', method: 'GET', path: '/*' }), expect: PLATFORM_ONLY },
    { name: 'DELETE /api/v1/exchange/access-rights/:id', method: 'DELETE', url: (f) => `/api/v1/exchange/access-rights/${f.right}`, expect: PLATFORM_ONLY },
    { name: 'GET /api/v1/registries', method: 'GET', url: () => '/api/v1/registries', expect: PLATFORM_ONLY },
    {
      name: 'POST /api/v1/registries', method: 'POST', url: () => '/api/v1/registries',
      body: (f) => json({ id: `matrix-${f.counter}`, version: '1.0', ownerAgency: 'gasr', title: { mn: 'Туршилт', en: 'Trial' }, schema: { type: 'object', properties: { code: { type: 'string' } }, required: ['code'] }, keyField: 'code' }),
      expect: PLATFORM_ONLY,
    },
    // Development sign-in is on in these tests, so the outbox is open to everyone (see below for production).
    { name: 'GET /:lang/dev/outbox', method: 'GET', url: () => '/en/dev/outbox', expect: PUBLIC },
  ];

  matrixTests(() => app, ROUTES, { fixture });
  // /my and /api/v1/me are shared with other modules: only the exchange's pages under them are ours.
  // The bus's consent-code request authenticates member systems, not people.
  const scoped = /^\/(listClients|api\/v1\/(me\/(data-access|consents)|exchange|registries)(\/|$)|en\/(exchange|dev|my\/(data-access|consents))(\/|$))/;
  coverageTest('exchange, registries and messaging', () => app, ROUTES, (url) => scoped.test(url) && url !== '/api/v1/exchange/consent-codes', { atLeast: 17 });
});

describe('the outbox without development sign-in', () => {
  let app: TestApp;
  before(async () => {
    app = await testApp({ seed: false, devLogin: false });
  });
  after(async () => app.close());

  it('is for platform administrators only', async () => {
    assert.equal((await app.as(null, { method: 'GET', url: '/en/dev/outbox' })).statusCode, 401);
    assert.equal((await app.as('dev-citizen', { method: 'GET', url: '/en/dev/outbox' })).statusCode, 403);
    assert.equal((await app.as('dev-gasr-admin', { method: 'GET', url: '/en/dev/outbox' })).statusCode, 403);
    assert.equal((await app.as('dev-platform-admin', { method: 'GET', url: '/en/dev/outbox' })).statusCode, 200);
  });
});
