// GovStack's Identity API (eSignet's) over our provider: a relying party registered through eSignet's
// client management with its public key signs in a person and exchanges the code with a
// private_key_jwt assertion; discovery and keys are ours; client management refuses anyone but a
// platform administrator or the configured token, and answers field errors in eSignet's shape.
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { testApp, type TestApp } from '../../../test/helpers.ts';
import { DEMO_CITIZEN } from '../registries/index.ts';
import { seedPeople } from '../exchange/test-fixtures.ts';
import { ADMIN_TOKEN_ENV, GOVSTACK_IDENTITY_PREFIX as P } from './govstack-identity.ts';
import * as store from './store.ts';
import { TestBrowser, lastCode, uidOf } from './test-fixtures.ts';

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

interface Envelope {
  responseTime: string;
  response?: { clientId: string } | null;
  errors: { errorCode: string; errorMessage: string }[];
}

describe('GovStack Identity API (eSignet) over the national login', () => {
  let app: TestApp;
  let base: string;
  let key: { privateKey: KeyObject; publicJwk: Record<string, unknown> };
  const savedToken = process.env[ADMIN_TOKEN_ENV];

  before(async () => {
    app = await testApp({ seed: false });
    base = app.config.baseUrl;
    await seedPeople(app, 60);
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    key = { privateKey: pair.privateKey, publicJwk: { ...(pair.publicKey.export({ format: 'jwk' }) as Record<string, unknown>), alg: 'RS256', use: 'sig' } };
  });
  after(async () => {
    if (savedToken === undefined) delete process.env[ADMIN_TOKEN_ENV];
    else process.env[ADMIN_TOKEN_ENV] = savedToken;
    await app.close();
  });
  beforeEach(async () => {
    delete process.env[ADMIN_TOKEN_ENV];
    await app.ctx.db.query(`DELETE FROM identity.lockouts`);
  });

  /** eSignet's create request, with any field replaced. */
  const createBody = (fields: Record<string, unknown> = {}, requestTime: unknown = new Date().toISOString()) => ({
    requestTime,
    request: {
      clientId: 'e-health-service',
      clientName: 'Health Service',
      relyingPartyId: 'health-gov',
      logoUri: 'https://health.example/logo.png',
      redirectUris: [`${base}/rp/callback`],
      publicKey: key.publicJwk,
      authContextRefs: ['idbb:acr:generated-code'],
      userClaims: ['name', 'birthdate'],
      grantTypes: ['authorization_code'],
      clientAuthMethods: ['private_key_jwt'],
      ...fields,
    },
  });
  const create = (who: string | null, body: unknown, headers: Record<string, string> = {}) => app.as(who, { method: 'POST', url: `${P}/client-mgmt/oidc-client`, payload: body as never, headers });

  it('serves our discovery (with client management as registration endpoint) and our keys', async () => {
    const ours = await app.server.inject({ method: 'GET', url: '/oidc/.well-known/openid-configuration', headers: { host: new URL(base).host } });
    const theirs = await app.server.inject({ method: 'GET', url: `${P}/.well-known/openid-configuration`, headers: { host: new URL(base).host } });
    assert.equal(theirs.statusCode, 200);
    assert.match(String(theirs.headers['content-type']), /^application\/json/);
    const discovery = theirs.json<Record<string, unknown>>();
    assert.deepEqual({ ...discovery, registration_endpoint: undefined }, { ...ours.json<Record<string, unknown>>(), registration_endpoint: undefined });
    assert.equal(discovery.issuer, `${base}/oidc`);
    assert.equal(discovery.registration_endpoint, `${base}${P}/client-mgmt/oidc-client`);
    assert.ok((discovery.token_endpoint_auth_methods_supported as string[]).includes('private_key_jwt'));

    const jwks = await app.server.inject({ method: 'GET', url: `${P}/.well-known/jwks.json` });
    assert.equal(jwks.statusCode, 200);
    assert.match(String(jwks.headers['content-type']), /^application\/json/);
    assert.deepEqual(jwks.json(), (await app.server.inject({ method: 'GET', url: '/oidc/jwks' })).json());
    assert.ok(jwks.json<{ keys: Record<string, unknown>[] }>().keys.every((jwk) => jwk.kty === 'RSA' && jwk.use === 'sig' && !('d' in jwk)));
  });

  it('sends /authorize to our authorization endpoint with the same query', async () => {
    const query = 'client_id=x&scope=openid%20profile&response_type=code&redirect_uri=https%3A%2F%2Frp.example%2Fcb&state=s';
    const response = await app.server.inject({ method: 'GET', url: `${P}/authorize?${query}` });
    assert.equal(response.statusCode, 302);
    assert.equal(response.headers.location, `/oidc/auth?${query}`);
  });

  it('refuses client management to anyone but a platform administrator or the configured token', async () => {
    const anonymous = await create(null, createBody({ clientId: 'refused-1' }));
    assert.equal(anonymous.statusCode, 401);
    assert.equal(anonymous.json<Envelope>().errors[0]!.errorCode, 'unauthorized');
    for (const who of ['dev-citizen', 'dev-gasr-admin', 'dev-police-officer']) {
      const response = await create(who, createBody({ clientId: 'refused-2' }));
      assert.equal(response.statusCode, 403, who);
      assert.equal(response.json<Envelope>().errors[0]!.errorCode, 'forbidden');
    }
    // Refused before the body is read: a malformed body from a stranger is still a 401.
    assert.equal((await create(null, { nonsense: true })).statusCode, 401);

    // No token configured: a bearer token is refused; a short one is treated as none.
    const token = randomBytes(32).toString('base64url');
    assert.equal((await create(null, createBody({ clientId: 'refused-3' }), { authorization: `Bearer ${token}` })).statusCode, 401);
    process.env[ADMIN_TOKEN_ENV] = 'short-token';
    assert.equal((await create(null, createBody({ clientId: 'refused-4' }), { authorization: 'Bearer short-token' })).statusCode, 401);
    process.env[ADMIN_TOKEN_ENV] = token;
    assert.equal((await create(null, createBody({ clientId: 'refused-5' }), { authorization: `Bearer ${token}x` })).statusCode, 401);
    const put = await app.as(null, { method: 'PUT', url: `${P}/client-mgmt/oidc-client/e-health-service`, payload: { requestTime: new Date().toISOString(), request: {} } });
    assert.equal(put.statusCode, 401);

    const accepted = await create(null, createBody({ clientId: 'machine-registered' }), { authorization: `Bearer ${token}` });
    assert.equal(accepted.statusCode, 200, accepted.body);
    assert.deepEqual(accepted.json<Envelope>().response, { clientId: 'machine-registered' });
    const audit = await app.ctx.audit.forSubject('oidc-client', 'machine-registered');
    assert.equal(audit[0]?.action, 'oidc-client.register');
    assert.equal(audit[0]?.actorId, 'govstack-identity-admin-token');
    assert.equal((await store.listClients(app.ctx.db)).filter((row) => row.client_id.startsWith('refused-')).length, 0);
  });

  it('answers a malformed body 400 and each field error 200 with its eSignet code, registering nothing', async () => {
    for (const body of [{ requestTime: new Date().toISOString() }, { requestTime: new Date().toISOString(), request: 'x' }, []]) {
      const response = await create('dev-platform-admin', body);
      assert.equal(response.statusCode, 400, JSON.stringify(body));
      const envelope = response.json<Envelope>();
      assert.equal(envelope.errors[0]!.errorCode, 'invalid_request');
      assert.ok(envelope.responseTime && envelope.response === undefined);
    }
    const notJson = await app.as('dev-platform-admin', { method: 'POST', url: `${P}/client-mgmt/oidc-client`, payload: '{"requestTime":', headers: { 'content-type': 'application/json' } });
    assert.equal(notJson.statusCode, 400);
    assert.equal(notJson.json<Envelope>().errors[0]!.errorCode, 'invalid_request');
    // Not JSON at all: a form (which our CSRF rule refuses without its token) or plain text.
    for (const [type, payload] of [['application/x-www-form-urlencoded', 'requestTime=x'], ['text/plain', 'x']]) {
      const response = await app.as('dev-platform-admin', { method: 'POST', url: `${P}/client-mgmt/oidc-client`, payload, headers: { 'content-type': type! } });
      assert.ok(response.statusCode >= 400 && response.statusCode < 500, `${type}: ${response.statusCode}`);
      assert.equal(response.json<Envelope>().errors[0]!.errorCode, 'invalid_request', response.body);
    }

    const { e: _exponent, ...withoutExponent } = key.publicJwk;
    const privateJwk = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
    const weakJwk = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' });
    const cases: [string, ReturnType<typeof createBody>][] = [
      ['invalid_request', createBody({ clientId: 'bad-time' }, '2011-10-05')],
      ['invalid_request', createBody({ clientId: 'old-time' }, '2011-10-05T14:48:00.000Z')],
      ['invalid_client_id', createBody({ clientId: '' })],
      ['invalid_client_id', createBody({ clientId: 'has space' })],
      ['invalid_client_name', createBody({ clientId: 'no-name', clientName: '' })],
      ['invalid_rp_id', createBody({ clientId: 'no-rp', relyingPartyId: '' })],
      ['invalid_uri', createBody({ clientId: 'no-logo', logoUri: '' })],
      ['invalid_redirect_uri', createBody({ clientId: 'no-redirect', redirectUris: [] })],
      ['invalid_acr', createBody({ clientId: 'bad-acr', authContextRefs: ['idbb:acr:invalid'] })],
      ['invalid_claim', createBody({ clientId: 'bad-claim', userClaims: ['invalid_claims'] })],
      ['invalid_claim', createBody({ clientId: 'no-email', userClaims: ['email'] })],
      ['invalid_grant_type', createBody({ clientId: 'bad-grant', grantTypes: ['implicit'] })],
      ['invalid_client_auth', createBody({ clientId: 'bad-auth', clientAuthMethods: ['client_secret_basic'] })],
      ['invalid_public_key', createBody({ clientId: 'string-key', publicKey: 'string' })],
      ['invalid_public_key', createBody({ clientId: 'no-exponent', publicKey: { ...withoutExponent, a: 'AQAB' } })],
      ['invalid_public_key', createBody({ clientId: 'private-key', publicKey: privateJwk })],
      ['invalid_public_key', createBody({ clientId: 'weak-key', publicKey: weakJwk })],
      ['invalid_redirect_uri', createBody({ clientId: 'plain-http', redirectUris: ['http://rp.example/cb'] })],
      ['invalid_redirect_uri', createBody({ clientId: 'wildcard', redirectUris: ['https://rp.example/*'] })],
    ];
    for (const [code, body] of cases) {
      const response = await create('dev-platform-admin', body);
      assert.equal(response.statusCode, 200, `${code}: ${response.body}`);
      const envelope = response.json<Envelope>();
      assert.deepEqual(envelope.errors.map((error) => error.errorCode), [code], `${body.request.clientId}: ${response.body}`);
      assert.ok(envelope.errors[0]!.errorMessage.length > 0);
    }
    const registered = new Set((await store.listClients(app.ctx.db)).map((row) => row.client_id));
    assert.ok(cases.every(([, body]) => !registered.has(String(body.request.clientId))));
  });

  it('registers a relying party that signs in a person and authenticates with private_key_jwt', async () => {
    const registration = await create('dev-platform-admin', createBody({ publicKey: JSON.stringify(key.publicJwk) }));
    assert.equal(registration.statusCode, 200, registration.body);
    const envelope = registration.json<Envelope>();
    assert.deepEqual(envelope.response, { clientId: 'e-health-service' });
    assert.deepEqual(envelope.errors, []);
    const { rows } = await app.ctx.db.query<{ jwks: { keys: Record<string, unknown>[] }; token_endpoint_auth_method: string; scopes: string[]; acr_values: string[]; relying_party_id: string; secret_sealed: string | null }>(
      `SELECT jwks, token_endpoint_auth_method, scopes, acr_values, relying_party_id, secret_sealed FROM identity.clients WHERE client_id = 'e-health-service'`,
    );
    assert.equal(rows[0]!.token_endpoint_auth_method, 'private_key_jwt');
    assert.equal(rows[0]!.jwks.keys[0]!.n, key.publicJwk.n);
    assert.deepEqual(rows[0]!.scopes, ['openid', 'profile']);
    assert.deepEqual(rows[0]!.acr_values, ['idbb:acr:generated-code']);
    assert.equal(rows[0]!.relying_party_id, 'health-gov');
    assert.equal(rows[0]!.secret_sealed, null);

    const duplicate = await create('dev-platform-admin', createBody({ clientName: 'duplicated' }));
    assert.deepEqual(duplicate.json<Envelope>().errors.map((error) => error.errorCode), ['duplicate_client_id']);

    // The person signs in through /govstack/identity/authorize (PKCE is required of every client).
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const redirectUri = `${base}/rp/callback`;
    const query = new URLSearchParams({ client_id: 'e-health-service', response_type: 'code', scope: 'openid profile', redirect_uri: redirectUri, state: 'st-1', nonce: 'n-1', code_challenge: challenge, code_challenge_method: 'S256', ui_locales: 'en' });
    const browser = new TestBrowser(app);
    const first = await browser.go('GET', `${P}/authorize?${query}`);
    const uid = uidOf(first.url);
    await browser.go('POST', `/en/login/${uid}`, { registerNumber: DEMO_CITIZEN.registerNumber });
    await browser.go('POST', `/en/login/${uid}/methods`, { method: 'sms' });
    const person = await app.identity.identity.deps.person(DEMO_CITIZEN.registerNumber);
    let step = await browser.go('POST', `/en/login/${uid}/sms`, { code: await lastCode(app, person!.mobile!) });
    for (let hops = 0; hops < 3 && !step.url.startsWith(redirectUri); hops += 1) {
      if (/\/acting/.test(step.url)) step = await browser.go('POST', `/en/login/${uidOf(step.url)}/acting`, { actingFor: 'self' });
      else if (/name="decision"/.test(step.response.body)) step = await browser.go('POST', `/en/login/${uidOf(step.url)}/consent`, { decision: 'allow' });
      else break;
    }
    const callback = new URL(step.url);
    assert.equal(`${callback.origin}${callback.pathname}`, redirectUri, step.url);
    assert.equal(callback.searchParams.get('state'), 'st-1');
    const code = callback.searchParams.get('code');
    assert.ok(code);

    const tokenEndpoint = `${base}${P}/oauth/token`;
    const assertion = (audience: string) =>
      new SignJWT({}).setProtectedHeader({ alg: 'RS256' }).setIssuer('e-health-service').setSubject('e-health-service')
        .setAudience(audience).setJti(randomBytes(12).toString('base64url')).setIssuedAt().setExpirationTime('2m').sign(key.privateKey);
    const token = (fields: Record<string, string>) =>
      app.server.inject({ method: 'POST', url: `${P}/oauth/token`, headers: { host: new URL(base).host, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(fields).toString() });
    const exchange = { grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: 'e-health-service', client_assertion_type: JWT_BEARER, code_verifier: verifier };

    // An assertion signed by another key is refused, and the code survives for the right one.
    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const forged = await new SignJWT({}).setProtectedHeader({ alg: 'RS256' }).setIssuer('e-health-service').setSubject('e-health-service').setAudience(tokenEndpoint).setJti('forged').setIssuedAt().setExpirationTime('2m').sign(stranger);
    const refused = await token({ ...exchange, client_assertion: forged });
    assert.equal(refused.statusCode, 401, refused.body);
    assert.equal(refused.json<{ error: string }>().error, 'invalid_client');

    const signed = await assertion(tokenEndpoint);
    const granted = await token({ ...exchange, client_assertion: signed });
    assert.equal(granted.statusCode, 200, granted.body);
    const tokens = granted.json<{ id_token: string; access_token: string; token_type: string; expires_in: number }>();
    assert.equal(tokens.token_type, 'Bearer');
    assert.ok(tokens.id_token.split('.').length === 3 && tokens.access_token && tokens.expires_in > 0);
    const idToken = JSON.parse(Buffer.from(tokens.id_token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    assert.equal(idToken.iss, `${base}/oidc`);
    assert.equal(idToken.aud, 'e-health-service');
    assert.equal(idToken.nonce, 'n-1');

    // The same assertion twice is a replay.
    const replay = await token({ ...exchange, client_assertion: signed });
    assert.equal(replay.statusCode, 401);

    const userinfo = await app.server.inject({ method: 'GET', url: `${P}/oidc/userinfo`, headers: { host: new URL(base).host, authorization: `Bearer ${tokens.access_token}` } });
    assert.equal(userinfo.statusCode, 200, userinfo.body);
    const claims = userinfo.json<Record<string, unknown>>();
    assert.equal(claims.sub, idToken.sub);
    assert.equal(claims.given_name, DEMO_CITIZEN.givenName);
    const noToken = await app.server.inject({ method: 'GET', url: `${P}/oidc/userinfo` });
    assert.ok(noToken.statusCode === 400 || noToken.statusCode === 401);
  });

  it('checks a token request the way eSignet names its errors before our provider sees it', async () => {
    const full = { grant_type: 'authorization_code', code: 'c', client_id: 'e-health-service', redirect_uri: `${base}/rp/callback`, client_assertion_type: JWT_BEARER, client_assertion: 'a.b.c' };
    const without = (name: keyof typeof full) => Object.fromEntries(Object.entries(full).filter(([key]) => key !== name));
    const cases: [string, Record<string, string>][] = [
      ['invalid_input', { ...full, grant_type: '', code: '', client_id: '' }],
      ['invalid_input', without('code')],
      ['invalid_redirect_uri', without('redirect_uri')],
      ['invalid_assertion_type', without('client_assertion_type')],
      ['invalid_assertion', without('client_assertion')],
      ['invalid_assertion_type', { ...full, client_assertion_type: 'urn:other' }],
    ];
    for (const [error, fields] of cases) {
      const response = await app.server.inject({ method: 'POST', url: `${P}/oauth/token`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(fields).toString() });
      assert.equal(response.statusCode, 400, `${error}: ${response.body}`);
      assert.match(String(response.headers['content-type']), /^application\/json/);
      assert.equal(response.json<{ error: string; error_description: string }>().error, error, JSON.stringify(fields));
    }
    const empty = await app.server.inject({ method: 'POST', url: `${P}/oauth/token` });
    assert.equal(empty.statusCode, 400);
    assert.equal(empty.json<{ error: string }>().error, 'invalid_request');
    const json = await app.server.inject({ method: 'POST', url: `${P}/oauth/token`, payload: full });
    assert.equal(json.statusCode, 400);
    assert.equal(json.json<{ error: string }>().error, 'invalid_request');
  });

  it('updates a client registered through this API, not others, and an inactive one cannot sign in', async () => {
    const body = createBody({ clientId: 'to-update', publicKey: key.publicJwk });
    assert.deepEqual((await create('dev-platform-admin', body)).json<Envelope>().errors, []);
    const update = (clientId: string, fields: Record<string, unknown>) =>
      app.as('dev-platform-admin', {
        method: 'PUT',
        url: `${P}/client-mgmt/oidc-client/${clientId}`,
        payload: { requestTime: new Date().toISOString(), request: { clientName: 'Renamed', status: 'active', logoUri: 'https://health.example/new.png', redirectUris: [`${base}/rp/other`], userClaims: ['name', 'phone_number'], authContextRefs: ['idbb:acr:static-code'], grantTypes: ['authorization_code'], clientAuthMethods: ['private_key_jwt'], ...fields } },
      });
    const renamed = await update('to-update', {});
    assert.equal(renamed.statusCode, 200, renamed.body);
    assert.deepEqual(renamed.json<Envelope>(), { ...renamed.json<Envelope>(), response: { clientId: 'to-update' }, errors: [] });
    const row = await store.findClient(app.ctx.db, 'to-update');
    assert.equal(row!.name.en, 'Renamed');
    assert.deepEqual(row!.redirect_uris, [`${base}/rp/other`]);
    assert.deepEqual(row!.scopes, ['openid', 'profile', 'phone']);

    for (const [code, clientId, fields] of [
      ['invalid_client_id', 'no-such-client', {}],
      ['invalid_client_id', 'urtuu-portal', {}],
      ['invalid_client_name', 'to-update', { clientName: '' }],
      ['invalid_request', 'to-update', { status: 'paused' }],
      ['invalid_redirect_uri', 'to-update', { redirectUris: [''] }],
      ['invalid_client_auth', 'to-update', { clientAuthMethods: ['none'] }],
    ] as const) {
      const response = await update(clientId, fields);
      assert.equal(response.statusCode, 200);
      assert.deepEqual(response.json<Envelope>().errors.map((error) => error.errorCode), [code], `${clientId} ${JSON.stringify(fields)}`);
    }
    assert.equal((await store.findClient(app.ctx.db, 'urtuu-portal'))!.first_party, true);

    assert.deepEqual((await update('to-update', { status: 'inactive' })).json<Envelope>().errors, []);
    const query = new URLSearchParams({ client_id: 'to-update', response_type: 'code', scope: 'openid', redirect_uri: `${base}/rp/other`, code_challenge: 'a'.repeat(43), code_challenge_method: 'S256' });
    const inactive = await new TestBrowser(app).go('GET', `${P}/authorize?${query}`);
    assert.equal(inactive.response.statusCode, 400);
  });
});
