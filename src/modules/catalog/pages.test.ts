import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { testApp, type TestApp } from '../../../test/helpers.ts';

describe('portal pages', () => {
  let app: TestApp;
  before(async () => {
    app = await testApp();
  });
  after(async () => app.close());

  const get = (url: string) => app.server.inject({ url });

  for (const lang of ['mn', 'en'] as const) {
    it(`renders every page type in ${lang}`, async () => {
      for (const path of ['', '/search', '/search?q=hayag', '/sectors', '/sectors/civil-registration', '/agencies', '/agencies/gasr', '/services/residence-address-reference', '/accessibility']) {
        const response = await get(`/${lang}${path}`);
        assert.equal(response.statusCode, 200, path);
        assert.match(response.body, new RegExp(`<html lang="${lang}"`), path);
        assert.match(response.headers['content-type'] as string, /text\/html/);
        // The language switch leads to the same page in the other language.
        const other = lang === 'mn' ? 'en' : 'mn';
        const expected = `href="/${other}${path.replace(/&/g, '&amp;')}"`;
        assert.ok(response.body.includes(expected), `${path}: switch link ${expected}`);
        assert.doesNotMatch(response.body, /GDS Transport|govuk-crest|GOV\.UK/);
      }
    });
  }

  it('shows the service page with what a citizen needs to know', async () => {
    const mn = (await get('/mn/services/residence-address-reference')).body;
    assert.match(mn, /<h1 class="govuk-heading-l">[^<]*хаяг/i);
    assert.match(mn, /Танд юу хэрэгтэй вэ/);
    assert.match(mn, /Хэрхэн авах вэ/);
    assert.match(mn, /href="\/mn\/agencies\/gasr"/);
    assert.match(mn, /href="https:\/\/burtgel\.gov\.mn" rel="external">burtgel\.gov\.mn</);
    const en = (await get('/en/services/residence-address-reference')).body;
    assert.match(en, /What you need/);
    assert.match(en, /Provided by/);
  });

  it('redirects a service id to its slug', async () => {
    const service = await app.catalog.getService('residence-address-reference');
    const response = await get(`/en/services/${service.id}`);
    assert.equal(response.statusCode, 301);
    assert.equal(response.headers.location, '/en/services/residence-address-reference');
  });

  it('shows an unknown service as a 404 page in the right language', async () => {
    const mn = await get('/mn/services/no-such-thing');
    assert.equal(mn.statusCode, 404);
    assert.match(mn.body, /Хуудас олдсонгүй/);
    const en = await get('/en/services/no-such-thing');
    assert.match(en.body, /Page not found/);
    assert.match(en.body, /action="\/en\/search"/);
  });

  it('finds the address reference from the search page in both scripts', async () => {
    for (const url of ['/mn/search?q=%D1%85%D0%B0%D1%8F%D0%B3', '/en/search?q=khayag', '/en/search?q=address']) {
      const response = await get(url);
      assert.equal(response.statusCode, 200);
      assert.ok(response.body.includes('/services/residence-address-reference'), url);
    }
  });

  it('escapes whatever was searched for', async () => {
    const response = await get(`/en/search?q=${encodeURIComponent('<script>alert("x")</script>')}`);
    assert.equal(response.statusCode, 200);
    assert.ok(!response.body.includes('<script>alert'));
    assert.ok(response.body.includes('&lt;script&gt;alert'));
  });

  it('answers a 10,000-character search with a clear 400 page, keeping the start of it', async () => {
    const response = await get(`/en/search?q=${'a'.repeat(10_000)}`);
    assert.equal(response.statusCode, 400);
    assert.match(response.body, /There is a problem/);
    assert.match(response.body, /The search is too long/);
    assert.match(response.body, /<title>Error:/);
    assert.ok(response.body.includes(`value="${'a'.repeat(200)}"`));
  });

  it('explains bad filters and page numbers instead of failing', async () => {
    const response = await get('/mn/search?sector=nope&page=-3');
    assert.equal(response.statusCode, 400);
    assert.match(response.body, /Шүүлтүүрийн утга буруу/);
    assert.match(response.body, /Хуудасны дугаар/);
    const badPage = await get('/en/sectors/transport?page=abc');
    assert.equal(badPage.statusCode, 400);
  });

  it('keeps a service page well under 100 KB on the wire, stylesheet included', async () => {
    const page = await app.server.inject({ url: '/mn/services/residence-address-reference', headers: { 'accept-encoding': 'gzip' } });
    assert.equal(page.headers['content-encoding'], 'gzip');
    const css = /<link rel="stylesheet" href="([^"]+)"/.exec((await get('/mn/services/residence-address-reference')).body)?.[1];
    assert.ok(css);
    const cssResponse = await app.server.inject({ url: css, headers: { 'accept-encoding': 'gzip' } });
    assert.equal(cssResponse.statusCode, 200);
    assert.match(cssResponse.headers['cache-control'] as string, /immutable/);
    const js = await app.server.inject({ url: '/assets/govuk-frontend.min.js', headers: { 'accept-encoding': 'gzip' } });
    const wire = (response: typeof page) => (response.headers['content-encoding'] ? response.rawPayload.length : gzipSync(response.rawPayload).length);
    const total = wire(page) + wire(cssResponse) + wire(js);
    assert.ok(total < 50_000, `service page with CSS and JS: ${total} bytes`);
  });

  it('never serves GOV.UK brand assets', async () => {
    for (const url of ['/assets/images/govuk-crest.svg', '/assets/fonts/bold-b542beb274-v2.woff2', '/assets/images/favicon.ico']) {
      assert.equal((await get(url)).statusCode, 404, url);
    }
  });

  it('counts page views for "most used"', async () => {
    const service = await app.catalog.getService('marriage-reference');
    for (let i = 0; i < 5; i += 1) await get('/en/services/marriage-reference');
    await app.catalog.flushUsage();
    const after = await app.catalog.getService('marriage-reference');
    assert.ok(after.views30d >= service.views30d + 5);
  });
});

describe('page cache', () => {
  let app: TestApp;
  before(async () => {
    app = await testApp({ config: { cacheTtlMs: 60_000 } });
  });
  after(async () => app.close());

  it('serves public pages from memory with a fresh nonce each time, still counting views', async () => {
    const url = '/en/services/residence-address-reference';
    const before = (await app.catalog.getService('residence-address-reference')).views30d;
    const first = await app.server.inject({ url });
    const second = await app.server.inject({ url });
    assert.equal(second.statusCode, 200);
    const nonceOf = (response: typeof first) => /nonce-([^']+)'/.exec(response.headers['content-security-policy'] as string)?.[1];
    assert.notEqual(nonceOf(first), nonceOf(second));
    assert.ok(second.body.includes(`nonce="${nonceOf(second)}"`));
    assert.ok(!second.body.includes('urtuu-nonce'));
    await app.catalog.flushUsage();
    assert.equal((await app.catalog.getService('residence-address-reference')).views30d, before + 2);
  });

  it('never serves a cached page to someone signed in, and forgets pages when the catalogue changes', async () => {
    const url = '/en/services/citizen-id-card-reference';
    await app.server.inject({ url });
    const signedIn = await app.as('dev-gasr-admin', { method: 'GET', url });
    assert.match(signedIn.body, /Д\.Ганбат/);
    const service = await app.catalog.getService('citizen-id-card-reference');
    const admin = { id: 'a', name: 'A', kind: 'official' as const, roles: ['platform-admin' as const], agencyId: null };
    await app.catalog.retireService(admin, service.id, service.version, 'cache test');
    const after = await app.server.inject({ url });
    assert.match(after.body, /no longer provided/);
  });
});
