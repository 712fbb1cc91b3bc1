// The route map (docs/routes.md) is generated from the app, so it cannot drift: this test fails
// when a route is added, moved to another file or guarded differently and the map was not written
// again. UPDATE_ROUTE_MAP=1 writes it instead of comparing.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { routeMapMarkdown } from '../src/kernel/route-map.ts';
import { testApp, type TestApp } from './helpers.ts';

const MAP = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'routes.md');

describe('route map', () => {
  let app: TestApp;
  before(async () => {
    app = await testApp({ seed: false });
  });
  after(async () => app.close());

  it('knows the file of every route', () => {
    const unknown = app.routes.filter((route) => !route.file).map((route) => `${route.method} ${route.url}`);
    assert.deepEqual(unknown, []);
  });

  it('names the module that registers a page, not the helper that relays it', () => {
    const start = app.routes.find((route) => route.method === 'GET' && route.url === '/en/services/:slug');
    assert.equal(start?.file, 'src/modules/catalog/pages.ts');
    const guarded = app.routes.find((route) => route.method === 'GET' && route.url === '/en/admin/services');
    assert.ok(guarded?.guard?.who, 'a guarded page says whom it admits');
  });

  it('is current in docs/routes.md', async () => {
    const generated = routeMapMarkdown(app.routes);
    if (process.env.UPDATE_ROUTE_MAP === '1') {
      await writeFile(MAP, generated);
      return;
    }
    const committed = await readFile(MAP, 'utf8').catch(() => '');
    assert.ok(committed === generated, 'docs/routes.md is out of date: run UPDATE_ROUTE_MAP=1 node --import tsx --test test/route-map.test.ts and commit it');
  });
});
