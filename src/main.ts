// The one command line: `urtuu start | migrate | seed | help`. See README for the options.
import { parseArgs } from 'node:util';
import { buildApp, migrationSources } from './app.ts';
import { loadConfig } from './kernel/config.ts';
import { openDb } from './kernel/db.ts';
import { migrate } from './kernel/migrations.ts';
import { progressBar } from './kernel/progress.ts';
import { seedCatalog } from './modules/catalog/index.ts';

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
  help             Show this text.

Environment: PORT, HOST, BASE_URL, DATABASE_URL (PostgreSQL; otherwise the
embedded database in DATA_DIR, default ./data), DATA_DIR, DEV_LOGIN,
SESSION_SECRET, LOG_LEVEL, TRUST_PROXY, CACHE_TTL_MS.`;

async function main(argv: string[]): Promise<number> {
  const [command = 'help', ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      demo: { type: 'boolean', default: false },
      synthetic: { type: 'string' },
      'demo-usage': { type: 'boolean', default: false },
      port: { type: 'string' },
    },
    allowPositionals: false,
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
    const config = loadConfig();
    const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
    await migrate(db, migrationSources());
    let bar: ReturnType<typeof progressBar> | undefined;
    const report = await seedCatalog(db, {
      synthetic,
      demoUsage: values['demo-usage'],
      onProgress(done, total) {
        bar ??= progressBar('services', total);
        bar.update(done);
      },
    });
    bar?.finish();
    console.log(`agencies ${report.agencies}, sectors ${report.sectors}, services added ${report.servicesAdded}, kept ${report.servicesKept}, synthetic ${report.synthetic}`);
    await db.close();
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
    if (demo) {
      const { rows } = await app.ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM catalog.services');
      if (Number(rows[0]?.n ?? 0) === 0) {
        let bar: ReturnType<typeof progressBar> | undefined;
        const report = await seedCatalog(app.ctx.db, {
          demoUsage: true,
          onProgress(done, total) {
            bar ??= progressBar('demo data', total);
            bar.update(done);
          },
        });
        bar?.finish(`seeded ${report.servicesAdded} services from ${report.agencies} agencies`);
      }
    }
    const address = await app.server.listen({ port: config.port, host: config.host });
    const shown = config.baseUrl || address;
    console.log(`\nUrtuu is running on ${config.databaseUrl ? 'PostgreSQL' : `the embedded database (${config.dataDir})`}.`);
    console.log(`Open ${shown}/mn (Монгол) or ${shown}/en (English). API: ${shown}/docs`);
    if (config.devLogin) console.log(`Development sign-in is ON: ${shown}/en/sign-in (never enable it in production).`);
    let closing = false;
    const stop = async (signal: string) => {
      if (closing) return;
      closing = true;
      app.server.log.info({ signal }, 'shutting down');
      await app.close();
      process.exit(0);
    };
    process.on('SIGINT', () => void stop('SIGINT'));
    process.on('SIGTERM', () => void stop('SIGTERM'));
    return -1;
  }

  console.error(`Unknown command "${command}".\n\n${HELP}`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
