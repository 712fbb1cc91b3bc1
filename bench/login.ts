// National login benchmark: complete sign-ins per second through the OpenID Connect provider, and
// the token endpoint on its own, on PostgreSQL.
//
//   node --import tsx bench/login.ts [--people 3000] [--seconds 10] [--concurrency 8] [--connections 10] [--codes 25000]
//
// A login is what an outside relying party (a bank) and a person's browser do, over real HTTP with
// a cookie jar and every redirect taken by hand: the authorization request with PKCE, the register
// number, the choice of SMS, the code (read from the development outbox, where a real gateway would
// deliver it), the consent screen, the redirect back with ?code=, and the token request
// (client_secret_basic + code_verifier) that returns an ID token. `concurrency` people sign in at a
// time, each login a different person (at most 5 codes a person an hour; 10 failures from one
// address lock it, and every request here comes from 127.0.0.1: failures must be zero).
//
// The token endpoint alone: authorization codes are made in this process with the provider's own
// models (a second app on the same database, same SESSION_SECRET and BASE_URL) and each exchanged
// once by autocannon. Baselines from the same run: GET /healthz on the same server, and a bare
// RS256 signature (node:crypto, one core) of an ID-token-sized JWT.
//
// DATABASE_URL names the PostgreSQL server (default postgres://postgres@127.0.0.1:5432/postgres);
// a fresh database is created and dropped. The server runs `urtuu start` in its own process.
// BENCH_PROFILE=DIR writes a CPU profile of the server there when it stops (bench/login-profile.ts).
import { createPublicKey, generateKeyPairSync, randomBytes, randomUUID, sign as rsaSign, verify as rsaVerify, type JsonWebKey } from 'node:crypto';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/kernel/config.ts';
import { progressBar } from '../src/kernel/progress.ts';
import * as store from '../src/modules/identity/store.ts';
import { b64, codeFromOutbox, jwtPart, loginFlow, pkce, prepareLogin, StepTimes, type RelyingParty } from './login-flow.ts';
import { freshDatabase, load, machine, root, startServer, summarise, type LoadResult } from './lib.ts';

const { values } = parseArgs({
  options: {
    people: { type: 'string', default: '3000' },
    seconds: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '8' },
    connections: { type: 'string', default: '10' },
    codes: { type: 'string', default: '25000' },
  },
});
const people = Number(values.people);
const seconds = Number(values.seconds);
const concurrency = Number(values.concurrency);
const connections = Number(values.connections);
const codeCount = Number(values.codes);
if (seconds + 2 > 45) throw new Error('--seconds must leave the run inside the 60 s life of an authorization code (at most 43)');

const PORT = 3940;
const BASE = `http://127.0.0.1:${PORT}`;
const SESSION_SECRET = 'bench-session-secret-0123456789abcdef-0123';
const CLIENT_ID = 'bench-bank';
const CLIENT_SECRET = randomBytes(32).toString('base64url');
const REDIRECT_URI = 'https://bank.example/callback';
const SCOPE = 'openid profile';
const BASIC = `Basic ${Buffer.from(`${encodeURIComponent(CLIENT_ID)}:${encodeURIComponent(CLIENT_SECRET)}`).toString('base64')}`;
const LOGIN_ATTEMPT_LIMIT = 4; // codes a person may be sent in this run (the limit is 5 an hour)

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : 0);
const phase = (text: string) => process.stderr.write(`\n== ${text}\n`);

const database = await freshDatabase(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres', 'urtuu_bench_login');
try {
  // ---- 1. Set-up: the people, a confidential relying party, the people who sign in.
  phase('set-up');
  const config = loadConfig({ ...process.env, NODE_ENV: 'production' }, { databaseUrl: database.url, logLevel: 'warn', sessionSecret: SESSION_SECRET, baseUrl: BASE, port: PORT });
  const app = await buildApp(config);
  const persons = await prepareLogin(app, { people, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI });
  await app.ctx.db.query('ANALYZE');
  await app.close();
  process.stderr.write(`${persons.length} of ${people} people can sign in with one code and no "acting for" step\n`);
  if (persons.length < concurrency * 4) throw new Error('too few people to sign in: raise --people');

  // ---- 2. The server in its own process.
  phase(`server: urtuu start on ${BASE}`);
  const profileDir = process.env.BENCH_PROFILE;
  const server = await startServer({
    DATABASE_URL: database.url,
    SESSION_SECRET,
    ...(profileDir ? { BENCH_PROFILE: path.resolve(profileDir), NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import tsx --import ${path.join(root, 'bench', 'login-profile.ts')}`.trim() } : {}),
  }, PORT);
  const outbox = new pg.Pool({ connectionString: database.url, max: concurrency + 2 });
  const times = new StepTimes();
  const results: LoadResult[] = [];
  let login!: { perSecond: number; p50: number; p99: number; requests: number; done: number; failed: number; actingSteps: number; elapsed: number; firstErrors: string[]; peopleUsed: number };
  let token!: LoadResult & { codesUsed: number; idTokens: number };
  let signsPerSecond = 0;
  let serverFailures = { events: 0, lockouts: 0 };
  try {
    const discovery = (await (await fetch(`${BASE}/oidc/.well-known/openid-configuration`)).json()) as { issuer: string; jwks_uri: string; token_endpoint: string };
    const jwks = (await (await fetch(discovery.jwks_uri)).json()) as { keys: (JsonWebKey & { kid: string })[] };

    // ---- 3. Complete logins.
    let nextPerson = 0;
    let actingSteps = 0;
    const codeOf = (mobile: string) => codeFromOutbox(outbox, mobile);

    const rp: RelyingParty = { base: BASE, clientId: CLIENT_ID, basic: BASIC, redirectUri: REDIRECT_URI, scope: SCOPE, issuer: discovery.issuer };
    /** One whole login, each a different person; returns the ID token and the HTTP requests it took. */
    const signIn = async (): Promise<{ idToken: string; requests: number }> => {
      const index = nextPerson++;
      if (Math.floor(index / persons.length) >= LOGIN_ATTEMPT_LIMIT) throw new Error(`every person has signed in ${LOGIN_ATTEMPT_LIMIT} times: raise --people`);
      const done = await loginFlow(rp, persons[index % persons.length]!, times, codeOf);
      if (done.actingStep) actingSteps += 1;
      return done;
    };

    // One login alone first, its ID token's signature checked against the published keys.
    phase('login: one login checked');
    const first = await signIn();
    const header = jwtPart(first.idToken, 0);
    const jwk = jwks.keys.find((key) => key.kid === header.kid);
    const [h, p, s] = first.idToken.split('.') as [string, string, string];
    if (header.alg !== 'RS256' || !jwk || !rsaVerify('sha256', Buffer.from(`${h}.${p}`), createPublicKey({ key: jwk, format: 'jwk' }), Buffer.from(s, 'base64url'))) throw new Error('the ID token does not verify against the provider’s JWKS');
    process.stderr.write(`ok: ${first.requests} HTTP requests, RS256 ID token for ${String(jwtPart(first.idToken, 1).sub)} verifies with kid ${String(header.kid)}\n`);

    const runLogins = async (duration: number, label: string) => {
      const latencies: number[] = [];
      const errors: string[] = [];
      let requests = 0;
      const deadline = Date.now() + duration * 1000;
      const started = performance.now();
      const progress = progressBar(label, duration);
      const ticker = setInterval(() => progress.update(Math.min(duration, Math.round((performance.now() - started) / 1000))), 1000);
      await Promise.all(Array.from({ length: concurrency }, async () => {
        while (Date.now() < deadline) {
          const begun = performance.now();
          try {
            const done = await signIn();
            latencies.push(performance.now() - begun);
            requests += done.requests;
          } catch (error) {
            errors.push((error as Error).message);
            if (/raise --people/.test((error as Error).message)) break;
          }
        }
      }));
      clearInterval(ticker);
      progress.finish();
      return { latencies, errors, requests, elapsed: (performance.now() - started) / 1000 };
    };
    phase(`login: ${concurrency} people at a time, 2 s warm-up then ${seconds} s`);
    const warm = await runLogins(2, 'logins (warm-up)');
    times.recording = true;
    const run = await runLogins(seconds, 'logins');
    times.recording = false;
    const sorted = [...run.latencies].sort((a, b) => a - b);
    login = {
      perSecond: run.latencies.length / run.elapsed,
      p50: Math.round(percentile(sorted, 50)),
      p99: Math.round(percentile(sorted, 99)),
      requests: run.latencies.length ? run.requests / run.latencies.length : 0,
      done: run.latencies.length,
      failed: run.errors.length + warm.errors.length,
      actingSteps,
      elapsed: run.elapsed,
      firstErrors: [...warm.errors, ...run.errors].slice(0, 5),
      peopleUsed: Math.min(nextPerson, persons.length),
    };
    process.stderr.write(`${login.done} logins in ${login.elapsed.toFixed(1)} s, ${login.failed} failed${login.firstErrors.length ? `: ${login.firstErrors.join(' | ')}` : ''}\n`);
    const { rows: failedEvents } = await outbox.query<{ n: number }>(`SELECT count(*)::int AS n FROM identity.login_events WHERE outcome <> 'success'`);
    const { rows: locked } = await outbox.query<{ n: number }>(`SELECT count(*)::int AS n FROM identity.lockouts WHERE failures > 0 OR locked_until > now()`);
    serverFailures = { events: failedEvents[0]!.n, lockouts: locked[0]!.n };

    // ---- 5a. Baseline: a bare route on the same server.
    phase('baseline: GET /healthz');
    results.push(await load('GET /healthz (baseline)', BASE, ['/healthz'], { seconds, connections }));

    // ---- 4. The token endpoint alone: codes made with the provider's models, each exchanged once.
    phase(`token endpoint: ${codeCount} authorization codes`);
    const maker = await buildApp(config);
    try {
      const provider = maker.identity.oidc.provider;
      const client = await provider.Client.find(CLIENT_ID);
      if (!client) throw new Error(`${CLIENT_ID} is not registered`);
      // A grant per account (as a returning customer of the bank has); codes rotate over them.
      const accountCount = Math.min(persons.length, 500);
      // Codes are bound to the provider session they were issued in (expiresWithSession): the token
      // endpoint finds that session by uid and checks its account and grant, so each account gets a
      // real one, as after a login.
      const grants: { accountId: string; grantId: string; sessionUid: string; sid: string }[] = [];
      const loginTs = Math.floor(Date.now() / 1000);
      for (const person of persons.slice(0, accountCount)) {
        const account = await store.ensureAccount(maker.ctx.db, person.registerNumber, 'citizen');
        const grant = new provider.Grant({ accountId: account.id, clientId: CLIENT_ID });
        grant.addOIDCScope(SCOPE);
        const grantId = await grant.save();
        const session = new provider.Session();
        session.accountId = account.id;
        session.loginTs = loginTs;
        session.amr = ['otp', 'sms'];
        session.acr = 'urn:urtuu:loa:substantial';
        session.ensureClientContainer(CLIENT_ID);
        session.grantIdFor(CLIENT_ID, grantId);
        await session.save(8 * 3600);
        grants.push({ accountId: account.id, grantId, sessionUid: session.uid, sid: session.sidFor(CLIENT_ID)! });
      }
      // Made for at most 20 s, so that the last of the run is used well inside their 60 s life.
      const codes: { code: string; verifier: string }[] = [];
      const codeBar = progressBar('authorization codes', codeCount);
      let made = 0;
      let assigned = 0;
      const makingSince = performance.now();
      await Promise.all(Array.from({ length: 8 }, async () => {
        while (assigned < codeCount && performance.now() - makingSince < 20_000) {
          const index = assigned++;
          const { verifier, challenge } = pkce();
          const { accountId, grantId, sessionUid, sid } = grants[index % grants.length]!;
          const code = new provider.AuthorizationCode({
            client, accountId, grantId, gty: 'authorization_code', scope: SCOPE, redirectUri: REDIRECT_URI,
            codeChallenge: challenge, codeChallengeMethod: 'S256', nonce: b64(randomBytes(16)),
            acr: 'urn:urtuu:loa:substantial', amr: ['otp', 'sms'], authTime: loginTs, sid, sessionUid, expiresWithSession: true,
          });
          codes[index] = { code: await code.save(), verifier };
          made += 1;
          if (made % 500 === 0) codeBar.update(made);
        }
      }));
      codeBar.finish(`${made} codes made`);
      const bodyFor = (index: number) => {
        const made = codes[index];
        // Past the end, a code that does not exist: counted as non-2xx (and reported).
        return new URLSearchParams({ grant_type: 'authorization_code', code: made?.code ?? 'exhausted', redirect_uri: REDIRECT_URI, code_verifier: made?.verifier ?? 'x'.repeat(43) }).toString();
      };
      // One exchanged by hand first.
      const check = await fetch(`${BASE}/oidc/token`, { method: 'POST', headers: { authorization: BASIC, 'content-type': 'application/x-www-form-urlencoded' }, body: bodyFor(0) });
      const checked = (await check.json()) as { id_token?: string; error?: string; error_description?: string };
      if (check.status !== 200 || !checked.id_token) throw new Error(`a made code does not work: ${check.status} ${JSON.stringify(checked)}`);
      let next = 1;
      let idTokens = 0;
      const run = (duration: number) =>
        autocannon({
          url: BASE,
          connections,
          duration,
          requests: [{
            method: 'POST',
            setupRequest: (request) => ({ ...request, method: 'POST', path: '/oidc/token', headers: { ...request.headers, authorization: BASIC, 'content-type': 'application/x-www-form-urlencoded' }, body: bodyFor(next++) }),
            onResponse: (status, body) => {
              if (status === 200 && body.includes('"id_token"')) idTokens += 1;
            },
          }],
        });
      phase(`token endpoint: ${connections} connections, 2 s warm-up then ${seconds} s`);
      await run(2);
      idTokens = 0;
      const result = await run(seconds);
      token = {
        ...summarise('POST /oidc/token (code → ID token)', result),
        codesUsed: Math.min(next, codes.length),
        idTokens,
      };
      if (next > codes.length) process.stderr.write(`the run needed ${next} codes, more than the ${codes.length} made: the token figure is wrong\n`);
    } finally {
      await maker.close();
    }
  } finally {
    await outbox.end();
    await server.stop();
  }

  // ---- 5b. Baseline: one RS256 signature of an ID-token-sized JWT, one core, nothing else.
  phase('baseline: RS256 signatures (node:crypto, one core)');
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const input = Buffer.from(`${b64(Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'bench-kid-0123456' })))}.${b64(Buffer.from(JSON.stringify({
    sub: randomUUID(), urtuu_login_type: 'person', name: 'Б.Сарангэрэл', given_name: 'Сарангэрэл', family_name: 'Батболд', birthdate: '1990-05-14', gender: 'female',
    nonce: b64(randomBytes(16)), at_hash: b64(randomBytes(16)), sid: randomUUID(), acr: 'urn:urtuu:loa:substantial', amr: ['otp', 'sms'], auth_time: 1_796_000_000,
    aud: CLIENT_ID, exp: 1_796_000_600, iat: 1_796_000_000, iss: `${BASE}/oidc`,
  })))}`);
  for (let i = 0; i < 200; i += 1) rsaSign('sha256', input, privateKey); // warm-up
  let signs = 0;
  const signStart = performance.now();
  while (performance.now() - signStart < 3000) {
    rsaSign('sha256', input, privateKey);
    signs += 1;
  }
  signsPerSecond = signs / ((performance.now() - signStart) / 1000);

  // ---- 6. The figures.
  const healthz = results[0]!;
  const steps = [...times.steps.entries()];
  const perLogin = (ms: number) => (login.done ? ms / login.done : 0);
  const stepTotal = steps.reduce((sum, [, entry]) => sum + entry.ms, 0);
  console.log(`\n${machine()}; PostgreSQL; ${people} people (${persons.length} eligible, ${login.peopleUsed} signed in); login: ${concurrency} at a time; autocannon: ${connections} connections; ${seconds} s per target after a 2 s warm-up\n`);
  console.log('| target | per second | ratio to baseline | p50 ms | p99 ms | failures | note |');
  console.log('|---|---:|---:|---:|---:|---:|---|');
  console.log(`| GET /healthz (baseline) | ${Math.round(healthz.requestsPerSecond)} | 1.00 | ${healthz.p50} | ${healthz.p99} | ${healthz.errors + healthz.non2xx} | |`);
  console.log(`| complete logins (${login.requests.toFixed(1)} requests each) | ${login.perSecond.toFixed(1)} | | ${login.p50} | ${login.p99} | ${login.failed} | ${login.done} logins |`);
  console.log(`| HTTP requests during logins | ${Math.round(login.perSecond * login.requests)} | ${((login.perSecond * login.requests) / healthz.requestsPerSecond).toFixed(2)} to /healthz | | | | |`);
  console.log(`| POST /oidc/token (code → ID token) | ${Math.round(token.requestsPerSecond)} | ${(token.requestsPerSecond / healthz.requestsPerSecond).toFixed(2)} to /healthz | ${token.p50} | ${token.p99} | ${token.errors + token.non2xx} | ${token.idTokens} ID tokens, ${token.codesUsed} codes used |`);
  console.log(`| RS256 sign, node:crypto, 1 core (baseline) | ${Math.round(signsPerSecond)} | 1.00 | | | | ${(1000 / signsPerSecond).toFixed(2)} ms each |`);
  console.log(`| POST /oidc/token against RS256 signs | ${Math.round(token.requestsPerSecond)} | ${(token.requestsPerSecond / signsPerSecond).toFixed(2)} | | | | signature ≈ ${((token.requestsPerSecond / signsPerSecond) * 100).toFixed(0)}% of a core's time |`);
  console.log(`\nWhere a login's time goes (mean per login, client-side, ${concurrency} at a time):\n`);
  console.log('| step | ms per login | share |');
  console.log('|---|---:|---:|');
  for (const [step, entry] of steps) console.log(`| ${step}${entry.count !== login.done ? ` (×${(entry.count / Math.max(1, login.done)).toFixed(2)})` : ''} | ${perLogin(entry.ms).toFixed(1)} | ${((entry.ms / stepTotal) * 100).toFixed(0)}% |`);
  console.log(`\nserver side after the logins: ${serverFailures.events} failed sign-in events, ${serverFailures.lockouts} lockout rows with failures; "acting for" steps answered: ${login.actingSteps}`);
  console.log(
    `\nlogin: ${login.perSecond.toFixed(1)} logins/s (p50 ${login.p50} ms, p99 ${login.p99} ms, ${login.requests.toFixed(1)} requests each, ${login.failed} failed) · ` +
      `token: ${Math.round(token.requestsPerSecond)} req/s (${((token.requestsPerSecond / healthz.requestsPerSecond) * 100).toFixed(0)}% of /healthz ${Math.round(healthz.requestsPerSecond)} req/s; p50/p99 ${token.p50}/${token.p99} ms) · ` +
      `RS256 signs: ${Math.round(signsPerSecond)}/s on one core (token endpoint = ${((token.requestsPerSecond / signsPerSecond) * 100).toFixed(0)}% of that)`,
  );
  if (login.failed > 0 || serverFailures.events > 0 || token.errors + token.non2xx > 0 || healthz.errors + healthz.non2xx > 0) process.exitCode = 1;
} finally {
  await database.drop();
}
