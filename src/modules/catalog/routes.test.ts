import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testApp, type TestApp } from '../../../test/helpers.ts';

describe('catalogue API', () => {
  let app: TestApp;
  before(async () => {
    app = await testApp();
  });
  after(async () => app.close());

  const get = (url: string, headers: Record<string, string> = {}) => app.server.inject({ url, headers });

  it('lists agencies with their parent ministry and service counts', async () => {
    const response = await get('/api/v1/agencies');
    assert.equal(response.statusCode, 200);
    const { items } = response.json();
    assert.ok(items.length >= 25);
    const gasr = items.find((agency: { id: string }) => agency.id === 'gasr');
    assert.ok(gasr.name.mn && gasr.name.en && gasr.abbreviation.mn);
    assert.ok(gasr.parent?.id, 'GASR reports to a ministry');
    assert.ok(gasr.serviceCount >= 10);
  });

  it('lists sectors and life events', async () => {
    const { items, lifeEvents } = (await get('/api/v1/sectors')).json();
    assert.ok(items.length >= 10);
    assert.ok(items.every((sector: { serviceCount: number }) => sector.serviceCount >= 3));
    assert.ok(lifeEvents.length >= 5);
  });

  it('lists at least 100 real services from at least 25 agencies', async () => {
    const { items, paging } = (await get('/api/v1/services?pageSize=100&page=1')).json();
    assert.ok(paging.total >= 100, `total ${paging.total}`);
    const rest = (await get('/api/v1/services?pageSize=100&page=2')).json().items;
    const agencies = new Set([...items, ...rest].map((item: { agency: { id: string } }) => item.agency.id));
    assert.ok(agencies.size >= 25, `agencies ${agencies.size}`);
  });

  it('filters by sector, agency, audience and kind', async () => {
    const { items } = (await get('/api/v1/services?sector=transport&kind=reference&audience=citizen&pageSize=100')).json();
    assert.ok(items.length > 0);
    for (const item of items) {
      assert.equal(item.sector.id, 'transport');
      assert.equal(item.kind, 'reference');
      assert.ok(item.audiences.includes('citizen'));
    }
    const byAgency = (await get('/api/v1/services?agency=gasr&pageSize=100')).json();
    assert.ok(byAgency.items.every((item: { agency: { id: string } }) => item.agency.id === 'gasr'));
  });

  it('gets one service by slug and by id, bilingual', async () => {
    const bySlug = await get('/api/v1/services/residence-address-reference');
    assert.equal(bySlug.statusCode, 200);
    const service = bySlug.json();
    assert.match(service.name.mn, /хаяг/i);
    assert.match(service.name.en, /address/i);
    assert.equal(service.agency.id, 'gasr');
    assert.equal(service.kind, 'reference');
    assert.equal(service.fee.currency, 'MNT');
    assert.equal(service.links.en, '/en/services/residence-address-reference');
    const byId = await get(`/api/v1/services/${service.id}`);
    assert.equal(byId.json().slug, 'residence-address-reference');
  });

  it('answers an unknown service with a 404 problem in the asked language', async () => {
    const en = await get('/api/v1/services/no-such-service?lang=en');
    assert.equal(en.statusCode, 404);
    assert.match(en.headers['content-type'] as string, /application\/problem\+json/);
    const problem = en.json();
    assert.equal(problem.code, 'SERVICE_NOT_FOUND');
    assert.equal(problem.status, 404);
    assert.equal(problem.detail, 'There is no service "no-such-service".');
    assert.match(problem.type, /\/problems\/service-not-found$/);
    const mn = await get('/api/v1/services/no-such-service', { 'accept-language': 'mn' });
    assert.match(mn.json().detail, /үйлчилгээ олдсонгүй/);
    const typeDoc = await get('/problems/service-not-found');
    assert.equal(typeDoc.json().status, 404);
    const unknownUuid = await get('/api/v1/services/00000000-0000-4000-8000-000000000000');
    assert.equal(unknownUuid.statusCode, 404);
  });

  it('rejects malformed parameters with 400 and says what was wrong', async () => {
    for (const [url, field] of [
      ['/api/v1/services?page=0', 'page'],
      ['/api/v1/services?pageSize=1000', 'pageSize'],
      ['/api/v1/services?page=abc', 'page'],
      ['/api/v1/services?kind=form', 'kind'],
      ['/api/v1/services?sector=Bad%20Sector', 'sector'],
      [`/api/v1/services?q=${'я'.repeat(10_000)}`, 'q'],
    ] as const) {
      const response = await get(`${url}&lang=en`);
      assert.equal(response.statusCode, 400, url.slice(0, 60));
      const problem = response.json();
      assert.equal(problem.code, 'VALIDATION_FAILED');
      assert.ok(problem.errors.some((error: { field: string }) => error.field === field), JSON.stringify(problem.errors));
      assert.doesNotMatch(response.body, /at .*\.ts:\d+/, 'no stack trace');
    }
    const mn = await get('/api/v1/services?page=0&lang=mn');
    assert.match(mn.json().detail, /хамгийн багадаа/);
  });

  it('answers odd but valid queries without error', async () => {
    for (const q of ['<b>bold</b>', "' OR 1=1 --", '\u202e', 'Ә Ң Ғ', '%', '*']) {
      const response = await get(`/api/v1/services?q=${encodeURIComponent(q)}`);
      assert.equal(response.statusCode, 200, q);
    }
  });

  it('refuses a NUL in the search with the field named, as every route does', async () => {
    const response = await get(`/api/v1/services?q=${encodeURIComponent('a\u0000b')}&lang=en`);
    assert.equal(response.statusCode, 400);
    const problem = response.json<{ code: string; errors: { field: string }[] }>();
    assert.equal(problem.code, 'TEXT_UNSTORABLE');
    assert.deepEqual(problem.errors.map((error) => error.field), ['q']);
  });

  it('publishes OpenAPI 3.1 describing the catalogue', async () => {
    const response = await get('/docs/json');
    assert.equal(response.statusCode, 200);
    const spec = response.json();
    assert.equal(spec.openapi, '3.1.0');
    for (const path of ['/api/v1/agencies', '/api/v1/sectors', '/api/v1/services', '/api/v1/services/{id}']) assert.ok(spec.paths[path], path);
    assert.ok(spec.paths['/api/v1/services'].get.parameters.some((p: { name: string }) => p.name === 'q'));
    assert.equal(spec.paths['/mn/search'], undefined, 'pages are not part of the API description');
    const ui = await get('/docs');
    assert.ok(ui.statusCode === 200 || ui.statusCode === 302);
  });
});
