// Authorization matrix: every catalogue route called as every role, including those that must be
// refused. "ok" means the request was allowed (2xx or a redirect after a form post).
import { after, before, describe } from 'node:test';
import type { Principal } from '../../kernel/auth.ts';
import { form, testApp, type TestApp } from '../../../test/helpers.ts';
import { ADMINS, PLATFORM_ONLY, OFFICIALS, PUBLIC, coverageTest, matrixTests, type RouteCase } from '../../../test/matrix.ts';
import { serviceFields, serviceJson } from './test-fixtures.ts';

interface Ids {
  gasrService: { id: string; version: number };
  policeService: { id: string; version: number };
  gasrRetired: { id: string; version: number };
  policeRetired: { id: string; version: number };
}

let counter = 0;
const unique = () => `scope-test-${(counter += 1)}`;
const SETUP: Principal = { id: 'setup', name: 'setup', kind: 'official', roles: ['platform-admin'], agencyId: null };

describe('catalogue authorization matrix', () => {
  let app: TestApp;
  before(async () => {
    app = await testApp();
  });
  after(async () => app.close());

  /** Fresh services per call, so state changes of one call never decide another's outcome. */
  async function freshIds(): Promise<Ids> {
    const make = async (agencyId: string) => {
      const { input } = await app.catalog.validateInput({ ...serviceJson({ slug: unique(), agencyId, status: 'active' }) } as never, app.ctx.i18n.translator('en'), SETUP);
      const service = await app.catalog.createService(SETUP, input!);
      return { id: service.id, version: service.version };
    };
    const retire = async (service: { id: string; version: number }) => {
      const retired = await app.catalog.retireService(SETUP, service.id as never, service.version, 'setup');
      return { id: retired.id, version: retired.version };
    };
    return {
      gasrService: await make('gasr'),
      policeService: await make('police'),
      gasrRetired: await retire(await make('gasr')),
      policeRetired: await retire(await make('police')),
    };
  }

  const publicGet = (name: string, url: string): RouteCase<Ids> => ({ name: `GET ${name}`, method: 'GET', url: () => url, expect: PUBLIC });
  const ROUTES: RouteCase<Ids>[] = [
    publicGet('/api/v1/agencies', '/api/v1/agencies'),
    publicGet('/api/v1/agencies/:id', '/api/v1/agencies/gasr'),
    publicGet('/api/v1/sectors', '/api/v1/sectors'),
    publicGet('/api/v1/services', '/api/v1/services'),
    publicGet('/api/v1/services/:id', '/api/v1/services/residence-address-reference'),
    publicGet('/:lang', '/en'),
    publicGet('/:lang/search', '/en/search?q=hayag'),
    publicGet('/:lang/sectors', '/en/sectors'),
    publicGet('/:lang/sectors/:id', '/en/sectors/transport'),
    publicGet('/:lang/agencies', '/en/agencies'),
    publicGet('/:lang/agencies/:id', '/en/agencies/gasr'),
    publicGet('/:lang/services/:slug', '/en/services/residence-address-reference'),
    publicGet('/:lang/accessibility', '/en/accessibility'),
    publicGet('/:lang/sign-in', '/en/sign-in'),
    { name: 'GET /api/v1/services/:id/revisions (own agency)', method: 'GET', url: (ids) => `/api/v1/services/${ids.gasrService.id}/revisions`, expect: ADMINS },
    { name: 'GET /api/v1/services/:id/revisions (other agency)', method: 'GET', url: (ids) => `/api/v1/services/${ids.policeService.id}/revisions`, expect: PLATFORM_ONLY },
    { name: 'POST /api/v1/services', method: 'POST', url: () => '/api/v1/services', body: () => ({ payload: serviceJson({ slug: unique() }) }), expect: ADMINS },
    { name: 'PUT /api/v1/services/:id (own agency)', method: 'PUT', url: (ids) => `/api/v1/services/${ids.gasrService.id}`, body: (ids) => ({ payload: { ...serviceJson({ slug: unique() }), version: ids.gasrService.version } }), expect: ADMINS },
    { name: 'PUT /api/v1/services/:id (other agency)', method: 'PUT', url: (ids) => `/api/v1/services/${ids.policeService.id}`, body: (ids) => ({ payload: { ...serviceJson({ slug: unique(), agencyId: 'police' }), version: ids.policeService.version } }), expect: PLATFORM_ONLY },
    { name: 'POST /api/v1/services/:id/retire (own agency)', method: 'POST', url: (ids) => `/api/v1/services/${ids.gasrService.id}/retire`, body: (ids) => ({ payload: { version: ids.gasrService.version, reason: 'matrix test' } }), expect: ADMINS },
    { name: 'POST /api/v1/services/:id/reinstate (own agency)', method: 'POST', url: (ids) => `/api/v1/services/${ids.gasrRetired.id}/reinstate`, body: (ids) => ({ payload: { version: ids.gasrRetired.version } }), expect: ADMINS },
    { name: 'POST /api/v1/services/:id/reinstate (other agency)', method: 'POST', url: (ids) => `/api/v1/services/${ids.policeRetired.id}/reinstate`, body: (ids) => ({ payload: { version: ids.policeRetired.version } }), expect: PLATFORM_ONLY },
    { name: 'POST /:lang/sign-in', method: 'POST', url: () => '/en/sign-in', body: () => form({ persona: 'dev-citizen' }, app.csrf), expect: PUBLIC },
    { name: 'POST /:lang/sign-out', method: 'POST', url: () => '/en/sign-out', body: () => form({}, app.csrf), expect: PUBLIC },
    { name: 'GET /:lang/admin', method: 'GET', url: () => '/en/admin', expect: OFFICIALS },
    { name: 'GET /:lang/admin/services', method: 'GET', url: () => '/en/admin/services', expect: ADMINS },
    { name: 'GET /:lang/admin/services/new', method: 'GET', url: () => '/en/admin/services/new', expect: ADMINS },
    { name: 'POST /:lang/admin/services/new', method: 'POST', url: () => '/en/admin/services/new', body: () => form(serviceFields({ slug: unique() }), app.csrf), expect: ADMINS },
    { name: 'GET /:lang/admin/services/:id/edit (own agency)', method: 'GET', url: (ids) => `/en/admin/services/${ids.gasrService.id}/edit`, expect: ADMINS },
    { name: 'GET /:lang/admin/services/:id/edit (other agency)', method: 'GET', url: (ids) => `/en/admin/services/${ids.policeService.id}/edit`, expect: PLATFORM_ONLY },
    { name: 'POST /:lang/admin/services/:id/edit (other agency)', method: 'POST', url: (ids) => `/en/admin/services/${ids.policeService.id}/edit`, body: (ids) => form(serviceFields({ slug: unique(), agencyId: 'police', version: String(ids.policeService.version) }), app.csrf), expect: PLATFORM_ONLY },
    { name: 'GET /:lang/admin/services/:id/retire (own agency)', method: 'GET', url: (ids) => `/en/admin/services/${ids.gasrService.id}/retire`, expect: ADMINS },
    { name: 'GET /:lang/admin/services/:id/retire (other agency)', method: 'GET', url: (ids) => `/en/admin/services/${ids.policeService.id}/retire`, expect: PLATFORM_ONLY },
    { name: 'POST /:lang/admin/services/:id/retire (other agency)', method: 'POST', url: (ids) => `/en/admin/services/${ids.policeService.id}/retire`, body: (ids) => form({ reason: 'matrix test', version: String(ids.policeService.version) }, app.csrf), expect: PLATFORM_ONLY },
    { name: 'POST /:lang/admin/services/:id/retire (own agency)', method: 'POST', url: (ids) => `/en/admin/services/${ids.gasrService.id}/retire`, body: (ids) => form({ reason: 'matrix test', version: String(ids.gasrService.version) }, app.csrf), expect: ADMINS },
    { name: 'POST /:lang/admin/services/:id/reinstate (other agency)', method: 'POST', url: (ids) => `/en/admin/services/${ids.policeRetired.id}/reinstate`, body: (ids) => form({ version: String(ids.policeRetired.version) }, app.csrf), expect: PLATFORM_ONLY },
    { name: 'POST /:lang/admin/services/:id/edit (own agency)', method: 'POST', url: (ids) => `/en/admin/services/${ids.gasrService.id}/edit`, body: (ids) => form(serviceFields({ slug: unique(), version: String(ids.gasrService.version) }), app.csrf), expect: ADMINS },
    { name: 'GET /:lang/admin/services/:id/history (own agency)', method: 'GET', url: (ids) => `/en/admin/services/${ids.gasrService.id}/history`, expect: ADMINS },
    { name: 'GET /:lang/admin/services/:id/history (other agency)', method: 'GET', url: (ids) => `/en/admin/services/${ids.policeService.id}/history`, expect: PLATFORM_ONLY },
  ];

  matrixTests(() => app, ROUTES, { fixture: freshIds });
  // /en/admin itself and its services pages; /en/sign-in but not the national sign-in under it (identity's).
  const catalogue = /^\/(api\/v1\/(services|agencies|sectors)|en(\/|$)(admin(\/services|\/?$)|search|sectors|agencies|services|accessibility|sign-in$|$))/;
  coverageTest('catalogue', () => app, ROUTES, (url) => catalogue.test(url), { atLeast: 25 });
});
