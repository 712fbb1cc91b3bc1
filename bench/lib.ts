// Shared pieces of the benchmarks: a fresh PostgreSQL database, a server in its own process, and
// autocannon runs reduced to the figures we record.
import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

export { freshDatabase } from '../test/fresh-database.ts';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Starts `urtuu start` in a child process and waits until /readyz answers. */
export async function startServer(env: Record<string, string>, port: number): Promise<{ url: string; stop(): Promise<void>; child: ChildProcess }> {
  const child = spawn(process.execPath, [path.join(root, 'bin', 'urtuu.js'), 'start'], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'warn', NODE_ENV: 'production', PORT: String(port), HOST: '127.0.0.1', BASE_URL: `http://127.0.0.1:${port}`, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 200; attempt += 1) {
    try {
      const response = await fetch(`${url}/readyz`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return {
    url,
    child,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export interface LoadResult {
  name: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  bytesPerRequest: number;
}

/** One request of a load run: a path, or a path with headers made for it (a signature, say). */
export type RequestMaker = (index: number) => { path: string; headers?: Record<string, string> };

/**
 * Runs autocannon against `paths` (rotated per request), or requests made one by one, and returns
 * throughput and latency.
 */
export async function load(name: string, base: string, paths: string[] | RequestMaker, options: { seconds?: number; connections?: number; rate?: number } = {}): Promise<LoadResult> {
  let next = 0;
  const make: RequestMaker = Array.isArray(paths) ? (index) => ({ path: paths[index % paths.length]! }) : paths;
  const run = (duration: number) =>
    autocannon({
      url: base,
      connections: options.connections ?? 10,
      duration,
      // A fixed rate measures latency below saturation; without it autocannon runs flat out.
      ...(options.rate ? { overallRate: options.rate } : {}),
      requests: [{
        setupRequest: (request) => {
          const made = make(next++);
          return { ...request, path: made.path, ...(made.headers ? { headers: { ...request.headers, ...made.headers } } : {}) };
        },
      }],
    });
  await run(2); // warm-up: JIT, caches, connection pool
  return summarise(name, await run(options.seconds ?? 10));
}

/** An autocannon result reduced to the figures we record. */
export function summarise(name: string, result: autocannon.Result): LoadResult {
  return {
    name,
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    bytesPerRequest: result.requests.total > 0 ? result.throughput.total / result.requests.total : 0,
  };
}

export function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`;
}
