// Companion of bench/login.ts: database statements (round trips to PostgreSQL) per step of one
// login and per GET /healthz, counted in one process (the app listens here; every pg query is
// counted, BEGIN and COMMIT included, and the commits among them). Logins run one after another,
// so each step's count is exact; the mean over --logins is printed beside the step's time.
//
//   node --import tsx bench/login-statements.ts [--people 1000] [--logins 5]
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/kernel/config.ts';
import { codeFromOutbox, loginFlow, prepareLogin, type StepRecorder } from './login-flow.ts';
import { freshDatabase, machine } from './lib.ts';

const { values } = parseArgs({ options: { people: { type: 'string', default: '1000' }, logins: { type: 'string', default: '5' } } });
const PORT = 3945;
const BASE = `http://127.0.0.1:${PORT}`;
const CLIENT_ID = 'bench-bank';
const CLIENT_SECRET = randomBytes(32).toString('base64url');
const REDIRECT_URI = 'https://bank.example/callback';

// Every statement any pool or client of this process sends, and the commits among them (a write
// outside a transaction, or COMMIT): each waits for PostgreSQL to flush its log to disk.
let statements = 0;
let commits = 0;
const inTransaction = new WeakSet<object>();
const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
(pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown }).query = function (this: pg.Client, ...args: unknown[]) {
  statements += 1;
  const first = args[0];
  const text = (typeof first === 'string' ? first : typeof first === 'object' && first && 'text' in first ? String((first as { text: unknown }).text) : '').trimStart().slice(0, 12).toUpperCase();
  if (/^(BEGIN|START)/.test(text)) inTransaction.add(this);
  else if (/^(COMMIT|END)/.test(text)) {
    inTransaction.delete(this);
    commits += 1;
  } else if (/^ROLLBACK/.test(text)) inTransaction.delete(this);
  else if (/^(INSERT|UPDATE|DELETE|WITH)/.test(text) && !inTransaction.has(this)) commits += 1;
  return query.apply(this, args);
};

class StatementSteps implements StepRecorder {
  private last = statements;
  private lastCommits = commits;
  readonly steps = new Map<string, { statements: number[]; commits: number[]; ms: number[] }>();
  add(step: string, ms: number): void {
    const entry = this.steps.get(step) ?? { statements: [], commits: [], ms: [] };
    entry.statements.push(statements - this.last);
    entry.commits.push(commits - this.lastCommits);
    entry.ms.push(ms);
    this.steps.set(step, entry);
    this.reset();
  }
  reset(): void {
    this.last = statements;
    this.lastCommits = commits;
  }
}
const sum = (numbers: number[]) => numbers.reduce((a, b) => a + b, 0);
const median = (numbers: number[]) => [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)] ?? 0;

const database = await freshDatabase(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres', 'urtuu_bench_login_statements');
try {
  const config = loadConfig({ ...process.env, NODE_ENV: 'production' }, { databaseUrl: database.url, logLevel: 'warn', sessionSecret: 'bench-session-secret-0123456789abcdef-0123', baseUrl: BASE, port: PORT });
  const app = await buildApp(config);
  const outbox = new pg.Pool({ connectionString: database.url, max: 2 });
  try {
    const persons = await prepareLogin(app, { people: Number(values.people), clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI });
    await app.ctx.db.query('ANALYZE');
    await app.server.listen({ port: PORT, host: '127.0.0.1' });
    const rp = { base: BASE, clientId: CLIENT_ID, basic: `Basic ${Buffer.from(`${CLIENT_ID}:${encodeURIComponent(CLIENT_SECRET)}`).toString('base64')}`, redirectUri: REDIRECT_URI, scope: 'openid profile', issuer: `${BASE}/oidc` };
    const steps = new StatementSteps();
    const logins = Number(values.logins);
    // One login first (warm caches, compiled templates), not counted.
    await loginFlow(rp, persons[0]!, { add() {} }, (mobile) => codeFromOutbox(outbox, mobile));
    for (let index = 1; index <= logins; index += 1) {
      steps.reset();
      await loginFlow(rp, persons[index]!, steps, (mobile) => codeFromOutbox(outbox, mobile));
    }
    const health = new StatementSteps();
    for (let index = 0; index < 20; index += 1) {
      health.reset();
      const started = performance.now();
      await (await fetch(`${BASE}/healthz`)).text();
      health.add('GET /healthz', performance.now() - started);
    }
    console.log(`\n${machine()}; PostgreSQL; one process; ${logins} logins one at a time (mean per login), 20 × GET /healthz (median)\n`);
    console.log('| step | statements | of which commits | ms |');
    console.log('|---|---:|---:|---:|');
    const totals = { statements: 0, commits: 0, ms: 0 };
    for (const [step, entry] of steps.steps) {
      const row = { statements: sum(entry.statements) / logins, commits: sum(entry.commits) / logins, ms: sum(entry.ms) / logins };
      totals.statements += row.statements;
      totals.commits += row.commits;
      totals.ms += row.ms;
      console.log(`| ${step}${entry.statements.length > logins ? ` (×${entry.statements.length / logins})` : ''} | ${row.statements.toFixed(1)} | ${row.commits.toFixed(1)} | ${row.ms.toFixed(1)} |`);
    }
    console.log(`| **whole login** | ${totals.statements.toFixed(1)} | ${totals.commits.toFixed(1)} | ${totals.ms.toFixed(0)} |`);
    const healthz = health.steps.get('GET /healthz')!;
    console.log(`| GET /healthz | ${median(healthz.statements)} | ${median(healthz.commits)} | ${median(healthz.ms).toFixed(1)} |`);
    console.log(`\nlogin statements: ${totals.statements.toFixed(1)} database statements per login (${totals.commits.toFixed(1)} commits; the bench's own outbox read included), ${totals.ms.toFixed(0)} ms one at a time`);
  } finally {
    await outbox.end();
    await app.close();
  }
} finally {
  await database.drop();
}
