// Foreign residents and the national login: a foreigner signs in with their F-register number and a
// code sent to their phone, as a citizen does with a register number. Their record is in the
// immigration agency's register; "my details" shows their residence permit, read through the
// exchange. An expired permit and a malformed number are refused with a clear message.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import * as client from 'openid-client';
import { freePort, testApp, type TestApp } from '../../../test/helpers.ts';
import { decodeSession } from '../../kernel/auth.ts';
import { DEMO_FOREIGNER } from '../registries/index.ts';
import { seedPeople } from '../exchange/test-fixtures.ts';
import * as store from './store.ts';
import { TestBrowser, lastCode, uidOf } from './test-fixtures.ts';

const FOREIGNER = DEMO_FOREIGNER.registerNumber;
// Made up for these tests: a resident whose permit ran out yesterday.
const EXPIRED = 'Ф310101000077';

describe('national login for foreign residents', () => {
  let app: TestApp;
  let base: string;

  before(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    app = await testApp({ seed: false, config: { baseUrl: base } });
    // 300 people bring one foreign resident: the demo foreigner.
    await seedPeople(app, 300);
    const registry = await app.registries.get({ id: 'foreign-residents' });
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    await app.registries.create(registry, {
      registerNumber: EXPIRED, surname: 'PETROVA', givenName: 'OLGA', nationality: 'RUS', sex: 'female', birthDate: '1979-02-11', passportNumber: '751234567', mobile: '88776655',
      permit: { type: 'work', number: 'RP2024-000077', issuedOn: '2024-01-01', validUntil: yesterday },
      address: { aimagCityCode: '11', aimagCityName: 'Улаанбаатар', soumDistrictCode: '1108', soumDistrictName: 'Хан-Уул', bagKhorooName: '3-р хороо' },
    }, { actor: 'test' });
    await app.server.listen({ port, host: '127.0.0.1' });
  });
  after(async () => app.close());
  beforeEach(async () => {
    await app.ctx.db.query(`DELETE FROM identity.lockouts`);
    await app.ctx.db.query(`UPDATE identity.login_codes SET created_at = created_at - interval '2 hours'`);
  });

  /** F-register number → code method → the code from the SMS; the browser after the code. */
  async function signInWithCode(browser: TestBrowser, start: string, registerNumber = FOREIGNER) {
    const first = await browser.go('GET', start);
    const uid = uidOf(first.url);
    const methods = await browser.go('POST', `/en/login/${uid}`, { registerNumber });
    assert.match(new URL(methods.url).pathname, new RegExp(`/en/login/${uid}/methods$`), methods.response.body.slice(0, 300));
    await browser.go('POST', `/en/login/${uid}/methods`, { method: 'sms' });
    const code = await lastCode(app, DEMO_FOREIGNER.mobile);
    const next = await browser.go('POST', `/en/login/${uid}/sms`, { code });
    return { uid, ...next };
  }

  it('reads a foreign resident from the immigration agency’s register for signing in', async () => {
    const person = await app.identity.identity.deps.person(FOREIGNER);
    assert.ok(person, 'the demo foreigner is in the foreign-residents register');
    assert.equal(person.surname, DEMO_FOREIGNER.surname);
    assert.equal(person.givenName, DEMO_FOREIGNER.givenName);
    assert.equal(person.birthDate, DEMO_FOREIGNER.birthDate);
    assert.equal(person.mobile, DEMO_FOREIGNER.mobile);
    assert.equal(person.citizenship, 'KOR');
    assert.equal(person.deceased, false);
    assert.deepEqual(person.children, []);
    assert.equal(person.permitValidUntil, DEMO_FOREIGNER.permit.validUntil);
    // A citizen-shaped number is never looked up among foreigners, nor the reverse.
    assert.equal(await app.identity.identity.deps.person('Ф999999999999'), undefined);
  });

  it('signs a foreign resident in to the portal with a code to their phone, as a foreigner account', async () => {
    const browser = new TestBrowser(app);
    const done = await signInWithCode(browser, '/en/sign-in/national?returnTo=/en/my');
    assert.equal(new URL(done.url).pathname, '/en/my', done.response.body.slice(0, 500));
    assert.equal(done.response.statusCode, 200);
    assert.match(done.response.body, /My details/);
    assert.match(done.response.body, new RegExp(FOREIGNER));
    assert.match(done.response.body, /KIM MINJUN/);
    // Their residence permit, read through the exchange from the immigration agency, and the read is theirs to see.
    assert.match(done.response.body, /Your residence permit/);
    assert.match(done.response.body, new RegExp(DEMO_FOREIGNER.permit.number));
    assert.match(done.response.body, /Work/);
    assert.match(done.response.body, /2030\.03\.09/);
    assert.doesNotMatch(done.response.body, /Your ID card details/);
    await app.exchange.flush();
    const reads = await app.exchange.accessLog(FOREIGNER, 50);
    assert.ok(reads.some((row) => String(row.client).endsWith('/portal') && String(row.service).includes('residencePermit') && row.status === 200), JSON.stringify(reads));

    const principal = decodeSession(app.config.sessionSecret, browser.cookies.get('urtuu_session'));
    assert.equal(principal?.registerNumber, FOREIGNER);
    assert.ok(principal?.roles.includes('citizen'), 'a foreign resident uses the portal’s personal pages');
    const { rows } = await app.ctx.db.query<{ kind: string }>(`SELECT kind FROM identity.accounts WHERE register_number = $1`, [FOREIGNER]);
    assert.deepEqual(rows.map((row) => row.kind), ['foreigner']);
    assert.ok((await store.loginHistory(app.ctx.db, FOREIGNER, 5)).some((row) => row.outcome === 'success'));
  });

  it('gives an outside relying party an ID token with the F-register number', async () => {
    const registration = await app.as('dev-platform-admin', { method: 'POST', url: '/api/v1/identity/clients', payload: { clientId: 'foreigner-rp', name: { mn: 'Банк', en: 'Bank' }, redirectUris: [`${base}/rp/callback`], scopes: ['openid', 'profile', 'register_number', 'phone'] } });
    assert.equal(registration.statusCode, 201, registration.body);
    const config = await client.discovery(new URL(`${base}/oidc`), 'foreigner-rp', registration.json<{ clientSecret: string }>().clientSecret, undefined, { execute: [client.allowInsecureRequests] });
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const authorize = client.buildAuthorizationUrl(config, { redirect_uri: `${base}/rp/callback`, scope: 'openid profile register_number phone', code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state, nonce });
    const browser = new TestBrowser(app);
    let back = await signInWithCode(browser, authorize.href);
    if (/\/login\//.test(new URL(back.url).pathname)) back = { ...back, ...(await browser.go('POST', `/en/login/${uidOf(back.url)}/consent`, { decision: 'allow' })) };
    assert.equal(new URL(back.url).pathname, '/rp/callback', back.url);
    const tokens = await client.authorizationCodeGrant(config, new URL(back.url), { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true });
    const claims = tokens.claims()!;
    assert.equal(claims.register_number, FOREIGNER);
    assert.equal(claims.given_name, DEMO_FOREIGNER.givenName);
    assert.equal(claims.family_name, DEMO_FOREIGNER.surname);
    assert.equal(claims.birthdate, DEMO_FOREIGNER.birthDate);
    assert.equal(claims.name, 'MINJUN KIM', 'a passport name in full, not a Mongolian initial');
    assert.equal(claims.urtuu_login_type, 'person');
    assert.deepEqual(claims.amr, ['otp', 'sms']);
    const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
    assert.equal(userinfo.phone_number, `+976${DEMO_FOREIGNER.mobile}`);
  });

  it('accepts the number typed with a Latin F, as the card’s machine-readable side prints it', async () => {
    const browser = new TestBrowser(app);
    const start = await browser.go('GET', '/en/sign-in/national');
    const uid = uidOf(start.url);
    const next = await browser.request('POST', `/en/login/${uid}`, { registerNumber: ` f${FOREIGNER.slice(1)} ` });
    assert.equal(next.statusCode, 303);
    assert.match(String(next.headers.location), new RegExp(`/en/login/${uid}/methods$`));
  });

  it('sends no code to a foreign resident whose permit has expired, and says plainly why none may come', async () => {
    const browser = new TestBrowser(app);
    const start = await browser.go('GET', '/en/sign-in/national');
    const uid = uidOf(start.url);
    // The first step answers as for anyone (it must not tell who is in the register).
    const english = await browser.request('POST', `/en/login/${uid}`, { registerNumber: EXPIRED });
    assert.equal(english.statusCode, 303);
    const codeStep = await browser.go('POST', `/en/login/${uid}/methods`, { method: 'sms' });
    assert.match(codeStep.response.body, /if your residence permit has expired/);
    const mongolian = await browser.go('GET', `/mn/login/${uid}/sms`);
    assert.match(mongolian.response.body, /оршин суух зөвшөөрлийн хугацаа тань дууссан/);
    // No code was sent.
    const { rows } = await app.ctx.db.query(`SELECT 1 FROM messaging.outbox WHERE recipient = '88776655'`);
    assert.equal(rows.length, 0);
    await assert.rejects(app.identity.identity.personWhoMaySignIn(EXPIRED), /LOGIN_PERMIT_EXPIRED/);
    // The same person may sign in up to and including the permit's last day.
    await app.identity.identity.personWhoMaySignIn(EXPIRED, new Date(Date.now() - 86_400_000));
  });

  it('refuses a malformed F-register number, and takes an unknown one like any other', async () => {
    const browser = new TestBrowser(app);
    const start = await browser.go('GET', '/en/sign-in/national');
    const uid = uidOf(start.url);
    for (const malformed of ['Ф12345', 'Ф1234567890123', 'ФФ2009050018', 'Ж200905001846']) {
      const refused = await browser.request('POST', `/en/login/${uid}`, { registerNumber: malformed });
      assert.equal(refused.statusCode, 400, malformed);
      assert.match(refused.body, /Foreign residents: Ф and 12 digits/, malformed);
    }
    // An unknown one goes on like any other: the first step does not tell.
    const unknown = await browser.request('POST', `/en/login/${uid}`, { registerNumber: 'Ф999999999999' });
    assert.equal(unknown.statusCode, 303);
  });
});
