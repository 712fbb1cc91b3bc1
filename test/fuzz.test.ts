// Every route the app registers (read from the app itself, so a new route is covered without anyone
// remembering), each sent the malformed inputs of test/fuzz/inputs.ts as an anonymous caller, a
// citizen and an administrator. Whatever is sent, the answer is never a 5xx, never shows a stack
// or a file of ours, and never carries the markup it was sent unescaped in a page. Runs on both
// databases in CI; bounded (a few thousand requests, about a minute) by sending each route its
// cases once per role rather than every combination.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEMO_CITIZEN } from '../src/modules/registries/index.ts';
import { seedPeople } from '../src/modules/exchange/test-fixtures.ts';
import { MARK, casesFor, type FuzzCase, type RouteInfo } from './fuzz/inputs.ts';
import { form, testApp, type TestApp } from './helpers.ts';

const CITIZEN = DEMO_CITIZEN.registerNumber;
const ROLES = [null, 'dev-citizen', 'dev-platform-admin'] as const;
const CONCURRENCY = 4;
// Routes whose whole purpose is to be slow or to change the platform's keys are sent fewer cases
// (rotating an RSA key takes tens of milliseconds); every route still gets every kind of input.
const KEY_ROTATIONS = /\/keys\/rotate$/;

/** Real records of the demo citizen's, so that cases reach past "not found" into the handlers. */
const real = { draft: 'x1', draftPage: 'name', number: 'x1', document: 'x1' };

/** A well-formed value for a path parameter, so that a case reaches past the router to the handler. */
function good(route: RouteInfo, name: string): string {
  const url = route.url;
  if (name === 'draft') return real.draft;
  if (name === 'page' && url.includes(':draft')) return real.draftPage;
  if (name === 'number') return real.number;
  if (name === 'id' && (url.includes('/documents') || url.includes('/verify'))) return real.document;
  if (name === '*') {
    if (url.startsWith('/r1')) return `MN/GOV/gasr/population/address/${encodeURIComponent(CITIZEN)}`;
    if (url.startsWith('/govstack/digital-registries')) return `population/1.0/${encodeURIComponent(CITIZEN)}/read`;
    if (url.startsWith('/oidc')) return 'auth';
    if (url.startsWith('/assets')) return 'urtuu.js';
    return 'x';
  }
  if (name === 'slug') {
    if (url.includes('/references')) return 'residence-address-reference';
    if (url.includes('/apply')) return 'company-name-reservation';
    if (url.includes('/forms') || url.includes('/applications')) return 'driving-licence-replacement';
    return 'residence-address-reference';
  }
  if (name === 'id' && url.includes('health-certificates')) return 'ABC123';
  if (name === 'id' && (url.includes('/agencies') || url.includes('/sectors'))) return url.includes('/agencies') ? 'gasr' : 'transport';
  if (name === 'serviceId') return 'driving-licence-replacement';
  if (name === 'instance') return 'MN';
  if (name === 'memberClass') return 'GOV';
  if (name === 'memberCode') return 'gasr';
  if (name === 'applicationCode') return 'population';
  return 'x1';
}

interface Failure {
  who: string;
  label: string;
  method: string;
  url: string;
  status: number;
  why: string;
  body: string;
}

function problemWith(status: number, headers: Record<string, unknown>, body: string): string | undefined {
  // The exchange answers a provider's failure in X-Road's terms (502, 503, 504): those are the
  // provider's, not ours, and are named by X-Road-Error. Our own failure never is.
  const xroad = String(headers['x-road-error'] ?? '');
  if (status >= 500 && !(xroad && xroad !== 'Server.ServerProxy.InternalError')) return `answered ${status}`;
  if (/\n\s+at [^\n]*\.(ts|js|mjs|cjs):\d+/.test(body) || /node_modules\/|\/src\/(kernel|modules|web)\//.test(body)) return 'shows a stack or a file';
  if (String(headers['content-type'] ?? '').includes('html') && body.includes(MARK)) return 'reflects markup unescaped';
  return undefined;
}

describe('every route, sent malformed input', () => {
  let app: TestApp;
  let routes: RouteInfo[];

  before(async () => {
    app = await testApp({ seed: true });
    await seedPeople(app, 30);
    const reference = await app.as('dev-citizen', { method: 'POST', url: '/api/v1/references/residence-address-reference', payload: { consent: true } });
    assert.equal(reference.statusCode, 201, reference.body);
    const made = reference.json<{ request: { number: string }; document: { id: string } }>();
    real.number = made.request.number;
    real.document = made.document.id;
    const begun = await app.as('dev-citizen', { method: 'POST', url: '/en/apply/company-name-reservation', ...form({}, app.csrf) });
    const draft = /\/apply\/[a-z-]+\/([0-9a-f-]{36})\/([a-z-]+)/.exec(String(begun.headers.location));
    assert.ok(draft, `a draft was begun: ${begun.statusCode} ${begun.headers.location}`);
    real.draft = draft[1]!;
    real.draftPage = draft[2]!;
    const seen = new Set<string>();
    routes = app.routes
      .filter((route) => route.method !== 'HEAD' && !route.url.startsWith('/mn/') && route.url !== '/mn')
      .filter((route) => {
        const key = `${route.method} ${route.url}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
  });
  after(async () => app.close());

  it('finds the routes from the app itself', () => {
    assert.ok(routes.length > 200, `only ${routes.length} routes`);
    assert.ok(routes.some((route) => route.url === '/r1/*'), 'the exchange');
    assert.ok(routes.some((route) => route.url.startsWith('/oidc')), 'the OpenID provider');
  });

  it('answers no malformed request with a 5xx, a stack or unescaped markup', async () => {
    const failures: Failure[] = [];
    let sent = 0;
    const statuses = new Map<number, number>();
    const started = Date.now();
    const work: { who: (typeof ROLES)[number]; item: FuzzCase }[] = [];
    for (const route of routes) {
      let cases = casesFor(route, good);
      if (KEY_ROTATIONS.test(route.url)) cases = cases.filter((_, index) => index % 8 === 0);
      // Each case once, as one of the roles in turn, so every role meets every kind of input across the routes.
      cases.forEach((item, index) => work.push({ who: ROLES[index % ROLES.length]!, item }));
      // And the first few cases as every role, where authorization decides what happens first.
      for (const item of cases.slice(0, 3)) for (const who of ROLES) work.push({ who, item });
    }
    let next = 0;
    const worker = async () => {
      while (next < work.length) {
        const { who, item } = work[next++]!;
        const headers: Record<string, string> = { origin: 'http://localhost:3000', 'sec-fetch-site': 'same-origin', accept: 'text/html,application/json', ...(item.headers ?? {}) };
        let payload = item.payload;
        if (item.form && typeof payload === 'string') payload = `${payload}${payload ? '&' : ''}_csrf=${encodeURIComponent(app.csrf)}`;
        const response = await app.as(who, { method: item.method as 'GET', url: item.url, headers, ...(payload !== undefined ? { payload } : {}) });
        sent += 1;
        statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
        const why = problemWith(response.statusCode, response.headers, response.body);
        if (why) failures.push({ who: who ?? 'anonymous', label: item.label, method: item.method, url: item.url.slice(0, 160), status: response.statusCode, why, body: response.body.slice(0, 160) });
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const seconds = (Date.now() - started) / 1000;
    const answers = [...statuses].sort(([a], [b]) => a - b).map(([status, count]) => `${status}×${count}`).join(' ');
    console.log(`fuzz: ${sent} requests to ${routes.length} routes in ${seconds.toFixed(1)} s, ${failures.length} failures; answers ${answers}`);
    const report = failures.slice(0, 40).map((failure) => `${failure.why}: ${failure.method} ${failure.url} [${failure.label}] as ${failure.who} → ${failure.status} ${failure.body.replace(/\s+/g, ' ')}`);
    assert.equal(failures.length, 0, `${failures.length} requests went wrong:\n${report.join('\n')}`);
    // A green run must have exercised something: most cases reach past the router.
    assert.ok(sent > 5000, `only ${sent} requests were sent`);
  });
});
