// Authorization matrix for the identity module: every route people reach, called as every role,
// including the ones that must be refused. The provider's own endpoints (/oidc/*) authenticate
// relying parties by OpenID Connect rules; identity.test.ts covers them with a real client.
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { after, before, describe } from 'node:test';
import { form, testApp, type TestApp } from '../../../test/helpers.ts';
import { ROLES, coverageTest, everyone, matrixTests, type Expectation, type Outcome, type RouteCase } from '../../../test/matrix.ts';
import type { Principal } from '../../kernel/auth.ts';
import { DEV_PERSONAS } from '../../web/dev-sign-in.ts';
import { DEMO_CITIZEN } from '../registries/index.ts';
import { seedPeople } from '../exchange/test-fixtures.ts';
import * as store from './store.ts';

const rsaJwk = { ...(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' }) as Record<string, unknown>), alg: 'RS256', use: 'sig' };
const NOTARY: Principal = { id: 'matrix-notary', name: 'Notary', kind: 'official', roles: ['officer'], agencyId: 'notaries' };
// The personas, and a notary: the one office that records powers of attorney.
const CALLERS = [...ROLES, 'notary'] as const;
type Caller = (typeof CALLERS)[number];
const principalOf = (role: Caller): Principal | null => (role === 'anonymous' ? null : role === 'notary' ? NOTARY : DEV_PERSONAS.find((persona) => persona.id === role)!);

const all = (outcome: Outcome): Expectation<Caller> => everyone(outcome, CALLERS);
const PUBLIC = all('ok');
const CITIZENS: Expectation<Caller> = { ...all(403), anonymous: 401, 'dev-citizen': 'ok' };
const PLATFORM_ONLY: Expectation<Caller> = { ...all(403), anonymous: 401, 'dev-platform-admin': 'ok' };
const STAFF_ADMINS: Expectation<Caller> = { ...all(403), anonymous: 401, 'dev-gasr-admin': 'ok', 'dev-platform-admin': 'ok' };
const NOTARIES: Expectation<Caller> = { ...all(403), anonymous: 401, notary: 'ok', 'dev-platform-admin': 'ok' };

interface Fixture {
  app: TestApp;
  counter: number;
  person: string;
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

const ROUTES: RouteCase<Fixture, Caller>[] = [
  { name: 'GET /:lang/sign-in/national', method: 'GET', url: () => '/en/sign-in/national', expect: PUBLIC },
  // Without the browser's own sign-in cookies these steps are refused alike for everyone.
  { name: 'GET /auth/callback', method: 'GET', url: () => '/auth/callback?code=x&state=y', expect: all(400) },
  { name: 'GET /identity/interaction/:uid', method: 'GET', url: () => '/identity/interaction/abc', expect: all(400) },
  ...['', '/methods', '/acting', '/sms'].map((step): RouteCase<Fixture, Caller> => ({ name: `GET /:lang/login/:uid${step}`, method: 'GET', url: () => `/en/login/abc${step}`, expect: all(400) })),
  ...['', '/methods', '/acting', '/consent', '/cancel', '/sms', '/sms/resend'].map((step): RouteCase<Fixture, Caller> => ({ name: `POST /:lang/login/:uid${step}`, method: 'POST', url: () => `/en/login/abc${step}`, body: (f) => form({}, f.app.csrf), expect: all(400) })),
  { name: 'POST /:lang/sign-out', method: 'POST', url: () => '/en/sign-out', body: (f) => form({}, f.app.csrf), expect: PUBLIC },
  { name: 'GET /:lang/my', method: 'GET', url: () => '/en/my', expect: CITIZENS },
  { name: 'GET /:lang/my/account', method: 'GET', url: () => '/en/my/account', expect: CITIZENS },
  { name: 'GET /:lang/my/sign-ins', method: 'GET', url: () => '/en/my/sign-ins', expect: CITIZENS },
  { name: 'POST /:lang/my/details/consent', method: 'POST', url: () => '/en/my/details/consent', body: (f) => form({}, f.app.csrf), expect: CITIZENS },
  {
    name: 'POST /:lang/my/sign-ins/:id/end', method: 'POST', body: (f) => form({}, f.app.csrf), expect: CITIZENS,
    url: async (f) => `/en/my/sign-ins/${await store.insertSession(f.app.ctx.db, { registerNumber: DEMO_CITIZEN.registerNumber, method: 'otp sms', userAgent: null, actingFor: null, expiresAt: new Date(Date.now() + 3_600_000) })}/end`,
  },
  {
    name: 'POST /:lang/my/sign-ins/grants/:grantId/revoke', method: 'POST', body: (f) => form({}, f.app.csrf), expect: CITIZENS,
    url: async (f) => {
      const grantId = `matrix-grant-${(f.counter += 1)}`;
      await store.insertGrantConsent(f.app.ctx.db, { grantId, consentId: '00000000-0000-4000-8000-000000000000', subject: DEMO_CITIZEN.registerNumber, clientId: 'khan-bank', scopes: ['address'] });
      return `/en/my/sign-ins/grants/${grantId}/revoke`;
    },
  },
  // QR sign-in: the waiting browser's pages and its status need its own sign-in cookie; the phone's side is a citizen's.
  { name: 'GET /:lang/login/:uid/qr', method: 'GET', url: () => '/en/login/abc/qr', expect: all(400) },
  { name: 'POST /:lang/login/:uid/qr/new', method: 'POST', url: () => '/en/login/abc/qr/new', body: (f) => form({}, f.app.csrf), expect: all(400) },
  { name: 'GET /api/v1/identity/qr/:id/status', method: 'GET', url: () => '/api/v1/identity/qr/00000000-0000-4000-8000-000000000000/status', expect: all(404) },
  { name: 'GET /api/v1/identity/qr/:id', method: 'GET', url: async (f) => `/api/v1/identity/qr/${await qrLogin(f)}`, expect: CITIZENS },
  { name: 'GET /:lang/app/approve/:id', method: 'GET', url: async (f) => `/en/app/approve/${await qrLogin(f)}`, expect: CITIZENS },
  { name: 'POST /:lang/app/approve/:id', method: 'POST', url: async (f) => `/en/app/approve/${await qrLogin(f)}`, body: (f) => form({ decision: 'approve' }, f.app.csrf), expect: CITIZENS },
  {
    name: 'POST /api/v1/identity/qr/:id/approve', method: 'POST', url: async (f) => `/api/v1/identity/qr/${await qrLogin(f)}/approve`, expect: CITIZENS,
    body: (f) => ({ payload: { deviceId: f.device.id, signature: sign('sha256', Buffer.from(f.challenge), { key: f.device.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url') } }),
  },
  { name: 'POST /api/v1/identity/qr/:id/refuse', method: 'POST', url: async (f) => `/api/v1/identity/qr/${await qrLogin(f)}/refuse`, body: () => ({ payload: {} }), expect: CITIZENS },
  { name: 'GET /:lang/my/devices', method: 'GET', url: () => '/en/my/devices', expect: CITIZENS },
  { name: 'GET /api/v1/identity/devices', method: 'GET', url: () => '/api/v1/identity/devices', expect: CITIZENS },
  {
    name: 'POST /api/v1/identity/devices', method: 'POST', url: () => '/api/v1/identity/devices', expect: CITIZENS,
    body: (f) => ({ payload: { name: `Phone ${(f.counter += 1)}`, publicKeyPem: generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString() } }),
  },
  {
    name: 'POST /api/v1/identity/devices/:id/revoke', method: 'POST', body: () => ({ payload: {} }), expect: CITIZENS,
    url: async (f) => `/api/v1/identity/devices/${await newDevice(f)}/revoke`,
  },
  { name: 'POST /:lang/my/devices', method: 'POST', url: () => '/en/my/devices', body: async (f) => form({ revoke: await newDevice(f) }, f.app.csrf), expect: CITIZENS },
  // Digital signature and bank sign-in pages, like every step, belong to the browser that started the sign-in.
  { name: 'GET /:lang/login/:uid/signature', method: 'GET', url: () => '/en/login/abc/signature', expect: all(400) },
  { name: 'POST /:lang/login/:uid/signature', method: 'POST', url: () => '/en/login/abc/signature', body: (f) => form({ certificate: 'x', signature: 'y' }, f.app.csrf), expect: all(400) },
  { name: 'GET /api/v1/identity/citizen-ca.pem', method: 'GET', url: () => '/api/v1/identity/citizen-ca.pem', expect: PUBLIC },
  { name: 'GET /:lang/login/:uid/bank', method: 'GET', url: () => '/en/login/abc/bank', expect: all(400) },
  { name: 'POST /:lang/login/:uid/bank', method: 'POST', url: () => '/en/login/abc/bank', body: (f) => form({ bank: 'dev-bank' }, f.app.csrf), expect: all(400) },
  { name: 'GET /:lang/login/:uid/bank/callback', method: 'GET', url: () => '/en/login/abc/bank/callback?assertion=x&state=y', expect: all(400) },
  // The development bank stands in for a bank's own site: anyone reaches it, and it answers only to our sign-in pages.
  { name: 'GET /:lang/dev-bank/authorize', method: 'GET', url: () => `/en/dev-bank/authorize?state=${'s'.repeat(20)}&redirect_uri=${encodeURIComponent('http://localhost:3000/en/login/abc/bank/callback')}`, expect: PUBLIC },
  { name: 'POST /:lang/dev-bank/authorize', method: 'POST', url: () => '/en/dev-bank/authorize', body: (f) => form({ state: 's'.repeat(20), redirect_uri: 'http://localhost:3000/en/login/abc/bank/callback', registerNumber: DEMO_CITIZEN.registerNumber, password: 'x' }, f.app.csrf), expect: PUBLIC },
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
  { name: 'POST /govstack/identity/oauth/token', method: 'POST', url: () => '/govstack/identity/oauth/token', body: (f) => form({ grant_type: 'authorization_code', code: 'x' }, f.app.csrf), expect: all(400) },
  { name: 'GET /govstack/identity/oidc/userinfo', method: 'GET', url: () => '/govstack/identity/oidc/userinfo', expect: all(400) },
  { name: 'GET /api/v1/identity/clients', method: 'GET', url: () => '/api/v1/identity/clients', expect: PLATFORM_ONLY },
  {
    name: 'POST /api/v1/identity/clients', method: 'POST', url: () => '/api/v1/identity/clients', expect: PLATFORM_ONLY,
    body: (f) => ({ payload: { clientId: `matrix-rp-${(f.counter += 1)}`, name: { mn: 'Матриц', en: 'Matrix' }, redirectUris: ['https://rp.example/callback'], scopes: ['openid', 'profile'] } }),
  },
  { name: 'POST /api/v1/identity/keys/rotate', method: 'POST', url: () => '/api/v1/identity/keys/rotate', body: () => ({ payload: {} }), expect: PLATFORM_ONLY },
  // Only someone holding roles in the agency asked for may switch to it; none of the matrix's roles holds two.
  { name: 'POST /:lang/admin/agency', method: 'POST', url: () => '/en/admin/agency', body: (f) => form({ agency: 'gasr' }, f.app.csrf), expect: { ...all(403), anonymous: 401 } },
  { name: 'GET /:lang/admin/staff', method: 'GET', url: () => '/en/admin/staff', expect: STAFF_ADMINS },
  { name: 'POST /:lang/admin/staff', method: 'POST', url: () => '/en/admin/staff', body: (f) => form({ registerNumber: f.person, roles: 'officer' }, f.app.csrf), expect: STAFF_ADMINS },
  { name: 'GET /:lang/admin/powers-of-attorney', method: 'GET', url: () => '/en/admin/powers-of-attorney', expect: NOTARIES },
  {
    name: 'POST /:lang/admin/powers-of-attorney', method: 'POST', url: () => '/en/admin/powers-of-attorney', expect: NOTARIES,
    body: (f) => form({ grantor: f.person, attorney: DEMO_CITIZEN.registerNumber, notarialNumber: `НТ-${(f.counter += 1)}`, validFrom: '2026-01-01', validUntil: '2027-01-01' }, f.app.csrf),
  },
  {
    name: 'POST /:lang/admin/powers-of-attorney/:id/revoke', method: 'POST', body: (f) => form({}, f.app.csrf), expect: NOTARIES,
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

  // Pages and the API answer errors in their own format: each call asks for the one its URL serves.
  matrixTests(() => app, ROUTES, {
    roles: CALLERS,
    fixture: () => fixture,
    send: (role, request) => app.as(principalOf(role), { ...request, headers: { accept: String(request.url).startsWith('/api/') ? 'application/json' : 'text/html', ...(request.headers as Record<string, string> | undefined) } }),
  });
  // Every identity route but the provider's own /oidc endpoints (see the top of this file).
  const scoped = /^\/(auth\/|identity\/|govstack\/identity|api\/v1\/identity|en\/(login|sign-in\/|sign-out|my(\/sign-ins|\/devices|\/account|\/details|$)|admin\/(staff|powers-of-attorney|agency)|app\/|dev-bank))/;
  coverageTest('identity', () => app, ROUTES, (url) => scoped.test(url), { atLeast: 25 });
});
