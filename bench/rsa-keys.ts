// RSA key soak: makes thousands of RSA-2048 keys the way the platform makes its ID token and DCC
// signing keys (src/kernel/pki.ts), beside the kind of traffic a server has (thread-pool crypto,
// key objects made and dropped, so garbage collections run meanwhile). It must finish: the
// synchronous generateKeyPairSync('rsa') + export path could deadlock in Node 20 after some
// hundreds of keys. The baseline, in the same run, is that synchronous path for a few keys, which
// also shows how long each key held the event loop.
//
//   node --import tsx bench/rsa-keys.ts [--keys 3000] [--seconds 0] [--concurrency 4] [--baseline 20]
//
// --seconds S stops after S seconds even when fewer keys are made (the test uses it).
import { createPublicKey, generateKeyPairSync, scrypt, sign, webcrypto } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { generateRsaJwk } from '../src/kernel/pki.ts';

const { values } = parseArgs({ options: { keys: { type: 'string', default: '3000' }, seconds: { type: 'string', default: '0' }, concurrency: { type: 'string', default: '4' }, baseline: { type: 'string', default: '20' } } });
const wanted = Number(values.keys);
const seconds = Number(values.seconds);
const concurrency = Number(values.concurrency);
const baselineKeys = Number(values.baseline);

const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ecJwk = ec.publicKey.export({ format: 'jwk' });
const signing = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
let stopped = false;

/** Traffic beside the key making: thread-pool crypto and short-lived key objects. */
async function traffic(): Promise<void> {
  while (!stopped) {
    await Promise.all([
      new Promise((resolve) => scrypt('password', 'salt', 32, { N: 1024 }, resolve)),
      webcrypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, signing.privateKey, Buffer.from('payload')),
      new Promise((resolve) => setTimeout(resolve, 5)),
    ]);
    for (let index = 0; index < 20; index += 1) createPublicKey({ key: ecJwk, format: 'jwk' });
    sign('sha256', Buffer.from('payload'), ec.privateKey);
  }
}

// Baseline: the synchronous path, timed per key (each key blocks the event loop this long).
const syncStarted = performance.now();
for (let index = 0; index < baselineKeys; index += 1) generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
const syncMs = baselineKeys ? (performance.now() - syncStarted) / baselineKeys : 0;

const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();
const started = performance.now();
const deadline = seconds > 0 ? started + seconds * 1000 : Infinity;
const background = [traffic(), traffic()];
let made = 0;
const kids = new Set<string>();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (made < wanted && performance.now() < deadline) {
      made += 1;
      const { privateJwk } = await generateRsaJwk();
      kids.add(String(privateJwk.n).slice(0, 16));
      if (made % 250 === 0) process.stderr.write(`${made} keys, ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
    }
  }),
);
stopped = true;
await Promise.all(background);
delay.disable();
const elapsed = (performance.now() - started) / 1000;
if (kids.size !== made) throw new Error(`only ${kids.size} distinct keys of ${made}`);
console.log(`rsa keys: ${made} in ${elapsed.toFixed(1)} s (${(made / elapsed).toFixed(1)} keys/s, concurrency ${concurrency}); longest event-loop stall ${(delay.max / 1e6).toFixed(0)} ms; baseline generateKeyPairSync+export ${syncMs.toFixed(0)} ms a key, all of it on the event loop`);
