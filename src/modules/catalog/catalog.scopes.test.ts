// Authorization matrix: every catalogue route called as every role, including those that must be
// refused. "ok" means the request was allowed (2xx or a redirect after a form post).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { form, testApp, type TestApp } from '../../../test/helpers.ts';
import { serviceFields, serviceJson } from './test-fixtures.ts';

type Outcome = 'ok' | 401 | 403;
const ROLES = ['anonymous', 'dev-citizen', 'dev-police-officer', 'dev-gasr-supervisor', 'dev-gasr-admin', 'dev-platform-admin'] as const;
type Role = (typeof ROLES)[number];

interface RouteCase {
  name: string;
  method: 'GET' | 'POST' | 'PUT';
  url: (ids: Ids) => string;
  body?: (ids: Ids, role: Role) => { payload: string | object; headers?: Record<string, string> };
  expect: Record<Role, Outcome>;
}

interface Ids {
  gasrService: { id: string; version: number };
  policeService: { id: string; version: number };
  gasrRetired: { id: string; version: number };
  policeRetired: { id: string; version: number };
}

const PUBLIC: Record<Role, Outcome> = { anonymous: 'ok', 'dev-citizen': 'ok', 'dev-police-officer': 'ok', 'dev-gasr-supervisor': 'ok', 'dev-gasr-admin': 'ok', 'dev-platform-admin': 'ok' };
const ADMINS: Record<Role, Outcome> = { anonymous: 401, 'dev-citizen': 403, 'dev-police-officer': 403, 'dev-gasr-supervisor': 403, 'dev-gasr-admin': 'ok', 'dev-platform-admin': 'ok' };
const PLATFORM_ONLY: Record<Role, Outcome> = { ...ADMINS, 'dev-gasr-admin': 403 };
const OFFICIALS: Record<Role, Outcome> = { anonymous: 401, 'dev-citizen': 403, 'dev-police-officer': 'ok', 'dev-gasr-supervisor': 'ok', 'dev-gasr-admin': 'ok', 'dev-platform-admin': 'ok' };

let counter = 0;
const unique = () => `scope-test-${(counter += 1)}`;

const ROUTES: RouteCase[] = [
  ...['/api/v1/agencies', '/api/v1/agencies/gasr', '/api/v1/sectors', '/api/v1/services', '/api/v1/services/residence-address-reference'].map((path) => ({ name: `GET ${path}`, method: 'GET' as const, url: () => path, expect: PUBLIC })),
  ...['', '/search?q=hayag', '/sectors', '/sectors/transport', '/agencies', '/agencies/gasr', '/services/residence-address-reference', '/accessibility', '/sign-in'].map((path) => ({ name: `GET /en${path}`, method: 'GET' as const, url: () => `/en${path}`, expect: PUBLIC })),
  { name: 'GET revisions (own agency)', method: 'GET', url: (ids) => `/api/v1/services/${ids.gasrService.id}/revisions`, expect: ADMINS },
  { name: 'GET revisions (other agency)', method: 'GET', url: (ids) => `/api/v1/services/${ids.policeService.id}/revisions`, expect: PLATFORM_ONLY },
  { name: 'POST /api/v1/services', method: 'POST', url: () => '/api/v1/services', body: () => ({ payload: serviceJson({ slug: unique() }) }), expect: ADMINS },
  { name: 'PUT /api/v1/services/:id (own agency)', method: 'PUT', url: (ids) => `/api/v1/services/${ids.gasrService.id}`, body: (ids) => ({ payload: { ...serviceJson({ slug: unique() }), version: ids.gasrService.version } }), expect: ADMINS },
  { name: 'PUT /api/v1/services/:id (other agency)', method: 'PUT', url: (ids) => `/api/v1/services/${ids.policeService.id}`, body: (ids) => ({ payload: { ...serviceJson({ slug: unique(), agencyId: 'police' }), version: ids.policeService.version } }), expect: PLATFORM_ONLY },
  { name: 'POST retire (own agency)', method: 'POST', url: (ids) => `/api/v1/services/${ids.gasrService.id}/retire`, body: (ids) => ({ payload: { version: ids.gasrService.version, reason: 'matrix test' } }), expect: ADMINS },
  { name: 'POST reinstate (own agency)', method: 'POST', url: (ids) => `/api/v1/services/${ids.gasrRetired.id}/reinstate`, body: (ids) => ({ payload: { version: ids.gasrRetired.version } }), expect: ADMINS },
  { name: 'POST reinstate (other agency)', method: 'POST', url: (ids) => `/api/v1/services/${ids.policeRetired.id}/reinstate`, body: (ids) => ({ payload: { version: ids.policeRetired.version } }), expect: PLATFORM_ONLY },
  { name: 'POST /en/sign-in', method: 'POST', url: () => '/en/sign-in', body: () => form({ persona: 'dev-citizen' }), expect: PUBLIC },
  { name: 'POST /en/sign-out', method: 'POST', url: () => '/en/sign-out', body: () => form({}), expect: PUBLIC },
  { name: 'GET /en/admin', method: 'GET', url: () => '/en/admin', expect: OFFICIALS },
  { name: 'GET /en/admin/services', method: 'GET', url: () => '/en/admin/services', expect: ADMINS },
  { name: 'GET /en/admin/services/new', method: 'GET', url: () => '/en/admin/services/new', expect: ADMINS },
  { name: 'POST /en/admin/services/new', method: 'POST', url: () => '/en/admin/services/new', body: () => form(serviceFields({ slug: unique() })), expect: ADMINS },
  { name: 'GET edit (own agency)', method: 'GET', url: (ids) => `/en/admin/services/${ids.gasrService.id}/edit`, expect: ADMINS },
  { name: 'GET edit (other agency)', method: 'GET', url: (ids) => `/en/admin/services/${ids.policeService.id}/edit`, expect: PLATFORM_ONLY },
  { name: 'POST edit (other agency)', method: 'POST', url: (ids) => `/en/admin/services/${ids.policeService.id}/edit`, body: (ids) => form(serviceFields({ slug: unique(), agencyId: 'police', version: String(ids.policeService.version) })), expect: PLATFORM_ONLY },
  { name: 'GET retire (own agency)', method: 'GET', url: (ids) => `/en/admin/services/${ids.gasrService.id}/retire`, expect: ADMINS },
  { name: 'GET retire (other agency)', method: 'GET', url: (ids) => `/en/admin/services/${ids.policeService.id}/retire`, expect: PLATFORM_ONLY },
  { name: 'POST retire page (other agency)', method: 'POST', url: (ids) => `/en/admin/services/${ids.policeService.id}/retire`, body: (ids) => form({ reason: 'matrix test', version: String(ids.policeService.version) }), expect: PLATFORM_ONLY },
  { name: 'POST retire page (own agency)', method: 'POST', url: (ids) => `/en/admin/services/${ids.gasrService.id}/retire`, body: (ids) => form({ reason: 'matrix test', version: String(ids.gasrService.version) }), expect: ADMINS },
  { name: 'POST reinstate page (other agency)', method: 'POST', url: (ids) => `/en/admin/services/${ids.policeRetired.id}/reinstate`, body: (ids) => form({ version: String(ids.policeRetired.version) }), expect: PLATFORM_ONLY },
  { name: 'POST edit (own agency)', method: 'POST', url: (ids) => `/en/admin/services/${ids.gasrService.id}/edit`, body: (ids) => form(serviceFields({ slug: unique(), version: String(ids.gasrService.version) })), expect: ADMINS },
  { name: 'GET history (own agency)', method: 'GET', url: (ids) => `/en/admin/services/${ids.gasrService.id}/history`, expect: ADMINS },
  { name: 'GET history (other agency)', method: 'GET', url: (ids) => `/en/admin/services/${ids.policeService.id}/history`, expect: PLATFORM_ONLY },
];

describe('catalogue authorization matrix', () => {
  let app: TestApp;
  before(async () => {
    app = await testApp();
  });
  after(async () => app.close());

  /** Fresh services per case, so state changes of one call never decide another's outcome. */
  async function freshIds(): Promise<Ids> {
    const make = async (agencyId: string) => {
      const { input } = await app.catalog.validateInput(
        { ...serviceJson({ slug: unique(), agencyId, status: 'active' }) } as never,
        app.ctx.i18n.translator('en'),
        { id: 'setup', name: 'setup', kind: 'official', roles: ['platform-admin'], agencyId: null },
      );
      const service = await app.catalog.createService({ id: 'setup', name: 'setup', kind: 'official', roles: ['platform-admin'], agencyId: null }, input!);
      return { id: service.id, version: service.version };
    };
    const retire = async (service: { id: string; version: number }) => {
      const retired = await app.catalog.retireService({ id: 'setup', name: 'setup', kind: 'official', roles: ['platform-admin'], agencyId: null }, service.id as never, service.version, 'setup');
      return { id: retired.id, version: retired.version };
    };
    return {
      gasrService: await make('gasr'),
      policeService: await make('police'),
      gasrRetired: await retire(await make('gasr')),
      policeRetired: await retire(await make('police')),
    };
  }

  for (const route of ROUTES) {
    it(route.name, async () => {
      for (const role of ROLES) {
        const ids = await freshIds();
        const body = route.body?.(ids, role);
        const payload = body && typeof body.payload === 'string' && !(body.headers?.['content-type'] ?? '').includes('json') ? `${body.payload}&_csrf=${encodeURIComponent(app.csrf)}` : body?.payload;
        const response = await app.as(role === 'anonymous' ? null : role, {
          method: route.method,
          url: route.url(ids),
          ...(payload !== undefined ? { payload: payload as string } : {}),
          ...(body?.headers ? { headers: body.headers } : {}),
        });
        const expected = route.expect[role];
        const got = response.statusCode;
        if (expected === 'ok') assert.ok(got >= 200 && got < 400, `${route.name} as ${role}: expected success, got ${got} ${response.body.slice(0, 300)}`);
        else assert.equal(got, expected, `${route.name} as ${role}: expected ${expected}, got ${got}`);
      }
    });
  }

  it('covers every catalogue route', async () => {
    const ids = await freshIds();
    const catalogue = /^\/(api\/v1\/(services|agencies|sectors)|en(\/|$)(admin(\/services|\/?$)|search|sectors|agencies|services|accessibility|sign-in$|$))/;
    const pages = app.routes.filter((route) => catalogue.test(route.url) && route.method !== 'HEAD');
    assert.ok(pages.length >= 25, `found ${pages.length} routes`);
    for (const route of pages) {
      const pattern = new RegExp(`^${route.url.replace(/:[A-Za-z]+/g, '[^/?]+')}$`);
      const covered = ROUTES.some((candidate) => candidate.method === route.method && pattern.test(candidate.url(ids).split('?')[0]!));
      assert.ok(covered, `${route.method} ${route.url} has no row in the matrix`);
    }
  });
});
