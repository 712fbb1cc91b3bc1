// Authorization matrix: every health route called as every role, including those that must be
// refused. "ok" means the request was allowed (2xx).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { form, testApp, type TestApp } from '../../../test/helpers.ts';
import { createCsca, createDsc, type CscaRequest } from './dcc/index.ts';
import { CITIZEN, seedHealthPeople } from './test-fixtures.ts';

type Outcome = 'ok' | 401 | 403;
const ROLES = ['anonymous', 'dev-citizen', 'dev-police-officer', 'dev-gasr-supervisor', 'dev-gasr-admin', 'dev-platform-admin'] as const;
type Role = (typeof ROLES)[number];

const PUBLIC: Record<Role, Outcome> = { anonymous: 'ok', 'dev-citizen': 'ok', 'dev-police-officer': 'ok', 'dev-gasr-supervisor': 'ok', 'dev-gasr-admin': 'ok', 'dev-platform-admin': 'ok' };
const PLATFORM_ONLY: Record<Role, Outcome> = { anonymous: 401, 'dev-citizen': 403, 'dev-police-officer': 403, 'dev-gasr-supervisor': 403, 'dev-gasr-admin': 403, 'dev-platform-admin': 'ok' };
// Officials of other agencies than the ministry of health may not issue.
const ISSUERS: Record<Role, Outcome> = { ...PLATFORM_ONLY, 'dev-citizen': 'ok' };
const CITIZEN_ONLY: Record<Role, Outcome> = { anonymous: 401, 'dev-citizen': 'ok', 'dev-police-officer': 403, 'dev-gasr-supervisor': 403, 'dev-gasr-admin': 403, 'dev-platform-admin': 403 };

interface RouteCase {
  name: string;
  method: 'GET' | 'POST';
  url: () => string | Promise<string>;
  body?: () => Promise<{ payload: string | object; headers?: Record<string, string> }>;
  expect: Record<Role, Outcome>;
}

describe('health authorization matrix', () => {
  let app: TestApp;
  let csca: Awaited<ReturnType<typeof createCsca>>;
  let counter = 0;
  const freshSigner = async () => createDsc(csca, { subject: `CN=Matrix DSC ${(counter += 1)}, C=DE` });

  before(async () => {
    app = await testApp({ seed: false });
    await seedHealthPeople(app);
    csca = await createCsca({ subject: 'CN=Matrix CSCA, C=DE' } satisfies CscaRequest);
  });
  after(async () => app.close());

  const ROUTES: RouteCase[] = [
    { name: 'GET /api/v1/dcc/trust-list', method: 'GET', url: () => '/api/v1/dcc/trust-list', expect: PUBLIC },
    { name: 'POST /api/v1/dcc/verify', method: 'POST', url: () => '/api/v1/dcc/verify', body: async () => ({ payload: { hc1: 'HC1:ABC' } }), expect: PUBLIC },
    { name: 'GET /assets/health/dcc-camera.js', method: 'GET', url: () => '/assets/health/dcc-camera.js', expect: PUBLIC },
    { name: 'GET /assets/health/jsqr.js', method: 'GET', url: () => '/assets/health/jsqr.js', expect: PUBLIC },
    { name: 'GET /en/dcc/verify', method: 'GET', url: () => '/en/dcc/verify', expect: PUBLIC },
    { name: 'POST /en/dcc/verify', method: 'POST', url: () => '/en/dcc/verify', body: async () => form({ hc1: 'HC1:ABC' }, app.csrf), expect: PUBLIC },
    { name: 'GET /api/v1/dcc/signers', method: 'GET', url: () => '/api/v1/dcc/signers', expect: PLATFORM_ONLY },
    { name: 'POST /api/v1/dcc/signers', method: 'POST', url: () => '/api/v1/dcc/signers', body: async () => ({ payload: { certificate: (await freshSigner()).certificatePem } }), expect: PLATFORM_ONLY },
    {
      name: 'POST /api/v1/dcc/signers/:id/remove',
      method: 'POST',
      url: async () => `/api/v1/dcc/signers/${(await app.health.importSigner({ certificate: (await freshSigner()).certificatePem }, null)).id}/remove`,
      expect: PLATFORM_ONLY,
    },
    { name: 'POST /api/v1/dcc/keys/rotate', method: 'POST', url: () => '/api/v1/dcc/keys/rotate', expect: PLATFORM_ONLY },
    { name: 'POST /api/v1/dcc/certificates', method: 'POST', url: () => '/api/v1/dcc/certificates', body: async () => ({ payload: { registerNumber: CITIZEN } }), expect: ISSUERS },
    { name: 'GET /en/my/health-certificates', method: 'GET', url: () => '/en/my/health-certificates', expect: CITIZEN_ONLY },
    {
      // Only the citizen whose certificate it is; another citizen is answered 404 (health-records.test.ts).
      name: 'GET /en/my/health-certificates/:id(^[0-9A-Z]{1,60}).pdf',
      method: 'GET',
      url: async () => `/en/my/health-certificates/${(await app.health.issueVaccination(CITIZEN, null)).id}.pdf`,
      expect: CITIZEN_ONLY,
    },
    { name: 'POST /en/my/health-certificates', method: 'POST', url: () => '/en/my/health-certificates', body: async () => form({}, app.csrf), expect: CITIZEN_ONLY },
  ];

  for (const route of ROUTES) {
    it(route.name, async () => {
      for (const role of ROLES) {
        const body = route.body ? await route.body() : undefined;
        const response = await app.as(role === 'anonymous' ? null : role, { method: route.method, url: await route.url(), ...(body ? { payload: body.payload, ...(body.headers ? { headers: body.headers } : {}) } : {}) });
        const expected = route.expect[role];
        const actual: Outcome | number = response.statusCode < 300 ? 'ok' : response.statusCode;
        assert.equal(actual, expected, `${route.name} as ${role}: ${response.statusCode} ${response.body.slice(0, 200)}`);
      }
    });
  }

  it('covers every health route', () => {
    const covered = new Set(ROUTES.map((route) => route.name.replace(/^(\w+) \/en/, '$1 /:lang').replace(/^(\w+) /, '$1 ')));
    const health = app.routes.filter((route) => route.method !== 'HEAD' && (route.url.includes('/dcc') || route.url.includes('/health-certificates')) && !route.url.startsWith('/mn'));
    for (const route of health) {
      const name = `${route.method} ${route.url.replace(/^\/en/, '/:lang')}`;
      assert.ok(covered.has(name), `${name} is not in the matrix`);
    }
  });
});
