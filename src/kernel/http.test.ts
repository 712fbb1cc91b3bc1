import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { form, testApp, type TestApp } from '../../test/helpers.ts';
import { encodeSession, decodeSession } from './auth.ts';

describe('kernel HTTP', () => {
  let app: TestApp;
  before(async () => {
    app = await testApp({ seed: false });
  });
  after(async () => app.close());

  it('answers /healthz from memory and /readyz from the database', async () => {
    const health = await app.server.inject({ url: '/healthz' });
    assert.equal(health.statusCode, 200);
    assert.deepEqual(health.json(), { status: 'ok' });
    const ready = await app.server.inject({ url: '/readyz' });
    assert.equal(ready.statusCode, 200);
    assert.equal(ready.json().status, 'ok');
  });

  it('exposes Prometheus metrics by route template', async () => {
    await app.server.inject({ url: '/mn/services/some-missing-service' });
    const metrics = await app.server.inject({ url: '/metrics' });
    assert.equal(metrics.statusCode, 200);
    assert.match(metrics.headers['content-type'] as string, /text\/plain/);
    assert.match(metrics.body, /http_request_duration_seconds_bucket\{.*route="\/mn\/services\/:slug"/);
    assert.doesNotMatch(metrics.body, /some-missing-service/);
  });

  it('sets security headers with a fresh CSP nonce per response', async () => {
    const first = await app.server.inject({ url: '/mn/accessibility' });
    const second = await app.server.inject({ url: '/mn/accessibility' });
    const csp = first.headers['content-security-policy'] as string;
    assert.match(csp, /script-src 'self' 'nonce-[A-Za-z0-9+/=]+'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.notEqual(csp, second.headers['content-security-policy']);
    const nonce = /nonce-([^']+)/.exec(csp)?.[1];
    assert.ok(first.body.includes(`nonce="${nonce}"`), 'the inline script carries the nonce');
    assert.equal(first.headers['x-content-type-options'], 'nosniff');
    assert.equal(first.headers['x-frame-options'], 'DENY');
  });

  it('echoes a well-formed request id and replaces a malformed one', async () => {
    const kept = await app.server.inject({ url: '/healthz', headers: { 'x-request-id': 'abc-123-def-456' } });
    assert.equal(kept.headers['x-request-id'], 'abc-123-def-456');
    const replaced = await app.server.inject({ url: '/healthz', headers: { 'x-request-id': 'bad id\u0000<script>' } });
    assert.match(replaced.headers['x-request-id'] as string, /^[0-9a-f-]{36}$/);
  });

  it('sends / to the language from the cookie or Accept-Language, Mongolian by default', async () => {
    assert.equal((await app.server.inject({ url: '/' })).headers.location, '/mn');
    assert.equal((await app.server.inject({ url: '/', headers: { 'accept-language': 'en-US,en;q=0.9' } })).headers.location, '/en');
    assert.equal((await app.server.inject({ url: '/', cookies: { lang: 'en' }, headers: { 'accept-language': 'mn' } })).headers.location, '/en');
  });

  it('remembers the language of a page in a cookie', async () => {
    const response = await app.server.inject({ url: '/en/accessibility' });
    const cookie = response.cookies.find((c) => c.name === 'lang');
    assert.equal(cookie?.value, 'en');
  });

  it('shows the not-found page in the language of the URL', async () => {
    const mn = await app.server.inject({ url: '/mn/no-such-page' });
    assert.equal(mn.statusCode, 404);
    assert.match(mn.body, /Хуудас олдсонгүй/);
    assert.match(mn.body, /<html lang="mn"/);
    const en = await app.server.inject({ url: '/en/no-such-page' });
    assert.equal(en.statusCode, 404);
    assert.match(en.body, /Page not found/);
  });

  it('answers unknown API paths with problem details', async () => {
    const response = await app.server.inject({ url: '/api/v1/nothing?lang=en' });
    assert.equal(response.statusCode, 404);
    assert.match(response.headers['content-type'] as string, /application\/problem\+json/);
    assert.equal(response.json().code, 'NOT_FOUND');
    assert.equal(response.json().detail, 'Page not found.');
  });

  it('answers a malformed URL with a 400 problem, not a 500', async () => {
    const response = await app.server.inject({ url: '/mn/services/%E0%A4%A' });
    assert.ok(response.statusCode === 400 || response.statusCode === 404, `got ${response.statusCode}`);
  });

  it('refuses a form post without the CSRF token', async () => {
    const response = await app.as('dev-citizen', { method: 'POST', url: '/en/sign-out', ...form({}) });
    assert.equal(response.statusCode, 403);
    assert.match(response.body, /The form has expired/);
    const ok = await app.as('dev-citizen', { method: 'POST', url: '/en/sign-out', ...form({}, app.csrf) });
    assert.equal(ok.statusCode, 303);
  });

  it('rejects forged, tampered and expired sessions', () => {
    const secret = app.config.sessionSecret;
    const principal = { id: 'p', name: 'P', kind: 'citizen' as const, roles: ['citizen' as const], agencyId: null };
    const cookie = encodeSession(secret, principal);
    assert.equal(decodeSession(secret, cookie)?.id, 'p');
    assert.equal(decodeSession('another-secret-another-secret-xx', cookie), undefined);
    const [body, signature] = cookie.split('.');
    const forged = Buffer.from(JSON.stringify({ principal: { ...principal, roles: ['platform-admin'] }, exp: 9e9 })).toString('base64url');
    assert.equal(decodeSession(secret, `${forged}.${signature}`), undefined);
    assert.equal(decodeSession(secret, `${body}`), undefined);
    assert.equal(decodeSession(secret, encodeSession(secret, principal, Date.now() - 9 * 3600_000)), undefined);
  });

  it('keeps the development sign-in off unless enabled', async () => {
    const closed = await testApp({ seed: false, devLogin: false });
    try {
      // Signing in is then the national login.
      const response = await closed.server.inject({ url: '/en/sign-in?returnTo=/en/my' });
      assert.equal(response.statusCode, 303);
      assert.equal(response.headers.location, '/en/sign-in/national?returnTo=%2Fen%2Fmy');
      const post = await closed.as(null, { method: 'POST', url: '/en/sign-in', ...form({ persona: 'dev-platform-admin' }, closed.csrf) });
      assert.equal(post.statusCode, 404);
      assert.equal(post.cookies.find((c) => c.name === 'urtuu_session'), undefined);
    } finally {
      await closed.close();
    }
  });

  it('signs in with the development sign-in and refuses open redirects', async () => {
    const response = await app.as(null, { method: 'POST', url: '/en/sign-in', ...form({ persona: 'dev-platform-admin', returnTo: '//evil.example/x' }, app.csrf) });
    assert.equal(response.statusCode, 303);
    assert.equal(response.headers.location, '/en/admin');
    const session = response.cookies.find((c) => c.name === 'urtuu_session');
    assert.ok(session?.httpOnly);
    const back = await app.as(null, { method: 'POST', url: '/en/sign-in', ...form({ persona: 'dev-citizen', returnTo: '/en/search?q=x' }, app.csrf) });
    assert.equal(back.headers.location, '/en/search?q=x');
    const missing = await app.as(null, { method: 'POST', url: '/en/sign-in', ...form({ persona: 'nobody' }, app.csrf) });
    assert.equal(missing.statusCode, 400);
    assert.match(missing.body, /Choose who to sign in as/);
  });
});

describe('when the database is gone', () => {
  it('answers with a 500 or 503 page or problem in the right language, never a stack trace, and /readyz says so', async () => {
    const app = await testApp({ seed: true });
    try {
      await app.ctx.db.close();
      // A closed pool on PostgreSQL is a database out of reach (503, try again); a closed PGlite is an internal error.
      const page = await app.server.inject({ url: '/en/agencies' });
      assert.ok([500, 503].includes(page.statusCode), String(page.statusCode));
      assert.match(page.body, page.statusCode === 503 ? /Sorry, the service is unavailable just now/ : /Sorry, there is a problem with the service/);
      assert.match(page.body, /Request number: [0-9a-f-]{36}/);
      assert.doesNotMatch(page.body, /at .*\(.*:\d+:\d+\)|Error:.*closed|PGlite|pg_/i);
      const mn = await app.server.inject({ url: '/mn/agencies' });
      assert.match(mn.body, mn.statusCode === 503 ? /Уучлаарай, үйлчилгээ түр ажиллахгүй байна/ : /Уучлаарай, системд алдаа гарлаа/);
      const api = await app.server.inject({ url: '/api/v1/agencies?lang=en' });
      assert.equal(api.statusCode, page.statusCode);
      assert.equal(api.json().code, page.statusCode === 503 ? 'DATABASE_UNAVAILABLE' : 'INTERNAL');
      if (api.statusCode === 503) assert.equal(api.headers['retry-after'], '5');
      else assert.equal(api.json().detail, 'Something went wrong on our side. Please try again later.');
      assert.equal((await app.server.inject({ url: '/readyz' })).statusCode, 503);
    } finally {
      // The database is already closed; closing it again may complain, which does not matter here.
      await app.close().catch(() => {});
    }
  });
});
