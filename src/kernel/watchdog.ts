// A watchdog on its own thread, for the server process. A JavaScript signal handler runs on the
// main thread's event loop, so when that loop is stuck (a deadlock in native code, a busy loop) a
// SIGTERM is never acted on and the process answers nothing for good. The main loop bumps a
// heartbeat in shared memory; a worker thread, which needs nothing from the main thread, kills the
// whole process when the heartbeat has stopped for longer than the stall limit, or when a shutdown
// was asked for and has not ended by its deadline. The process manager then starts a new one.
import { Worker } from 'node:worker_threads';

export interface WatchdogOptions {
  /** Kill the process when the event loop has not turned for this long; 0 = never. */
  stallMs: number;
  /** Kill the process when a shutdown has not finished this long after it began. */
  shutdownMs: number;
}

export interface Watchdog {
  /** Marks the start of a shutdown: from now on it must end within the deadline. */
  shutdownStarted(): void;
  stop(): Promise<void>;
}

const HEARTBEAT = 0;
const SHUTDOWN = 1;

// Plain JavaScript run by the worker. It writes with fs.writeSync: the worker's process.stderr is
// relayed through the main thread, which is the one that may be stuck.
const WORKER = `
const { workerData } = require('node:worker_threads');
const { writeSync } = require('node:fs');
const state = new Int32Array(workerData.buffer);
const { stallMs, shutdownMs } = workerData;
let beat = Atomics.load(state, ${HEARTBEAT});
let beatAt = Date.now();
let shutdownAt = 0;
const kill = (reason) => {
  try { writeSync(2, JSON.stringify({ level: 60, time: Date.now(), msg: 'watchdog: ' + reason + '; killing the process' }) + '\\n'); } catch {}
  process.kill(process.pid, 'SIGKILL');
};
setInterval(() => {
  const now = Date.now();
  const current = Atomics.load(state, ${HEARTBEAT});
  if (current !== beat) { beat = current; beatAt = now; }
  if (!shutdownAt && Atomics.load(state, ${SHUTDOWN}) === 1) shutdownAt = now;
  if (stallMs > 0 && now - beatAt > stallMs) kill('the event loop has not turned for ' + (now - beatAt) + ' ms');
  else if (shutdownAt && now - shutdownAt > shutdownMs) kill('shutdown did not finish within ' + shutdownMs + ' ms');
}, Math.max(50, Math.min(500, Math.floor((stallMs || shutdownMs) / 4))));
`;

/** Starts the watchdog thread and the heartbeat; neither keeps the process alive. */
export function startWatchdog(options: WatchdogOptions): Watchdog {
  const buffer = new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
  const state = new Int32Array(buffer);
  const worker = new Worker(WORKER, { eval: true, workerData: { buffer, stallMs: options.stallMs, shutdownMs: options.shutdownMs } });
  worker.unref();
  const beat = Math.max(20, Math.min(1000, Math.floor((options.stallMs || 4000) / 4)));
  const heartbeat = setInterval(() => Atomics.add(state, HEARTBEAT, 1), beat);
  heartbeat.unref();
  return {
    shutdownStarted() {
      Atomics.store(state, SHUTDOWN, 1);
    },
    async stop() {
      clearInterval(heartbeat);
      await worker.terminate();
    },
  };
}
