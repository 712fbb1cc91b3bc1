// Online services benchmark, on PostgreSQL: reference requests and application submissions per
// second, with pgbench's single-row insert rate measured in the same run as the baseline, and the
// back office's queue with a million applications stored.
//
//   node --import tsx bench/applications.ts [--people 3000] [--seconds 10] [--concurrency 8] [--applications 1000000]
//
// - References: POST /api/v1/references/:slug with { consent: true }, residence-address-reference
//   and birth-certificate-reference alternating, each request a different signed-in citizen (session
//   cookies made with the server's SESSION_SECRET). Each one records an exchange consent, reads the
//   registry through the exchange as the portal (signed, checked, logged), stores the request and
//   its actions and signs the reference as a document.
// - Submissions: POST /api/v1/applications/child-money (the form reads registry facts through the
//   exchange under a consent before the answers are checked) and company-name-reservation (no facts),
//   each request a different citizen.
// - Baseline: pgbench on the same PostgreSQL, `concurrency` clients each running a one-row INSERT
//   into a small table (autocommit: one commit per insert), for the same number of seconds.
// - The queue: `--applications` applications (a million by default) bulk-loaded beforehand into
//   applications.requests, request_actions and request_state, shaped as the application code writes
//   them, spread over the 20 agencies with the most application services and over the statuses;
//   then GET /en/office and GET /api/v1/office/requests as a GASR officer, beside GET /healthz on the
//   same server, and EXPLAIN (ANALYZE) of the queue's three statements.
//
// autocannon runs in this process (`concurrency` connections, 2 s warm-up, then `seconds`); the
// server runs `urtuu start` in its own process. DATABASE_URL names the PostgreSQL server (default
// postgres://postgres@127.0.0.1:5432/postgres); a fresh database is created and dropped.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { buildApp } from '../src/app.ts';
import { encodeSession, SESSION_COOKIE, type Principal } from '../src/kernel/auth.ts';
import { loadConfig } from '../src/kernel/config.ts';
import { progressBar } from '../src/kernel/progress.ts';
import { seedCatalog } from '../src/modules/catalog/index.ts';
import { generatePopulation, loadRecords } from '../src/modules/registries/index.ts';
import { freshDatabase, load, machine, startServer, summarise, type LoadResult } from './lib.ts';

const run = promisify(execFile);

const { values } = parseArgs({
  options: {
    people: { type: 'string', default: '3000' },
    seconds: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '8' },
    applications: { type: 'string', default: '1000000' },
  },
});
const people = Number(values.people);
const seconds = Number(values.seconds);
const concurrency = Number(values.concurrency);
const applicationCount = Number(values.applications);

const PORT = 3960;
const BASE = `http://127.0.0.1:${PORT}`;
const SESSION_SECRET = 'bench-session-secret-0123456789abcdef-0123';
const OFFICER: Principal = { id: 'bench-gasr-officer', name: 'Б.Тулга', kind: 'official', roles: ['officer'], agencyId: 'gasr' };

const phase = (text: string) => process.stderr.write(`\n== ${text}\n`);
const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const loadAverage = () => os.loadavg().map((value) => value.toFixed(1)).join(' ');

/** Bulk-loads `total` applications shaped as the application code writes them; returns seconds taken. */
async function loadApplications(pool: pg.Pool, total: number): Promise<{ seconds: number; agencies: number; gasr: number }> {
  const client = await pool.connect();
  const started = performance.now();
  try {
    await client.query('SET synchronous_commit = off');
    // The 20 agencies with the most application services, and their services.
    await client.query(`CREATE TEMP TABLE bench_services AS
      WITH agencies AS (
        SELECT agency_id FROM catalog.services WHERE kind = 'application' AND status = 'active' GROUP BY agency_id ORDER BY (agency_id = 'gasr') DESC, count(*) DESC, agency_id LIMIT 20
      )
      SELECT dense_rank() OVER (ORDER BY s.agency_id)::int - 1 AS a, (row_number() OVER (PARTITION BY s.agency_id ORDER BY s.slug))::int - 1 AS k,
             (count(*) OVER (PARTITION BY s.agency_id))::int AS n, s.agency_id, s.slug,
             CASE s.processing_unit WHEN 'working_days' THEN s.processing_value * 1.4 WHEN 'days' THEN s.processing_value WHEN 'hours' THEN s.processing_value / 24.0 ELSE 1 END AS due_days
      FROM catalog.services s JOIN agencies USING (agency_id) WHERE s.kind = 'application' AND s.status = 'active'`);
    const { rows } = await client.query<{ agencies: number }>('SELECT count(DISTINCT agency_id)::int AS agencies FROM bench_services');
    const agencies = rows[0]!.agencies;
    await client.query(`CREATE TEMP TABLE bench_stage (i bigint, id uuid, created timestamptz, status text, slug text, agency_id text, subject text, subject_name text, channel text, due timestamptz, assigned text)`);
    const chunk = 20_000;
    const bar = progressBar('applications', total);
    for (let from = 1; from <= total; from += chunk) {
      const to = Math.min(total, from + chunk - 1);
      await client.query('BEGIN');
      await client.query('TRUNCATE bench_stage');
      // Statuses: 20% still open (8% SUBMITTED, 6% PROCESSING, 2% each EDIT, FILE_REQUESTED,
      // PRINTING), the rest decided. Open ones were sent in the last 60 days, decided ones over two years.
      await client.query(
        `INSERT INTO bench_stage
         SELECT g.i, md5('bench-application-' || g.i)::uuid, g.created, g.status, s.slug, s.agency_id,
                'УБ' || lpad(((g.i * 7919) % 100000000)::text, 8, '0'),
                (ARRAY['Б.Болормаа', 'Д.Ганбат', 'С.Оюунаа', 'Э.Тэмүүлэн', 'Н.Сарангэрэл', 'Г.Номин', 'Б.Тулга', 'О.Энхжаргал'])[1 + g.i % 8],
                (ARRAY['portal', 'portal', 'portal', 'api', 'operator'])[1 + g.i % 5],
                g.created + s.due_days * interval '1 day',
                CASE WHEN g.status IN ('SUBMITTED', 'EXPIRED') THEN NULL ELSE s.agency_id || '-officer-' || (g.i % 25) END
         FROM (
           SELECT i, st.status,
                  now() - (CASE WHEN st.status IN ('SUBMITTED', 'PROCESSING', 'EDIT', 'FILE_REQUESTED', 'PRINTING') THEN abs(hashint8(-i)::bigint) % (60 * 86400) ELSE abs(hashint8(-i)::bigint) % (730 * 86400) END) * interval '1 second' AS created
           FROM generate_series($1::bigint, $2::bigint) AS i
           -- A hash, not i itself: the agency is i modulo the number of agencies, and each agency must get every status.
           CROSS JOIN LATERAL (SELECT abs(hashint8(i)::bigint) % 100 AS h) hashed
           CROSS JOIN LATERAL (SELECT CASE
             WHEN h < 8 THEN 'SUBMITTED' WHEN h < 14 THEN 'PROCESSING' WHEN h < 16 THEN 'EDIT'
             WHEN h < 18 THEN 'FILE_REQUESTED' WHEN h < 20 THEN 'PRINTING' WHEN h < 60 THEN 'GRANTED'
             WHEN h < 80 THEN 'COMPLETED' WHEN h < 92 THEN 'REJECTED' ELSE 'EXPIRED' END AS status) st
         ) g
         JOIN bench_services s ON s.a = g.i % $3 AND s.k = abs(hashint8(g.i + 1000000000)::bigint) % s.n`,
        [from, to, agencies],
      );
      await client.query(
        `INSERT INTO applications.requests (id, number, service_slug, kind, subject, subject_name, actor, agency_id, channel, created_at)
         SELECT id, 'UR-' || to_char(created, 'YYYY') || '-' || lpad(nextval('applications.request_number')::text, 7, '0'), slug, 'application', subject, subject_name, NULL, agency_id, channel, created
         FROM bench_stage ORDER BY i`,
      );
      // The actions that lead to each status, as the back office appends them.
      await client.query(
        `INSERT INTO applications.request_actions (request_id, status, actor_id, details, at)
         SELECT b.id, step.status,
                CASE WHEN step.n = 1 THEN 'citizen-' || b.subject ELSE coalesce(b.assigned, b.agency_id || '-officer-0') END,
                CASE step.status
                  WHEN 'SUBMITTED' THEN jsonb_build_object('answers', jsonb_build_object('bank', 'khan', 'account', lpad((b.i % 1000000000)::text, 10, '5'), 'confirm', 'yes'), 'facts', '[]'::jsonb, 'formVersion', 1, 'fee', 0)
                  WHEN 'PROCESSING' THEN jsonb_build_object('assigned', coalesce(b.assigned, b.agency_id || '-officer-0'))
                  WHEN 'EDIT' THEN jsonb_build_object('message', 'Дансны дугаараа шалгана уу / Please check the account number')
                  WHEN 'FILE_REQUESTED' THEN jsonb_build_object('message', 'Төрсний гэрчилгээний хуулбар / A copy of the birth certificate', 'field', 'document')
                  WHEN 'GRANTED' THEN jsonb_build_object('note', '', 'document', md5('bench-document-' || b.i)::uuid)
                  WHEN 'REJECTED' THEN jsonb_build_object('reason', 'Шаардлага хангаагүй / Does not meet the conditions', 'refunded', false)
                  ELSE jsonb_build_object('note', '') END,
                b.created + (step.n - 1) * interval '1 day'
         FROM bench_stage b
         CROSS JOIN LATERAL unnest(CASE b.status
           WHEN 'SUBMITTED' THEN ARRAY['SUBMITTED'] WHEN 'EXPIRED' THEN ARRAY['SUBMITTED', 'EXPIRED']
           WHEN 'PROCESSING' THEN ARRAY['SUBMITTED', 'PROCESSING'] WHEN 'COMPLETED' THEN ARRAY['SUBMITTED', 'PROCESSING', 'PRINTING', 'COMPLETED']
           ELSE ARRAY['SUBMITTED', 'PROCESSING', b.status] END) WITH ORDINALITY AS step(status, n)
         ORDER BY b.i, step.n`,
      );
      await client.query(
        `INSERT INTO applications.request_state (request_id, agency_id, subject, kind, status, open, assigned_to, paid, due_at, submitted_at, updated_at)
         SELECT id, agency_id, subject, 'application', status, status NOT IN ('COMPLETED', 'GRANTED', 'REJECTED', 'EXPIRED'), assigned, true, due, created,
                created + (CASE status WHEN 'SUBMITTED' THEN 0 WHEN 'PROCESSING' THEN 1 WHEN 'EXPIRED' THEN 1 WHEN 'COMPLETED' THEN 3 ELSE 2 END) * interval '1 day'
         FROM bench_stage ORDER BY i`,
      );
      await client.query('COMMIT');
      bar.update(to);
    }
    bar.finish();
    const gasr = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM applications.request_state WHERE agency_id = 'gasr'`);
    return { seconds: (performance.now() - started) / 1000, agencies, gasr: gasr.rows[0]!.n };
  } finally {
    client.release();
  }
}

/** pgbench: `clients` connections each running a one-row INSERT, autocommit, for `duration` seconds. */
async function pgbenchInserts(url: string, clients: number, duration: number): Promise<{ tps: number; latencyMs: number; version: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'urtuu-bench-'));
  try {
    const script = path.join(dir, 'insert.sql');
    await writeFile(script, `\\set k random(1, 1000000000)\nINSERT INTO bench_inserts (k, payload) VALUES (:k, 'a row about the size of a small event');\n`);
    const parsed = new URL(url);
    const args = ['-h', parsed.hostname, '-p', parsed.port || '5432', '-U', decodeURIComponent(parsed.username || 'postgres')];
    const env = { ...process.env, ...(parsed.password ? { PGPASSWORD: decodeURIComponent(parsed.password) } : {}) };
    const database = parsed.pathname.slice(1);
    const { stdout: version } = await run('pgbench', ['--version'], { env });
    const { stdout } = await run('pgbench', [...args, '-n', '-c', String(clients), '-j', String(Math.min(2, clients)), '-T', String(duration), '-f', script, database], { env });
    const tps = Number(/tps = ([\d.]+)/.exec(stdout)?.[1]);
    const latencyMs = Number(/latency average = ([\d.]+) ms/.exec(stdout)?.[1]);
    if (!Number.isFinite(tps)) throw new Error(`could not read pgbench's output:\n${stdout}`);
    return { tps, latencyMs, version: version.trim() };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

interface Post {
  path: string;
  cookie: string;
  body: string;
}

/** Like lib.ts's `load`, for JSON POSTs made one by one (a different citizen each). */
async function loadPosts(name: string, make: (index: number) => Post, duration: number): Promise<LoadResult> {
  let next = 0;
  const once = (time: number) =>
    autocannon({
      url: BASE,
      connections: concurrency,
      duration: time,
      requests: [{
        method: 'POST',
        setupRequest: (request) => {
          const made = make(next++);
          return { ...request, method: 'POST', path: made.path, headers: { ...request.headers, 'content-type': 'application/json', cookie: made.cookie }, body: made.body };
        },
      }],
    });
  await once(2);
  return summarise(name, await once(duration));
}

const database = await freshDatabase(serverUrl, 'urtuu_bench_applications');
const pool = new pg.Pool({ connectionString: database.url, max: 4 });
try {
  // ---- 1. Set-up: the catalogue, the people, and the stored applications.
  phase('set-up');
  const config = loadConfig({ ...process.env, NODE_ENV: 'production' }, { databaseUrl: database.url, logLevel: 'warn', sessionSecret: SESSION_SECRET, baseUrl: BASE, port: PORT });
  const app = await buildApp(config);
  await seedCatalog(app.ctx.db, {});
  await app.publish();
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
  await app.close();
  const { rows: persons } = await pool.query<{ key: string; name: string }>(
    `SELECT key, coalesce(content->>'surname', '') || ' ' || coalesce(content->>'givenName', '') AS name FROM registries.records
     WHERE registry_id = 'population' AND NOT content ? 'death' ORDER BY md5(key)`,
  );
  const cookies = persons.map((person) => `${SESSION_COOKIE}=${encodeSession(SESSION_SECRET, { id: `citizen-${person.key}`, name: person.name, kind: 'citizen', roles: ['citizen'], agencyId: null, registerNumber: person.key })}`);
  process.stderr.write(`${persons.length} living people to sign in as\n`);

  // ---- The server in its own process, started on the schema just made (it waits while the
  // applications are stored and pgbench runs).
  phase(`server: urtuu start on ${BASE}`);
  const server = await startServer({ DATABASE_URL: database.url, SESSION_SECRET }, PORT);

  let stored: { seconds: number; agencies: number; gasr: number };
  let inserts: { tps: number; latencyMs: number; version: string };
  let loadBefore: string;
  try {
    phase(`${applicationCount} applications stored`);
    stored = applicationCount > 0 ? await loadApplications(pool, applicationCount) : { seconds: 0, agencies: 0, gasr: 0 };
    process.stderr.write('ANALYZE\n');
    await pool.query('ANALYZE');
    await pool.query('CREATE TABLE bench_inserts (id bigserial PRIMARY KEY, k integer NOT NULL, payload text NOT NULL, at timestamptz NOT NULL DEFAULT now())');

    // ---- Baseline: pgbench's single-row INSERTs, the server idle.
    phase(`baseline: pgbench, ${concurrency} clients, one-row INSERTs, ${seconds} s`);
    loadBefore = loadAverage();
    inserts = await pgbenchInserts(database.url, concurrency, seconds);
    process.stderr.write(`${inserts.version}: ${Math.round(inserts.tps)} inserts/s, ${inserts.latencyMs} ms average\n`);
  } catch (error) {
    await server.stop();
    throw error;
  }
  const serverStarted = new Date();

  const results: LoadResult[] = [];
  const explainTop: { label: string; top: string; ms: number }[] = [];
  let counts: { references: number; submissions: number; documents: number; logged: number } = { references: 0, submissions: 0, documents: 0, logged: 0 };
  try {
    // One of each first, checked, so a broken route is not measured as a fast one.
    const REFERENCES = ['residence-address-reference', 'birth-certificate-reference'];
    let who = 0;
    const citizen = () => cookies[who++ % cookies.length]!;
    const reference = (index: number): Post => ({ path: `/api/v1/references/${REFERENCES[index % 2]}`, cookie: citizen(), body: JSON.stringify({ consent: true }) });
    const childMoney = (index: number): Post => ({ path: '/api/v1/applications/child-money', cookie: citizen(), body: JSON.stringify({ answers: { bank: ['khan', 'golomt', 'tdb', 'xac', 'state'][index % 5], account: String(5_000_000_000 + index), confirm: true } }) });
    const companyName = (index: number): Post => ({ path: '/api/v1/applications/company-name-reservation', cookie: citizen(), body: JSON.stringify({ answers: { proposedName: `Хөх Тэнгэр ${index}`, legalForm: 'llc', activity: 'Аялал жуулчлал' } }) });
    for (const [label, made] of [['reference', reference(0)], ['reference', reference(1)], ['child-money', childMoney(0)], ['company-name-reservation', companyName(0)]] as const) {
      const response = await fetch(`${BASE}${made.path}`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: made.cookie }, body: made.body });
      const body = (await response.json()) as { request?: { number: string; status: string }; document?: { id: string } | null; number?: string; status?: string };
      if (response.status !== 201) throw new Error(`${label}: ${response.status} ${JSON.stringify(body).slice(0, 300)}`);
      process.stderr.write(`ok: ${made.path} → 201 ${body.request?.number ?? body.number} ${body.request?.status ?? body.status}${body.document ? ` document ${body.document.id}` : ''}\n`);
    }

    phase(`references: ${concurrency} connections, 2 s warm-up then ${seconds} s (load ${loadAverage()})`);
    results.push(await loadPosts('POST /api/v1/references/:slug (consent, exchange read, logged, signed)', reference, seconds));
    phase(`submissions: child-money (load ${loadAverage()})`);
    results.push(await loadPosts('POST /api/v1/applications/child-money (consent, exchange prefill, logged)', childMoney, seconds));
    phase(`submissions: company-name-reservation (load ${loadAverage()})`);
    results.push(await loadPosts('POST /api/v1/applications/company-name-reservation (no facts)', companyName, seconds));

    // ---- 4. The back office's queue.
    const officer = { cookie: `${SESSION_COOKIE}=${encodeSession(SESSION_SECRET, OFFICER)}` };
    for (const url of ['/en/office', '/api/v1/office/requests?status=SUBMITTED']) {
      const response = await fetch(`${BASE}${url}`, { headers: officer });
      if (response.status !== 200) throw new Error(`${url}: ${response.status} ${(await response.text()).slice(0, 300)}`);
      if (url.startsWith('/api')) process.stderr.write(`ok: ${url} → ${((await response.json()) as { total: number }).total} SUBMITTED in the gasr queue\n`);
      else await response.arrayBuffer();
    }
    phase(`queue: GASR officer (load ${loadAverage()})`);
    results.push(await load('GET /healthz (baseline)', BASE, ['/healthz'], { seconds, connections: concurrency }));
    results.push(await load('GET /en/office (queue page, open statuses)', BASE, () => ({ path: '/en/office', headers: officer }), { seconds, connections: concurrency }));
    results.push(await load('GET /api/v1/office/requests?status=SUBMITTED', BASE, () => ({ path: '/api/v1/office/requests?status=SUBMITTED', headers: officer }), { seconds, connections: concurrency }));
    results.push(await load('GET /api/v1/office/requests (open statuses)', BASE, () => ({ path: '/api/v1/office/requests', headers: officer }), { seconds, connections: concurrency }));
  } finally {
    await server.stop();
  }
  const loadAfter = loadAverage();

  // ---- 5. The queue's statements, as store.ts sends them for the gasr officer's page.
  const select = 'SELECT r.*, s.status, s.updated_at, s.assigned_to, s.paid, s.due_at FROM applications.requests r JOIN applications.request_state s ON s.request_id = r.id';
  const open = `s.kind = 'application' AND s.agency_id = 'gasr' AND s.open`;
  const one = `s.kind = 'application' AND s.agency_id = 'gasr' AND s.status = $1`;
  const statements: [string, string, unknown[]][] = [
    ['queue page, open statuses', `${select} WHERE ${open} ORDER BY s.due_at ASC, s.request_id LIMIT 50 OFFSET 0`, []],
    ['count, open statuses', `SELECT count(*)::text AS n FROM applications.request_state s WHERE ${open}`, []],
    ['queue page, SUBMITTED', `${select} WHERE ${one} ORDER BY s.due_at ASC, s.request_id LIMIT 50 OFFSET 0`, ['SUBMITTED']],
    ['count, SUBMITTED', `SELECT count(*)::text AS n FROM applications.request_state s WHERE ${one}`, ['SUBMITTED']],
    ['counts per open status', `SELECT status, count(*)::text AS n, count(*) FILTER (WHERE due_at < now())::text AS overdue FROM applications.request_state WHERE kind = 'application' AND agency_id = 'gasr' AND open GROUP BY status`, []],
  ];
  for (const [label, sql, params] of statements) {
    await pool.query(sql, params); // warm
    const { rows } = await pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params);
    const plan = rows.map((row) => row['QUERY PLAN']);
    explainTop.push({ label, top: plan[0]!, ms: Number(/Execution Time: ([\d.]+)/.exec(plan.at(-1)!)?.[1]) });
    process.stderr.write(`\n-- ${label}\n${plan.join('\n')}\n`);
  }
  const { rows: tally } = await pool.query<{ references: number; submissions: number; documents: number; logged: number }>(
    `SELECT (SELECT count(*)::int FROM applications.request_state WHERE kind = 'reference' AND status = 'COMPLETED') AS references,
            (SELECT count(*)::int FROM applications.requests WHERE kind = 'application' AND channel = 'api' AND created_at >= $1) AS submissions,
            (SELECT count(*)::int FROM documents.documents) AS documents,
            (SELECT count(*)::int FROM exchange.message_log) AS logged`,
    [serverStarted],
  );
  counts = tally[0]!;

  // ---- 6. The figures.
  const [references, childMoney, companyName, healthz, officePage, submittedApi, openApi] = results as [LoadResult, LoadResult, LoadResult, LoadResult, LoadResult, LoadResult, LoadResult];
  const ratio = (value: number, base: number) => (value / base).toFixed(3);
  console.log(`\n${machine()}; PostgreSQL; ${persons.length} people; ${applicationCount} applications stored (${stored.agencies} agencies, ${stored.gasr} at GASR, loaded in ${stored.seconds.toFixed(0)} s); ${concurrency} connections, 2 s warm-up + ${seconds} s per target; load average ${loadBefore} before, ${loadAfter} after`);
  console.log('\n| target | per second | ratio to baseline | p50 ms | p99 ms | errors | non-2xx |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  console.log(`| pgbench one-row INSERT, ${concurrency} clients (baseline) | ${Math.round(inserts.tps)} | 1.000 | | | | |`);
  for (const result of [references, childMoney, companyName]) console.log(`| ${result.name} | ${result.requestsPerSecond.toFixed(1)} | ${ratio(result.requestsPerSecond, inserts.tps)} | ${result.p50} | ${result.p99} | ${result.errors} | ${result.non2xx} |`);
  console.log(`| GET /healthz (baseline) | ${Math.round(healthz.requestsPerSecond)} | 1.000 | ${healthz.p50} | ${healthz.p99} | ${healthz.errors} | ${healthz.non2xx} |`);
  for (const result of [officePage, submittedApi, openApi]) console.log(`| ${result.name} | ${result.requestsPerSecond.toFixed(1)} | ${ratio(result.requestsPerSecond, healthz.requestsPerSecond)} | ${result.p50} | ${result.p99} | ${result.errors} | ${result.non2xx} |`);
  console.log(`\npgbench: ${inserts.version}, average latency ${inserts.latencyMs} ms`);
  console.log('\nThe queue\'s statements for the GASR officer (EXPLAIN ANALYZE, top line and execution time):\n');
  for (const entry of explainTop) console.log(`- ${entry.label}: \`${entry.top}\` — ${entry.ms} ms`);
  console.log(`\nstored after the run: ${counts.references} completed references, ${counts.submissions} applications sent through the API, ${counts.documents} signed documents, ${counts.logged} exchange log entries`);
  console.log(
    `\napplications: references ${references.requestsPerSecond.toFixed(1)}/s (p50/p99 ${references.p50}/${references.p99} ms) = ${ratio(references.requestsPerSecond, inserts.tps)} of pgbench's ${Math.round(inserts.tps)} inserts/s · ` +
      `child-money ${childMoney.requestsPerSecond.toFixed(1)}/s (${childMoney.p50}/${childMoney.p99} ms) = ${ratio(childMoney.requestsPerSecond, inserts.tps)} · ` +
      `company-name-reservation ${companyName.requestsPerSecond.toFixed(1)}/s (${companyName.p50}/${companyName.p99} ms) = ${ratio(companyName.requestsPerSecond, inserts.tps)} · ` +
      `queue page with ${applicationCount} applications: p50/p99 ${officePage.p50}/${officePage.p99} ms, ${officePage.requestsPerSecond.toFixed(1)} req/s = ${ratio(officePage.requestsPerSecond, healthz.requestsPerSecond)} of /healthz ${Math.round(healthz.requestsPerSecond)} req/s`,
  );
  if (results.some((result) => result.errors > 0 || result.non2xx > 0)) process.exitCode = 1;
} finally {
  await pool.end();
  await database.drop();
}
