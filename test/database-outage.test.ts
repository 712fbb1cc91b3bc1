// When PostgreSQL goes away under a running platform, every request that needs it is answered 503
// with Retry-After and the reason in the person's language (never 500), liveness stays up while
// readiness says the database is gone, and the platform recovers by itself when it comes back.
// The outage is real: the platform reaches PostgreSQL through a TCP relay that the test cuts.
import assert from 'node:assert/strict';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { buildApp, type App } from '../src/app.ts';
import { loadConfig } from '../src/kernel/config.ts';
import { seedCatalog } from '../src/modules/catalog/index.ts';
import { freshDatabase, type FreshDatabase } from './fresh-database.ts';
import { freePort } from './helpers.ts';

const serverUrl = process.env.DATABASE_URL;

/** A TCP relay to PostgreSQL that can be cut (every connection reset, the port closed) and mended. */
function relay(port: number, target: URL) {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  return {
    async open() {
      server = createServer((client) => {
        const upstream = connect(Number(target.port || 5432), target.hostname);
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('close', () => sockets.delete(socket));
          socket.on('error', () => {});
        }
        client.pipe(upstream).pipe(client);
      });
      await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
    },
    async cut() {
      for (const socket of sockets) socket.resetAndDestroy();
      await new Promise<void>((resolve) => server!.close(() => resolve()));
    },
  };
}

describe('PostgreSQL going away and coming back', { skip: serverUrl ? false : 'needs PostgreSQL (DATABASE_URL): the embedded database lives inside the process and cannot go away on its own' }, () => {
  let database: FreshDatabase;
  let app: App;
  let cable: ReturnType<typeof relay>;

  before(async () => {
    database = await freshDatabase(serverUrl!, 'urtuu_outage');
    const target = new URL(database.url);
    const port = await freePort();
    cable = relay(port, target);
    await cable.open();
    const viaRelay = new URL(database.url);
    viaRelay.hostname = '127.0.0.1';
    viaRelay.port = String(port);
    app = await buildApp(loadConfig({ NODE_ENV: 'test' }, { databaseUrl: viaRelay.toString(), baseUrl: 'http://localhost:3000', cacheTtlMs: 0 }));
    await seedCatalog(app.ctx.db, {});
  });
  after(async () => {
    await app?.close().catch(() => {});
    // The relay was mended for the recovery: close it, or its listening socket keeps the test process alive.
    await cable?.cut().catch(() => {});
    await database?.drop();
  });

  it('answers 503 with Retry-After in the person’s language while it is gone, and recovers when it returns', async () => {
    const page = () => app.server.inject({ method: 'GET', url: '/en/services/residence-address-reference' });
    const api = () => app.server.inject({ method: 'GET', url: '/api/v1/services?q=address&lang=mn' });
    assert.equal((await page()).statusCode, 200);
    assert.equal((await api()).statusCode, 200);

    await cable.cut();
    const during = await Promise.all([page(), api(), page(), api()]);
    for (const response of during) {
      assert.equal(response.statusCode, 503, response.body.slice(0, 300));
      assert.equal(response.headers['retry-after'], '5');
    }
    assert.match(during[0]!.body, /The database cannot be reached just now/);
    assert.equal(during[1]!.json<{ code: string }>().code, 'DATABASE_UNAVAILABLE');
    assert.match(during[1]!.json<{ detail: string }>().detail, /Мэдээллийн сан түр холбогдохгүй/);
    assert.equal((await app.server.inject({ method: 'GET', url: '/healthz' })).statusCode, 200, 'the process itself is alive');
    assert.equal((await app.server.inject({ method: 'GET', url: '/readyz' })).statusCode, 503, 'but not ready');

    await cable.open();
    // The pool replaces its dead connections on the next requests.
    let recovered = false;
    for (let attempt = 0; attempt < 20 && !recovered; attempt += 1) {
      recovered = (await page()).statusCode === 200 && (await api()).statusCode === 200;
      if (!recovered) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.ok(recovered, 'the platform serves again once the database is back');
  });
});
