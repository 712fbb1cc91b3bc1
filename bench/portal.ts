// Portal benchmark: the hot pages and the search API against a server on PostgreSQL holding 10,000+
// services, with /healthz (a bare route) as the baseline measured in the same run.
//
//   node --import tsx bench/portal.ts [--synthetic 10000] [--seconds 10] [--connections 10]
//
// DATABASE_URL names the PostgreSQL server (default postgres://postgres@127.0.0.1:5432/postgres);
// a fresh database is created and dropped. The server runs in its own process, autocannon in this one.
import { parseArgs } from 'node:util';
import { openDb } from '../src/kernel/db.ts';
import { migrate } from '../src/kernel/migrations.ts';
import { progressBar } from '../src/kernel/progress.ts';
import { migrationSources } from '../src/app.ts';
import { seedCatalog } from '../src/modules/catalog/index.ts';
import { freshDatabase, load, machine, startServer, type LoadResult } from './lib.ts';


const { values } = parseArgs({
  options: {
    synthetic: { type: 'string', default: '10000' },
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '10' },
  },
});
const baseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const database = await freshDatabase(baseUrl, 'urtuu_bench');
try {
  const db = await openDb({ databaseUrl: database.url });
  await migrate(db, migrationSources());
  let bar: ReturnType<typeof progressBar> | undefined;
  const report = await seedCatalog(db, {
    synthetic: Number(values.synthetic),
    demoUsage: true,
    onProgress(done, total) {
      bar ??= progressBar('seeding services', total);
      bar.update(done);
    },
  });
  bar?.finish();
  await db.query('ANALYZE');
  await db.close();
  const services = report.servicesAdded + report.synthetic;

  const options = { seconds: Number(values.seconds), connections: Number(values.connections) };
  const queries = ['хаяг', 'hayag', 'passport', 'жолооны үнэмлэх', 'лавлагаа', 'tax certificate', 'тэтгэвэр', 'khayag', 'adress', 'barilgin zovshoorol', 'цэцэрлэг', 'vehicle', 'hayg', 'residense', 'тээврийн хэрэгсэл', 'pension'];
  const servicePaths = ['/mn/services/residence-address-reference', '/en/services/citizen-id-card-reference', '/mn/services/driving-licence-replacement', '/en/services/kindergarten-enrolment'];
  const searchPages = queries.map((q, i) => `/${i % 2 ? 'en' : 'mn'}/search?q=${encodeURIComponent(q)}`);
  const searchApi = queries.map((q) => `/api/v1/services?q=${encodeURIComponent(q)}`);

  /** Runs every target against one server; `label` says how that server was configured. */
  async function phase(label: string, env: Record<string, string>, withRate: boolean): Promise<LoadResult[]> {
    const server = await startServer({ DATABASE_URL: database.url, ...env }, 3900);
    const results: LoadResult[] = [];
    try {
      results.push(await load(`${label}: GET /healthz (baseline)`, server.url, ['/healthz'], options));
      results.push(await load(`${label}: GET /mn (home)`, server.url, ['/mn', '/en'], options));
      results.push(await load(`${label}: GET /mn/services/:slug`, server.url, servicePaths, options));
      results.push(await load(`${label}: GET /mn/search?q=`, server.url, searchPages, options));
      results.push(await load(`${label}: GET /api/v1/services?q=`, server.url, searchApi, options));
      if (withRate) {
        // Latency without queueing: one client, one request at a time.
        results.push(await load(`${label}: GET /api/v1/services?q=, 1 connection`, server.url, searchApi, { ...options, connections: 1 }));
        results.push(await load(`${label}: GET /mn/search?q=, 1 connection`, server.url, searchPages, { ...options, connections: 1 }));
      }
    } finally {
      await server.stop();
    }
    return results;
  }

  // As deployed: public pages and search results are kept in memory for CACHE_TTL_MS (30 s).
  const cached = await phase('cached', {}, false);
  // Every request rendered and queried: the cost of a cache miss, and of every signed-in page.
  const uncached = await phase('no cache', { CACHE_TTL_MS: '0' }, true);

  console.log(`\n${machine()}; PostgreSQL 15; ${services} services; ${options.connections} connections, ${options.seconds}s per target\n`);
  console.log('| target | req/s | ratio to baseline | p50 ms | p99 ms | errors | non-2xx | bytes/response |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const results of [cached, uncached]) {
    const baseline = results[0]!.requestsPerSecond;
    for (const result of results) {
      console.log(`| ${result.name} | ${Math.round(result.requestsPerSecond)} | ${(result.requestsPerSecond / baseline).toFixed(2)} | ${result.p50} | ${result.p99} | ${result.errors} | ${result.non2xx} | ${Math.round(result.bytesPerRequest)} |`);
    }
  }
  const ratio = (results: LoadResult[], index: number) => `${((results[index]!.requestsPerSecond / results[0]!.requestsPerSecond) * 100).toFixed(0)}%`;
  console.log(
    `\nportal: service page ${ratio(cached, 2)} of baseline cached, ${ratio(uncached, 2)} uncached (aim >= 40%); ` +
      `search API p99 ${cached[4]!.p99} ms cached, ${uncached[4]!.p99} ms uncached with 10 connections, ${uncached[5]!.p99} ms uncached with 1 (aim < 20 ms)`,
  );
} finally {
  await database.drop();
}
