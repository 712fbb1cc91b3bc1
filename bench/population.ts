// Population benchmark: persons generated and stored per second on PostgreSQL, the path of
// `urtuu seed --population N` (COPY in batches while the next batch is generated, secondary
// indexes built once at the end for big loads, then ANALYZE).
//
//   node --import tsx bench/population.ts [--people 200000]      (3500000 for the whole country)
//
// Two baselines from the same run: the generator alone (nothing stored: how fast the storage keeps
// up with it), and a bare COPY of the same records' JSON into a table with no index, constraint or
// event (what PostgreSQL itself takes to receive those bytes on this machine).
import { parseArgs } from 'node:util';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/kernel/config.ts';
import { progressBar } from '../src/kernel/progress.ts';
import { uuidv7 } from '../src/kernel/ids.ts';
import type { CopyValue } from '../src/kernel/db.ts';
import { deferIndexes, generatePopulation, loadRecords } from '../src/modules/registries/index.ts';
import { freshDatabase, machine } from './lib.ts';

const { values } = parseArgs({ options: { people: { type: 'string', default: '200000' }, seed: { type: 'string', default: 'bench' } } });
const people = Number(values.people);
if (!Number.isInteger(people) || people < 1000) throw new Error('--people must be an integer of at least 1000');

const countPeople = (batch: { registryId: string }[]) => batch.filter((record) => record.registryId === 'population').length;

// ---- Baseline 1: the generator alone, with the JSON the loader would write.
let started = performance.now();
let generated = 0;
let bytes = 0;
let shown = 0;
let bar = progressBar('generating only', people);
for (const batch of generatePopulation({ population: people, seed: values.seed })) {
  for (const record of batch) bytes += JSON.stringify(record.content).length;
  generated += countPeople(batch);
  if (generated - shown >= 5000) bar.update(Math.min((shown = generated), people));
}
bar.finish();
const generateSeconds = (performance.now() - started) / 1000;

const database = await freshDatabase(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres', 'urtuu_bench_population');
try {
  const config = loadConfig({ ...process.env, NODE_ENV: 'production' }, { databaseUrl: database.url, logLevel: 'warn', sessionSecret: 'bench-session-secret-0123456789abcdef-0123' });
  const app = await buildApp(config);
  const db = app.ctx.db;

  // ---- Baseline 2: a bare COPY of the same JSON into a plain table (2 workers like the loader).
  await db.exec('CREATE TABLE public.bench_raw (id uuid, content jsonb)');
  started = performance.now();
  bar = progressBar('bare COPY', people);
  let copied = 0;
  let pending: CopyValue[][] = [];
  let inFlight: Promise<void> | undefined;
  const flush = async () => {
    const rows = pending;
    pending = [];
    await inFlight;
    inFlight = db.copy([{ table: 'public.bench_raw', columns: ['id', 'content'], rows }]);
  };
  for (const batch of generatePopulation({ population: people, seed: values.seed })) {
    for (const record of batch) pending.push([uuidv7(), JSON.stringify(record.content)]);
    copied += countPeople(batch);
    if (pending.length >= 20_000) {
      await flush();
      bar.update(Math.min(copied, people));
    }
  }
  await flush();
  await inFlight;
  bar.finish();
  const rawSeconds = (performance.now() - started) / 1000;
  await db.exec('DROP TABLE public.bench_raw');
  await db.exec('CHECKPOINT');

  // ---- The product's path, as `urtuu seed --population` runs it.
  started = performance.now();
  const restoreIndexes = people >= 100_000 ? await deferIndexes(db) : undefined;
  bar = progressBar('generated and stored', people);
  let stored = 0;
  const report = await loadRecords(db, generatePopulation({ population: people, seed: values.seed }), {
    actor: 'bench',
    onBatch(written) {
      stored += countPeople(written);
      bar.update(Math.min(stored, people));
    },
  });
  bar.finish();
  const loadedAt = performance.now();
  if (restoreIndexes) await restoreIndexes();
  const indexedAt = performance.now();
  await db.query('ANALYZE registries.records');
  const analyzedAt = performance.now();
  const storeSeconds = (analyzedAt - started) / 1000;
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM registries.records WHERE registry_id = 'population'`);
  if (rows[0]?.n !== stored) throw new Error(`stored ${stored} people but the registry holds ${rows[0]?.n}`);
  await app.close();

  const rate = (count: number, seconds: number) => Math.round(count / seconds);
  console.log(`\n${machine()}; PostgreSQL; ${stored} people, ${report.records} records in ${Object.keys(report.byRegistry).length} registries, ${(bytes / 1e6).toFixed(0)} MB of JSON\n`);
  console.log('| step | seconds | people/s | ratio to generating only |');
  console.log('|---|---:|---:|---:|');
  console.log(`| generating only (baseline) | ${generateSeconds.toFixed(1)} | ${rate(generated, generateSeconds)} | 1.00 |`);
  console.log(`| bare COPY of the same JSON | ${rawSeconds.toFixed(1)} | ${rate(copied, rawSeconds)} | ${(generateSeconds / rawSeconds).toFixed(2)} |`);
  console.log(`| generated and stored (seed --population) | ${storeSeconds.toFixed(1)} | ${rate(stored, storeSeconds)} | ${(generateSeconds / storeSeconds).toFixed(2)} |`);
  console.log(`|  of which: records and events written | ${((loadedAt - started) / 1000).toFixed(1)} | | |`);
  console.log(`|  of which: secondary indexes built | ${((indexedAt - loadedAt) / 1000).toFixed(1)} | | |`);
  console.log(`|  of which: ANALYZE | ${((analyzedAt - indexedAt) / 1000).toFixed(1)} | | |`);
  const country = 3_500_000;
  console.log(
    `\npopulation: ${rate(stored, storeSeconds)} people/s generated and stored = ${((rate(stored, storeSeconds) / rate(copied, rawSeconds)) * 100).toFixed(0)}% of a bare COPY of the same JSON; ` +
      `the whole country (${country.toLocaleString('en')}) in about ${Math.ceil(country / rate(stored, storeSeconds) / 60)} minutes at this rate`,
  );
} finally {
  await database.drop();
}
