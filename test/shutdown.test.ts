// The server process always ends after SIGTERM: a graceful shutdown exits 0; a shutdown that
// hangs is cut off at its deadline; and a main thread stuck for good (where no JavaScript signal
// handler can run) is ended by the watchdog thread once the event loop has stood still past its limit.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface Server {
  child: ChildProcess;
  url: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  out(): string;
}

let nextPort = 31_000 + Math.floor(Math.random() * 2000) * 2;

/**
 * Starts the server and waits until it answers /healthz, or, for a server that hangs on purpose
 * 200 ms after listening (`until: 'hanging'`), until it says it hangs: a poll of /healthz could
 * miss that window on an idle machine and then wait for a server that will never answer.
 */
async function start(dir: string, env: Record<string, string>, until: 'healthz' | 'hanging' = 'healthz'): Promise<Server> {
  const port = nextPort++;
  const child = spawn(process.execPath, [path.join(root, 'bin', 'urtuu.js'), 'start'], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'info', DATABASE_URL: '', DATA_DIR: path.join(dir, `data-${port}`), PORT: String(port), HOST: '127.0.0.1', BASE_URL: `http://127.0.0.1:${port}`, SESSION_SECRET: 'a-session-secret-for-the-shutdown-test-0123456789', SHUTDOWN_TIMEOUT_SECONDS: '2', WATCHDOG_STALL_SECONDS: '3', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 240_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the server exited early: ${out}`);
    if (Date.now() > deadline) throw new Error(`the server did not start: ${out}`);
    const ready = until === 'hanging'
      ? /Server listening/.test(out) && out.includes('hanging')
      : await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5000) }).then((response) => response.ok, () => false);
    if (ready) break;
    await new Promise((resolve) => setTimeout(resolve, until === 'hanging' ? 20 : 250));
  }
  return { child, url, exited, out: () => out };
}

/** Sends SIGTERM and returns how the process ended and how many ms it took. */
async function terminate(server: Server): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }> {
  const sent = Date.now();
  server.child.kill('SIGTERM');
  const guard = setTimeout(() => server.child.kill('SIGKILL'), 30_000);
  const ended = await server.exited;
  clearTimeout(guard);
  return { code: ended.code, signal: ended.signal, ms: ended.at - sent };
}

describe('server shutdown', { timeout: 900_000 }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'urtuu-shutdown-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 0 soon after SIGTERM when nothing hangs', async () => {
    const server = await start(dir, {});
    const ended = await terminate(server);
    assert.equal(ended.signal, null, server.out());
    assert.equal(ended.code, 0, server.out());
    // Within the 2 s deadline, or it would have exited with 1.
    assert.ok(ended.ms < 5000, `${ended.ms} ms`);
  });

  it('ends a shutdown that hangs at its deadline', async () => {
    const server = await start(dir, { URTUU_TEST_HANG: 'shutdown' });
    const ended = await terminate(server);
    assert.equal(ended.code, 1, server.out());
    assert.ok(ended.ms >= 1900 && ended.ms < 10_000, `${ended.ms} ms`);
    assert.match(server.out(), /shutdown did not finish in time/);
  });

  it('kills a process whose main thread is stuck during shutdown', async () => {
    const server = await start(dir, { URTUU_TEST_HANG: 'shutdown-loop' });
    const ended = await terminate(server);
    assert.equal(ended.signal, 'SIGKILL', server.out());
    // The shutdown deadline (2 s) and the watchdog's 2 s more, with room for a loaded machine.
    assert.ok(ended.ms < 12_000, `${ended.ms} ms`);
    assert.match(server.out(), /watchdog: /);
  });

  it('kills a process whose main thread is stuck for good, SIGTERM or not', async () => {
    const server = await start(dir, { URTUU_TEST_HANG: 'loop' }, 'hanging');
    const answered = await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(1000) }).then(() => true, () => false);
    assert.equal(answered, false, 'the server still answered');
    const ended = await terminate(server);
    assert.equal(ended.signal, 'SIGKILL', server.out());
    // The stall limit is 3 s, counted from when the loop stopped (about 1 s before SIGTERM).
    assert.ok(ended.ms < 12_000, `${ended.ms} ms`);
    assert.match(server.out(), /watchdog: the event loop has not turned/);
  });
});
