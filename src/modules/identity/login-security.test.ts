// The national login's sign-in steps under attack: where a person is sent back to after signing in,
// what signing out ends, what the first step reveals about the register, who can be slowed down by
// wrong codes, and register numbers typed on a Latin keyboard.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { freePort, testApp, type TestApp } from '../../../test/helpers.ts';
import { SESSION_COOKIE } from '../../kernel/auth.ts';
import { DEMO_CITIZEN } from '../registries/index.ts';
import { seedPeople } from '../exchange/test-fixtures.ts';
import { ageOn } from './service.ts';
import { TestBrowser, lastCode, uidOf } from './test-fixtures.ts';

const CITIZEN = DEMO_CITIZEN.registerNumber;

describe('national login: the sign-in steps under attack', () => {
  let app: TestApp;
  let base: string;

  before(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    app = await testApp({ seed: false, config: { baseUrl: base } });
    await seedPeople(app, 60);
  });
  after(async () => app.close());
  beforeEach(async () => {
    await app.ctx.db.query(`DELETE FROM identity.lockouts`);
    await app.ctx.db.query(`UPDATE identity.login_codes SET created_at = created_at - interval '2 hours'`);
  });

  /** Register number → the code method → the code: the browser at the step after it. */
  async function signInWithCode(browser: TestBrowser, start: string) {
    const first = await browser.go('GET', start);
    const uid = uidOf(first.url);
    await browser.go('POST', `/en/login/${uid}`, { registerNumber: CITIZEN });
    await browser.go('POST', `/en/login/${uid}/methods`, { method: 'sms' });
    const mobile = (await app.identity.identity.deps.person(CITIZEN))!.mobile!;
    const next = await browser.go('POST', `/en/login/${uid}/sms`, { code: await lastCode(app, mobile) });
    return { uid, ...next };
  }

  // As the server reads them (the query or form decoded): a tab, a newline, a backslash, two slashes...
  const ESCAPES = ['/\t/evil.example/', '/\n/evil.example', '/\r\n/evil.example', '//evil.example/', '/\\evil.example', '\\\\evil.example', 'https://evil.example/', 'javascript:alert(1)', '/.//evil.example', '/%09/evil.example/'];

  it('sends a person back only to a page of the platform after the national login', async () => {
    for (const returnTo of ESCAPES) {
      const browser = new TestBrowser(app);
      const signedIn = await signInWithCode(browser, `/en/sign-in/national?returnTo=${encodeURIComponent(returnTo)}`);
      const last = await browser.request('POST', `/en/login/${signedIn.uid}/acting`, { actingFor: 'self' });
      // Follow the chain by hand and look at every Location the browser is given.
      let response = last;
      let current = `${base}/en/login/${signedIn.uid}/acting`;
      for (let hops = 0; hops < 10 && response.statusCode >= 300 && response.statusCode < 400; hops += 1) {
        const location = String(response.headers.location);
        const next = new URL(location, current);
        assert.equal(next.origin, base, `${returnTo}: Location ${JSON.stringify(location)} leaves the platform`);
        current = next.href;
        response = await browser.request('GET', current);
      }
      if (returnTo.includes('\t')) assert.equal(new URL(current).pathname, '/en/my', 'the default page instead');
    }
  });

  it('sends a person back only to a page of the platform after the development sign-in', async () => {
    for (const returnTo of ESCAPES) {
      const browser = new TestBrowser(app);
      const response = await browser.request('POST', '/en/sign-in', { persona: 'dev-citizen', returnTo });
      assert.equal(response.statusCode, 303);
      const location = String(response.headers.location);
      assert.equal(new URL(location, `${base}/en/sign-in`).origin, base, `${returnTo}: Location ${JSON.stringify(location)}`);
      const page = await browser.request('GET', `/en/sign-in?returnTo=${encodeURIComponent(returnTo)}`);
      const kept = /name="returnTo" value="([^"]*)"/.exec(page.body)?.[1] ?? '';
      assert.ok(kept === '' || new URL(kept.replaceAll('&amp;', '&'), `${base}/en/sign-in`).origin === base, `${returnTo}: ${kept}`);
    }
    const kept = await new TestBrowser(app).request('POST', '/en/sign-in', { persona: 'dev-citizen', returnTo: '/en/my?tab=1' });
    assert.equal(kept.headers.location, '/en/my?tab=1');
  });

  it('has the header’s "Sign in" bring the person back to the page they were on', async () => {
    const browser = new TestBrowser(app);
    const page = await browser.request('GET', '/en/accessibility?from=footer');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /class="urtuu-header__link" href="\/en\/sign-in\?returnTo=%2Fen%2Faccessibility%3Ffrom%3Dfooter"/);
    const picker = await browser.request('GET', '/en/sign-in?returnTo=%2Fen%2Faccessibility%3Ffrom%3Dfooter');
    assert.match(picker.body, /name="returnTo" value="\/en\/accessibility\?from=footer"/);
    const signedIn = await browser.request('POST', '/en/sign-in', { persona: 'dev-citizen', returnTo: '/en/accessibility?from=footer' });
    assert.equal(signedIn.headers.location, '/en/accessibility?from=footer');
  });

  it('ends the development sign-in’s session on sign-out, not only the browser’s cookie', async () => {
    const browser = new TestBrowser(app);
    await browser.request('POST', '/en/sign-in', { persona: 'dev-citizen' });
    const cookie = browser.cookies.get(SESSION_COOKIE);
    assert.ok(cookie);
    const signedIn = await app.server.inject({ method: 'GET', url: '/en/my', cookies: { [SESSION_COOKIE]: cookie }, headers: { accept: 'text/html' } });
    assert.equal(signedIn.statusCode, 200);
    const out = await browser.request('POST', '/en/sign-out', {});
    assert.equal(out.statusCode, 303);
    assert.equal(out.headers.location, '/en', 'a development sign-in has no provider session to end');
    // The same cookie, kept by someone, no longer signs anyone in.
    const replayed = await app.server.inject({ method: 'GET', url: '/en/my', cookies: { [SESSION_COOKIE]: cookie }, headers: { accept: 'text/html' } });
    assert.equal(replayed.statusCode, 401);
  });

  it('reads a register number typed on a Latin keyboard as its Cyrillic letters, and says the letters are Cyrillic', async () => {
    const browser = new TestBrowser(app);
    const start = await browser.go('GET', '/en/sign-in/national');
    assert.match(start.response.body, /2 Cyrillic letters and 8 digits/);
    const mn = await browser.request('GET', `/mn/login/${uidOf(start.url)}`);
    assert.match(mn.body, /Кирилл 2 үсэг, 8 оронтой тоо/);
    const uid = uidOf(start.url);
    const typed = await browser.request('POST', `/en/login/${uid}`, { registerNumber: 'ub 9005 1428' });
    assert.equal(typed.statusCode, 303, typed.body.slice(0, 300));
    const attempt = await app.ctx.db.query<{ register_number: string }>('SELECT register_number FROM identity.login_attempts WHERE uid = $1', [uid]);
    assert.equal(attempt.rows[0]?.register_number, CITIZEN);
  });

  it('answers a number in the register, one not in it and a child’s alike at the first step, counts each alike, and texts only the adult', async () => {
    const { rows } = await app.ctx.db.query<{ key: string; mobile: string | null }>(`SELECT key, content->>'mobile' AS mobile FROM registries.records WHERE registry_id = 'population' ORDER BY content->>'birthDate' DESC LIMIT 1`);
    const child = rows[0]!;
    assert.ok(ageOn((await app.identity.identity.deps.person(child.key))!.birthDate, new Date()) < 16, 'the youngest person is a child');
    const numbers = { adult: CITIZEN, unknown: 'ЯЯ99123199', child: child.key };
    await app.ctx.db.query(`DELETE FROM messaging.outbox WHERE purpose = 'identity.login-code'`);
    const seen: Record<string, { status: number; methods: string; codeStep: string }> = {};
    for (const [who, registerNumber] of Object.entries(numbers)) {
      const browser = new TestBrowser(app, 'TestBrowser/1.0', '10.1.1.1');
      const start = await browser.go('GET', '/en/sign-in/national');
      const uid = uidOf(start.url);
      const first = await browser.request('POST', `/en/login/${uid}`, { registerNumber });
      const methods = await browser.go('GET', String(first.headers.location));
      const codeStep = await browser.go('POST', `/en/login/${uid}/methods`, { method: 'sms' });
      const same = (html: string) => html.replaceAll(uid, 'UID').replace(/name="_csrf" value="[^"]*"/g, '').replace(/nonce="[^"]*"/g, '');
      seen[who] = { status: first.statusCode, methods: same(methods.response.body), codeStep: same(codeStep.response.body) };
    }
    assert.equal(seen.adult!.status, 303);
    for (const who of ['unknown', 'child']) {
      assert.equal(seen[who]!.status, seen.adult!.status, who);
      assert.equal(seen[who]!.methods, seen.adult!.methods, `${who}: the same choices`);
      assert.equal(seen[who]!.codeStep, seen.adult!.codeStep, `${who}: the same code step`);
    }
    // Nothing there tells the mobile number, and the code step says plainly when no code will come.
    assert.doesNotMatch(seen.adult!.codeStep, /••/);
    assert.match(seen.adult!.codeStep, /No code will come if the register holds no mobile number for you, if you are under 16/);
    const texted = await app.ctx.db.query<{ recipient: string }>(`SELECT recipient FROM messaging.outbox WHERE purpose = 'identity.login-code'`);
    const adultMobile = (await app.identity.identity.deps.person(CITIZEN))!.mobile!;
    assert.deepEqual(texted.rows.map((row) => row.recipient), [adultMobile], 'only the adult is texted');
    // Each of the three tries counted the same against the address.
    const counted = await app.ctx.db.query<{ failures: number }>(`SELECT failures FROM identity.lockouts WHERE key = 'start:10.1.1.1'`);
    assert.equal(counted.rows[0]?.failures, 3);
  });

  it('slows an attacker guessing codes from one address, not the person signing in from another', async () => {
    const attacker = new TestBrowser(app, 'TestBrowser/1.0', '10.6.6.6');
    const start = await attacker.go('GET', '/en/sign-in/national');
    const uid = uidOf(start.url);
    await attacker.request('POST', `/en/login/${uid}`, { registerNumber: CITIZEN });
    await attacker.request('POST', `/en/login/${uid}/methods`, { method: 'sms' });
    const key = `person:sms:${CITIZEN}:10.6.6.6`;
    const waitOf = async () => {
      const { rows } = await app.ctx.db.query<{ wait: number | null }>(`SELECT extract(epoch FROM locked_until - now())::float AS wait FROM identity.lockouts WHERE key = $1`, [key]);
      return rows[0]?.wait ?? null;
    };
    const waits: number[] = [];
    let answer = '';
    for (let guess = 1; guess <= 9; guess += 1) {
      const response = await attacker.request('POST', `/en/login/${uid}/sms`, { code: '000000' });
      answer = response.body;
      const wait = await waitOf();
      if (guess <= 3) assert.equal(wait, null, `no wait after ${guess} failures`);
      else {
        assert.equal(response.statusCode, 429);
        waits.push(Math.round(wait!));
        // The attacker waits it out (the clock is moved on), and asks for a new code once one is spent.
        await app.ctx.db.query(`UPDATE identity.lockouts SET locked_until = now() WHERE key = $1`, [key]);
        if (/Too many wrong codes|Ask for a new one/.test(answer) || guess % 5 === 0) await attacker.request('POST', `/en/login/${uid}/sms/resend`, {});
      }
    }
    assert.deepEqual(waits, [1, 2, 4, 8, 16, 32], 'the wait doubles after the third failure');
    assert.match(answer, /Too many failed attempts. Wait \d+ s before trying again, or choose another way to sign in/);
    // Refused while waiting, with the wait in the person's language.
    await app.ctx.db.query(`UPDATE identity.lockouts SET locked_until = now() + interval '64 seconds' WHERE key = $1`, [key]);
    const mongolian = await attacker.request('POST', `/mn/login/${uid}/sms`, { code: '000000' });
    assert.equal(mongolian.statusCode, 429);
    assert.match(mongolian.body, /Амжилтгүй оролдлого олон байлаа\. 6[34] секундын дараа дахин оролдоно уу/);
    // The attacker's other ways stay open (a QR code proves nothing without the person's phone).
    const qr = await attacker.request('POST', `/en/login/${uid}/methods`, { method: 'qr' });
    assert.equal(qr.statusCode, 303);
    // The person, from her own address, signs in at once.
    const person = new TestBrowser(app, 'TestBrowser/1.0', '10.2.2.2');
    const signedIn = await signInWithCode(person, '/en/sign-in/national');
    assert.match(signedIn.url, new RegExp(`/en/login/${signedIn.uid}/acting$`));
  });

  it('lets the demo citizen sign in again and again in a demonstration', async () => {
    for (let round = 0; round < 7; round += 1) {
      const browser = new TestBrowser(app);
      const signedIn = await signInWithCode(browser, '/en/sign-in/national');
      assert.match(signedIn.url, /\/acting$/, `sign-in ${round + 1}`);
    }
  });
});
