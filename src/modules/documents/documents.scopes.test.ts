// Authorization matrix: every documents route called as every role, including those that must be
// refused. "ok" means the request was allowed (2xx or a redirect).
import { after, before, describe } from 'node:test';
import { form, testApp, type TestApp } from '../../../test/helpers.ts';
import { CITIZEN_ONLY, PUBLIC, coverageTest, matrixTests, type Expectation, type RouteCase } from '../../../test/matrix.ts';

// A gasr document: its agency's administrator and supervisor, and the platform administrator.
const ISSUER: Expectation = { anonymous: 401, 'dev-citizen': 403, 'dev-police-officer': 403, 'dev-gasr-supervisor': 'ok', 'dev-gasr-admin': 'ok', 'dev-platform-admin': 'ok' };

describe('documents authorization matrix', () => {
  let app: TestApp;
  const fresh = async () => (await app.documents.issue({
    kind: 'reference', title: { mn: 'Лавлагаа', en: 'Reference' }, subject: 'УБ90051428', subjectName: 'Н.Сарангэрэл', agencyId: 'gasr',
    issuer: { mn: 'УБЕГ', en: 'GASR' }, body: { sections: [{ note: { mn: 'Тэмдэглэл', en: 'Note' } }] },
  }, null)).id;

  before(async () => {
    app = await testApp({ seed: true });
  });
  after(async () => app.close());

  const ROUTES: RouteCase[] = [
    { name: 'GET /api/v1/documents/:id', method: 'GET', url: async () => `/api/v1/documents/${await fresh()}`, expect: PUBLIC },
    { name: 'GET /api/v1/documents/keys', method: 'GET', url: () => '/api/v1/documents/keys', expect: PUBLIC },
    { name: 'GET /api/v1/my/documents', method: 'GET', url: () => '/api/v1/my/documents', expect: CITIZEN_ONLY },
    { name: 'POST /api/v1/documents/:id/revoke', method: 'POST', url: async () => `/api/v1/documents/${await fresh()}/revoke`, body: () => ({ payload: { reason: 'matrix' } }), expect: ISSUER },
    { name: 'GET /verify/:id', method: 'GET', url: async () => `/verify/${await fresh()}`, expect: PUBLIC },
    { name: 'GET /:lang/verify', method: 'GET', url: () => '/en/verify', expect: PUBLIC },
    { name: 'GET /:lang/verify/:id', method: 'GET', url: async () => `/en/verify/${await fresh()}`, expect: PUBLIC },
    { name: 'POST /:lang/verify/:id/revoke', method: 'POST', url: async () => `/en/verify/${await fresh()}/revoke`, body: () => form({ reason: 'matrix' }, app.csrf), expect: ISSUER },
    { name: 'GET /:lang/my/documents', method: 'GET', url: () => '/en/my/documents', expect: CITIZEN_ONLY },
    { name: 'GET /:lang/my/documents/:id', method: 'GET', url: async () => `/en/my/documents/${await fresh()}.pdf`, expect: CITIZEN_ONLY },
  ];

  matrixTests(() => app, ROUTES);
  coverageTest('documents', () => app, ROUTES, (url) => (url.includes('/documents') || url.includes('/verify')) && !url.includes('/dcc/') && !url.startsWith('/govstack/'));
});
