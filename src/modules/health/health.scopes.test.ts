// Authorization matrix: every health route called as every role, including those that must be
// refused. "ok" means the request was allowed (2xx).
import { after, before, describe } from 'node:test';
import { form, testApp, type TestApp } from '../../../test/helpers.ts';
import { CITIZEN_ONLY, PLATFORM_ONLY, PUBLIC, coverageTest, matrixTests, type Expectation, type RouteCase } from '../../../test/matrix.ts';
import { createCsca, createDsc, type CscaRequest } from './dcc/index.ts';
import { CITIZEN, seedHealthPeople } from './test-fixtures.ts';

// Officials of other agencies than the ministry of health may not issue.
const ISSUERS: Expectation = { ...PLATFORM_ONLY, 'dev-citizen': 'ok' };

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
    { name: 'POST /api/v1/dcc/verify', method: 'POST', url: () => '/api/v1/dcc/verify', body: () => ({ payload: { hc1: 'HC1:ABC' } }), expect: PUBLIC },
    { name: 'GET /assets/health/dcc-camera.js', method: 'GET', url: () => '/assets/health/dcc-camera.js', expect: PUBLIC },
    { name: 'GET /assets/health/jsqr.js', method: 'GET', url: () => '/assets/health/jsqr.js', expect: PUBLIC },
    { name: 'GET /:lang/dcc/verify', method: 'GET', url: () => '/en/dcc/verify', expect: PUBLIC },
    { name: 'POST /:lang/dcc/verify', method: 'POST', url: () => '/en/dcc/verify', body: () => form({ hc1: 'HC1:ABC' }, app.csrf), expect: PUBLIC },
    { name: 'GET /api/v1/dcc/signers', method: 'GET', url: () => '/api/v1/dcc/signers', expect: PLATFORM_ONLY },
    { name: 'POST /api/v1/dcc/signers', method: 'POST', url: () => '/api/v1/dcc/signers', body: async () => ({ payload: { certificate: (await freshSigner()).certificatePem } }), expect: PLATFORM_ONLY },
    {
      name: 'POST /api/v1/dcc/signers/:id/remove',
      method: 'POST',
      url: async () => `/api/v1/dcc/signers/${(await app.health.importSigner({ certificate: (await freshSigner()).certificatePem }, null)).id}/remove`,
      expect: PLATFORM_ONLY,
    },
    { name: 'POST /api/v1/dcc/keys/rotate', method: 'POST', url: () => '/api/v1/dcc/keys/rotate', expect: PLATFORM_ONLY },
    { name: 'POST /api/v1/dcc/certificates', method: 'POST', url: () => '/api/v1/dcc/certificates', body: () => ({ payload: { registerNumber: CITIZEN } }), expect: ISSUERS },
    { name: 'GET /:lang/my/health-certificates', method: 'GET', url: () => '/en/my/health-certificates', expect: CITIZEN_ONLY },
    {
      // Only the citizen whose certificate it is; another citizen is answered 404 (health-records.test.ts).
      name: 'GET /:lang/my/health-certificates/:id(^[0-9A-Z]{1,60}).pdf',
      method: 'GET',
      url: async () => `/en/my/health-certificates/${(await app.health.issueVaccination(CITIZEN, null)).id}.pdf`,
      expect: CITIZEN_ONLY,
    },
    { name: 'POST /:lang/my/health-certificates', method: 'POST', url: () => '/en/my/health-certificates', body: () => form({}, app.csrf), expect: CITIZEN_ONLY },
  ];

  // Only answers below 300 are 'ok' here: none of these routes redirects.
  matrixTests(() => app, ROUTES, { okBelow: 300 });
  coverageTest('health', () => app, ROUTES, (url) => url.includes('/dcc') || url.includes('/health-certificates'));
});
