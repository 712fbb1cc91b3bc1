// Exchange benchmark: the same registry read (GASR's address reference) called directly and through
// the exchange, on PostgreSQL. Through the exchange every request is signed by the client (RFC 9421,
// ECDSA P-256), its signature and nonce checked (replays refused across processes), its access
// right and the person's consent checked, and the message written to the hash-chained log before
// the answer leaves (batched ECDSA signatures over the chain).
//
//   node --import tsx bench/exchange.ts [--people 20000] [--consents 2000] [--seconds 10] [--connections 10]
//
// DATABASE_URL names the PostgreSQL server (default postgres://postgres@127.0.0.1:5432/postgres);
// a fresh database is created and dropped. The server runs in its own process (bench/exchange-server.ts),
// autocannon and the client's signing in this one.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/kernel/config.ts';
import { signRequest } from '../src/kernel/http-signature.ts';
import { generateKeyPair } from '../src/kernel/pki.ts';
import { progressBar } from '../src/kernel/progress.ts';
import { generatePopulation, loadRecords } from '../src/modules/registries/index.ts';
import { freshDatabase, load, machine, root, type LoadResult } from './lib.ts';

const { values } = parseArgs({
  options: {
    people: { type: 'string', default: '20000' },
    consents: { type: 'string', default: '2000' },
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '10' },
  },
});
const people = Number(values.people);
const consentCount = Number(values.consents);
const options = { seconds: Number(values.seconds), connections: Number(values.connections) };
const SERVICE = 'MN/GOV/gasr/population/address';
const CLIENT = 'MN/COM/benchbank/loans';
const PURPOSE = 'Loan application';
const PORT = 3920;

const database = await freshDatabase(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres', 'urtuu_bench_exchange');
try {
  // ---- Set-up: people, a member with a key and a right, and each person's consent.
  const config = loadConfig({ ...process.env, NODE_ENV: 'production' }, { databaseUrl: database.url, logLevel: 'warn', sessionSecret: 'bench-session-secret-0123456789abcdef-0123' });
  const app = await buildApp(config);
  const bar = progressBar('people', people);
  let loaded = 0;
  await loadRecords(app.ctx.db, generatePopulation({ population: people, seed: 'bench' }), {
    actor: 'bench',
    onBatch(written) {
      loaded += written.filter((record) => record.registryId === 'population').length;
      bar.update(Math.min(loaded, people));
    },
  });
  bar.finish();
  const member = await app.exchange.admin.upsertMember({ memberClass: 'COM', memberCode: 'benchbank', name: { mn: 'Банк', en: 'Bank' } });
  const client = await app.exchange.admin.upsertSubsystem({ memberId: member, subsystemCode: 'loans', name: { mn: 'Зээл', en: 'Loans' } });
  const key = generateKeyPair();
  const keyId = await app.exchange.admin.addKey({ subsystemId: client, publicKeyPem: key.publicKeyPem });
  await app.exchange.admin.grant({ serviceId: SERVICE, clientId: client, method: 'GET', path: '/*' });
  const { rows } = await app.ctx.db.query<{ key: string }>(`SELECT key FROM registries.records WHERE registry_id = 'population' ORDER BY key LIMIT $1`, [consentCount]);
  const consentBar = progressBar('consents', rows.length);
  const subjects: { registerNumber: string; consent: string; encoded: string }[] = [];
  for (const [index, row] of rows.entries()) {
    const consent = await app.exchange.grantConsent({ subject: row.key, clientId: client, services: [SERVICE], purpose: PURPOSE, method: 'portal', days: 30 });
    subjects.push({ registerNumber: row.key, consent: consent.id, encoded: encodeURIComponent(row.key) });
    if (index % 100 === 0) consentBar.update(index);
  }
  consentBar.finish();
  await app.ctx.db.query('ANALYZE');
  await app.close();

  // ---- The server in its own process.
  const server = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'bench', 'exchange-server.ts')], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: database.url, PORT: String(PORT), NODE_ENV: 'production', LOG_LEVEL: 'warn', BASE_URL: `http://127.0.0.1:${PORT}`, SESSION_SECRET: 'bench-session-secret-0123456789abcdef-0123' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    server.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
    server.once('exit', (code) => reject(new Error(`the server exited with ${code}`)));
  });
  const results: LoadResult[] = [];
  try {
    const base = `http://127.0.0.1:${PORT}`;
    const direct = `http://127.0.0.1:${PORT + 1}`;
    const mediated = (index: number) => {
      const subject = subjects[index % subjects.length]!;
      const url = `/r1/MN/GOV/gasr/population/address/${subject.encoded}`;
      const headers: Record<string, string> = { accept: 'application/json', 'x-road-client': CLIENT, 'x-road-id': randomUUID(), 'urtuu-consent': subject.consent, 'urtuu-purpose': PURPOSE };
      Object.assign(headers, signRequest({ method: 'GET', url, headers }, { keyId, privateKeyPem: key.privateKeyPem, headers: ['x-road-client', 'x-road-id', 'urtuu-consent', 'urtuu-purpose'] }));
      return { path: url, headers };
    };
    // The check that the two paths answer the same, before measuring either.
    const sample = mediated(0);
    const viaExchange = await fetch(`${base}${sample.path}`, { headers: sample.headers });
    const viaDirect = await fetch(`${direct}/direct/address/${subjects[0]!.encoded}`);
    const [a, b] = [await viaExchange.json(), await viaDirect.json()];
    if (viaExchange.status !== 200 || JSON.stringify(a) !== JSON.stringify(b)) throw new Error(`the two paths differ: ${viaExchange.status} ${JSON.stringify(a).slice(0, 200)}`);

    results.push(await load('GET /healthz (process baseline)', base, ['/healthz'], options));
    results.push(await load('direct: registry read', direct, subjects.map((subject) => `/direct/address/${subject.encoded}`), options));
    results.push(await load('exchange: signed, checked, consented, logged', base, mediated, options));
    results.push(await load('direct: registry read, 1 connection', direct, subjects.map((subject) => `/direct/address/${subject.encoded}`), { ...options, connections: 1 }));
    results.push(await load('exchange: same, 1 connection', base, mediated, { ...options, connections: 1 }));
    // Many clients at once: the log and the replay markers are written in bigger batches.
    const many = options.connections * 5;
    results.push(await load(`direct: registry read, ${many} connections`, direct, subjects.map((subject) => `/direct/address/${subject.encoded}`), { ...options, connections: many }));
    results.push(await load(`exchange: same, ${many} connections`, base, mediated, { ...options, connections: many }));
  } finally {
    await new Promise<void>((resolve) => {
      server.once('exit', () => resolve());
      server.kill('SIGTERM');
    });
  }

  // ---- The log the run wrote: every message there, and the chain intact.
  const check = await buildApp(config);
  let verified: Awaited<ReturnType<typeof check.exchange.verifyLog>>;
  const started = performance.now();
  try {
    let verifyBar: ReturnType<typeof progressBar> | undefined;
    verified = await check.exchange.verifyLog((done, total) => {
      verifyBar ??= progressBar('verifying the log', total);
      verifyBar.update(done);
    });
    verifyBar?.finish();
  } finally {
    await check.close();
  }
  const verifySeconds = (performance.now() - started) / 1000;

  console.log(`\n${machine()}; PostgreSQL; ${people} people, ${subjects.length} consents rotated; ${options.connections} connections, ${options.seconds}s per target\n`);
  console.log('| target | req/s | ratio to direct | p50 ms | p99 ms | errors | non-2xx |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  const directResult = results[1]!;
  for (const result of results) {
    const reference = result.name.includes(' 1 connection') ? results[3]! : result.name.includes(`${options.connections * 5} connections`) ? results[5]! : directResult;
    console.log(`| ${result.name} | ${Math.round(result.requestsPerSecond)} | ${(result.requestsPerSecond / reference.requestsPerSecond).toFixed(2)} | ${result.p50} | ${result.p99} | ${result.errors} | ${result.non2xx} |`);
  }
  const exchange = results[2]!;
  const busy = results[6]!;
  console.log(`\nlog: ${verified.entries} entries in ${verified.batches} signed batches, ${verified.ok ? 'intact' : `BROKEN at ${verified.firstBad?.seq}`}; verified in ${verifySeconds.toFixed(1)} s (${Math.round(verified.entries / verifySeconds)} entries/s)`);
  console.log(
    `\nexchange: mediated ${Math.round(exchange.requestsPerSecond)} msg/s = ${((exchange.requestsPerSecond / directResult.requestsPerSecond) * 100).toFixed(0)}% of direct ${Math.round(directResult.requestsPerSecond)} req/s ` +
      `(aim >= 50% and >= 2000 msg/s); p50/p99 ${exchange.p50}/${exchange.p99} ms mediated, ${directResult.p50}/${directResult.p99} ms direct; ` +
      `${options.connections * 5} connections: ${Math.round(busy.requestsPerSecond)} msg/s = ${((busy.requestsPerSecond / results[5]!.requestsPerSecond) * 100).toFixed(0)}% of direct`,
  );
  if (!verified.ok || results.some((result) => result.non2xx > 0 || result.errors > 0)) process.exitCode = 1;
} finally {
  await database.drop();
}
