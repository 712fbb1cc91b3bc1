// Authorization matrix: every documents route called as every role, including those that must be
// refused. "ok" means the request was allowed (2xx or a redirect).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { form, testApp, type TestApp } from '../../../test/helpers.ts';

type Outcome = 'ok' | 401 | 403;
const ROLES = ['anonymous', 'dev-citizen', 'dev-police-officer', 'dev-gasr-supervisor', 'dev-gasr-admin', 'dev-platform-admin'] as const;
type Role = (typeof ROLES)[number];

const PUBLIC: Record<Role, Outcome> = { anonymous: 'ok', 'dev-citizen': 'ok', 'dev-police-officer': 'ok', 'dev-gasr-supervisor': 'ok', 'dev-gasr-admin': 'ok', 'dev-platform-admin': 'ok' };
const CITIZEN_ONLY: Record<Role, Outcome> = { anonymous: 401, 'dev-citizen': 'ok', 'dev-police-officer': 403, 'dev-gasr-supervisor': 403, 'dev-gasr-admin': 403, 'dev-platform-admin': 403 };
// A gasr document: its agency's administrator and supervisor, and the platform administrator.
const ISSUER: Record<Role, Outcome> = { anonymous: 401, 'dev-citizen': 403, 'dev-police-officer': 403, 'dev-gasr-supervisor': 'ok', 'dev-gasr-admin': 'ok', 'dev-platform-admin': 'ok' };

interface RouteCase {
  name: string;
  method: 'GET' | 'POST';
  url: () => string | Promise<string>;
  body?: () => { payload: string | object; headers?: Record<string, string> };
  expect: Record<Role, Outcome>;
}

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
    { name: 'GET /api/v1/documents/:id', method: 'GET', url: fresh, expect: PUBLIC },
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

  for (const route of ROUTES) {
    it(route.name, async () => {
      for (const role of ROLES) {
        const raw = await route.url();
        const url = route.name === 'GET /api/v1/documents/:id' ? `/api/v1/documents/${raw}` : raw;
        const body = route.body?.();
        const response = await app.as(role === 'anonymous' ? null : role, { method: route.method, url, ...(body ? { payload: body.payload, ...(body.headers ? { headers: body.headers } : {}) } : {}) });
        const actual: Outcome | number = response.statusCode < 400 ? 'ok' : response.statusCode;
        assert.equal(actual, route.expect[role], `${route.name} as ${role}: ${response.statusCode} ${response.body.slice(0, 200)}`);
      }
    });
  }

  it('covers every documents route', () => {
    const covered = new Set(ROUTES.map((route) => route.name));
    const routes = app.routes.filter((route) => route.method !== 'HEAD' && (route.url.includes('/documents') || route.url.includes('/verify')) && !route.url.includes('/dcc/') && !route.url.startsWith('/mn'));
    for (const route of routes) {
      const name = `${route.method} ${route.url.replace(/^\/en/, '/:lang')}`;
      assert.ok(covered.has(name), `${name} is not in the matrix`);
    }
  });
});
