// The OpenID provider's own answers (its error pages, the sign-out confirmation, a form_post
// callback) carry the site's Content-Security-Policy with a fresh nonce, like every other page.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { testApp, type TestApp } from '../../../test/helpers.ts';

const policyOf = (response: LightMyRequestResponse) => String(response.headers['content-security-policy'] ?? '');
const directive = (policy: string, name: string) => policy.split(';').map((part) => part.trim()).find((part) => part.startsWith(`${name} `)) ?? '';

describe('the OpenID provider pages', () => {
  let app: TestApp;
  before(async () => {
    app = await testApp({ seed: false });
  });
  after(async () => app.close());

  it('sends its error page with the site policy and a fresh nonce', async () => {
    const first = await app.server.inject({ url: '/oidc/auth?client_id=no-such-client&response_type=code&scope=openid', headers: { accept: 'text/html' } });
    const second = await app.server.inject({ url: '/oidc/auth?client_id=no-such-client&response_type=code&scope=openid', headers: { accept: 'text/html' } });
    assert.match(String(first.headers['content-type']), /html/);
    assert.ok(first.statusCode >= 400 && first.statusCode < 500, `${first.statusCode}`);
    const policy = policyOf(first);
    assert.match(directive(policy, 'script-src'), /^script-src 'self' 'nonce-[A-Za-z0-9+/=]+'$/);
    for (const strict of ["default-src 'self'", "frame-ancestors 'none'", "base-uri 'none'", "object-src 'none'", "form-action 'self'"]) assert.ok(policy.includes(strict), `${strict} in ${policy}`);
    assert.notEqual(directive(policy, 'script-src'), directive(policyOf(second), 'script-src'));
    assert.equal(first.headers['x-frame-options'], 'DENY');
  });

  it('answers the bare prefix with a query as the provider\'s own not-found page, with the policy', async () => {
    const response = await app.server.inject({ url: '/oidc?q=a', headers: { accept: 'text/html' } });
    assert.equal(response.statusCode, 404);
    assert.match(policyOf(response), /script-src 'self' 'nonce-/);
  });

  it('sends the sign-out confirmation with the policy, posting only to ourselves', async () => {
    const response = await app.server.inject({ url: '/oidc/session/end', headers: { accept: 'text/html' } });
    assert.equal(response.statusCode, 200, response.body.slice(0, 200));
    assert.match(response.body, /<form[^>]*action="[^"]*\/oidc\/session\/end\/confirm"/);
    const policy = policyOf(response);
    assert.match(policy, /script-src 'self' 'nonce-/);
    assert.equal(directive(policy, 'form-action'), "form-action 'self'");
  });

  it('lets oidc-provider allow its form_post script by hash, and nothing else inline', async () => {
    const redirect = `${app.config.baseUrl}/auth/callback`;
    const response = await app.server.inject({ url: `/oidc/auth?client_id=urtuu-portal&response_type=code&scope=openid&response_mode=form_post&prompt=none&redirect_uri=${encodeURIComponent(redirect)}&code_challenge=${'a'.repeat(43)}&code_challenge_method=S256&state=s`, headers: { accept: 'text/html' } });
    assert.match(response.body, /<form method="post" action="[^"]*\/auth\/callback"/, response.body.slice(0, 300));
    const scriptSrc = directive(policyOf(response), 'script-src');
    assert.match(scriptSrc, /^script-src 'self' 'nonce-[^']+' 'sha256-[A-Za-z0-9+/=]+'$/);
  });
});
