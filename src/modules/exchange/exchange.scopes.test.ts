// Authorization matrix for the exchange, registries and messaging routes that people reach with a
// session: every route called as every role, including those that must be refused. The bus itself
// (/r1, /govstack, the consent-code request) authenticates member systems, not people; its own
// tests cover that.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { form, testApp, type TestApp } from '../../../test/helpers.ts';
import { generateKeyPair } from '../../kernel/pki.ts';
import { DEMO_CITIZEN } from '../registries/index.ts';
import { ADDRESS_SERVICE, outsideMember, type OutsideMember } from './test-fixtures.ts';

type Outcome = 'ok' | 401 | 403;
const ROLES = ['anonymous', 'dev-citizen', 'dev-police-officer', 'dev-gasr-supervisor', 'dev-gasr-admin', 'dev-platform-admin'] as const;
type Role = (typeof ROLES)[number];

const PUBLIC: Record<Role, Outcome> = { anonymous: 'ok', 'dev-citizen': 'ok', 'dev-police-officer': 'ok', 'dev-gasr-supervisor': 'ok', 'dev-gasr-admin': 'ok', 'dev-platform-admin': 'ok' };
const CITIZENS: Record<Role, Outcome> = { anonymous: 401, 'dev-citizen': 'ok', 'dev-police-officer': 403, 'dev-gasr-supervisor': 403, 'dev-gasr-admin': 403, 'dev-platform-admin': 403 };
const PLATFORM_ONLY: Record<Role, Outcome> = { anonymous: 401, 'dev-citizen': 403, 'dev-police-officer': 403, 'dev-gasr-supervisor': 403, 'dev-gasr-admin': 403, 'dev-platform-admin': 'ok' };

interface Fixture {
  consent: string;
  right: string;
  counter: number;
}

interface RouteCase {
  name: string;
  method: 'GET' | 'POST' | 'DELETE';
  url: (fixture: Fixture) => string;
  body?: (fixture: Fixture) => { payload: string | object; headers?: Record<string, string> };
  expect: Record<Role, Outcome>;
}

const json = (payload: object) => ({ payload });

const ROUTES: RouteCase[] = [
  { name: 'GET /listClients', method: 'GET', url: () => '/listClients', expect: PUBLIC },
  { name: 'GET /en/exchange', method: 'GET', url: () => '/en/exchange', expect: PUBLIC },
  { name: 'GET /api/v1/me/data-access', method: 'GET', url: () => '/api/v1/me/data-access', expect: CITIZENS },
  { name: 'GET /api/v1/me/consents', method: 'GET', url: () => '/api/v1/me/consents', expect: CITIZENS },
  { name: 'POST /api/v1/me/consents/:id/withdraw', method: 'POST', url: (f) => `/api/v1/me/consents/${f.consent}/withdraw`, expect: CITIZENS },
  { name: 'GET /en/my/data-access', method: 'GET', url: () => '/en/my/data-access', expect: CITIZENS },
  { name: 'POST /en/my/consents/:id/withdraw', method: 'POST', url: (f) => `/en/my/consents/${f.consent}/withdraw`, body: () => form({}), expect: CITIZENS },
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
  { name: 'GET /en/dev/outbox', method: 'GET', url: () => '/en/dev/outbox', expect: PUBLIC },
];

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

  for (const route of ROUTES) {
    it(route.name, async () => {
      for (const role of ROLES) {
        const f = await fixture();
        const body = route.body?.(f);
        const payload = body && typeof body.payload === 'string' ? `${body.payload}${body.payload ? '&' : ''}_csrf=${encodeURIComponent(app.csrf)}` : body?.payload;
        const headers = { ...(body?.headers ?? {}), ...(typeof body?.payload === 'string' ? {} : { 'x-csrf-token': app.csrf }) };
        const response = await app.as(role === 'anonymous' ? null : role, { method: route.method, url: route.url(f), headers, ...(payload !== undefined ? { payload: payload as string } : {}) });
        const expected = route.expect[role];
        const got = response.statusCode;
        if (expected === 'ok') assert.ok(got >= 200 && got < 400, `${route.name} as ${role}: expected success, got ${got} ${response.body.slice(0, 300)}`);
        else assert.equal(got, expected, `${route.name} as ${role}: expected ${expected}, got ${got}`);
      }
    });
  }

  it('covers every exchange, registries and messaging route people reach', async () => {
    const f = await fixture();
    // /my and /api/v1/me are shared with other modules: only the exchange's pages under them are ours.
    const scoped = /^\/(listClients|api\/v1\/(me\/(data-access|consents)|exchange|registries)(\/|$)|en\/(exchange|dev|my\/(data-access|consents))(\/|$))/;
    const bus = new Set(['/api/v1/exchange/consent-codes']);
    const routes = app.routes.filter((route) => scoped.test(route.url) && route.method !== 'HEAD' && !bus.has(route.url));
    assert.ok(routes.length >= 17, `found ${routes.length} routes`);
    for (const route of routes) {
      const pattern = new RegExp(`^${route.url.replace(/:[A-Za-z]+/g, '[^/?]+')}$`);
      assert.ok(ROUTES.some((candidate) => candidate.method === route.method && pattern.test(candidate.url(f))), `${route.method} ${route.url} has no row in the matrix`);
    }
  });
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
