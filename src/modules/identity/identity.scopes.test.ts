// Authorization matrix for the identity module: every route people reach, called as every role,
// including the ones that must be refused. The provider's own endpoints (/oidc/*) authenticate
// relying parties by OpenID Connect rules; identity.test.ts covers them with a real client.
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { form, testApp, type TestApp } from '../../../test/helpers.ts';
import type { Principal } from '../../kernel/auth.ts';
import { DEV_PERSONAS } from '../../web/dev-sign-in.ts';
import { DEMO_CITIZEN } from '../registries/index.ts';
import { seedPeople } from '../exchange/test-fixtures.ts';
import * as store from './store.ts';

type Outcome = 'ok' | 400 | 401 | 403 | 404;
const rsaJwk = { ...(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' }) as Record<string, unknown>), alg: 'RS256', use: 'sig' };
const NOTARY: Principal = { id: 'matrix-notary', name: 'Notary', kind: 'official', roles: ['officer'], agencyId: 'notaries' };
const ROLE_NAMES = ['anonymous', 'dev-citizen', 'dev-police-officer', 'dev-gasr-supervisor', 'dev-gasr-admin', 'dev-platform-admin', 'notary'] as const;
type Role = (typeof ROLE_NAMES)[number];
const principalOf = (role: Role): Principal | null => (role === 'anonymous' ? null : role === 'notary' ? NOTARY : DEV_PERSONAS.find((persona) => persona.id === role)!);

const all = (outcome: Outcome): Record<Role, Outcome> => Object.fromEntries(ROLE_NAMES.map((role) => [role, outcome])) as Record<Role, Outcome>;
const PUBLIC = all('ok');
const CITIZENS: Record<Role, Outcome> = { ...all(403), anonymous: 401, 'dev-citizen': 'ok' };
const PLATFORM_ONLY: Record<Role, Outcome> = { ...all(403), anonymous: 401, 'dev-platform-admin': 'ok' };
const STAFF_ADMINS: Record<Role, Outcome> = { ...all(403), anonymous: 401, 'dev-gasr-admin': 'ok', 'dev-platform-admin': 'ok' };
const NOTARIES: Record<Role, Outcome> = { ...all(403), anonymous: 401, notary: 'ok', 'dev-platform-admin': 'ok' };

interface Fixture {
  app: TestApp;
  counter: number;
  person: string;
  spareDevice?: string;
  /** The demo citizen's registered device, and the challenge of the QR sign-in made last. */
  device: { id: string; privateKey: KeyObject };
  challenge: string;
}

/** A device of the demo citizen, registered now. */
async function newDevice(f: Fixture): Promise<string> {
  // At most ten devices a person: the spares made for earlier calls are removed first.
  await f.app.ctx.db.query('UPDATE identity.devices SET revoked_at = now() WHERE id <> $1 AND revoked_at IS NULL', [f.device.id]);
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const response = await f.app.as('dev-citizen', { method: 'POST', url: '/api/v1/identity/devices', payload: { name: `Spare ${(f.counter += 1)}`, publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString() } });
  assert.equal(response.statusCode, 201, response.body);
  return response.json<{ deviceId: string }>().deviceId;
}

/** A pending QR sign-in started with the demo citizen's register number. */
async function qrLogin(f: Fixture): Promise<string> {
  f.challenge = `matrix-challenge-${(f.counter += 1)}`;
  const { rows } = await f.app.ctx.db.query<{ id: string }>(
    `INSERT INTO identity.qr_logins (uid, register_number, challenge, confirm_code, expires_at) VALUES ($1, $2, $3, '42', now() + interval '5 minutes') RETURNING id`,
    [`matrix-${f.counter}`, DEMO_CITIZEN.registerNumber, f.challenge],
  );
  return rows[0]!.id;
}

interface RouteCase {
  /** Runs before each call (to make what the call uses up). */
  prepare?: (fixture: Fixture) => Promise<void>;
  name: string;
  method: 'GET' | 'POST' | 'PUT';
  url: (fixture: Fixture) => Promise<string> | string;
  body?: (fixture: Fixture) => { payload: string | object; headers?: Record<string, string> };
  expect: Record<Role, Outcome>;
}

const ROUTES: RouteCase[] = [
  { name: 'GET /en/sign-in/national', method: 'GET', url: () => '/en/sign-in/national', expect: PUBLIC },
  // Without the browser's own sign-in cookies these steps are refused alike for everyone.
  { name: 'GET /auth/callback', method: 'GET', url: () => '/auth/callback?code=x&state=y', expect: all(400) },
  { name: 'GET /identity/interaction/:uid', method: 'GET', url: () => '/identity/interaction/abc', expect: all(400) },
  ...['', '/methods', '/acting', '/sms'].map((step): RouteCase => ({ name: `GET /en/login/:uid${step}`, method: 'GET', url: () => `/en/login/abc${step}`, expect: all(400) })),
  ...['', '/methods', '/acting', '/consent', '/cancel', '/sms', '/sms/resend'].map((step): RouteCase => ({ name: `POST /en/login/:uid${step}`, method: 'POST', url: () => `/en/login/abc${step}`, body: () => form({}), expect: all(400) })),
  { name: 'POST /en/sign-out', method: 'POST', url: () => '/en/sign-out', body: () => form({}), expect: PUBLIC },
  { name: 'GET /en/my', method: 'GET', url: () => '/en/my', expect: CITIZENS },
  { name: 'GET /en/my/account', method: 'GET', url: () => '/en/my/account', expect: CITIZENS },
  { name: 'GET /en/my/sign-ins', method: 'GET', url: () => '/en/my/sign-ins', expect: CITIZENS },
  { name: 'POST /en/my/details/consent', method: 'POST', url: () => '/en/my/details/consent', body: () => form({}), expect: CITIZENS },
  {
    name: 'POST /en/my/sign-ins/:id/end', method: 'POST', body: () => form({}), expect: CITIZENS,
    url: async (f) => `/en/my/sign-ins/${await store.insertSession(f.app.ctx.db, { registerNumber: DEMO_CITIZEN.registerNumber, method: 'otp sms', userAgent: null, actingFor: null, expiresAt: new Date(Date.now() + 3_600_000) })}/end`,
  },
  {
    name: 'POST /en/my/sign-ins/grants/:grantId/revoke', method: 'POST', body: () => form({}), expect: CITIZENS,
    url: async (f) => {
      const grantId = `matrix-grant-${(f.counter += 1)}`;
      await store.insertGrantConsent(f.app.ctx.db, { grantId, consentId: '00000000-0000-4000-8000-000000000000', subject: DEMO_CITIZEN.registerNumber, clientId: 'khan-bank', scopes: ['address'] });
      return `/en/my/sign-ins/grants/${grantId}/revoke`;
    },
  },
  // QR sign-in: the waiting browser's pages and its status need its own sign-in cookie; the phone's side is a citizen's.
  { name: 'GET /en/login/:uid/qr', method: 'GET', url: () => '/en/login/abc/qr', expect: all(400) },
  { name: 'POST /en/login/:uid/qr/new', method: 'POST', url: () => '/en/login/abc/qr/new', body: () => form({}), expect: all(400) },
  { name: 'GET /api/v1/identity/qr/:id/status', method: 'GET', url: () => '/api/v1/identity/qr/00000000-0000-4000-8000-000000000000/status', expect: all(404) },
  { name: 'GET /api/v1/identity/qr/:id', method: 'GET', url: async (f) => `/api/v1/identity/qr/${await qrLogin(f)}`, expect: CITIZENS },
  { name: 'GET /en/app/approve/:id', method: 'GET', url: async (f) => `/en/app/approve/${await qrLogin(f)}`, expect: CITIZENS },
  { name: 'POST /en/app/approve/:id', method: 'POST', url: async (f) => `/en/app/approve/${await qrLogin(f)}`, body: () => form({ decision: 'approve' }), expect: CITIZENS },
  {
    name: 'POST /api/v1/identity/qr/:id/approve', method: 'POST', url: async (f) => `/api/v1/identity/qr/${await qrLogin(f)}/approve`, expect: CITIZENS,
    body: (f) => ({ payload: { deviceId: f.device.id, signature: sign('sha256', Buffer.from(f.challenge), { key: f.device.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url') } }),
  },
  { name: 'POST /api/v1/identity/qr/:id/refuse', method: 'POST', url: async (f) => `/api/v1/identity/qr/${await qrLogin(f)}/refuse`, body: () => ({ payload: {} }), expect: CITIZENS },
  { name: 'GET /en/my/devices', method: 'GET', url: () => '/en/my/devices', expect: CITIZENS },
  { name: 'GET /api/v1/identity/devices', method: 'GET', url: () => '/api/v1/identity/devices', expect: CITIZENS },
  {
    name: 'POST /api/v1/identity/devices', method: 'POST', url: () => '/api/v1/identity/devices', expect: CITIZENS,
    body: (f) => ({ payload: { name: `Phone ${(f.counter += 1)}`, publicKeyPem: generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString() } }),
  },
  {
    name: 'POST /api/v1/identity/devices/:id/revoke', method: 'POST', body: () => ({ payload: {} }), expect: CITIZENS,
    url: async (f) => `/api/v1/identity/devices/${await newDevice(f)}/revoke`,
  },
  { name: 'POST /en/my/devices', method: 'POST', url: () => '/en/my/devices', body: (f) => form({ revoke: f.spareDevice ?? '' }), expect: CITIZENS, prepare: async (f) => { f.spareDevice = await newDevice(f); } },
  // Digital signature and bank sign-in pages, like every step, belong to the browser that started the sign-in.
  { name: 'GET /en/login/:uid/signature', method: 'GET', url: () => '/en/login/abc/signature', expect: all(400) },
  { name: 'POST /en/login/:uid/signature', method: 'POST', url: () => '/en/login/abc/signature', body: () => form({ certificate: 'x', signature: 'y' }), expect: all(400) },
  { name: 'GET /api/v1/identity/citizen-ca.pem', method: 'GET', url: () => '/api/v1/identity/citizen-ca.pem', expect: PUBLIC },
  { name: 'GET /en/login/:uid/bank', method: 'GET', url: () => '/en/login/abc/bank', expect: all(400) },
  { name: 'POST /en/login/:uid/bank', method: 'POST', url: () => '/en/login/abc/bank', body: () => form({ bank: 'dev-bank' }), expect: all(400) },
  { name: 'GET /en/login/:uid/bank/callback', method: 'GET', url: () => '/en/login/abc/bank/callback?assertion=x&state=y', expect: all(400) },
  // The development bank stands in for a bank's own site: anyone reaches it, and it answers only to our sign-in pages.
  { name: 'GET /en/dev-bank/authorize', method: 'GET', url: () => `/en/dev-bank/authorize?state=${'s'.repeat(20)}&redirect_uri=${encodeURIComponent('http://localhost:3000/en/login/abc/bank/callback')}`, expect: PUBLIC },
  { name: 'POST /en/dev-bank/authorize', method: 'POST', url: () => '/en/dev-bank/authorize', body: () => form({ state: 's'.repeat(20), redirect_uri: 'http://localhost:3000/en/login/abc/bank/callback', registerNumber: DEMO_CITIZEN.registerNumber, password: 'x' }), expect: PUBLIC },
  // GovStack's Identity API (eSignet's shape): client management for platform administrators, the rest as OpenID Connect.
  {
    name: 'POST /govstack/identity/client-mgmt/oidc-client', method: 'POST', url: () => '/govstack/identity/client-mgmt/oidc-client', expect: PLATFORM_ONLY,
    body: (f) => ({ payload: { requestTime: new Date().toISOString(), request: { clientId: `matrix-gs-${(f.counter += 1)}`, clientName: 'Matrix', relyingPartyId: 'matrix', logoUri: 'https://rp.example/logo.png', redirectUris: ['https://rp.example/callback'], publicKey: rsaJwk, authContextRefs: ['idbb:acr:generated-code'], userClaims: ['name'], grantTypes: ['authorization_code'], clientAuthMethods: ['private_key_jwt'] } } }),
  },
  {
    name: 'PUT /govstack/identity/client-mgmt/oidc-client/:client_id', method: 'PUT', url: () => '/govstack/identity/client-mgmt/oidc-client/matrix-gs-fixed', expect: PLATFORM_ONLY,
    body: () => ({ payload: { requestTime: new Date().toISOString(), request: { clientName: 'Matrix renamed', status: 'ACTIVE', logoUri: 'https://rp.example/logo.png', redirectUris: ['https://rp.example/callback'], userClaims: ['name'], authContextRefs: ['idbb:acr:generated-code'], grantTypes: ['authorization_code'], clientAuthMethods: ['private_key_jwt'] } } }),
  },
  { name: 'GET /govstack/identity/.well-known/openid-configuration', method: 'GET', url: () => '/govstack/identity/.well-known/openid-configuration', expect: PUBLIC },
  { name: 'GET /govstack/identity/.well-known/jwks.json', method: 'GET', url: () => '/govstack/identity/.well-known/jwks.json', expect: PUBLIC },
  { name: 'GET /govstack/identity/authorize', method: 'GET', url: () => '/govstack/identity/authorize?client_id=x', expect: PUBLIC },
  // Relying parties authenticate themselves at the token and userinfo endpoints; a session changes nothing.
  { name: 'POST /govstack/identity/oauth/token', method: 'POST', url: () => '/govstack/identity/oauth/token', body: () => ({ payload: 'grant_type=authorization_code&code=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), expect: all(400) },
  { name: 'GET /govstack/identity/oidc/userinfo', method: 'GET', url: () => '/govstack/identity/oidc/userinfo', expect: all(400) },
  { name: 'GET /api/v1/identity/clients', method: 'GET', url: () => '/api/v1/identity/clients', expect: PLATFORM_ONLY },
  {
    name: 'POST /api/v1/identity/clients', method: 'POST', url: () => '/api/v1/identity/clients', expect: PLATFORM_ONLY,
    body: (f) => ({ payload: { clientId: `matrix-rp-${(f.counter += 1)}`, name: { mn: 'Матриц', en: 'Matrix' }, redirectUris: ['https://rp.example/callback'], scopes: ['openid', 'profile'] } }),
  },
  { name: 'POST /api/v1/identity/keys/rotate', method: 'POST', url: () => '/api/v1/identity/keys/rotate', body: () => ({ payload: {} }), expect: PLATFORM_ONLY },
  // Only someone holding roles in the agency asked for may switch to it; none of the matrix's roles holds two.
  { name: 'POST /en/admin/agency', method: 'POST', url: () => '/en/admin/agency', body: () => form({ agency: 'gasr' }), expect: { ...all(403), anonymous: 401 } },
  { name: 'GET /en/admin/staff', method: 'GET', url: () => '/en/admin/staff', expect: STAFF_ADMINS },
  { name: 'POST /en/admin/staff', method: 'POST', url: () => '/en/admin/staff', body: (f) => form({ registerNumber: f.person, roles: 'officer' }), expect: STAFF_ADMINS },
  { name: 'GET /en/admin/powers-of-attorney', method: 'GET', url: () => '/en/admin/powers-of-attorney', expect: NOTARIES },
  {
    name: 'POST /en/admin/powers-of-attorney', method: 'POST', url: () => '/en/admin/powers-of-attorney', expect: NOTARIES,
    body: (f) => form({ grantor: f.person, attorney: DEMO_CITIZEN.registerNumber, notarialNumber: `НТ-${(f.counter += 1)}`, validFrom: '2026-01-01', validUntil: '2027-01-01' }),
  },
  {
    name: 'POST /en/admin/powers-of-attorney/:id/revoke', method: 'POST', body: () => form({}), expect: NOTARIES,
    url: async (f) => `/en/admin/powers-of-attorney/${(await store.insertPower(f.app.ctx.db, { grantor: f.person, attorney: DEMO_CITIZEN.registerNumber, grantorName: 'Matrix', notarialNumber: `НТ-m${(f.counter += 1)}`, validFrom: '2026-01-01', validUntil: '2027-01-01', recordedBy: 'matrix' })).id}/revoke`,
  },
];

describe('identity authorization matrix', () => {
  let app: TestApp;
  let fixture: Fixture;

  before(async () => {
    app = await testApp({ seed: false });
    await seedPeople(app, 30);
    const { rows } = await app.ctx.db.query<{ key: string }>(`SELECT key FROM registries.records WHERE registry_id = 'population' AND key <> $1 AND content->>'birthDate' < '1995-01-01' AND NOT content ? 'death' ORDER BY key LIMIT 1`, [DEMO_CITIZEN.registerNumber]);
    // The client the PUT row changes.
    const fixed = await app.as('dev-platform-admin', { method: 'POST', url: '/govstack/identity/client-mgmt/oidc-client', payload: { requestTime: new Date().toISOString(), request: { clientId: 'matrix-gs-fixed', clientName: 'Matrix', relyingPartyId: 'matrix', logoUri: 'https://rp.example/logo.png', redirectUris: ['https://rp.example/callback'], publicKey: rsaJwk, authContextRefs: ['idbb:acr:generated-code'], userClaims: ['name'], grantTypes: ['authorization_code'], clientAuthMethods: ['private_key_jwt'] } } });
    assert.equal(fixed.statusCode, 200, fixed.body);
    fixture = { app, counter: 0, person: rows[0]!.key, device: { id: '', privateKey: undefined as never }, challenge: '' };
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const registered = await app.as('dev-citizen', { method: 'POST', url: '/api/v1/identity/devices', payload: { name: 'Matrix phone', publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString() } });
    fixture.device = { id: registered.json<{ deviceId: string }>().deviceId, privateKey: pair.privateKey };
  });
  after(async () => app.close());

  for (const route of ROUTES) {
    it(route.name, async () => {
      for (const role of ROLE_NAMES) {
        await route.prepare?.(fixture);
        const url = await route.url(fixture);
        const body = route.body?.(fixture);
        const response = await app.as(principalOf(role), {
          method: route.method,
          url,
          ...(body ? { payload: typeof body.payload === 'string' ? `${body.payload}&_csrf=${encodeURIComponent(app.csrf)}` : body.payload } : {}),
          headers: { accept: url.startsWith('/api/') ? 'application/json' : 'text/html', ...(body?.headers ?? {}) },
        });
        const expected = route.expect[role];
        const got = response.statusCode;
        if (expected === 'ok') assert.ok(got >= 200 && got < 400, `${route.name} as ${role}: expected success, got ${got} ${response.body.slice(0, 300)}`);
        else assert.equal(got, expected, `${route.name} as ${role}: expected ${expected}, got ${got}`);
      }
    });
  }

  it('covers every identity route people reach', async () => {
    const scoped = /^\/(auth\/|identity\/|govstack\/identity|api\/v1\/identity|en\/(login|sign-in\/|sign-out|my(\/sign-ins|\/devices|$)|admin\/(staff|powers-of-attorney)|app\/|dev-bank))/;
    const routes = app.routes.filter((route) => scoped.test(route.url) && route.method !== 'HEAD');
    assert.ok(routes.length >= 25, `found ${routes.length} routes`);
    for (const route of routes) {
      const pattern = new RegExp(`^${route.url.replace(/:[A-Za-z]+/g, '[^/?]+')}$`);
      const covered = [];
      for (const candidate of ROUTES) {
        if (candidate.method !== route.method) continue;
        const url = candidate.name.split(' ')[1]!;
        if (pattern.test(url.replace(/:[A-Za-z]+/g, 'x'))) covered.push(candidate);
      }
      assert.ok(covered.length > 0, `${route.method} ${route.url} has no row in the matrix`);
    }
  });
});
