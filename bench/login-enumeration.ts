// Whether the national login's first step tells who is in the register by how long it takes: the
// median time of POST /{lang}/login/:uid (the register number step) for a number in the register
// (an adult who may sign in), one not in it and a child's, against GET /healthz in the same run.
//
//   node --import tsx bench/login-enumeration.ts [--samples 400]
//
// In process (Fastify inject, PGlite, 60 generated people), so the figures are the server's own
// work without the network. The three kinds are interleaved, one sample each in turn, so a drift
// of the machine touches them alike; the counters of failed tries are cleared between samples (not
// timed) so that no sample meets a wait.
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { testApp } from '../test/helpers.ts';
import { seedPeople } from '../src/modules/exchange/test-fixtures.ts';
import { DEMO_CITIZEN } from '../src/modules/registries/index.ts';
import { TestBrowser, uidOf } from '../src/modules/identity/test-fixtures.ts';
import { machine } from './lib.ts';

const { values } = parseArgs({ options: { samples: { type: 'string', default: '400' } } });
const samples = Number(values.samples);

const median = (list: number[]) => {
  const sorted = [...list].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

const app = await testApp({ seed: false });
await seedPeople(app, 60);
const { rows } = await app.ctx.db.query<{ key: string }>(`SELECT key FROM registries.records WHERE registry_id = 'population' ORDER BY content->>'birthDate' DESC LIMIT 1`);
const kinds = { adult: DEMO_CITIZEN.registerNumber, unknown: 'ЯЯ99123199', child: rows[0]!.key };

const browsers: Record<string, { browser: TestBrowser; uid: string }> = {};
for (const kind of Object.keys(kinds)) {
  const browser = new TestBrowser(app);
  const start = await browser.go('GET', '/en/sign-in/national');
  browsers[kind] = { browser, uid: uidOf(start.url) };
}

const times: Record<string, number[]> = { healthz: [], adult: [], unknown: [], child: [] };
const statuses: Record<string, Set<number>> = { adult: new Set(), unknown: new Set(), child: new Set() };
for (let round = 0; round < samples + 20; round += 1) {
  const warm = round < 20;
  const started = performance.now();
  await app.server.inject({ method: 'GET', url: '/healthz' });
  if (!warm) times.healthz!.push(performance.now() - started);
  for (const [kind, registerNumber] of Object.entries(kinds)) {
    await app.ctx.db.query('DELETE FROM identity.lockouts');
    const { browser, uid } = browsers[kind]!;
    const begun = performance.now();
    const response = await browser.request('POST', `/en/login/${uid}`, { registerNumber });
    if (!warm) {
      times[kind]!.push(performance.now() - begun);
      statuses[kind]!.add(response.statusCode);
    }
  }
}
await app.close();

const base = median(times.healthz!);
const adult = median(times.adult!);
const figures = Object.fromEntries(Object.entries(times).map(([kind, list]) => [kind, median(list)]));
for (const [kind, value] of Object.entries(figures)) {
  console.log(`${kind.padEnd(8)} median ${value.toFixed(2)} ms  ×${(value / base).toFixed(1)} healthz  ${kind === 'healthz' ? '' : `×${(value / adult).toFixed(2)} adult  status ${[...statuses[kind]!].join(',')}`}`);
}
console.log(
  `login-enumeration: ${machine()}, ${samples} samples each; median ms healthz ${base.toFixed(2)}, adult ${adult.toFixed(2)}, unknown ${figures.unknown!.toFixed(2)} (×${(figures.unknown! / adult).toFixed(2)} adult), child ${figures.child!.toFixed(2)} (×${(figures.child! / adult).toFixed(2)} adult)`,
);
