// A server killed with SIGKILL in the middle of a load run, then started again on the same
// database, has lost no application it acknowledged: every 201 it sent names a request that is
// still there, with the answers that were sent, and no request is half made (a request without its
// state row, its SUBMITTED action or its audit entry). Runs on the embedded PGlite (a data folder,
// as `urtuu start` keeps it) always, and on PostgreSQL too when DATABASE_URL is set.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../src/app.ts';
import { encodeSession, SESSION_COOKIE, type Principal } from '../src/kernel/auth.ts';
import { loadConfig } from '../src/kernel/config.ts';
import { openDb } from '../src/kernel/db.ts';
import { seedCatalog } from '../src/modules/catalog/index.ts';
import { DEMO_CITIZEN, generatePopulation, loadRecords } from '../src/modules/registries/index.ts';
import { freshDatabase, type FreshDatabase } from './fresh-database.ts';
import { freePort } from './helpers.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SLUG = 'company-name-reservation';
const SECRET = `sigkill-test-secret-${randomBytes(16).toString('hex')}`;
// Concurrent clients: enough that several requests are always in flight when the server dies.
const CLIENTS = 8;
const LOAD_MS = 1_500;
// At least this many acknowledged before the kill, so the check means something on a slow machine.
const MIN_ACKNOWLEDGED = 20;
// Generous: the server compiles its sources with tsx and applies migrations before it listens.
const START_TIMEOUT_MS = 120_000;

const citizen: Principal = { id: 'sigkill-citizen', name: DEMO_CITIZEN.givenName, kind: 'citizen', roles: ['citizen'], agencyId: null, registerNumber: DEMO_CITIZEN.registerNumber };
const officer: Principal = { id: 'sigkill-officer', name: 'GASR officer', kind: 'official', roles: ['officer'], agencyId: 'gasr' };
const cookieOf = (principal: Principal) => `${SESSION_COOKIE}=${encodeSession(SECRET, principal)}`;

interface Server {
  child: ChildProcess;
  url: string;
  log: () => string;
  exited: Promise<void>;
}

interface Target {
  name: string;
  /** Sets up an empty database; returns what the server's environment needs, and how to clean up. */
  prepare(dir: string): Promise<{ env: Record<string, string>; cleanup(): Promise<void> }>;
}

const targets: Target[] = [
  {
    name: 'the embedded PGlite in a data folder',
    async prepare(dir) {
      return { env: { DATA_DIR: path.join(dir, 'data'), DATABASE_URL: '' }, cleanup: async () => {} };
    },
  },
];
if (process.env.DATABASE_URL) {
  const serverUrl = process.env.DATABASE_URL;
  targets.push({
    name: 'PostgreSQL',
    async prepare(dir) {
      const database: FreshDatabase = await freshDatabase(serverUrl, 'urtuu_sigkill');
      return { env: { DATA_DIR: path.join(dir, 'data'), DATABASE_URL: database.url }, cleanup: () => database.drop() };
    },
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts `urtuu start` as a child process and waits until /healthz answers. */
async function startServer(env: Record<string, string>): Promise<Server> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [path.join(root, 'bin', 'urtuu.js'), 'start', '--port', String(port)], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'test', HOST: '127.0.0.1', BASE_URL: url, SESSION_SECRET: SECRET, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const server = { child, url, log: () => log, exited };
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the server exited before answering /healthz:\n${log}`);
    if (Date.now() > deadline) {
      await stopServer(server, 'SIGKILL');
      throw new Error(`the server did not answer /healthz within ${START_TIMEOUT_MS / 1000}s:\n${log}`);
    }
    const healthy = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) }).then((response) => response.ok, () => false);
    if (healthy) return server;
    await sleep(200);
  }
}

/** Stops a server and waits for the process to be gone; a graceful stop that hangs becomes a kill. */
async function stopServer(server: Server | undefined, signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
  if (!server || server.child.exitCode !== null || server.child.signalCode !== null) return;
  server.child.kill(signal);
  const gone = await Promise.race([server.exited.then(() => true), sleep(30_000).then(() => false)]);
  if (!gone) {
    server.child.kill('SIGKILL');
    await server.exited;
  }
}

async function api(server: Server, principal: Principal, method: 'GET' | 'POST', url: string, body?: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(`${server.url}${url}`, {
    method,
    headers: { cookie: cookieOf(principal), accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: response.status, json };
}

const answersFor = (proposedName: string) => ({ proposedName, legalForm: 'llc', activity: 'Аялал жуулчлалын үйлчилгээ' });

for (const target of targets) {
  describe(`a server killed with SIGKILL under load, on ${target.name}`, () => {
    let dir: string | undefined;
    let env: Record<string, string>;
    let cleanup: (() => Promise<void>) | undefined;
    let first: Server | undefined;
    let second: Server | undefined;
    const run = randomBytes(3).toString('hex');
    // Every 201 the first server sent: its request number and the name that was sent.
    const acknowledged = new Map<string, string>();
    let unacknowledged = 0;
    let inFlightAtKill = 0;

    before(async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'urtuu-sigkill-'));
      const prepared = await target.prepare(dir);
      env = prepared.env;
      cleanup = prepared.cleanup;
      // Migrations, the catalogue and a few people, made here and closed before the server opens the database.
      const config = loadConfig({ NODE_ENV: 'test' }, { databaseUrl: env.DATABASE_URL || undefined, dataDir: env.DATA_DIR!, inMemory: false, sessionSecret: SECRET, baseUrl: 'http://127.0.0.1' });
      const app = await buildApp(config);
      try {
        await seedCatalog(app.ctx.db, {});
        await loadRecords(app.ctx.db, generatePopulation({ population: 10, seed: 'sigkill' }), { actor: 'test' });
      } finally {
        await app.close();
      }
    });

    after(async () => {
      await stopServer(first, 'SIGKILL');
      await stopServer(second, 'SIGKILL');
      try {
        await cleanup?.();
      } finally {
        if (dir) rmSync(dir, { recursive: true, force: true });
      }
    });

    it('acknowledges applications under load until it is killed', async () => {
      first = await startServer(env);
      const server = first;
      // One application first, so the forms are in place before the clients start.
      const warm = await api(server, citizen, 'POST', `/api/v1/applications/${SLUG}`, { answers: answersFor(`Бэлтгэл ${run}`) });
      assert.equal(warm.status, 201, JSON.stringify(warm.json));
      acknowledged.set(warm.json.number, `Бэлтгэл ${run}`);

      let stop = false;
      let inFlight = 0;
      // Kept, not thrown: a client's failure is reported once all of them have finished.
      const failures: string[] = [];
      const client = async (index: number) => {
        for (let sequence = 0; !stop; sequence += 1) {
          const proposedName = `Өртөө ${run} ${index}-${sequence}`;
          inFlight += 1;
          try {
            const sent = await api(server, citizen, 'POST', `/api/v1/applications/${SLUG}`, { answers: answersFor(proposedName) });
            if (sent.status === 201) {
              assert.equal(typeof sent.json.number, 'string');
              acknowledged.set(sent.json.number, proposedName);
            } else {
              // Anything but 201 is not an acknowledgement; before the kill there should be none.
              unacknowledged += 1;
              if (!server.child.killed) failures.push(`a refusal before the kill: ${sent.status} ${JSON.stringify(sent.json).slice(0, 300)}`);
            }
          } catch (error) {
            // Reset, refused or timed out: not acknowledged. Before the kill it is a failure.
            unacknowledged += 1;
            if (!server.child.killed) failures.push(`an error before the kill: ${String(error)}`);
          } finally {
            inFlight -= 1;
          }
        }
      };
      const clients = Array.from({ length: CLIENTS }, (_, index) => client(index));
      const started = Date.now();
      while ((Date.now() - started < LOAD_MS || acknowledged.size < MIN_ACKNOWLEDGED) && Date.now() - started < 60_000) await sleep(50);
      inFlightAtKill = inFlight;
      server.child.kill('SIGKILL');
      stop = true;
      await server.exited;
      await Promise.all(clients);
      assert.deepEqual(failures, []);
      assert.equal(server.child.signalCode, 'SIGKILL');
      assert.ok(acknowledged.size >= MIN_ACKNOWLEDGED, `only ${acknowledged.size} applications acknowledged in a minute:\n${server.log()}`);
      assert.ok(inFlightAtKill > 0, 'requests were in flight when the server was killed');
      assert.ok(unacknowledged > 0, 'some requests in flight were cut off');
    });

    it('keeps every acknowledged application after a restart, with its answers', async () => {
      assert.ok(acknowledged.size > 0, 'the load run acknowledged applications');
      second = await startServer(env);
      const server = second;
      // The office's queue (a GASR officer) lists each of them as SUBMITTED.
      const queued = new Set<string>();
      for (let page = 1; ; page += 1) {
        const listed = await api(server, officer, 'GET', `/api/v1/office/requests?status=SUBMITTED&pageSize=200&page=${page}`);
        assert.equal(listed.status, 200, JSON.stringify(listed.json));
        for (const item of listed.json.items as { number: string; status: string }[]) {
          assert.equal(item.status, 'SUBMITTED');
          queued.add(item.number);
        }
        if ((listed.json.items as unknown[]).length < 200) break;
      }
      const missing = [...acknowledged.keys()].filter((number) => !queued.has(number));
      assert.deepEqual(missing, [], `${missing.length} of ${acknowledged.size} acknowledged applications lost`);

      // The person sees each with the answers sent (a few at a time, as a client would ask).
      const numbers = [...acknowledged.keys()];
      const wrong: string[] = [];
      await Promise.all(Array.from({ length: 6 }, async () => {
        for (let number = numbers.pop(); number !== undefined; number = numbers.pop()) {
          const found = await api(server, citizen, 'GET', `/api/v1/my/requests/${number}`);
          const submitted = found.json?.actions?.find((action: { status: string }) => action.status === 'SUBMITTED');
          if (found.status !== 200 || found.json.status !== 'SUBMITTED' || submitted?.details?.answers?.proposedName !== acknowledged.get(number)) {
            wrong.push(`${number}: ${found.status} ${JSON.stringify(found.json).slice(0, 300)}`);
          }
        }
      }));
      assert.deepEqual(wrong, []);

      // And it takes new applications, numbered after every one it had.
      const fresh = await api(server, citizen, 'POST', `/api/v1/applications/${SLUG}`, { answers: answersFor(`Дахин ${run}`) });
      assert.equal(fresh.status, 201, JSON.stringify(fresh.json));
      assert.ok(!acknowledged.has(fresh.json.number), `a number given twice: ${fresh.json.number}`);
      assert.ok(queued.size >= acknowledged.size);
    });

    it('leaves no application half made', async () => {
      await stopServer(second, 'SIGTERM');
      // The server has let go of the database (on PGlite, of its folder), so it can be read here.
      const db = await openDb({ databaseUrl: env.DATABASE_URL || undefined, dataDir: env.DATA_DIR! });
      try {
        const { rows: [counts] } = await db.query<{ requests: number; without_state: number; without_submitted: number; without_audit: number; wrong_state: number }>(`
          SELECT count(*)::int AS requests,
                 count(*) FILTER (WHERE s.request_id IS NULL)::int AS without_state,
                 count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM applications.request_actions a WHERE a.request_id = r.id AND a.status = 'SUBMITTED'))::int AS without_submitted,
                 count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM kernel.audit_log l WHERE l.subject_type = 'request' AND l.subject_id = r.number AND l.action = 'application.submitted'))::int AS without_audit,
                 count(*) FILTER (WHERE s.status IS DISTINCT FROM 'SUBMITTED')::int AS wrong_state
            FROM applications.requests r LEFT JOIN applications.request_state s ON s.request_id = r.id
           WHERE r.service_slug = $1`, [SLUG]);
        const { requests, ...halfMade } = counts!;
        assert.deepEqual(halfMade, { without_state: 0, without_submitted: 0, without_audit: 0, wrong_state: 0 });
        // Acknowledged ones, the one sent after the restart, and perhaps some committed whose answer never left.
        assert.ok(requests >= acknowledged.size + 1, `${requests} requests for ${acknowledged.size} acknowledged`);
        const orphans = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM applications.request_state s WHERE NOT EXISTS (SELECT 1 FROM applications.requests r WHERE r.id = s.request_id)`);
        assert.equal(orphans.rows[0]!.n, 0, 'no state row without its request');
        // Drafts begun by requests the kill cut short: disposable, and a sign the kill came mid-request.
        const drafts = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM applications.drafts WHERE slug = $1`, [SLUG]);
        console.log(`${target.name}: ${acknowledged.size} acknowledged, all found; ${requests - 1 - acknowledged.size} committed but cut off before the answer; ${unacknowledged} not acknowledged (${inFlightAtKill} in flight at the kill, ${drafts.rows[0]!.n} drafts left)`);
      } finally {
        await db.close();
      }
    });
  });
}
