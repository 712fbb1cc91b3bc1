import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { form, testApp, type TestApp } from '../../../test/helpers.ts';
import { serviceFields, serviceJson } from './test-fixtures.ts';

describe('catalogue administration', () => {
  let app: TestApp;
  before(async () => {
    app = await testApp();
  });
  after(async () => app.close());

  const post = (who: string, url: string, fields: Record<string, string | string[] | number>) =>
    app.as(who, { method: 'POST', url, ...form(fields, app.csrf) });

  it('creates a service from the form, with a revision and an audit entry', async () => {
    const response = await post('dev-platform-admin', '/en/admin/services/new', serviceFields());
    assert.equal(response.statusCode, 303, response.body.slice(0, 500));
    assert.equal(response.headers.location, '/en/admin/services?created=herder-card-issuance');
    const service = await app.catalog.getService('herder-card-issuance');
    assert.equal(service.fee.amount, 1500);
    assert.deepEqual(service.requirements.en, ['Citizen ID card', 'Livestock census reference']);
    assert.deepEqual(service.keywords.mn, ['малчин', 'үнэмлэх']);
    const history = await app.catalog.history(service.id);
    assert.equal(history[0]?.action, 'create');
    assert.equal(history[0]?.actor?.id, 'dev-platform-admin');
    const audit = await app.ctx.audit.forSubject('service', service.id);
    assert.equal(audit[0]?.action, 'catalog.service.create');
    // It can be found at once.
    const found = await app.catalog.listServices({ q: 'herder card' });
    assert.equal(found.items[0]?.slug, 'herder-card-issuance');
  });

  it('sends the form back with every value kept and each problem named', async () => {
    const fields = serviceFields({ 'name-en': '', 'summary-mn': '', feeMnt: 'ten', audiences: [], 'requirements-en': 'Only one line', slug: 'Bad Slug!', exchangeService: 'no spaces allowed' });
    const response = await post('dev-platform-admin', '/en/admin/services/new', fields);
    assert.equal(response.statusCode, 400);
    const body = response.body;
    assert.match(body, /<title>Error:/);
    assert.match(body, /There is a problem/);
    for (const message of ['Enter the service name in English', 'Enter the summary in Mongolian', 'Enter the fee as a whole number', 'Choose at least one group', 'same number of lines in both languages', 'The address must use lower-case', 'valid exchange service code']) {
      assert.ok(body.includes(message), message);
    }
    assert.match(body, /href="#name-en"/);
    assert.ok(body.includes('value="Малчны үнэмлэх олгох"'), 'what was typed is kept');
    assert.ok(body.includes('Бүрдүүлэх зүйл') === false);
  });

  it('shows the errors in Mongolian on the Mongolian form', async () => {
    const response = await post('dev-platform-admin', '/mn/admin/services/new', serviceFields({ 'name-mn': 'Herder card' }));
    assert.equal(response.statusCode, 400);
    assert.match(response.body, /Монгол нэрийг кирилл үсгээр бичнэ үү/);
    assert.match(response.body, /<title>Алдаа:/);
  });

  it('edits a service and refuses an edit made from a stale version', async () => {
    const service = await app.catalog.getService('residence-address-reference');
    const edit = await app.as('dev-gasr-admin', { method: 'GET', url: `/en/admin/services/${service.id}/edit` });
    assert.equal(edit.statusCode, 200);
    assert.match(edit.body, new RegExp(`name="version" value="${service.version}"`));
    const fields = serviceFields({
      'name-mn': service.name.mn, 'name-en': service.name.en, slug: service.slug, agencyId: 'gasr', sectorId: service.sector.id,
      kind: 'reference', 'processingTime-value': '0', 'processingTime-unit': 'instant', feeMnt: '0', version: String(service.version),
    });
    const saved = await post('dev-gasr-admin', `/en/admin/services/${service.id}/edit`, fields);
    assert.equal(saved.statusCode, 303);
    const after = await app.catalog.getService(service.id);
    assert.equal(after.version, service.version + 1);
    const stale = await post('dev-gasr-admin', `/en/admin/services/${service.id}/edit`, fields);
    assert.equal(stale.statusCode, 409);
    assert.match(stale.body, /Someone else changed this service/);
  });

  it('retires with a reason, hides the service from search, and reinstates it', async () => {
    const service = await app.catalog.getService('marriage-reference');
    const noReason = await post('dev-gasr-admin', `/en/admin/services/${service.id}/retire`, { reason: '', version: service.version });
    assert.equal(noReason.statusCode, 400);
    assert.match(noReason.body, /Enter a reason/);
    const retired = await post('dev-gasr-admin', `/en/admin/services/${service.id}/retire`, { reason: 'Merged into the family reference', version: service.version });
    assert.equal(retired.statusCode, 303);
    const search = await app.catalog.listServices({ q: 'marriage reference', pageSize: 50 });
    assert.ok(!search.items.some((item) => item.id === service.id));
    const page = await app.server.inject({ url: '/en/services/marriage-reference' });
    assert.match(page.body, /no longer provided/);
    const again = await post('dev-gasr-admin', `/en/admin/services/${service.id}/retire`, { reason: 'again', version: service.version + 1 });
    assert.equal(again.statusCode, 409);
    assert.match(again.body, /cannot be performed in state &quot;retired&quot;. Allowed actions: reinstate/);
    const back = await post('dev-gasr-admin', `/en/admin/services/${service.id}/reinstate`, { version: service.version + 1 });
    assert.equal(back.statusCode, 303);
    assert.equal((await app.catalog.getService(service.id)).status, 'active');
    const history = await app.catalog.history(service.id);
    assert.deepEqual(history.slice(0, 2).map((revision) => revision.action), ['reinstate', 'retire']);
    assert.equal(history[1]?.reason, 'Merged into the family reference');
  });

  it('keeps agency administrators to their own agency', async () => {
    const police = (await app.catalog.listServices({ agency: 'police', pageSize: 1 })).items[0]!;
    const edit = await app.as('dev-gasr-admin', { method: 'GET', url: `/en/admin/services/${police.id}/edit` });
    assert.equal(edit.statusCode, 403);
    assert.match(edit.body, /only manage your own agency/);
    const create = await post('dev-gasr-admin', '/en/admin/services/new', serviceFields({ agencyId: 'police', 'name-en': 'Police thing', 'name-mn': 'Цагдаагийн үйлчилгээ' }));
    assert.equal(create.statusCode, 400);
    assert.match(create.body, /only register services for your own agency/);
    const list = await app.as('dev-gasr-admin', { method: 'GET', url: '/en/admin/services' });
    assert.ok(!list.body.includes(`/admin/services/${police.id}/edit`));
  });

  it('creates, changes and retires through the JSON API', async () => {
    const created = await app.as('dev-platform-admin', { method: 'POST', url: '/api/v1/services?lang=en', payload: serviceJson() });
    assert.equal(created.statusCode, 201, created.body);
    const service = created.json();
    assert.equal(service.slug, 'falconry-permit');
    assert.equal(created.headers.location, `/api/v1/services/${service.id}`);
    const duplicate = await app.as('dev-platform-admin', { method: 'POST', url: '/api/v1/services?lang=en', payload: serviceJson({ slug: 'falconry-permit' }) });
    assert.equal(duplicate.statusCode, 400);
    assert.ok(duplicate.json().errors.some((error: { field: string }) => error.field === 'slug'));
    const changed = await app.as('dev-platform-admin', { method: 'PUT', url: `/api/v1/services/${service.id}`, payload: { ...serviceJson({ feeMnt: 25000 }), slug: 'falconry-permit', version: service.version } });
    assert.equal(changed.statusCode, 200, changed.body);
    assert.equal(changed.json().fee.amount, 25000);
    const stale = await app.as('dev-platform-admin', { method: 'PUT', url: `/api/v1/services/${service.id}?lang=en`, payload: { ...serviceJson(), slug: 'falconry-permit', version: service.version } });
    assert.equal(stale.statusCode, 409);
    assert.equal(stale.json().code, 'STALE_EDIT');
    const retired = await app.as('dev-platform-admin', { method: 'POST', url: `/api/v1/services/${service.id}/retire`, payload: { version: service.version + 1, reason: 'Season closed' } });
    assert.equal(retired.statusCode, 200);
    assert.equal(retired.json().status, 'retired');
    const revisions = await app.as('dev-platform-admin', { method: 'GET', url: `/api/v1/services/${service.id}/revisions` });
    assert.deepEqual(revisions.json().items.map((r: { action: string }) => r.action), ['retire', 'edit', 'create']);
  });

  it('refuses malformed and oversized API bodies with clear problems', async () => {
    const malformed = await app.as('dev-platform-admin', { method: 'POST', url: '/api/v1/services?lang=en', payload: '{"name": ', headers: { 'content-type': 'application/json' } });
    assert.equal(malformed.statusCode, 400);
    assert.equal(malformed.json().code, 'MALFORMED_BODY');
    const huge = await app.as('dev-platform-admin', { method: 'POST', url: '/api/v1/services?lang=en', payload: JSON.stringify({ pad: 'x'.repeat(2 * 1024 * 1024) }), headers: { 'content-type': 'application/json' } });
    assert.equal(huge.statusCode, 413);
    assert.equal(huge.json().code, 'BODY_TOO_LARGE');
    const wrongType = await app.as('dev-platform-admin', { method: 'POST', url: '/api/v1/services?lang=en', payload: '<xml/>', headers: { 'content-type': 'application/xml' } });
    assert.equal(wrongType.statusCode, 415);
    const missing = await app.as('dev-platform-admin', { method: 'POST', url: '/api/v1/services?lang=en', payload: { name: { mn: 'x' } } });
    assert.equal(missing.statusCode, 400);
    assert.ok(missing.json().errors.length > 3);
    const crossSite = await app.as('dev-platform-admin', { method: 'POST', url: '/api/v1/services', payload: serviceJson(), headers: { origin: 'https://evil.example' } });
    assert.equal(crossSite.statusCode, 403);
  });
});
