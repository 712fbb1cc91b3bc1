// The README's figures are the product's: the catalogue's size as the home page counts it, in
// English and in Mongolian, and a service page's weight on the wire. Change the data or the page
// and this fails until the README says so too.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { testApp, type TestApp } from '../../test/helpers.ts';
import { seedServices } from '../modules/catalog/seed/services.ts';
import { projectRoot } from './assets.ts';

const readme = readFileSync(path.join(projectRoot, 'README.md'), 'utf8');

describe('the README tells the truth', () => {
  let app: TestApp;
  before(async () => {
    app = await testApp({ seed: true });
  });
  after(async () => app.close());

  it('counts the services and agencies the home page counts, from the seed data, in both languages', async () => {
    const live = seedServices.filter((service) => service.status === 'active');
    const expected = { services: live.length, agencies: new Set(live.map((service) => service.agencyId)).size };
    assert.deepEqual((await app.catalog.overview()).totals, expected);
    const en = /\*\*public service catalogue\*\*: (\d+) real Mongolian services from (\d+) agencies/.exec(readme);
    const mn = /\*\*төрийн үйлчилгээний каталог\*\*: (\d+) байгууллагын (\d+) бодит үйлчилгээ/.exec(readme);
    assert.ok(en && mn, 'the README states the catalogue size in English and Mongolian');
    assert.deepEqual({ services: Number(en[1]), agencies: Number(en[2]) }, expected, 'README (English)');
    assert.deepEqual({ services: Number(mn[2]), agencies: Number(mn[1]) }, expected, 'README (Mongolian)');
    const home = (await app.server.inject({ url: '/en' })).body;
    assert.ok(home.includes(`Find ${expected.services} services from ${expected.agencies} agencies`), 'the home page says the same');
  });

  it('weighs a service page, with its stylesheet and script, as the README says', async () => {
    const url = '/mn/services/residence-address-reference';
    const body = (await app.server.inject({ url })).body;
    const queue = [url, ...[...body.matchAll(/<link rel="(?:stylesheet|icon)" href="([^"]+)"|<script[^>]* src="([^"]+)"/g)].map((match) => match[1] ?? match[2]!)];
    assert.ok(queue.length >= 3, 'a stylesheet and a script');
    const fetched = new Set<string>();
    let bytes = 0;
    while (queue.length > 0) {
      const asset = queue.shift()!;
      if (fetched.has(asset)) continue;
      fetched.add(asset);
      const response = await app.server.inject({ url: asset, headers: { 'accept-encoding': 'gzip' } });
      assert.equal(response.statusCode, 200, asset);
      bytes += response.headers['content-encoding'] ? response.rawPayload.length : gzipSync(response.rawPayload).length;
      // A module script brings the modules it imports.
      if (asset.endsWith('.js')) for (const match of (response.headers['content-encoding'] === 'gzip' ? gunzipSync(response.rawPayload).toString('utf8') : response.body).matchAll(/\bimport\s[^'"]*['"](\/[^'"]+)['"]/g)) queue.push(match[1]!);
    }
    const kb = Math.round(bytes / 1024);
    const en = /weighs about (\d+) KB compressed/.exec(readme);
    const mn = /шахсан хэлбэрээр ойролцоогоор (\d+) KB/.exec(readme);
    assert.ok(en && mn, 'the README states the page weight in English and Mongolian');
    // "About": within 2 KB, so a small change to the page does not need a README edit.
    for (const stated of [Number(en[1]), Number(mn[1])]) assert.ok(Math.abs(stated - kb) <= 2, `the README says ${stated} KB; measured ${kb} KB (${bytes} bytes)`);
  });

  it('answers /favicon.ico with the mark', async () => {
    const response = await app.server.inject({ url: '/favicon.ico' });
    assert.equal(response.statusCode, 200);
    assert.match(response.headers['content-type'] as string, /image\/svg\+xml/);
    assert.match(response.body, /<svg/);
  });
});
