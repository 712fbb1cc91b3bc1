// The form token is bound to the browser's CSRF cookie and to its session; every page post carries
// it whatever its body claims to be, and pages refuse bodies that are not forms.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { testApp, type TestApp } from '../../test/helpers.ts';
import { DEV_PERSONAS } from '../web/dev-sign-in.ts';
import { CSRF_COOKIE, SESSION_COOKIE, encodeSession } from './auth.ts';

const CSRF = 'a-browser-csrf-cookie';
const citizen = DEV_PERSONAS.find((persona) => persona.id === 'dev-citizen')!;

const tokenIn = (response: LightMyRequestResponse) => /name="_csrf" value="([^"]+)"/.exec(response.body)?.[1];
const formBody = (fields: Record<string, string>) => ({ payload: new URLSearchParams(fields).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });

describe('form tokens', () => {
  let app: TestApp;
  before(async () => {
    app = await testApp({ seed: false });
  });
  after(async () => app.close());

  const signOut = (session: string, options: { payload?: string; headers?: Record<string, string> }) =>
    app.server.inject({ method: 'POST', url: '/en/sign-out', cookies: { [CSRF_COOKIE]: CSRF, [SESSION_COOKIE]: session }, ...options });

  it('refuses a token from another session of the same browser, even of the same person', async () => {
    const first = encodeSession(app.config.sessionSecret, citizen);
    const second = encodeSession(app.config.sessionSecret, citizen);
    const page = await app.server.inject({ url: '/en/accessibility', cookies: { [CSRF_COOKIE]: CSRF, [SESSION_COOKIE]: first } });
    const token = tokenIn(page);
    assert.ok(token, 'the page carries a form token');
    const refused = await signOut(second, formBody({ _csrf: token }));
    assert.equal(refused.statusCode, 403);
    assert.match(refused.body, /The form has expired/);
    assert.equal((await signOut(first, formBody({ _csrf: token }))).statusCode, 303);
  });

  it('gives a new token on signing in: the one from before no longer works', async () => {
    const signInPage = await app.server.inject({ url: '/en/sign-in', cookies: { [CSRF_COOKIE]: CSRF } });
    const anonymous = tokenIn(signInPage);
    assert.ok(anonymous);
    const signedIn = await app.server.inject({ method: 'POST', url: '/en/sign-in', cookies: { [CSRF_COOKIE]: CSRF }, ...formBody({ _csrf: anonymous, persona: 'dev-citizen' }) });
    assert.equal(signedIn.statusCode, 303);
    const session = signedIn.cookies.find((cookie) => cookie.name === SESSION_COOKIE)?.value;
    assert.ok(session);
    assert.equal((await signOut(session, formBody({ _csrf: anonymous }))).statusCode, 403);
    const fresh = tokenIn(await app.server.inject({ url: '/en/accessibility', cookies: { [CSRF_COOKIE]: CSRF, [SESSION_COOKIE]: session } }));
    assert.ok(fresh && fresh !== anonymous);
    assert.equal((await signOut(session, formBody({ _csrf: fresh }))).statusCode, 303);
  });

  it('checks the token on a page post whatever its body, and refuses bodies a page does not take with 415', async () => {
    const session = encodeSession(app.config.sessionSecret, citizen);
    // Neither Origin nor Sec-Fetch-Site: what an old browser or a script sends.
    for (const [type, payload] of [['application/json', '{}'], ['text/plain', '_csrf=x'], ['application/xml', '<a/>']] as const) {
      const response = await signOut(session, { payload, headers: { 'content-type': type, accept: 'text/html' } });
      assert.equal(response.statusCode, 415, `${type}: ${response.statusCode}`);
      assert.match(response.body, new RegExp(`This content type is not accepted: ${type.replace('/', '\\/')}`));
      assert.equal(response.cookies.find((cookie) => cookie.name === SESSION_COOKIE), undefined, 'still signed in');
    }
    const mn = await app.server.inject({ method: 'POST', url: '/mn/sign-out', cookies: { [CSRF_COOKIE]: CSRF, [SESSION_COOKIE]: session }, payload: '{}', headers: { 'content-type': 'application/json' } });
    assert.equal(mn.statusCode, 415);
    assert.match(mn.body, /Энэ төрлийн мэдээллийг хүлээн авахгүй/);
    const bare = await signOut(session, {});
    assert.equal(bare.statusCode, 403, 'no body at all still needs the token');
  });

  it('leaves the JSON API to its own checks', async () => {
    const session = encodeSession(app.config.sessionSecret, citizen);
    const response = await app.server.inject({ method: 'POST', url: '/api/v1/me/consents/nonsense/withdraw', cookies: { [SESSION_COOKIE]: session } });
    assert.equal(response.statusCode, 404, response.body);
    const crossSite = await app.server.inject({ method: 'POST', url: '/api/v1/me/consents/nonsense/withdraw', cookies: { [SESSION_COOKIE]: session }, headers: { 'sec-fetch-site': 'cross-site' } });
    assert.equal(crossSite.statusCode, 403);
  });
});
