// The one command line: `urtuu start | migrate | seed | help`. See README for the options.
import { parseArgs } from 'node:util';
import { buildApp, migrationSources, type App } from './app.ts';
import { importRegistryFile } from './modules/registries/import.ts';
import { generateKeyPair } from './kernel/pki.ts';
import { mkdirSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { loadConfig } from './kernel/config.ts';
import { AppError } from './kernel/errors.ts';
import { openDb } from './kernel/db.ts';
import { migrate } from './kernel/migrations.ts';
import { startWatchdog } from './kernel/watchdog.ts';
import { progressBar } from './kernel/progress.ts';
import { seedCatalog } from './modules/catalog/index.ts';
import { DCC_HELP, runDccCommand } from './modules/health/index.ts';
import { DEMO_CITIZEN, DEMO_FOREIGNER, deferIndexes, foreignResidentCount, generateForeignResidents, generatePopulation, loadRecords } from './modules/registries/index.ts';
import { issueNodeCertificate } from './modules/exchange/index.ts';
import { LOGIN_CHALLENGE, issueCertificateForRegisteredPerson, seedDemoStaff, signChallenge } from './modules/identity/index.ts';

const HELP = `Urtuu: a platform for a country's digital public services.

Usage: urtuu <command> [options]

Commands:
  start            Start the server (applies migrations first).
    --demo         Seed demo data if the catalogue is empty and enable the
                   development sign-in (never in production).
  migrate          Apply database migrations and exit.
  seed             Load the catalogue: real agencies and services of Mongolia.
    --synthetic N  Also add N synthetic services (scale tests).
    --demo-usage   Add demo page views so "most used" has something to show.
    --population N Generate N synthetic people (families, addresses, health,
                   education, social insurance, vehicles, property, companies).
    --seed S       Seed of the population generator (same seed, same people).
  registry import FILE
                   Load records into registries: our format or GovStack's
                   test-data.json shape.
  exchange verify-log
                   Prove the exchange's message log untouched, or name the
                   first entry that is not.
  exchange node-cert --id ID --address URL --out DIR [--host NAME ...]
                   At the central node: register a satellite node and write its
                   certificate, key and the exchange CA into DIR (mutual TLS).
  exchange keygen --out FILE
                   Make a key pair for a member's system; prints the public key
                   to register on the exchange.
  identity person-cert --register-number RN --out DIR
                   Development: issue a key and a signing certificate from the
                   citizen CA for a person in the population register; writes
                   DIR/RN.key, DIR/RN.crt and DIR/citizen-ca.crt.
  identity sign --key FILE --challenge TEXT
                   Sign a login challenge with a personal key; prints the
                   signature (ECDSA-SHA256, DER, base64url) to paste.
${DCC_HELP}
  help             Show this text.

Environment: PORT, HOST, BASE_URL, DATABASE_URL (PostgreSQL; otherwise the
embedded database in DATA_DIR, default ./data), DATA_DIR, DEV_LOGIN,
SESSION_SECRET, LOG_LEVEL, TRUST_PROXY, CACHE_TTL_MS, SIGNATURE_LOGIN_CAS (a PEM
file of CAs trusted for signature sign-in besides the citizen CA).`;

async function main(argv: string[]): Promise<number> {
  const [command = 'help', ...rest] = argv;
  if (command === 'dcc') {
    return runDccCommand(rest, {
      async openHealth() {
        const app = await buildApp(loadConfig(process.env, { logLevel: process.env.LOG_LEVEL ?? 'warn' }));
        return { health: app.health, close: () => app.close() };
      },
    });
  }
  const { values, positionals } = parseArgs({
    args: rest,
    options: {
      demo: { type: 'boolean', default: false },
      synthetic: { type: 'string' },
      'demo-usage': { type: 'boolean', default: false },
      port: { type: 'string' },
      population: { type: 'string' },
      seed: { type: 'string', default: '1' },
      out: { type: 'string' },
      id: { type: 'string' },
      address: { type: 'string' },
      host: { type: 'string', multiple: true },
      'register-number': { type: 'string' },
      key: { type: 'string' },
      challenge: { type: 'string' },
    },
    allowPositionals: true,
  });

  if (command === 'help' || command === '--help' || command === '-h') {
    console.log(HELP);
    return 0;
  }

  if (command === 'migrate') {
    const config = loadConfig();
    const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
    const report = await migrate(db, migrationSources());
    for (const migration of report.applied) console.log(`applied ${migration.module}/${String(migration.version).padStart(3, '0')}_${migration.name}`);
    console.log(`${report.applied.length} applied, ${report.alreadyApplied} already applied`);
    await db.close();
    return 0;
  }

  if (command === 'seed') {
    const synthetic = values.synthetic === undefined ? 0 : Number(values.synthetic);
    if (!Number.isInteger(synthetic) || synthetic < 0 || synthetic > 1_000_000) {
      console.error('--synthetic must be a whole number from 0 to 1000000');
      return 2;
    }
    const population = values.population === undefined ? 0 : Number(values.population);
    if (!Number.isInteger(population) || population < 0 || population > 10_000_000) {
      console.error('--population must be a whole number from 0 to 10000000');
      return 2;
    }
    const app = await buildApp(loadConfig(process.env, { logLevel: process.env.LOG_LEVEL ?? 'warn' }));
    try {
      let bar: ReturnType<typeof progressBar> | undefined;
      const report = await seedCatalog(app.ctx.db, {
        synthetic,
        demoUsage: values['demo-usage'],
        onProgress(done: number, total: number) {
          bar ??= progressBar('services', total);
          bar.update(done);
        },
      });
      bar?.finish();
      console.log(`agencies ${report.agencies}, sectors ${report.sectors}, services added ${report.servicesAdded}, kept ${report.servicesKept}, synthetic ${report.synthetic}`);
      await app.publish();
      if (population > 0) {
        const loaded = await seedPopulation(app, population, values.seed ?? '1');
        if (loaded === undefined) return 1;
      }
    } finally {
      await app.close();
    }
    return 0;
  }

  if (command === 'registry' && positionals[0] === 'import') {
    const file = positionals[1];
    if (!file) {
      console.error('usage: urtuu registry import FILE');
      return 2;
    }
    const app = await buildApp(loadConfig(process.env, { logLevel: process.env.LOG_LEVEL ?? 'warn' }));
    try {
      let bar: ReturnType<typeof progressBar> | undefined;
      const report = await importRegistryFile(app.registries, app.ctx.db, file, {
        actor: 'cli',
        onProgress(done: number, total: number) {
          bar ??= progressBar('records', total);
          bar.update(done);
        },
      });
      bar?.finish();
      for (const line of report.lines) console.log(line);
      return report.failed > 0 ? 1 : 0;
    } finally {
      await app.close();
    }
  }

  if (command === 'exchange' && positionals[0] === 'verify-log') {
    const app = await buildApp(loadConfig(process.env, { logLevel: process.env.LOG_LEVEL ?? 'warn' }));
    try {
      let bar: ReturnType<typeof progressBar> | undefined;
      const report = await app.exchange.verifyLog((done, total) => {
        bar ??= progressBar('log entries', total);
        bar.update(done);
      });
      bar?.finish();
      if (report.ok) {
        console.log(`The exchange log is intact: ${report.entries} entries in ${report.batches} signed batches.`);
        console.log(report.checkpoint
          ? `Its end matches the newest checkpoint (entry ${report.checkpoint.seq}, ${report.checkpoint.at}) kept at ${app.exchange.witness}.`
          : `No checkpoint was found at ${app.exchange.witness ?? 'a witness'}: entries cut off the end could not be detected.`);
        return 0;
      }
      console.log(`The exchange log has been tampered with: ${report.firstBad?.reason} (first bad entry: ${report.firstBad?.seq}).`);
      return 1;
    } finally {
      await app.close();
    }
  }

  if (command === 'exchange' && positionals[0] === 'node-cert') {
    if (!values.id || !/^[a-z0-9-]{1,40}$/.test(values.id) || !values.out || !values.address) {
      console.error('usage: urtuu exchange node-cert --id ID --address URL --out DIR [--host NAME ...]   (ID: lower-case letters, digits, hyphens)');
      return 2;
    }
    const hosts = values.host ?? ['localhost', '127.0.0.1'];
    const app = await buildApp(loadConfig(process.env, { logLevel: process.env.LOG_LEVEL ?? 'warn' }));
    try {
      const issued = await issueNodeCertificate(app.ctx, app.exchange, {
        id: values.id,
        address: values.address,
        dnsNames: hosts.filter((host) => !isIP(host)),
        ipAddresses: hosts.filter((host) => isIP(host)),
      });
      mkdirSync(values.out, { recursive: true });
      const file = (name: string) => path.join(values.out!, name);
      writeFileSync(file(`${values.id}.crt`), issued.certificatePem);
      writeFileSync(file(`${values.id}.key`), issued.privateKeyPem, { mode: 0o600 });
      writeFileSync(file('ca.crt'), issued.caPem);
      console.log(`Node ${values.id} registered. Start it with:\n`);
      console.log(`  EXCHANGE_NODE_ID=${values.id} EXCHANGE_CENTRAL_URL=https://CENTRAL:PORT \\`);
      console.log(`  EXCHANGE_NODE_CERT=${file(`${values.id}.crt`)} EXCHANGE_NODE_KEY=${file(`${values.id}.key`)} EXCHANGE_CA=${file('ca.crt')} npx urtuu start`);
      return 0;
    } finally {
      await app.close();
    }
  }

  if (command === 'exchange' && positionals[0] === 'keygen') {
    if (!values.out) {
      console.error('usage: urtuu exchange keygen --out FILE');
      return 2;
    }
    const pair = generateKeyPair();
    writeFileSync(values.out, pair.privateKeyPem, { mode: 0o600 });
    console.log(`Private key written to ${values.out} (keep it secret). Register this public key for your subsystem:\n`);
    console.log(pair.publicKeyPem);
    return 0;
  }

  if (command === 'identity' && positionals[0] === 'person-cert') {
    if (!values['register-number'] || !values.out) {
      console.error('usage: urtuu identity person-cert --register-number RN --out DIR');
      return 2;
    }
    const config = loadConfig(process.env, { logLevel: process.env.LOG_LEVEL ?? 'warn' });
    // Whoever runs this could sign in as anyone: a test CA's tool, never a production one.
    if (config.env === 'production') {
      console.error('identity person-cert issues test certificates and is refused when NODE_ENV=production.');
      return 2;
    }
    const app = await buildApp(config);
    try {
      const issued = await issueCertificateForRegisteredPerson(app.ctx, app.identity.identity, values['register-number']);
      mkdirSync(values.out, { recursive: true });
      const file = (name: string) => path.join(values.out!, name);
      writeFileSync(file(`${issued.registerNumber}.crt`), issued.certificatePem);
      writeFileSync(file(`${issued.registerNumber}.key`), issued.privateKeyPem, { mode: 0o600 });
      writeFileSync(file('citizen-ca.crt'), issued.caPem);
      console.log(`Certificate for ${issued.registerNumber} written to ${file(`${issued.registerNumber}.crt`)}, its key to ${file(`${issued.registerNumber}.key`)} (keep it secret).`);
      console.log(`Sign a login challenge with:\n\n  npx urtuu identity sign --key ${file(`${issued.registerNumber}.key`)} --challenge CHALLENGE`);
      return 0;
    } catch (error) {
      // Unknown, deceased or under-age people are refused with the catalogue's words, not a stack.
      if (error instanceof AppError && error.status < 500) {
        console.error(error.text('en'));
        return 1;
      }
      throw error;
    } finally {
      await app.close();
    }
  }

  if (command === 'identity' && positionals[0] === 'sign') {
    if (!values.key || !values.challenge) {
      console.error('usage: urtuu identity sign --key FILE --challenge TEXT');
      return 2;
    }
    if (!LOGIN_CHALLENGE.test(values.challenge)) {
      console.error('This is not a login challenge (they look like urtuu-login.xxxx); refusing to sign it with your key.');
      return 2;
    }
    console.log(signChallenge(readFileSync(values.key, 'utf8'), values.challenge));
    return 0;
  }

  if (command === 'start') {
    const demo = values.demo;
    const port = values.port === undefined ? undefined : Number(values.port);
    const config = loadConfig(process.env, {
      ...(demo && process.env.NODE_ENV !== 'production' ? { devLogin: true } : {}),
      // A person trying the demo wants the address, not a line of JSON per request.
      ...(demo && !process.env.LOG_LEVEL ? { logLevel: 'warn' } : {}),
      ...(port !== undefined && Number.isInteger(port) ? { port } : {}),
    });
    const app = await buildApp(config);
    let demoStaff: { registerNumber: string; label: string; services: string[] }[] = [];
    if (demo) {
      const { rows } = await app.ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM catalog.services');
      if (Number(rows[0]?.n ?? 0) === 0) {
        let bar: ReturnType<typeof progressBar> | undefined;
        const report = await seedCatalog(app.ctx.db, {
          demoUsage: true,
          onProgress(done: number, total: number) {
            bar ??= progressBar('demo data', total);
            bar.update(done);
          },
        });
        bar?.finish(`seeded ${report.servicesAdded} services from ${report.agencies} agencies`);
        await app.publish();
      }
      const people = await app.ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM registries.records WHERE registry_id = 'population'`);
      if (Number(people.rows[0]?.n ?? 0) === 0) await seedPopulation(app, 1000, '1');
      else {
        // Demo data made before the foreign residents register existed gets its foreign residents (the demo foreigner first).
        const foreigners = await app.ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM registries.records WHERE registry_id = 'foreign-residents'`);
        if (Number(foreigners.rows[0]?.n ?? 0) === 0) await loadRecords(app.ctx.db, generateForeignResidents({ count: foreignResidentCount(Number(people.rows[0]?.n ?? 0)), seed: '1' }), { actor: 'generator' });
      }
      // An officer for every agency that takes applications, so each can be followed to a decision.
      const applicationAgencies = new Map<string, { id: string; abbreviation: string; services: string[] }>();
      for (const { service } of await app.applications.submissions.available()) {
        const agency = applicationAgencies.get(service.agency.id) ?? { id: service.agency.id, abbreviation: service.agency.abbreviation.en, services: [] };
        agency.services.push(service.name.en);
        applicationAgencies.set(agency.id, agency);
      }
      demoStaff = await seedDemoStaff(app.ctx.db, [DEMO_CITIZEN.registerNumber], [...applicationAgencies.values()]);
    }
    const shutdownMs = config.shutdownTimeoutMs ?? 10_000;
    const watchdog = startWatchdog({ stallMs: config.watchdogStallMs ?? 30_000, shutdownMs: shutdownMs + 2000 });
    const address = await app.server.listen({ port: config.port, host: config.host });
    const shown = config.baseUrl || address;
    console.log(`\nUrtuu is running on ${config.databaseUrl ? 'PostgreSQL' : `the embedded database (${config.dataDir})`}.`);
    console.log(`Open ${shown}/mn (Монгол) or ${shown}/en (English). API: ${shown}/docs`);
    if (config.devLogin) {
      console.log(`Development sign-in is ON: ${shown}/en/sign-in (never enable it in production).`);
      console.log(`National login: sign in with register number ${DEMO_CITIZEN.registerNumber} (a citizen) or F-register number ${DEMO_FOREIGNER.registerNumber} (a foreign resident); the code "sent" to the phone is on ${shown}/en/dev/outbox.`);
      console.log('Officials (national login too; each handles their agency\'s requests at /en/office):');
      for (const staff of demoStaff) console.log(`  ${staff.registerNumber}: ${staff.label}${staff.services.length ? ` (${staff.services.join(', ')})` : ''}`);
    }
    // Test-only ways to hang the server, so the tests can prove it still ends; never read outside NODE_ENV=test.
    const hang = config.env === 'test' ? process.env.URTUU_TEST_HANG : undefined;
    if (hang === 'loop') {
      setTimeout(() => {
        writeSync(1, 'hanging\n');
        for (;;);
      }, 200);
    }
    let closing = false;
    const stop = async (signal: string) => {
      if (closing) return;
      closing = true;
      // Closing the server, then the batches and the database, has a deadline; past it the process
      // ends anyway, and the watchdog thread ends it 2 s later should even this thread be stuck.
      watchdog.shutdownStarted();
      setTimeout(() => {
        app.server.log.error({ signal, shutdownMs }, 'shutdown did not finish in time; exiting');
        void exitAfterOutput(1);
      }, shutdownMs).unref();
      app.server.log.info({ signal }, 'shutting down');
      if (hang === 'shutdown') await new Promise<void>(() => undefined);
      if (hang === 'shutdown-loop') for (;;);
      await app.close();
      // The watchdog stays on until the process ends: flushing the output may wait on a reader.
      await exitAfterOutput(0);
    };
    process.on('SIGINT', () => void stop('SIGINT'));
    process.on('SIGTERM', () => void stop('SIGTERM'));
    return -1;
  }

  console.error(`Unknown command "${command}".\n\n${HELP}`);
  return 2;
}

/** Generates and loads a synthetic population, with a progress bar; undefined when refused. */
async function seedPopulation(app: App, population: number, seed: string): Promise<number | undefined> {
  const existing = await app.ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM registries.records WHERE registry_id = 'population'`);
  if (Number(existing.rows[0]?.n ?? 0) > 0) {
    console.error(`The population registry already holds ${existing.rows[0]?.n} people; generate into an empty database.`);
    return undefined;
  }
  const bar = progressBar('people', population);
  let people = 0;
  const started = Date.now();
  // A big load on PostgreSQL builds the secondary indexes once at the end.
  const restoreIndexes = app.ctx.db.kind === 'postgres' && population >= 100_000 ? await deferIndexes(app.ctx.db) : undefined;
  const report = await loadRecords(app.ctx.db, generatePopulation({ population, seed }), {
    actor: 'generator',
    onBatch(written) {
      people += written.filter((record) => record.registryId === 'population').length;
      bar.update(Math.min(people, population));
    },
  });
  bar.finish(`loaded ${people} people and ${report.records} records in all (${Object.entries(report.byRegistry).map(([id, n]) => `${id} ${n}`).join(', ')})`);
  if (restoreIndexes) {
    const indexing = Date.now();
    await restoreIndexes();
    console.log(`indexes rebuilt in ${((Date.now() - indexing) / 1000).toFixed(1)}s`);
  }
  if (app.ctx.db.kind === 'postgres') await app.ctx.db.query('ANALYZE registries.records');
  console.log(`${Math.round(people / ((Date.now() - started) / 1000))} people per second`);
  return people;
}

/**
 * Exits once stdout and stderr have handed everything to the system. Into a pipe the writes are
 * queued when the reader is slower than the command (a pipe holds ~64 KB), and process.exit() would
 * drop what is still queued: the report of `dcc conformance DIR | less` would end mid-line.
 */
async function exitAfterOutput(code: number): Promise<never> {
  process.exitCode = code;
  const flushed = (stream: NodeJS.WriteStream) => new Promise<void>((resolve) => (stream.writableLength === 0 ? resolve() : stream.write('', () => resolve())));
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  process.exit(code);
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) void exitAfterOutput(code);
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    void exitAfterOutput(1);
  },
);
