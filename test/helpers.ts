// Shared set-up for tests: an app on a fresh database (in-memory PGlite by default, a new
// PostgreSQL database per test file when DATABASE_URL is set), and signed-in requests.
import { createServer } from 'node:net';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp, type App } from '../src/app.ts';
import { CSRF_COOKIE, SESSION_COOKIE, csrfBinding, csrfTokenFor, encodeSession, type Principal } from '../src/kernel/auth.ts';
import { loadConfig, type Config } from '../src/kernel/config.ts';
import { seedCatalog } from '../src/modules/catalog/index.ts';
import { DEV_PERSONAS } from '../src/web/dev-sign-in.ts';
import { freshDatabase } from './fresh-database.ts';

export interface TestApp extends App {
  config: Config;
  /** Sends a request as `who` (a persona id, or a principal), with a valid CSRF cookie and token. */
  as(who: string | Principal | null, options: InjectOptions): Promise<LightMyRequestResponse>;
  /**
   * The CSRF form token that goes with the cookies `as` sends. It is bound to the session, so `as`
   * puts the signed-in session's own token wherever this one appears in the body or headers.
   */
  csrf: string;
  /** The form token for the test CSRF cookie and a given session cookie (none: not signed in). */
  csrfFor(sessionCookie?: string): string;
}

export interface TestAppOptions {
  seed?: boolean;
  synthetic?: number;
  devLogin?: boolean;
  config?: Partial<Config>;
}

/** Builds an app for tests. Call `close()` in an `after` hook. */
export async function testApp(options: TestAppOptions = {}): Promise<TestApp> {
  const postgres = process.env.DATABASE_URL ? await freshDatabase(process.env.DATABASE_URL, 'urtuu_test') : undefined;
  const config = loadConfig({ NODE_ENV: 'test' }, {
    inMemory: !postgres,
    databaseUrl: postgres?.url,
    devLogin: options.devLogin ?? true,
    baseUrl: 'http://localhost:3000',
    cacheTtlMs: 0,
    ...options.config,
  });
  const app = await buildApp(config);
  if (options.seed ?? true) await seedCatalog(app.ctx.db, { synthetic: options.synthetic ?? 0, demoUsage: true });
  const csrfCookie = 'test-csrf-cookie-value';
  const csrfFor = (sessionCookie?: string) => csrfTokenFor(config.sessionSecret, csrfCookie, csrfBinding(config.sessionSecret, sessionCookie));
  const csrf = csrfFor();
  return {
    ...app,
    config,
    csrf,
    csrfFor,
    async as(who, injectOptions) {
      const principal = typeof who === 'string' ? DEV_PERSONAS.find((persona) => persona.id === who) : who;
      if (typeof who === 'string' && !principal) throw new Error(`unknown persona ${who}`);
      const cookies: Record<string, string> = { [CSRF_COOKIE]: csrfCookie, ...((injectOptions.cookies as Record<string, string> | undefined) ?? {}) };
      if (principal) cookies[SESSION_COOKIE] = encodeSession(config.sessionSecret, principal);
      const token = csrfFor(cookies[SESSION_COOKIE]);
      if (token === csrf) return app.server.inject({ ...injectOptions, cookies });
      const headers = Object.fromEntries(Object.entries(injectOptions.headers ?? {}).map(([name, value]) => [name, value === csrf ? token : value]));
      return app.server.inject({ ...injectOptions, headers, ...withToken(injectOptions.payload, csrf, token), cookies });
    },
    async close() {
      try {
        await app.close();
      } finally {
        await postgres?.drop();
      }
    },
  };
}

/** The payload with the anonymous form token replaced by the session's own, in text or bytes. */
function withToken(payload: InjectOptions['payload'], from: string, to: string): { payload?: InjectOptions['payload'] } {
  if (typeof payload === 'string') return { payload: payload.replaceAll(from, to) };
  if (Buffer.isBuffer(payload)) {
    const parts: Buffer[] = [];
    const needle = Buffer.from(from);
    let at = 0;
    for (let found = payload.indexOf(needle); found >= 0; found = payload.indexOf(needle, at)) {
      parts.push(payload.subarray(at, found), Buffer.from(to));
      at = found + needle.length;
    }
    parts.push(payload.subarray(at));
    return { payload: Buffer.concat(parts) };
  }
  return payload === undefined ? {} : { payload };
}

/** Form-encodes a body the way a browser posts it, adding the CSRF token. */
export function form(fields: Record<string, string | string[] | number>, csrf?: string): { payload: string; headers: Record<string, string> } {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) {
    if (Array.isArray(value)) for (const item of value) params.append(key, item);
    else params.append(key, String(value));
  }
  if (csrf) params.append('_csrf', csrf);
  return { payload: params.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } };
}

/** A free local port, for an app whose public address (and so its OpenID issuer) must be known before it is built. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
