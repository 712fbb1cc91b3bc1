// Signing in with an internet bank, through the development bank: the whole round trip in a browser
// (register number → bank → bank's sign-in page → signed answer → acting for → portal), and every
// way an answer can be wrong refused with a message in the person's language.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it, mock } from 'node:test';
import { SignJWT, generateKeyPair } from 'jose';
import { testApp, type TestApp } from '../../../test/helpers.ts';
import { seedPeople } from '../exchange/test-fixtures.ts';
import { DEMO_CITIZEN } from '../registries/index.ts';
import { AppError } from '../../kernel/errors.ts';
import { createDevBank } from './banks.ts';
import { TestBrowser, uidOf } from './test-fixtures.ts';

const CITIZEN = DEMO_CITIZEN.registerNumber;
// A well-formed register number of someone else, as a bank may hold it.
const SOMEONE_ELSE = 'ТА85010112';

describe('bank login with the development bank', () => {
  let app: TestApp;

  before(async () => {
    app = await testApp({ seed: false });
    await seedPeople(app, 60);
  });
  after(async () => app.close());
  // Wrong answers earlier in the file would otherwise make later tests wait (failures slow the next try).
  beforeEach(async () => {
    await app.ctx.db.query('DELETE FROM identity.lockouts');
  });

  /** Register number → method "bank"; returns the uid at the bank choice page. */
  async function atBankChoice(browser: TestBrowser, registerNumber = CITIZEN): Promise<string> {
    const first = await browser.go('GET', '/en/sign-in/national');
    const uid = uidOf(first.url);
    await browser.go('POST', `/en/login/${uid}`, { registerNumber });
    const choice = await browser.go('POST', `/en/login/${uid}/methods`, { method: 'bank' });
    assert.equal(new URL(choice.url).pathname, `/en/login/${uid}/bank`);
    assert.equal(choice.response.statusCode, 200);
    return uid;
  }

  /** Chooses the development bank; returns the bank page's state and return address. */
  async function atBank(browser: TestBrowser, uid: string): Promise<{ state: string; redirectUri: string; body: string }> {
    const bank = await browser.go('POST', `/en/login/${uid}/bank`, { bank: 'dev-bank' });
    const url = new URL(bank.url);
    assert.equal(url.pathname, '/en/dev-bank/authorize');
    assert.equal(bank.response.statusCode, 200);
    return { state: url.searchParams.get('state')!, redirectUri: url.searchParams.get('redirect_uri')!, body: bank.response.body };
  }

  /** Signs in at the bank; returns the callback address with the bank's answer (not followed). */
  async function bankAnswer(browser: TestBrowser, at: { state: string; redirectUri: string }, registerNumber = CITIZEN): Promise<URL> {
    const response = await browser.request('POST', '/en/dev-bank/authorize', { state: at.state, redirect_uri: at.redirectUri, registerNumber, password: 'anything at all' });
    assert.equal(response.statusCode, 303);
    const location = new URL(String(response.headers.location));
    assert.equal(`${location.origin}${location.pathname}`, at.redirectUri);
    return location;
  }

  async function loginEvents(outcome: string): Promise<number> {
    const { rows } = await app.ctx.db.query<{ count: number }>(`SELECT count(*)::int AS count FROM identity.login_events WHERE register_number = $1 AND method = 'bank' AND outcome = $2`, [CITIZEN, outcome]);
    return rows[0]!.count;
  }

  it('signs a citizen in through her internet bank, then on to whom she acts for and the portal', async () => {
    const browser = new TestBrowser(app);
    const first = await browser.go('GET', '/en/sign-in/national');
    const uid = uidOf(first.url);
    await browser.go('POST', `/en/login/${uid}`, { registerNumber: CITIZEN });
    const methods = await browser.go('GET', `/en/login/${uid}/methods`);
    assert.match(methods.response.body, /id="method-bank"/);
    assert.match(methods.response.body, /Your internet bank/);
    const choice = await browser.go('POST', `/en/login/${uid}/methods`, { method: 'bank' });
    assert.equal(new URL(choice.url).pathname, `/en/login/${uid}/bank`);
    assert.match(choice.response.body, /Development Bank/);

    const bank = await atBank(browser, uid);
    assert.match(bank.body, /development stand-in for a bank/);
    assert.match(bank.body, /autocomplete="current-password"/);
    assert.match(bank.body, /type="password"/);
    assert.equal(bank.redirectUri, `${app.config.baseUrl}/en/login/${uid}/bank/callback`);

    // The bank's form is refused without a password, and says so.
    const empty = await browser.request('POST', '/en/dev-bank/authorize', { state: bank.state, redirect_uri: bank.redirectUri, registerNumber: CITIZEN, password: '' });
    assert.equal(empty.statusCode, 400);
    assert.match(empty.body, /Enter your password/);

    const back = await browser.go('POST', '/en/dev-bank/authorize', { state: bank.state, redirect_uri: bank.redirectUri, registerNumber: CITIZEN, password: 'secret' });
    // She has children under 18: she is asked whom she acts for.
    assert.equal(new URL(back.url).pathname, `/en/login/${uid}/acting`);
    assert.match(back.response.body, /Who are you acting for\?/);
    const done = await browser.go('POST', `/en/login/${uid}/acting`, { actingFor: 'self' });
    assert.equal(new URL(done.url).pathname, '/en/my');
    const my = await browser.go('GET', '/en/my');
    assert.equal(my.response.statusCode, 200);
    assert.match(my.response.body, new RegExp(CITIZEN));
    assert.equal(await loginEvents('success'), 1);
  });

  it('shows the bank pages in Mongolian', async () => {
    const browser = new TestBrowser(app);
    const first = await browser.go('GET', '/mn/sign-in/national');
    const uid = uidOf(first.url);
    await browser.go('POST', `/mn/login/${uid}`, { registerNumber: CITIZEN });
    const choice = await browser.go('POST', `/mn/login/${uid}/methods`, { method: 'bank' });
    assert.match(choice.response.body, /Хөгжүүлэлтийн банк/);
    const bank = await browser.go('POST', `/mn/login/${uid}/bank`, { bank: 'dev-bank' });
    assert.equal(new URL(bank.url).pathname, '/mn/dev-bank/authorize');
    assert.match(bank.response.body, /жинхэнэ банк биш/);
  });

  it('refuses an answer for another person’s bank account', async () => {
    const browser = new TestBrowser(app);
    const uid = await atBankChoice(browser);
    const failedBefore = await loginEvents('failed');
    const callback = await bankAnswer(browser, await atBank(browser, uid), SOMEONE_ELSE);
    const refused = await browser.go('GET', callback.href);
    assert.equal(refused.response.statusCode, 403);
    assert.equal(new URL(refused.url).pathname, `/en/login/${uid}/bank/callback`);
    assert.match(refused.response.body, /This bank account belongs to someone else/);
    assert.match(refused.response.body, /govuk-error-summary/);
    assert.equal(await loginEvents('failed'), failedBefore + 1);
    // Not signed in: the next step is still closed.
    assert.equal((await browser.request('GET', `/en/login/${uid}/acting`)).statusCode, 400);
  });

  it('refuses a tampered answer and one signed with another key', async () => {
    const browser = new TestBrowser(app);
    const uid = await atBankChoice(browser);
    const callback = await bankAnswer(browser, await atBank(browser, uid), SOMEONE_ELSE);
    // Swap in our own register number, keeping the bank's signature.
    const [header, payload, signature] = callback.searchParams.get('assertion')!.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as Record<string, unknown>;
    assert.equal(claims.sub, SOMEONE_ELSE);
    const tampered = [header, Buffer.from(JSON.stringify({ ...claims, sub: CITIZEN })).toString('base64url'), signature].join('.');
    callback.searchParams.set('assertion', tampered);
    const refused = await browser.go('GET', callback.href);
    assert.equal(refused.response.statusCode, 400);
    assert.match(refused.response.body, /could not verify the answer from your bank/);

    // A forger with every claim right but not the bank's key.
    const at = await atBank(browser, uid);
    const { privateKey } = await generateKeyPair('ES256');
    const forged = await new SignJWT({ state: at.state })
      .setProtectedHeader({ alg: 'ES256' })
      .setIssuer('dev-bank')
      .setAudience(app.config.baseUrl)
      .setSubject(CITIZEN)
      .setIssuedAt()
      .setExpirationTime('2m')
      .setJti('forged-1')
      .sign(privateKey);
    const forgedUrl = `${at.redirectUri}?${new URLSearchParams({ assertion: forged, state: at.state }).toString()}`;
    const refusedForged = await browser.go('GET', forgedUrl);
    assert.equal(refusedForged.response.statusCode, 400);
    assert.match(refusedForged.response.body, /could not verify the answer from your bank/);
  });

  it('refuses a replayed answer, by its used state and by its used jti', async () => {
    const browser = new TestBrowser(app);
    const uid = await atBankChoice(browser);
    const callback = await bankAnswer(browser, await atBank(browser, uid));
    const accepted = await browser.go('GET', callback.href);
    assert.equal(new URL(accepted.url).pathname, `/en/login/${uid}/acting`);
    const replayed = await browser.go('GET', callback.href);
    assert.equal(replayed.response.statusCode, 400);
    assert.match(replayed.response.body, /does not belong to this sign-in/);

    // The same answer again with its state still open (as if the state check were passed): the
    // bank's jti has been used, so the answer is refused anyway.
    const other = new TestBrowser(app);
    const otherUid = await atBankChoice(other);
    const at = await atBank(other, otherUid);
    const fresh = await bankAnswer(other, at);
    const params = Object.fromEntries(fresh.searchParams);
    const bank = createDevBank(app.ctx);
    assert.deepEqual(await bank.complete(params), { registerNumber: CITIZEN });
    await assert.rejects(bank.complete(params), (error: unknown) => error instanceof AppError && error.code === 'BANK_ANSWER_USED');
    const refused = await other.go('GET', fresh.href);
    assert.equal(refused.response.statusCode, 400);
    assert.match(refused.response.body, /already been used/);
  });

  it('refuses an expired answer', async () => {
    const browser = new TestBrowser(app);
    const uid = await atBankChoice(browser);
    const at = await atBank(browser, uid);
    // The bank answered three minutes ago; its answers live two.
    mock.timers.enable({ apis: ['Date'], now: Date.now() - 3 * 60_000 });
    let callback: URL;
    try {
      callback = await bankAnswer(browser, at);
    } finally {
      mock.timers.reset();
    }
    const claims = JSON.parse(Buffer.from(callback.searchParams.get('assertion')!.split('.')[1]!, 'base64url').toString('utf8')) as { iat: number; exp: number };
    assert.equal(claims.exp - claims.iat, 120);
    const refused = await browser.go('GET', callback.href);
    assert.equal(refused.response.statusCode, 400);
    assert.match(refused.response.body, /answer from your bank has expired/);
  });

  it('refuses an answer whose state is not this sign-in’s current one', async () => {
    const browser = new TestBrowser(app);
    const uid = await atBankChoice(browser);
    const firstTrip = await atBank(browser, uid);
    const firstAnswer = await bankAnswer(browser, firstTrip);
    // Going to the bank again replaces the state: the first trip's answer is now useless.
    const secondTrip = await atBank(browser, uid);
    assert.notEqual(secondTrip.state, firstTrip.state);
    const stale = await browser.go('GET', firstAnswer.href);
    assert.equal(stale.response.statusCode, 400);
    assert.match(stale.response.body, /does not belong to this sign-in/);

    // The first answer presented with the current state: the signed state differs.
    const swapped = new URL(firstAnswer.href);
    swapped.searchParams.set('state', secondTrip.state);
    const mismatched = await browser.go('GET', swapped.href);
    assert.equal(mismatched.response.statusCode, 400);
    assert.match(mismatched.response.body, /does not belong to this sign-in/);

    // An answer to someone else's sign-in, brought to ours.
    const victim = new TestBrowser(app);
    const victimUid = await atBankChoice(victim);
    const victimAnswer = await bankAnswer(victim, await atBank(victim, victimUid));
    const thirdTrip = await atBank(browser, uid);
    const foreign = `${thirdTrip.redirectUri}?${new URLSearchParams({ assertion: victimAnswer.searchParams.get('assertion')!, state: victimAnswer.searchParams.get('state')! }).toString()}`;
    const crossed = await browser.go('GET', foreign);
    assert.equal(crossed.response.statusCode, 400);
    assert.match(crossed.response.body, /does not belong to this sign-in/);
  });

  it('counts nothing against the person who turns back at the bank', async () => {
    const browser = new TestBrowser(app);
    const uid = await atBankChoice(browser);
    const at = await atBank(browser, uid);
    const failedBefore = await loginEvents('failed');
    const cancelled = await browser.go('GET', `${at.redirectUri}?${new URLSearchParams({ error: 'access_denied', state: at.state }).toString()}`);
    assert.equal(cancelled.response.statusCode, 400);
    assert.match(cancelled.response.body, /was cancelled/);
    assert.equal(await loginEvents('failed'), failedBefore);
  });

  it('the development bank answers only to our own callback addresses', async () => {
    const browser = new TestBrowser(app);
    const state = 'a'.repeat(32);
    for (const redirectUri of ['https://evil.example/en/login/x/bank/callback', `${app.config.baseUrl}/en/my`, `${app.config.baseUrl}/en/login/x/bank/callback?next=1`]) {
      const page = await browser.request('GET', `/en/dev-bank/authorize?${new URLSearchParams({ state, redirect_uri: redirectUri }).toString()}`);
      assert.equal(page.statusCode, 400, redirectUri);
      const post = await browser.request('POST', '/en/dev-bank/authorize', { state, redirect_uri: redirectUri, registerNumber: CITIZEN, password: 'x' });
      assert.equal(post.statusCode, 400, redirectUri);
    }
  });
});

describe('bank login without development sign-in', () => {
  let app: TestApp;

  before(async () => {
    app = await testApp({ seed: false, devLogin: false });
    await seedPeople(app, 60);
  });
  after(async () => app.close());

  it('is not offered, and its pages and the development bank do not exist', async () => {
    const browser = new TestBrowser(app);
    const first = await browser.go('GET', '/en/sign-in/national');
    const uid = uidOf(first.url);
    const methods = await browser.go('POST', `/en/login/${uid}`, { registerNumber: CITIZEN });
    assert.equal(new URL(methods.url).pathname, `/en/login/${uid}/methods`);
    assert.doesNotMatch(methods.response.body, /method-bank/);
    assert.doesNotMatch(methods.response.body, /internet bank/);
    const chosen = await browser.go('POST', `/en/login/${uid}/methods`, { method: 'bank' });
    assert.equal(chosen.response.statusCode, 400);
    assert.equal((await browser.request('GET', `/en/login/${uid}/bank`)).statusCode, 404);
    assert.equal((await browser.request('POST', `/en/login/${uid}/bank`, { bank: 'dev-bank' })).statusCode, 404);
    assert.equal((await browser.request('GET', `/en/dev-bank/authorize?state=${'a'.repeat(32)}`)).statusCode, 404);
  });
});
