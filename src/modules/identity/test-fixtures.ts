// A browser for tests of the national login: keeps cookies, follows redirects, and fills forms
// (with the CSRF token the test app's cookie goes with), through the app in process.
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import type { TestApp } from '../../../test/helpers.ts';
import { CSRF_COOKIE, SESSION_COOKIE } from '../../kernel/auth.ts';

export class TestBrowser {
  readonly cookies = new Map<string, string>();
  /** Pages seen, newest last. */
  readonly visited: string[] = [];

  /** `remoteAddress`: the address the requests come from, as the server sees it. */
  constructor(private readonly app: TestApp, private readonly userAgent = 'TestBrowser/1.0', private readonly remoteAddress = '127.0.0.1') {
    this.cookies.set(CSRF_COOKIE, 'test-csrf-cookie-value');
  }

  private remember(response: LightMyRequestResponse): void {
    for (const cookie of response.cookies as { name: string; value: string; maxAge?: number; expires?: Date }[]) {
      const gone = cookie.value === '' || (cookie.maxAge !== undefined && cookie.maxAge <= 0) || (cookie.expires !== undefined && cookie.expires.getTime() < Date.now());
      if (gone) this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
    }
  }

  /** One request, no redirects followed. */
  async request(method: 'GET' | 'POST', url: string, fields?: Record<string, string>): Promise<LightMyRequestResponse> {
    const target = new URL(url, this.app.config.baseUrl);
    const response = await this.app.server.inject({
      method,
      url: `${target.pathname}${target.search}`,
      cookies: Object.fromEntries(this.cookies),
      remoteAddress: this.remoteAddress,
      headers: { host: target.host, 'user-agent': this.userAgent, accept: 'text/html', ...(fields ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      ...(fields ? { payload: new URLSearchParams({ _csrf: this.app.csrfFor(this.cookies.get(SESSION_COOKIE)), ...fields }).toString() } : {}),
    });
    this.remember(response);
    this.visited.push(`${method} ${target.pathname}`);
    return response;
  }

  /** Follows redirects within this app; stops at a page, an error or a redirect elsewhere. Returns the last response and its URL. */
  async go(method: 'GET' | 'POST', url: string, fields?: Record<string, string>): Promise<{ response: LightMyRequestResponse; url: string }> {
    let response = await this.request(method, url, fields);
    let current = new URL(url, this.app.config.baseUrl).href;
    for (let hops = 0; hops < 15 && response.statusCode >= 300 && response.statusCode < 400; hops += 1) {
      const next = new URL(String(response.headers.location), current);
      if (next.origin !== new URL(this.app.config.baseUrl).origin) return { response, url: next.href };
      current = next.href;
      response = await this.request('GET', current);
    }
    return { response, url: current };
  }
}

/** The last sign-in code the development SMS provider "sent" to a number. */
export async function lastCode(app: TestApp, mobile: string): Promise<string> {
  const { rows } = await app.ctx.db.query<{ body: string }>(`SELECT body FROM messaging.outbox WHERE recipient = $1 AND purpose = 'identity.login-code' ORDER BY created_at DESC LIMIT 1`, [mobile]);
  const code = /(\d{6})/.exec(rows[0]?.body ?? '')?.[1];
  assert.ok(code, `a code was sent to ${mobile}`);
  return code;
}

/** The uid in a /{lang}/login/{uid}... page URL. */
export function uidOf(url: string): string {
  const uid = /\/login\/([^/?]+)/.exec(url)?.[1];
  assert.ok(uid, `a sign-in page: ${url}`);
  return uid;
}
