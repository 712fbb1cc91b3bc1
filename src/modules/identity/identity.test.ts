// The national login end to end: a real OpenID Connect client (openid-client, over HTTP) runs the
// code flow with PKCE against the provider; people sign in with a code sent to their phone, act for
// a child or a company, consent to share registry data (read through the exchange and logged), and
// see and end their sessions. Each attack in the issue is refused with a clear message.
import assert from 'node:assert/strict';
import { formatAddress } from '../../kernel/address.ts';
import { after, before, beforeEach, describe, it } from 'node:test';
import * as client from 'openid-client';
import { freePort, testApp, type TestApp } from '../../../test/helpers.ts';
import { DEMO_CITIZEN } from '../registries/index.ts';
import { seedPeople } from '../exchange/test-fixtures.ts';
import { decodeSession } from '../../kernel/auth.ts';
import * as store from './store.ts';
import { TestBrowser, lastCode, uidOf } from './test-fixtures.ts';

const CITIZEN = DEMO_CITIZEN.registerNumber;

describe('national login', () => {
  let app: TestApp;
  let base: string;
  let mobile: string;

  before(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    app = await testApp({ seed: false, config: { baseUrl: base } });
    await seedPeople(app, 60);
    await app.server.listen({ port, host: '127.0.0.1' });
    mobile = (await app.identity.identity.deps.person(CITIZEN))!.mobile!;
  });
  after(async () => app.close());
  // Each test starts with no lockouts and no codes counted against this hour's limit.
  beforeEach(async () => {
    await app.ctx.db.query(`DELETE FROM identity.lockouts`);
    await app.ctx.db.query(`UPDATE identity.login_codes SET created_at = created_at - interval '2 hours'`);
  });

  /** Registers a relying party and signs the demo citizen in to it with openid-client (code + PKCE, no data scopes). */
  async function outsideSignIn(clientId: string, scope: string, decision: 'allow' | 'refuse' = 'allow') {
    const registration = await app.as('dev-platform-admin', { method: 'POST', url: '/api/v1/identity/clients', payload: { clientId, name: { mn: clientId, en: clientId }, redirectUris: [`${base}/rp/callback`], scopes: scope.split(' ') } });
    assert.equal(registration.statusCode, 201, registration.body);
    const config = await client.discovery(new URL(`${base}/oidc`), clientId, registration.json<{ clientSecret: string }>().clientSecret, undefined, { execute: [client.allowInsecureRequests] });
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const authorize = client.buildAuthorizationUrl(config, { redirect_uri: `${base}/rp/callback`, scope, code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state });
    const browser = new TestBrowser(app);
    const signedIn = await signInWithCode(browser, authorize.href);
    let back = await browser.go('POST', `/en/login/${signedIn.uid}/acting`, { actingFor: 'self' });
    if (/\/login\//.test(new URL(back.url).pathname)) back = await browser.go('POST', `/en/login/${uidOf(back.url)}/consent`, { decision });
    if (decision === 'refuse') return { refusedAt: new URL(back.url) };
    return client.authorizationCodeGrant(config, new URL(back.url), { pkceCodeVerifier: verifier, expectedState: state });
  }

  /** Register number → the code method: the sign-in waits for the code sent. Returns its uid. */
  async function awaitingCode(browser: TestBrowser, start = '/en/sign-in/national', registerNumber = CITIZEN): Promise<string> {
    const first = await browser.go('GET', start);
    const uid = uidOf(first.url);
    await browser.go('POST', `/en/login/${uid}`, { registerNumber });
    await browser.go('POST', `/en/login/${uid}/methods`, { method: 'sms' });
    return uid;
  }

  /** Register number → method → code; returns the browser at the step after the code. */
  async function signInWithCode(browser: TestBrowser, start: string, registerNumber = CITIZEN) {
    const uid = await awaitingCode(browser, start, registerNumber);
    const person = await app.identity.identity.deps.person(registerNumber);
    const code = await lastCode(app, person!.mobile!);
    const next = await browser.go('POST', `/en/login/${uid}/sms`, { code });
    return { uid, ...next };
  }

  it('names every agency an official holds roles in, so the back office can switch between them', async () => {
    await store.changeStaff(app.ctx.db, { registerNumber: CITIZEN, agencyId: 'gasr', name: 'test', roles: ['officer'], changedBy: 'test' });
    await store.changeStaff(app.ctx.db, { registerNumber: CITIZEN, agencyId: 'mrt', name: 'test', roles: ['supervisor'], changedBy: 'test' });
    try {
      const browser = new TestBrowser(app);
      const { uid } = await signInWithCode(browser, '/en/sign-in/national?returnTo=/en/my/account');
      const done = await browser.go('POST', `/en/login/${uid}/acting`, { actingFor: 'self' });
      assert.equal(new URL(done.url).pathname, '/en/my/account');
      const principal = decodeSession(app.config.sessionSecret, browser.cookies.get('urtuu_session'))!;
      assert.equal(principal.agencyId, 'gasr');
      assert.deepEqual(principal.roles, ['citizen', 'officer']);
      assert.deepEqual(principal.staffAgencies, ['gasr', 'mrt']);
    } finally {
      for (const agencyId of ['gasr', 'mrt']) await store.changeStaff(app.ctx.db, { registerNumber: CITIZEN, agencyId, name: 'test', roles: [], changedBy: 'test' });
    }
  });

  it('publishes discovery with code flow, PKCE S256 and the data scopes', async () => {
    const response = await fetch(`${base}/oidc/.well-known/openid-configuration`);
    assert.equal(response.status, 200);
    const discovery = (await response.json()) as Record<string, unknown>;
    assert.equal(discovery.issuer, `${base}/oidc`);
    assert.deepEqual(discovery.response_types_supported, ['code']);
    assert.deepEqual(discovery.code_challenge_methods_supported, ['S256']);
    // Only what is issued: no refresh tokens, so no refresh_token grant.
    assert.deepEqual(discovery.grant_types_supported, ['authorization_code']);
    assert.ok((discovery.scopes_supported as string[]).includes('address'));
    assert.ok(String(discovery.end_session_endpoint).endsWith('/oidc/session/end'));
    const jwks = (await (await fetch(String(discovery.jwks_uri))).json()) as { keys: { kty: string; d?: string }[] };
    assert.ok(jwks.keys.length >= 1);
    assert.ok(jwks.keys.every((key) => key.d === undefined), 'no private parts published');
  });

  it('signs a citizen in to the portal with a code to her phone, as herself or for her child', async () => {
    const browser = new TestBrowser(app);
    const { uid, url, response } = await signInWithCode(browser, '/en/sign-in/national?returnTo=/en/my');
    // She has children under 18: she is asked whom she acts for.
    assert.match(url, new RegExp(`/en/login/${uid}/acting$`));
    assert.match(response.body, /Who are you acting for\?/);
    const done = await browser.go('POST', `/en/login/${uid}/acting`, { actingFor: 'self' });
    assert.equal(new URL(done.url).pathname, '/en/my');
    assert.equal(done.response.statusCode, 200);
    assert.match(done.response.body, /My details/);
    assert.match(done.response.body, new RegExp(CITIZEN));
    // Her ID card details, read through the exchange as the portal, and that read is hers to see.
    assert.match(done.response.body, /Your ID card details/);
    assert.match(done.response.body, /Civil ID number/);
    // The birth place is an address object in the register: it reads as one line in the page's language.
    const record = await app.registries.byKey(await app.registries.get({ id: 'population' }), CITIZEN);
    const birthPlace = formatAddress(record!.content.birthPlace, 'en');
    assert.match(birthPlace, / (soum|district)\b/);
    assert.ok(done.response.body.includes(birthPlace), `the birth place, formatted: ${birthPlace}`);
    assert.doesNotMatch(done.response.body, /\[object Object\]/);
    await app.exchange.flush();
    assert.ok((await app.exchange.accessLog(CITIZEN, 50)).some((row) => String(row.client).endsWith('/portal') && row.status === 200), 'the portal’s read is logged');
    assert.ok(browser.visited.includes('GET /auth/callback'));

    // The child, through the parent.
    const second = new TestBrowser(app);
    const again = await signInWithCode(second, '/en/sign-in/national?returnTo=/en/my');
    const child = /value="(parent:[^"]+)"/.exec(again.response.body)?.[1];
    assert.ok(child, 'a child is offered');
    const asParent = await second.go('POST', `/en/login/${again.uid}/acting`, { actingFor: child });
    assert.equal(asParent.response.statusCode, 200);
    assert.match(asParent.response.body, /acting for/i, 'pages say whom the person acts for');
  });

  it('runs the code flow with PKCE for an outside relying party with openid-client, with consent to registry data', async () => {
    const registration = await app.as('dev-platform-admin', {
      method: 'POST',
      url: '/api/v1/identity/clients',
      payload: { clientId: 'khan-bank', name: { mn: 'Хаан банк', en: 'Khan Bank' }, redirectUris: [`${base}/bank/callback`], scopes: ['openid', 'profile', 'register_number', 'address'] },
    });
    assert.equal(registration.statusCode, 201, registration.body);
    const secret = registration.json<{ clientSecret: string }>().clientSecret;
    const config = await client.discovery(new URL(`${base}/oidc`), 'khan-bank', secret, undefined, { execute: [client.allowInsecureRequests] });
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const authorize = client.buildAuthorizationUrl(config, { redirect_uri: `${base}/bank/callback`, scope: 'openid profile register_number address', code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state, nonce });

    const browser = new TestBrowser(app);
    const signedIn = await signInWithCode(browser, authorize.href);
    const consent = await browser.go('POST', `/en/login/${signedIn.uid}/acting`, { actingFor: 'self' });
    assert.match(consent.response.body, /Let Khan Bank see your information\?/);
    assert.match(consent.response.body, /Your registered address/);
    const back = await browser.go('POST', `/en/login/${uidOf(consent.url)}/consent`, { decision: 'allow' });
    const callback = new URL(back.url);
    assert.equal(callback.pathname, '/bank/callback');
    assert.equal(callback.searchParams.get('state'), state);

    const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true });
    const claims = tokens.claims()!;
    assert.equal(claims.register_number, CITIZEN);
    assert.equal(claims.given_name, DEMO_CITIZEN.givenName);
    assert.deepEqual(claims.amr, ['otp', 'sms']);
    const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
    const address = userinfo.address as { formatted: string; country: string } | undefined;
    assert.ok(address?.formatted, JSON.stringify(userinfo));
    assert.equal(address.country, 'MN');

    // The read went through the exchange under her consent, and she can see it.
    const grantsOf = (await store.grantConsentsOf(app.ctx.db, CITIZEN)).map((row) => row.consent_id);
    await app.exchange.flush();
    const access = await app.exchange.accessLog(CITIZEN, 20);
    assert.ok(access.some((row) => String(row.client).endsWith('/identity') && row.status === 200 && row.consent_id === grantsOf[0]), 'logged as the national login reading for the bank, under her consent');

    // A code works once.
    await assert.rejects(client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce }));

    // She revokes the bank's access: the grant, its tokens and the exchange consent go.
    const grants = await store.grantConsentsOf(app.ctx.db, CITIZEN);
    assert.equal(grants.length, 1);
    // Single sign-on: the same browser enters the portal without signing in again.
    const portal = await browser.go('GET', '/en/sign-in/national?returnTo=/en/my/sign-ins');
    assert.equal(new URL(portal.url).pathname, '/en/my/sign-ins');
    assert.match(portal.response.body, /Khan Bank/);
    const revoke = await browser.go('POST', `/en/my/sign-ins/grants/${grants[0]!.grant_id}/revoke`, {});
    assert.equal(new URL(revoke.url).pathname, '/en/my/sign-ins');
    await assert.rejects(client.fetchUserInfo(config, tokens.access_token, claims.sub));
    const consents = await app.exchange.consentsOf(CITIZEN);
    assert.ok(consents.find((row) => row.id === grants[0]!.consent_id)?.withdrawn_at, 'the exchange consent is withdrawn');
  });

  it('rotates the ID token signing key: the new one signs, the one before still verifies, older ones go', async () => {
    const jwks = async () => ((await (await fetch(`${base}/oidc/jwks`)).json()) as { keys: { kid: string }[] }).keys.map((key) => key.kid);
    const before = await jwks();
    const rotate = async () => (await app.as('dev-platform-admin', { method: 'POST', url: '/api/v1/identity/keys/rotate', payload: {} })).json<{ kid: string }>().kid;
    const first = await rotate();
    const second = await rotate();
    const after = await jwks();
    assert.deepEqual(after, [second, first], 'the newest first, the one before it kept');
    // A sign-in now gets an ID token signed with the newest key.
    const tokens = (await outsideSignIn('rotation-rp', 'openid profile')) as client.TokenEndpointResponse;
    const header = JSON.parse(Buffer.from(tokens.id_token!.split('.')[0]!, 'base64url').toString()) as { kid: string; alg: string };
    assert.equal(header.kid, second);
    assert.ok(!before.includes(second));
  });

  it('refuses a relying party without PKCE, an unregistered redirect, and a refused consent', async () => {
    const browser = new TestBrowser(app);
    const noPkce = await browser.request('GET', `/oidc/auth?client_id=urtuu-portal&response_type=code&scope=openid&redirect_uri=${encodeURIComponent(`${base}/auth/callback`)}&state=x`);
    assert.equal(noPkce.statusCode, 303);
    assert.match(String(noPkce.headers.location), /error=invalid_request/);
    // An open redirect: the provider never sends the browser to an address it does not know.
    const evil = await browser.request('GET', `/oidc/auth?client_id=urtuu-portal&response_type=code&scope=openid&redirect_uri=${encodeURIComponent('https://evil.example/steal')}&code_challenge=${'a'.repeat(43)}&code_challenge_method=S256&ui_locales=en`);
    assert.equal(evil.statusCode, 400);
    assert.ok(!String(evil.headers.location ?? '').includes('evil'));
    assert.match(evil.body, /The sign-in request is not valid/);
    // Refusing consent sends the person back to the service with access_denied, and nothing is granted.
    const refused = (await outsideSignIn('refused-rp', 'openid profile address', 'refuse')) as { refusedAt: URL };
    assert.equal(refused.refusedAt.pathname, '/rp/callback');
    assert.equal(refused.refusedAt.searchParams.get('error'), 'access_denied');
    assert.equal((await store.grantConsentsOf(app.ctx.db, CITIZEN)).filter((row) => row.client_id === 'refused-rp').length, 0);
    // The portal's own return address is checked too.
    const start = await browser.request('GET', '/en/sign-in/national?returnTo=//evil.example/x');
    assert.equal(start.statusCode, 303);
  });

  it('refuses wrong, replayed and expired codes, and locks after repeated failures', async () => {
    const browser = new TestBrowser(app);
    const uid = await awaitingCode(browser);
    const code = await lastCode(app, mobile);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    const refused = await browser.request('POST', `/en/login/${uid}/sms`, { _csrf: app.csrf, code: wrong });
    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /The code is not right. You have 4 more tries/);
    const format = await browser.request('POST', `/en/login/${uid}/sms`, { code: '12ab' });
    assert.match(format.body, /The code is 6 digits/);
    // Expired: the clock of the code is moved back.
    await app.ctx.db.query(`UPDATE identity.login_codes SET expires_at = now() - interval '1 second' WHERE interaction = $1`, [uid]);
    const expired = await browser.request('POST', `/en/login/${uid}/sms`, { code });
    assert.match(expired.body, /The code has expired/);
    // A fresh code works once; replaying it is refused.
    await browser.request('POST', `/en/login/${uid}/sms/resend`, {});
    const fresh = await lastCode(app, mobile);
    const ok = await browser.request('POST', `/en/login/${uid}/sms`, { code: fresh });
    assert.equal(ok.statusCode, 303);
    const replay = await browser.request('POST', `/en/login/${uid}/sms`, { code: fresh });
    assert.match(replay.body, /This code has been used or was never sent/);

    // Brute force: five wrong guesses spend the code.
    const other = new TestBrowser(app);
    const otherUid = await awaitingCode(other);
    const real = await lastCode(app, mobile);
    const guess = String((Number(real) + 7) % 1_000_000).padStart(6, '0');
    let last = '';
    // (The waits that grow after a few failures are lifted between guesses: this is about the code.)
    for (let i = 0; i < 5; i += 1) {
      last = (await other.request('POST', `/en/login/${otherUid}/sms`, { code: guess })).body;
      await app.ctx.db.query(`DELETE FROM identity.lockouts`);
    }
    assert.match(last, /Too many wrong codes/);
    const afterLock = await other.request('POST', `/en/login/${otherUid}/sms`, { code: real });
    assert.match(afterLock.body, /Too many wrong codes|paused/);
    await app.ctx.db.query(`DELETE FROM identity.lockouts`);
  });

  it('refuses a malformed register number in the person’s language', async () => {
    const browser = new TestBrowser(app);
    const start = await browser.go('GET', '/en/sign-in/national');
    const uid = uidOf(start.url);
    const english = await browser.request('POST', `/en/login/${uid}`, { registerNumber: 'abc' });
    assert.equal(english.statusCode, 400);
    assert.match(english.body, /Enter your register number as 2 Cyrillic letters and 8 digits/);
    const mongolian = await browser.request('POST', `/mn/login/${uid}`, { registerNumber: 'abc' });
    assert.equal(mongolian.statusCode, 400);
    assert.match(mongolian.body, /Регистрийн дугаараа кирилл 2 үсэг, 8 оронтой тоогоор/);
  });

  it('refuses a sign-in page from another browser (session fixation) and a form without its token (CSRF)', async () => {
    const victim = new TestBrowser(app);
    const start = await victim.go('GET', '/en/sign-in/national');
    const uid = uidOf(start.url);
    // An attacker who learnt the interaction id cannot use it: the binding cookie is missing.
    const attacker = new TestBrowser(app);
    const stolen = await attacker.request('POST', `/en/login/${uid}`, { registerNumber: CITIZEN });
    assert.equal(stolen.statusCode, 400);
    assert.match(stolen.body, /This sign-in has expired or was started in another browser/);
    // A form post without the CSRF token is refused.
    const forged = await app.server.inject({ method: 'POST', url: `/en/login/${uid}`, cookies: Object.fromEntries(victim.cookies), headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `registerNumber=${encodeURIComponent(CITIZEN)}` });
    assert.equal(forged.statusCode, 403);
    // Each sign-in gets a new portal session; the old cookie's session is not reused.
    const one = new TestBrowser(app);
    const a = await signInWithCode(one, '/en/sign-in/national');
    await one.go('POST', `/en/login/${a.uid}/acting`, { actingFor: 'self' });
    const firstSession = one.cookies.get('urtuu_session');
    // Signing in again (single sign-on at the provider) still makes a new portal session.
    const again = await one.go('GET', '/en/sign-in/national?returnTo=/en/my');
    assert.equal(new URL(again.url).pathname, '/en/my');
    assert.ok(firstSession && one.cookies.get('urtuu_session') && firstSession !== one.cookies.get('urtuu_session'));
  });

  it('lets a person act under a power of attorney only while it is valid', async () => {
    const { rows } = await app.ctx.db.query<{ key: string }>(`SELECT key FROM registries.records WHERE registry_id = 'population' AND key <> $1 AND content->>'birthDate' < '1990-01-01' AND NOT content ? 'death' ORDER BY key LIMIT 1`, [CITIZEN]);
    const grantor = rows[0]!.key;
    const notary = { id: 'notary', name: 'Notary', kind: 'official' as const, roles: ['officer' as const], agencyId: 'notaries' };
    const recorded = await app.as(notary, { method: 'POST', url: '/en/admin/powers-of-attorney', payload: new URLSearchParams({ _csrf: app.csrf, grantor, attorney: CITIZEN, notarialNumber: 'НТ-2026/118', validFrom: '2026-01-01', validUntil: '2099-12-31' }).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(recorded.statusCode, 303, recorded.body.slice(0, 500));
    const browser = new TestBrowser(app);
    const signedIn = await signInWithCode(browser, '/en/sign-in/national');
    assert.match(signedIn.response.body, /НТ-2026\/118/);
    // The power ends while she is choosing: the choice is refused.
    await app.ctx.db.query(`UPDATE identity.powers_of_attorney SET valid_until = '2020-12-31', valid_from = '2020-01-01' WHERE attorney = $1`, [CITIZEN]);
    const refused = await browser.request('POST', `/en/login/${signedIn.uid}/acting`, { actingFor: `attorney:${grantor}` });
    assert.equal(refused.statusCode, 403);
    assert.match(refused.body, /You may not act for this person or organisation/);
  });

  it('reads "my details" once a session under one standing consent, and asks again once it is withdrawn', async () => {
    await app.exchange.flush();
    const portalReads = async () => {
      await app.exchange.flush();
      return (await app.exchange.accessLog(CITIZEN, 500)).filter((row) => String(row.client).endsWith('/portal') && String(row.purpose).includes('My details'));
    };
    const myConsents = async () => (await app.exchange.consentsOf(CITIZEN)).filter((row) => row.purpose.includes('My details'));
    const before = (await portalReads()).length;
    const browser = new TestBrowser(app);
    const signedIn = await signInWithCode(browser, '/en/sign-in/national?returnTo=/en/my');
    await browser.go('POST', `/en/login/${signedIn.uid}/acting`, { actingFor: 'self' });
    for (let visit = 0; visit < 3; visit += 1) assert.match((await browser.go('GET', '/en/my')).response.body, /Civil ID number/);
    await browser.go('GET', '/mn/my');
    assert.equal((await portalReads()).length, before + 1, 'four visits, one read');
    const standing = (await myConsents()).filter((row) => !row.withdrawn_at);
    assert.equal(standing.length, 1, 'one standing consent');

    // The purpose in the page's language, not both at once; each withdraw button says which consent.
    const english = (await browser.go('GET', '/en/my/data-access')).response.body;
    assert.match(english, /My details: at my own request/);
    assert.doesNotMatch(english, /Миний мэдээлэл: өөрийн хүсэлтээр/);
    assert.match(english, /Withdraw<span class="govuk-visually-hidden">: E-Mongolia Academy, [^<]+, given \d{4}\.\d{2}\.\d{2}<\/span>/);
    const mongolian = (await browser.go('GET', '/mn/my/data-access')).response.body;
    assert.match(mongolian, /Миний мэдээлэл: өөрийн хүсэлтээр/);
    assert.doesNotMatch(mongolian, /My details: at my own request/);

    // Withdrawn: said beside where the button was, and the page no longer reads behind her back.
    const id = standing[0]!.id;
    const withdrawn = await browser.request('POST', `/en/my/consents/${id}/withdraw`, {});
    assert.equal(withdrawn.headers.location, `/en/my/data-access?withdrawn=${id}#consent-${id}`);
    const after = (await browser.go('GET', String(withdrawn.headers.location))).response.body;
    assert.match(after, new RegExp(`<li id="consent-${id}"[\\s\\S]*?withdrawn[\\s\\S]*?role="status">Consent withdrawn: E-Mongolia Academy can no longer read your data under it.</p>\\s*</li>`));
    const asked = (await browser.go('GET', '/en/my')).response.body;
    assert.match(asked, /You withdrew your consent/);
    assert.doesNotMatch(asked, /Civil ID number/);
    assert.equal((await portalReads()).length, before + 1, 'nothing read after the withdrawal');
    const again = await browser.go('POST', '/en/my/details/consent', {});
    assert.match(again.response.body, /Civil ID number/);
    assert.equal((await portalReads()).length, before + 2);
  });

  it('shows open sessions and ends one from another device', async () => {
    const laptopAgent = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0';
    const phoneAgent = 'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36';
    const laptop = new TestBrowser(app, laptopAgent);
    const a = await signInWithCode(laptop, '/en/sign-in/national');
    await laptop.go('POST', `/en/login/${a.uid}/acting`, { actingFor: 'self' });
    const phone = new TestBrowser(app, phoneAgent);
    const b = await signInWithCode(phone, '/en/sign-in/national');
    await phone.go('POST', `/en/login/${b.uid}/acting`, { actingFor: 'self' });
    const page = await phone.go('GET', '/en/my/sign-ins');
    assert.equal(page.response.statusCode, 200);
    assert.match(page.response.body, /this device/);
    // Devices in words, each "End" button named by its device: never the raw browser string.
    assert.match(page.response.body, /Chrome on Android/);
    assert.match(page.response.body, /Firefox on Windows/);
    assert.ok(!page.response.body.includes('Mozilla/5.0'), 'no raw User-Agent string');
    assert.match(page.response.body, /End<span class="govuk-visually-hidden"> Firefox on Windows, /);
    const mongolian = await phone.go('GET', '/mn/my/sign-ins');
    assert.match(mongolian.response.body, /Android дээрх Chrome/);
    const laptopSession = decodeSession(app.config.sessionSecret, laptop.cookies.get('urtuu_session'))!.sessionId!;
    assert.ok(page.response.body.includes(`/en/my/sign-ins/${laptopSession}/end`), 'the laptop is listed');
    await phone.request('POST', `/en/my/sign-ins/${laptopSession}/end`, {});
    const stillPhone = await phone.go('GET', '/en/my');
    assert.equal(stillPhone.response.statusCode, 200);
    const laptopNow = await laptop.request('GET', '/en/my');
    assert.equal(laptopNow.statusCode, 401, 'the laptop is signed out');
    const ids = [laptopSession];
    // Someone else's session cannot be ended.
    const stranger = await app.as('dev-citizen', { method: 'POST', url: `/en/my/sign-ins/${ids[0]}/end`, payload: new URLSearchParams({ _csrf: app.csrf }).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(stranger.statusCode, 404);
  });

  it('signs out of the portal and of the provider', async () => {
    const browser = new TestBrowser(app);
    const a = await signInWithCode(browser, '/en/sign-in/national');
    await browser.go('POST', `/en/login/${a.uid}/acting`, { actingFor: 'self' });
    const out = await browser.go('POST', '/en/sign-out', {});
    assert.match(out.response.body, /Sign out of every service/);
    const action = /action="([^"]+)"/.exec(out.response.body.split('<main')[1] ?? '')?.[1];
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(out.response.body)?.[1];
    assert.ok(action && xsrf);
    const done = await browser.request('POST', action, { xsrf, logout: 'yes' });
    assert.equal(done.statusCode, 303);
    assert.equal((await browser.request('GET', '/en/my')).statusCode, 401);
  });
});
