// Signing in with a QR code approved on a phone: devices with their own keys, the approval's
// checks (the right person, a valid signature, once, in time) and the waiting page with and
// without JavaScript.
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { browserSkipReason, journeyChecks, launch } from '../../../test/browser/browser.ts';
import { form, testApp, type TestApp } from '../../../test/helpers.ts';
import { SESSION_COOKIE, encodeSession, type Principal } from '../../kernel/auth.ts';
import { seedPeople } from '../exchange/test-fixtures.ts';
import { DEMO_CITIZEN } from '../registries/index.ts';
import { TestBrowser, uidOf } from './test-fixtures.ts';

const phone: Principal = { id: 'phone-demo', name: 'Сарангэрэл', kind: 'citizen', roles: ['citizen'], agencyId: null, registerNumber: DEMO_CITIZEN.registerNumber };
const stranger: Principal = { id: 'phone-stranger', name: 'Бат', kind: 'citizen', roles: ['citizen'], agencyId: null, registerNumber: 'УБ85010112' };

interface Device {
  deviceId: string;
  privateKey: KeyObject;
}

describe('QR sign-in', () => {
  let app: TestApp;

  before(async () => {
    app = await testApp({ seed: false });
    await seedPeople(app, 20);
  });
  after(async () => app.close());

  async function registerDevice(who: Principal, name = 'My phone'): Promise<Device> {
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const response = await app.as(who, { method: 'POST', url: '/api/v1/identity/devices', payload: { name, publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString() } });
    assert.equal(response.statusCode, 201, response.body);
    return { deviceId: response.json<{ deviceId: string }>().deviceId, privateKey: pair.privateKey };
  }

  /** A browser at the QR waiting page, and the id its QR code carries. */
  async function startQr(registerNumber = DEMO_CITIZEN.registerNumber) {
    const browser = new TestBrowser(app);
    const start = await browser.go('GET', '/en/sign-in/national');
    const uid = uidOf(start.url);
    await browser.go('POST', `/en/login/${uid}`, { registerNumber });
    const { response, url } = await browser.go('POST', `/en/login/${uid}/methods`, { method: 'qr' });
    assert.equal(new URL(url).pathname, `/en/login/${uid}/qr`);
    assert.equal(response.statusCode, 200, response.body);
    const id = /\/en\/app\/approve\/([0-9a-f-]{36})/.exec(response.body)?.[1];
    assert.ok(id, 'the page shows the approval address');
    return { browser, uid, id, page: response };
  }

  async function challengeOf(who: Principal, id: string) {
    const response = await app.as(who, { method: 'GET', url: `/api/v1/identity/qr/${id}` });
    assert.equal(response.statusCode, 200, response.body);
    return response.json<{ challenge: string; confirmCode: string; client: string; status: string }>();
  }

  const signature = (device: Device, challenge: string) => sign('sha256', Buffer.from(challenge, 'utf8'), { key: device.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url');

  const approve = (who: Principal, id: string, body: Record<string, string>) => app.as(who, { method: 'POST', url: `/api/v1/identity/qr/${id}/approve`, payload: body });

  /** Follows the waiting page to the end of the sign-in, choosing "myself" if asked whom to act for. */
  async function finish(browser: TestBrowser, uid: string) {
    let { response, url } = await browser.go('GET', `/en/login/${uid}/qr?check=1`);
    if (new URL(url).pathname === `/en/login/${uid}/acting`) ({ response, url } = await browser.go('POST', `/en/login/${uid}/acting`, { actingFor: 'self' }));
    return { response, url };
  }

  it('registers a device with an ECDSA P-256 public key, and refuses other keys', async () => {
    const device = await registerDevice(phone);
    const list = await app.as(phone, { method: 'GET', url: '/api/v1/identity/devices' });
    assert.equal(list.statusCode, 200);
    assert.ok(list.json<{ items: { id: string }[] }>().items.some((item) => item.id === device.deviceId));

    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const refused = await app.as(phone, { method: 'POST', url: '/api/v1/identity/devices', payload: { name: 'RSA', publicKeyPem: rsa } });
    assert.equal(refused.statusCode, 400);
    assert.equal(refused.json<{ code: string }>().code, 'DEVICE_KEY_INVALID');

    const privatePem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const secret = await app.as(phone, { method: 'POST', url: '/api/v1/identity/devices', payload: { name: 'Oops', publicKeyPem: privatePem } });
    assert.equal(secret.statusCode, 400, 'a private key is never taken in');

    const nobody = await app.as(null, { method: 'POST', url: '/api/v1/identity/devices', payload: { name: 'x', publicKeyPem: rsa } });
    assert.equal(nobody.statusCode, 401);
  });

  it('completes the sign-in when a registered device signs the challenge', async () => {
    const device = await registerDevice(phone);
    const { browser, uid, id, page } = await startQr();
    const shown = /id="confirm-number">(\d{2})</.exec(page.body)?.[1];
    assert.ok(shown, 'the page shows a two-digit number');
    assert.match(page.body, /<svg[^>]+role="img"[^>]+aria-label="[^"]+"/);

    const asked = await challengeOf(phone, id);
    assert.equal(asked.confirmCode, shown, 'the phone shows the same number');
    assert.equal(asked.status, 'pending');

    const phonePage = await app.as(phone, { method: 'GET', url: `/en/app/approve/${id}` });
    assert.equal(phonePage.statusCode, 200);
    assert.ok(phonePage.body.includes(`id="confirm-number">${shown}<`));
    assert.ok(phonePage.body.includes('Public service portal'), 'the phone names the service asking');

    const pending = await browser.request('GET', `/api/v1/identity/qr/${id}/status`);
    assert.equal(pending.json<{ status: string }>().status, 'pending');

    const approved = await approve(phone, id, { deviceId: device.deviceId, signature: signature(device, asked.challenge) });
    assert.equal(approved.statusCode, 200, approved.body);

    const status = await browser.request('GET', `/api/v1/identity/qr/${id}/status`);
    assert.equal(status.json<{ status: string }>().status, 'approved');

    const { response, url } = await finish(browser, uid);
    assert.equal(new URL(url).pathname, '/en/my', browser.visited.join('\n'));
    assert.equal(response.statusCode, 200);
    assert.ok(browser.visited.includes('GET /auth/callback'));
    const my = await browser.go('GET', '/en/my');
    assert.equal(my.response.statusCode, 200);

    const { rows } = await app.ctx.db.query<{ method: string; outcome: string }>(`SELECT method, outcome FROM identity.login_events WHERE register_number = $1 ORDER BY id DESC LIMIT 1`, [DEMO_CITIZEN.registerNumber]);
    assert.deepEqual(rows[0], { method: 'qr', outcome: 'success' });
    const { rows: used } = await app.ctx.db.query<{ last_used_at: Date | null }>('SELECT last_used_at FROM identity.devices WHERE id = $1', [device.deviceId]);
    assert.ok(used[0]?.last_used_at);
  });

  it('refuses an approval by someone other than the person signing in', async () => {
    const strangerDevice = await registerDevice(stranger);
    const { id } = await startQr();
    const asked = await app.as(stranger, { method: 'GET', url: `/api/v1/identity/qr/${id}` });
    assert.equal(asked.statusCode, 403);
    assert.equal(asked.json<{ code: string }>().code, 'LOGIN_QR_WRONG_PERSON');
    assert.ok(!asked.body.includes('challenge'), 'nothing of the sign-in is told');

    const { rows } = await app.ctx.db.query<{ challenge: string }>('SELECT challenge FROM identity.qr_logins WHERE id = $1', [id]);
    const response = await approve(stranger, id, { deviceId: strangerDevice.deviceId, signature: signature(strangerDevice, rows[0]!.challenge) });
    assert.equal(response.statusCode, 403);
    assert.equal(response.json<{ code: string }>().code, 'LOGIN_QR_WRONG_PERSON');

    const page = await app.as(stranger, { method: 'GET', url: `/en/app/approve/${id}`, headers: { accept: 'text/html' } });
    assert.equal(page.statusCode, 403);
    const post = await app.as(stranger, { method: 'POST', url: `/en/app/approve/${id}`, ...form({ decision: 'approve' }, app.csrf) });
    assert.equal(post.statusCode, 403);

    // Acting for the person is not being them: the one at the keyboard is who approves.
    const proxy: Principal = { ...stranger, registerNumber: DEMO_CITIZEN.registerNumber, actorRegisterNumber: stranger.registerNumber!, actingFor: { kind: 'person', registerNumber: DEMO_CITIZEN.registerNumber, name: 'x', basis: 'attorney' } };
    const byProxy = await app.as(proxy, { method: 'POST', url: `/en/app/approve/${id}`, ...form({ decision: 'approve' }, app.csrf) });
    assert.equal(byProxy.statusCode, 403);
    assert.equal((await challengeOf(phone, id)).status, 'pending');
  });

  it('refuses a bad signature, another key, and a removed device', async () => {
    const device = await registerDevice(phone);
    const other = await registerDevice(phone, 'Old phone');
    const { id } = await startQr();
    const asked = await challengeOf(phone, id);

    const wrongChallenge = await approve(phone, id, { deviceId: device.deviceId, signature: signature(device, `${asked.challenge}x`) });
    assert.equal(wrongChallenge.statusCode, 400);
    assert.equal(wrongChallenge.json<{ code: string }>().code, 'LOGIN_SIGNATURE_INVALID');

    const otherKey = await approve(phone, id, { deviceId: device.deviceId, signature: signature(other, asked.challenge) });
    assert.equal(otherKey.statusCode, 400);

    const der = sign('sha256', Buffer.from(asked.challenge), { key: device.privateKey, dsaEncoding: 'der' }).toString('base64url');
    assert.equal((await approve(phone, id, { deviceId: device.deviceId, signature: der })).statusCode, 400, 'only the documented encoding');
    assert.equal((await approve(phone, id, { deviceId: device.deviceId, signature: 'not a signature!' })).statusCode, 400);

    const strangerDevice = await registerDevice(stranger);
    const notMine = await approve(phone, id, { deviceId: strangerDevice.deviceId, signature: signature(strangerDevice, asked.challenge) });
    assert.equal(notMine.statusCode, 403);
    assert.equal(notMine.json<{ code: string }>().code, 'DEVICE_UNKNOWN');

    const removed = await app.as(phone, { method: 'POST', url: `/api/v1/identity/devices/${other.deviceId}/revoke`, payload: {} });
    assert.equal(removed.statusCode, 200);
    const byRemoved = await approve(phone, id, { deviceId: other.deviceId, signature: signature(other, asked.challenge) });
    assert.equal(byRemoved.statusCode, 403);
    assert.equal(byRemoved.json<{ code: string }>().code, 'DEVICE_UNKNOWN');

    assert.equal((await challengeOf(phone, id)).status, 'pending', 'nothing was approved');
  });

  it('refuses a replayed approval', async () => {
    const device = await registerDevice(phone);
    const { browser, uid, id } = await startQr();
    const asked = await challengeOf(phone, id);
    const body = { deviceId: device.deviceId, signature: signature(device, asked.challenge) };
    assert.equal((await approve(phone, id, body)).statusCode, 200);

    const again = await approve(phone, id, body);
    assert.equal(again.statusCode, 409);
    assert.equal(again.json<{ code: string }>().code, 'LOGIN_QR_DECIDED');
    const refuse = await app.as(phone, { method: 'POST', url: `/api/v1/identity/qr/${id}/refuse` });
    assert.equal(refuse.statusCode, 409, 'a decision is not changed');

    await finish(browser, uid);
    const afterUse = await approve(phone, id, body);
    assert.equal(afterUse.statusCode, 409);
    const pagePost = await app.as(phone, { method: 'POST', url: `/en/app/approve/${id}`, ...form({ decision: 'approve' }, app.csrf) });
    assert.equal(pagePost.statusCode, 409);
    assert.match(pagePost.body, /already been approved or refused/);
  });

  it('refuses an expired code and offers a new one', async () => {
    const device = await registerDevice(phone);
    const { browser, uid, id } = await startQr();
    const asked = await challengeOf(phone, id);
    await app.ctx.db.query(`UPDATE identity.qr_logins SET expires_at = now() - interval '1 second' WHERE id = $1`, [id]);

    const late = await approve(phone, id, { deviceId: device.deviceId, signature: signature(device, asked.challenge) });
    assert.equal(late.statusCode, 410);
    assert.equal(late.json<{ code: string }>().code, 'LOGIN_QR_EXPIRED');

    const waiting = await browser.request('GET', `/en/login/${uid}/qr?check=1`);
    assert.equal(waiting.statusCode, 410);
    assert.match(waiting.body, /The QR code has expired/);
    assert.match(waiting.body, /Make a new QR code/);

    const fresh = await browser.go('POST', `/en/login/${uid}/qr/new`, {});
    assert.equal(fresh.response.statusCode, 200);
    const newId = /\/en\/app\/approve\/([0-9a-f-]{36})/.exec(fresh.response.body)?.[1];
    assert.ok(newId && newId !== id);
  });

  it('works with JavaScript off: the continue button checks again; approval on the phone page needs no key', async () => {
    const { browser, uid, id, page } = await startQr();
    const nonce = /nonce-([^']+)'/.exec(String(page.headers['content-security-policy']))?.[1];
    assert.ok(nonce && page.body.includes(`<script nonce="${nonce}">`), 'the polling script carries this response’s nonce');
    assert.ok(page.body.includes(`href="/en/login/${uid}/qr?check=1"`), 'a plain link does the same without JavaScript');

    const early = await browser.request('GET', `/en/login/${uid}/qr?check=1`);
    assert.equal(early.statusCode, 200);
    assert.match(early.body, /has not approved this sign-in yet/);
    assert.ok(early.body.includes(`/en/app/approve/${id}`), 'the same code is shown again');

    const stranger = await app.as(null, { method: 'GET', url: `/api/v1/identity/qr/${id}/status` });
    assert.equal(stranger.statusCode, 400, 'only the waiting browser may poll');

    const decided = await app.as(phone, { method: 'POST', url: `/en/app/approve/${id}`, ...form({ decision: 'approve' }, app.csrf) });
    assert.equal(decided.statusCode, 303);
    const done = await app.as(phone, { method: 'GET', url: String(decided.headers.location) });
    assert.match(done.body, /You approved the sign-in/);

    const { response, url } = await finish(browser, uid);
    assert.equal(new URL(url).pathname, '/en/my');
    assert.equal(response.statusCode, 200);
    // Recorded as approved by session, so the sign-in does not claim a held key (amr hwk).
    const { rows } = await app.ctx.db.query<{ proof: string | null }>('SELECT proof FROM identity.qr_logins WHERE id = $1', [id]);
    assert.equal(rows[0]?.proof, 'session');
  });

  it('shows a refusal on the waiting page', async () => {
    const { browser, uid, id } = await startQr();
    const refused = await app.as(phone, { method: 'POST', url: `/en/app/approve/${id}`, ...form({ decision: 'refuse' }, app.csrf) });
    assert.equal(refused.statusCode, 303);
    const page = await browser.request('GET', `/en/login/${uid}/qr?check=1`);
    assert.equal(page.statusCode, 403);
    assert.match(page.body, /refused on your phone/);
  });

  it('lists and removes devices on the person’s page', async () => {
    const device = await registerDevice(phone, 'Kitchen tablet');
    const list = await app.as(phone, { method: 'GET', url: '/mn/my/devices' });
    assert.equal(list.statusCode, 200);
    assert.match(list.body, /Kitchen tablet/);
    const removed = await app.as(phone, { method: 'POST', url: '/en/my/devices', ...form({ revoke: device.deviceId }, app.csrf) });
    assert.equal(removed.statusCode, 303);
    const { rows } = await app.ctx.db.query<{ revoked_at: Date | null }>('SELECT revoked_at FROM identity.devices WHERE id = $1', [device.deviceId]);
    assert.ok(rows[0]?.revoked_at);
    const notTheirs = await app.as(stranger, { method: 'POST', url: '/en/my/devices', ...form({ revoke: device.deviceId }, app.csrf) });
    assert.equal(notTheirs.statusCode, 404);
  });
});

// The same journey in a real browser, as a person sees it: axe-core on every page, the waiting
// page moving on by itself with JavaScript, and the phone page signing with a key it made itself.
describe('QR sign-in in a browser', { skip: browserSkipReason() }, () => {
  let app: TestApp;
  let browser: Browser;
  let base: string;
  const { context, accessible } = journeyChecks(() => browser);

  before(async () => {
    // The sign-in redirects through the configured address, so the app must be served at it.
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as AddressInfo;
        probe.close(() => resolve(free));
      });
    });
    base = `http://127.0.0.1:${port}`;
    app = await testApp({ seed: false, config: { baseUrl: base } });
    await seedPeople(app, 20);
    await app.server.listen({ port, host: '127.0.0.1' });
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  async function phoneTab(javaScriptEnabled: boolean) {
    const tab = await context(javaScriptEnabled);
    await tab.addCookies([{ name: SESSION_COOKIE, value: encodeSession(app.config.sessionSecret, phone), url: base }]);
    return tab.newPage();
  }

  async function waitingPage(javaScriptEnabled: boolean) {
    const page = await (await context(javaScriptEnabled)).newPage();
    await page.goto(`${base}/en/sign-in/national`);
    await page.fill('#registerNumber', DEMO_CITIZEN.registerNumber);
    await Promise.all([page.waitForURL(/\/methods$/), page.getByRole('button', { name: 'Continue' }).click()]);
    await page.check('#method-qr');
    await Promise.all([page.waitForURL(/\/qr$/), page.getByRole('button', { name: 'Continue' }).click()]);
    await accessible(page, `QR waiting page (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`);
    const approveUrl = (await page.locator('code').textContent())!.trim();
    return { page, approveUrl, id: approveUrl.split('/').pop()! };
  }

  it('with JavaScript: the phone registers its own key, signs the approval, and the waiting page moves on', async () => {
    const phonePage = await phoneTab(true);
    await phonePage.goto(`${base}/en/my/devices`);
    await accessible(phonePage, 'my devices');
    await phonePage.fill('#device-name', 'Browser phone');
    await phonePage.getByRole('button', { name: 'Use this phone' }).click();
    await phonePage.locator('[data-device-id]', { hasText: 'Browser phone (this phone)' }).waitFor();
    await accessible(phonePage, 'my devices with one');

    const { page, approveUrl, id } = await waitingPage(true);
    assert.match((await page.locator('#qr-live').textContent()) ?? '', /moves on by itself/);
    await phonePage.goto(approveUrl);
    await accessible(phonePage, 'approve on the phone');
    await phonePage.getByRole('button', { name: 'Approve' }).click();
    await phonePage.getByRole('heading', { name: 'You approved the sign-in' }).waitFor();
    await accessible(phonePage, 'approved on the phone');
    const { rows } = await app.ctx.db.query<{ proof: string | null }>('SELECT proof FROM identity.qr_logins WHERE id = $1', [id]);
    assert.equal(rows[0]?.proof, 'device', 'the phone signed with its key');

    await page.waitForURL(/\/en\/login\/[^/]+\/acting$|\/en\/my$/, { timeout: 15_000 });
    if (page.url().endsWith('/acting')) await Promise.all([page.waitForURL(/\/en\/my$/), page.getByRole('button', { name: 'Continue' }).click()]);
    assert.equal(new URL(page.url()).pathname, '/en/my');
  });

  it('without JavaScript: the phone approves by its session, the person continues by the button; expiry and refusal are clear', async () => {
    const { page, approveUrl, id } = await waitingPage(false);
    await Promise.all([page.waitForURL(/check=1/), page.getByRole('button', { name: 'I have approved it – continue' }).click()]);
    await accessible(page, 'QR not approved yet');

    const phonePage = await phoneTab(false);
    await phonePage.goto(approveUrl);
    await phonePage.getByRole('button', { name: 'Approve' }).click();
    await phonePage.getByRole('heading', { name: 'You approved the sign-in' }).waitFor();
    await accessible(phonePage, 'approved on the phone (no JavaScript)');
    const { rows } = await app.ctx.db.query<{ proof: string | null }>('SELECT proof FROM identity.qr_logins WHERE id = $1', [id]);
    assert.equal(rows[0]?.proof, 'session');
    await page.getByRole('button', { name: 'I have approved it – continue' }).click();
    await page.waitForURL(/\/en\/login\/[^/]+\/acting$|\/en\/my$/);
    if (page.url().endsWith('/acting')) await Promise.all([page.waitForURL(/\/en\/my$/), page.getByRole('button', { name: 'Continue' }).click()]);
    assert.equal(new URL(page.url()).pathname, '/en/my');

    const second = await waitingPage(false);
    await app.ctx.db.query(`UPDATE identity.qr_logins SET expires_at = now() - interval '1 second' WHERE id = $1`, [second.id]);
    await second.page.getByRole('button', { name: 'I have approved it – continue' }).click();
    await second.page.getByRole('heading', { name: 'The QR code has expired' }).waitFor();
    await accessible(second.page, 'QR expired');
    await Promise.all([second.page.waitForURL(/\/qr$/), second.page.getByRole('button', { name: 'Make a new QR code' }).click()]);
    const freshUrl = (await second.page.locator('code').textContent())!.trim();
    await phonePage.goto(freshUrl);
    await phonePage.getByRole('button', { name: 'Refuse – this was not me' }).click();
    await phonePage.getByRole('heading', { name: 'You refused the sign-in' }).waitFor();
    await accessible(phonePage, 'refused on the phone');
    await second.page.getByRole('button', { name: 'I have approved it – continue' }).click();
    await second.page.getByRole('heading', { name: 'The sign-in was refused on your phone' }).waitFor();
    await accessible(second.page, 'QR refused');
  });
});
