// Sign-in starts on BASE_URL's host, so the national login's return finds the sign-in's cookie.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testApp, type TestApp } from '../../../test/helpers.ts';

describe('sign-in on another loopback name than BASE_URL', () => {
  let app: TestApp;
  before(async () => {
    app = await testApp({ seed: false, config: { baseUrl: 'http://localhost:3000' } });
  });
  after(async () => app.close());

  it('moves to BASE_URL before the sign-in starts, keeping where to return', async () => {
    const moved = await app.server.inject({ url: '/mn/sign-in/national?returnTo=/mn/my/account', headers: { host: '127.0.0.1:3000' } });
    assert.equal(moved.statusCode, 302);
    assert.equal(moved.headers.location, 'http://localhost:3000/mn/sign-in/national?returnTo=/mn/my/account');
    assert.doesNotMatch(String(moved.headers['set-cookie'] ?? ''), /urtuu_rp=/, 'no sign-in cookie on the other host');
    const started = await app.server.inject({ url: '/mn/sign-in/national?returnTo=/mn/my/account', headers: { host: 'localhost:3000' } });
    assert.equal(started.statusCode, 303);
    assert.match(String(started.headers['set-cookie']), /urtuu_rp=/);
  });

  it('leaves other hosts alone (a proxy in front may use its own)', async () => {
    const behindProxy = await app.server.inject({ url: '/mn/sign-in/national', headers: { host: 'portal.internal:8080' } });
    assert.equal(behindProxy.statusCode, 303);
  });
});
