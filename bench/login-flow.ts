// The pieces of bench/login.ts and bench/login-statements.ts: the set-up (a population, a
// confidential relying party, the people who can sign in with one code), a small browser (real HTTP
// with fetch, a cookie jar that honours paths and expiry, no redirect followed by itself: each hop is
// a step that is named and timed), and the whole login of a person at an outside relying party.
import { createHash, randomBytes } from 'node:crypto';
import type { App } from '../src/app.ts';
import { progressBar } from '../src/kernel/progress.ts';
import { seal } from '../src/kernel/secrets.ts';
import * as store from '../src/modules/identity/store.ts';
import { generatePopulation, loadRecords } from '../src/modules/registries/index.ts';

export const b64 = (bytes: Buffer): string => bytes.toString('base64url');
export const pkce = (): { verifier: string; challenge: string } => {
  const verifier = b64(randomBytes(32));
  return { verifier, challenge: b64(createHash('sha256').update(verifier).digest()) };
};
export const jwtPart = (jwt: string, index: number): Record<string, unknown> => JSON.parse(Buffer.from(jwt.split('.')[index] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;

export interface Hop {
  status: number;
  /** The Location header resolved against the request URL, when there is one. */
  location?: URL;
  body: string;
  url: URL;
}

interface Cookie {
  name: string;
  value: string;
  path: string;
}

/** Told of every step: its name and how long it took. */
export interface StepRecorder {
  add(step: string, ms: number): void;
}

/** Time spent per named step, summed over logins (only while `recording`). */
export class StepTimes implements StepRecorder {
  readonly steps = new Map<string, { count: number; ms: number }>();
  recording = false;

  add(step: string, ms: number): void {
    if (!this.recording) return;
    const entry = this.steps.get(step) ?? { count: 0, ms: 0 };
    entry.count += 1;
    entry.ms += ms;
    this.steps.set(step, entry);
  }
}

function defaultPath(pathname: string): string {
  const slash = pathname.lastIndexOf('/');
  return slash <= 0 ? '/' : pathname.slice(0, slash);
}

function pathMatches(cookiePath: string, requestPath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}

export class Browser {
  private readonly jar = new Map<string, Cookie>();
  /** HTTP requests this browser sent. */
  requests = 0;

  constructor(private readonly base: string, private readonly times: StepRecorder) {}

  private remember(response: Response, url: URL): void {
    for (const header of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = header.split(';');
      const equals = pair.indexOf('=');
      if (equals <= 0) continue;
      const name = pair.slice(0, equals).trim();
      const value = pair.slice(equals + 1).trim();
      let path = defaultPath(url.pathname);
      let gone = value === '';
      for (const attribute of attributes) {
        const [key = '', ...rest] = attribute.split('=');
        const attributeValue = rest.join('=').trim();
        switch (key.trim().toLowerCase()) {
          case 'path':
            if (attributeValue.startsWith('/')) path = attributeValue;
            break;
          case 'max-age':
            if (Number(attributeValue) <= 0) gone = true;
            break;
          case 'expires':
            if (Date.parse(attributeValue) < Date.now()) gone = true;
            break;
        }
      }
      const key = `${name}\u0000${path}`;
      if (gone) this.jar.delete(key);
      else this.jar.set(key, { name, value, path });
    }
  }

  private cookieHeader(pathname: string): string {
    return [...this.jar.values()]
      .filter((cookie) => pathMatches(cookie.path, pathname))
      .sort((a, b) => b.path.length - a.path.length)
      .map((cookie) => `${cookie.name}=${cookie.value}`)
      .join('; ');
  }

  /** One request, timed under `step`; redirects are returned, not followed. */
  async go(step: string, method: 'GET' | 'POST', target: string | URL, form?: Record<string, string>, headers: Record<string, string> = {}): Promise<Hop> {
    const url = new URL(target, this.base);
    const cookies = this.cookieHeader(url.pathname);
    const started = performance.now();
    const response = await fetch(url, {
      method,
      redirect: 'manual',
      headers: {
        accept: 'text/html,application/json',
        'user-agent': 'urtuu-bench-login/1.0',
        ...(cookies ? { cookie: cookies } : {}),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        ...headers,
      },
      ...(form ? { body: new URLSearchParams(form).toString() } : {}),
    });
    const body = await response.text();
    this.times.add(step, performance.now() - started);
    this.requests += 1;
    this.remember(response, url);
    const location = response.headers.get('location');
    return { status: response.status, body, url, ...(location ? { location: new URL(location, url) } : {}) };
  }
}

/** The CSRF token in a page's hidden `_csrf` input. */
export function csrfOf(hop: Hop): string {
  const token = /name="_csrf" value="([^"]+)"/.exec(hop.body)?.[1];
  if (!token) throw new Error(`no _csrf input on ${hop.url.pathname} (status ${hop.status})`);
  return token;
}

/** Throws unless the hop is a redirect whose target path matches `pattern`; returns the target. */
export function redirected(hop: Hop, pattern: RegExp): URL {
  if (hop.status < 300 || hop.status >= 400 || !hop.location || !pattern.test(hop.location.href)) {
    const error = /class="govuk-error-summary[\s\S]{0,400}?<li>\s*(?:<a[^>]*>)?([^<]+)/.exec(hop.body)?.[1]?.trim();
    throw new Error(`${hop.url.pathname}: expected a redirect to ${pattern}, got ${hop.status} ${hop.location?.href ?? ''}${error ? ` (${error})` : ''} ${error ? '' : hop.body.slice(0, 200).replace(/\s+/g, ' ')}`);
  }
  return hop.location;
}

export function page(hop: Hop): Hop {
  if (hop.status !== 200) throw new Error(`${hop.url.pathname}: expected a page, got ${hop.status} ${hop.location?.href ?? ''} ${hop.body.slice(0, 200).replace(/\s+/g, ' ')}`);
  return hop;
}

export interface RelyingParty {
  base: string;
  clientId: string;
  /** The Authorization header of client_secret_basic. */
  basic: string;
  redirectUri: string;
  scope: string;
  issuer: string;
}

/**
 * One person signs in at the relying party: authorization request with PKCE, register number, SMS
 * code (from `codeOf`), "acting for" answered with self if asked, consent, the redirect back with
 * ?code=, and the token request. Throws at the first step that does not answer as expected.
 */
export async function loginFlow(rp: RelyingParty, person: { registerNumber: string; mobile: string }, times: StepRecorder, codeOf: (mobile: string) => Promise<string>): Promise<{ idToken: string; requests: number; actingStep: boolean }> {
  const browser = new Browser(rp.base, times);
  const { verifier, challenge } = pkce();
  const state = b64(randomBytes(16));
  const nonce = b64(randomBytes(16));
  const authorize = `/oidc/auth?${new URLSearchParams({ client_id: rp.clientId, response_type: 'code', scope: rp.scope, redirect_uri: rp.redirectUri, code_challenge: challenge, code_challenge_method: 'S256', state, nonce, ui_locales: 'en' })}`;
  let at = redirected(await browser.go('GET /oidc/auth (authorization request)', 'GET', authorize), /\/identity\/interaction\//);
  at = redirected(await browser.go('GET /identity/interaction/:uid', 'GET', at), /\/en\/login\/[^/]+$/);
  const uid = at.pathname.split('/')[3]!;
  let form = page(await browser.go('GET /en/login/:uid (register number page)', 'GET', at));
  at = redirected(await browser.go('POST /en/login/:uid (register number)', 'POST', `/en/login/${uid}`, { _csrf: csrfOf(form), registerNumber: person.registerNumber }), /\/methods$/);
  form = page(await browser.go('GET /en/login/:uid/methods', 'GET', at));
  at = redirected(await browser.go('POST /en/login/:uid/methods (sms: code sent)', 'POST', `/en/login/${uid}/methods`, { _csrf: csrfOf(form), method: 'sms' }), /\/sms$/);
  form = page(await browser.go('GET /en/login/:uid/sms', 'GET', at));
  const started = performance.now();
  const code = await codeOf(person.mobile);
  times.add('(the code read from the outbox by the bench)', performance.now() - started);
  at = redirected(await browser.go('POST /en/login/:uid/sms (code checked)', 'POST', `/en/login/${uid}/sms`, { _csrf: csrfOf(form), code }), /\/acting$/);
  let hop = await browser.go('GET /en/login/:uid/acting (account, login done)', 'GET', at);
  const actingStep = hop.status === 200;
  if (actingStep) hop = await browser.go('POST /en/login/:uid/acting (self)', 'POST', `/en/login/${uid}/acting`, { _csrf: csrfOf(hop), actingFor: 'self' });
  at = redirected(hop, /\/oidc\/auth\//);
  at = redirected(await browser.go('GET /oidc/auth/:uid (resume: consent asked)', 'GET', at), /\/identity\/interaction\//);
  at = redirected(await browser.go('GET /identity/interaction/:uid', 'GET', at), /\/en\/login\/[^/]+$/);
  const consentUid = at.pathname.split('/')[3]!;
  form = page(await browser.go('GET /en/login/:uid (consent page)', 'GET', at));
  if (!form.body.includes('name="decision"')) throw new Error('expected the consent page');
  at = redirected(await browser.go('POST /en/login/:uid/consent (allow)', 'POST', `/en/login/${consentUid}/consent`, { _csrf: csrfOf(form), decision: 'allow' }), /\/oidc\/auth\//);
  const callback = redirected(await browser.go('GET /oidc/auth/:uid (resume: code issued)', 'GET', at), new RegExp(`^${rp.redirectUri.replace(/[.?*+^$()[\]{}|\\]/g, '\\$&')}\\?`));
  const authorizationCode = callback.searchParams.get('code');
  if (!authorizationCode || callback.searchParams.get('state') !== state) throw new Error(`bad callback ${callback.href}`);
  const answer = await browser.go('POST /oidc/token (code for tokens)', 'POST', '/oidc/token', { grant_type: 'authorization_code', code: authorizationCode, redirect_uri: rp.redirectUri, code_verifier: verifier }, { authorization: rp.basic, accept: 'application/json' });
  if (answer.status !== 200) throw new Error(`token endpoint: ${answer.status} ${answer.body.slice(0, 200)}`);
  const idToken = String((JSON.parse(answer.body) as { id_token?: string }).id_token ?? '');
  const claims = jwtPart(idToken, 1);
  if (claims.nonce !== nonce || claims.aud !== rp.clientId || claims.iss !== rp.issuer || typeof claims.sub !== 'string') throw new Error(`unexpected ID token ${JSON.stringify(claims)}`);
  return { idToken, requests: browser.requests, actingStep };
}

export interface Person {
  registerNumber: string;
  mobile: string;
}

/**
 * Loads a synthetic population, registers a confidential relying party (scopes openid profile),
 * and returns the people who can sign in with one code and no "acting for" step: living adults
 * (17+, a margin over the 16 the login asks) with a mobile number no other selected person has, no
 * child under 18 and no company they direct. (Should one slip through, the flow answers the acting
 * step with actingFor=self.)
 */
export async function prepareLogin(app: App, options: { people: number; clientId: string; clientSecret: string; redirectUri: string }): Promise<Person[]> {
  const bar = progressBar('people', options.people);
  let loaded = 0;
  await loadRecords(app.ctx.db, generatePopulation({ population: options.people, seed: 'bench' }), {
    actor: 'bench',
    onBatch(written) {
      loaded += written.filter((record) => record.registryId === 'population').length;
      bar.update(Math.min(loaded, options.people));
    },
  });
  bar.finish();
  await store.upsertClient(app.ctx.db, {
    clientId: options.clientId,
    name: { mn: 'Туршилтын банк', en: 'Bench Bank' },
    secretSealed: seal(app.ctx.config.sessionSecret, options.clientSecret),
    redirectUris: [options.redirectUri],
    postLogoutRedirectUris: [],
    scopes: ['openid', 'profile'],
    firstParty: false,
    createdBy: 'bench',
  });
  const { rows } = await app.ctx.db.query<Person>(
    `WITH eligible AS (
       SELECT p.key AS "registerNumber", p.content->>'mobile' AS mobile
       FROM registries.records p
       WHERE p.registry_id = 'population' AND p.content ? 'mobile' AND NOT p.content ? 'death'
         AND p.content->>'birthDate' <= to_char(current_date - interval '17 years', 'YYYY-MM-DD')
         AND NOT EXISTS (
           SELECT 1 FROM jsonb_array_elements_text(coalesce(p.content->'children', '[]'::jsonb)) AS child(key)
           JOIN registries.records c ON c.registry_id = 'population' AND c.key = child.key
           WHERE c.content->>'birthDate' > to_char(current_date - interval '18 years', 'YYYY-MM-DD'))
         AND NOT EXISTS (
           SELECT 1 FROM registries.records e
           WHERE e.registry_id = 'legal-entities' AND e.content->'directors' @> jsonb_build_array(jsonb_build_object('registerNumber', p.key)))
     )
     SELECT "registerNumber", mobile FROM eligible
     WHERE mobile IN (SELECT mobile FROM eligible GROUP BY mobile HAVING count(*) = 1)
     ORDER BY md5("registerNumber")`,
  );
  return rows;
}

/** The newest sign-in code the development SMS provider "sent" to a number (a few tries). */
export async function codeFromOutbox(db: { query<T>(sql: string, values: unknown[]): Promise<{ rows: T[] }> }, mobile: string): Promise<string> {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const { rows } = await db.query<{ body: string }>(`SELECT body FROM messaging.outbox WHERE recipient = $1 AND purpose = 'identity.login-code' ORDER BY created_at DESC LIMIT 1`, [mobile]);
    const code = /(\d{6})/.exec(rows[0]?.body ?? '')?.[1];
    if (code) return code;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no code in the outbox for ${mobile}`);
}
