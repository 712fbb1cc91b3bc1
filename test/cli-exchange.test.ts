// The exchange's command line as an operator runs it: registering a satellite node writes its
// certificate (server and client auth, the names asked for), its private key (owner-only) and the
// exchange CA, and the node is known to the central node afterwards; bad arguments exit with 2.
// verify-log checks the log's end against the checkpoint kept outside the database.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/kernel/config.ts';
import { freshDatabase, type FreshDatabase } from './fresh-database.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Runs `urtuu ARGS` in its own process (asynchronously: nothing here may block the event loop). */
function urtuu(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, 'bin', 'urtuu.js'), ...args], { cwd: root, env: { ...process.env, ...env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code) => resolve({ code, out }));
  });
}

describe('urtuu exchange node-cert', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'urtuu-cli-'));
  let database: FreshDatabase | undefined;
  let env: Record<string, string>;

  before(async () => {
    database = process.env.DATABASE_URL ? await freshDatabase(process.env.DATABASE_URL, 'urtuu_cli') : undefined;
    env = { DATA_DIR: path.join(dir, 'data'), DATABASE_URL: database?.url ?? '', SESSION_SECRET: 'a-session-secret-for-the-cli-test-0123456789' };
  });
  after(async () => {
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('registers a satellite node and writes what it needs to start', async () => {
    const out = path.join(dir, 'certs');
    const run = await urtuu(['exchange', 'node-cert', '--id', 'node-b', '--address', 'https://node-b.example.mn:8443', '--out', out, '--host', 'node-b.example.mn', '--host', '10.0.0.5'], env);
    assert.equal(run.code, 0, run.out);
    assert.match(run.out, /EXCHANGE_NODE_ID=node-b/);

    const certificate = new X509Certificate(readFileSync(path.join(out, 'node-b.crt')));
    const ca = new X509Certificate(readFileSync(path.join(out, 'ca.crt')));
    assert.ok(certificate.verify(ca.publicKey), 'signed by the exchange CA');
    assert.match(certificate.subject, /CN=node-b/);
    assert.match(certificate.subjectAltName ?? '', /DNS:node-b\.example\.mn/);
    assert.match(certificate.subjectAltName ?? '', /IP Address:10\.0\.0\.5/);
    assert.deepEqual([...(certificate.keyUsage ?? [])].sort(), ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
    assert.equal(statSync(path.join(out, 'node-b.key')).mode & 0o077, 0, 'the private key is readable by its owner only');
    assert.ok(certificate.checkPrivateKey((await import('node:crypto')).createPrivateKey(readFileSync(path.join(out, 'node-b.key')))));

    const app = await buildApp(loadConfig({ ...process.env, ...env, NODE_ENV: 'test' }, { logLevel: 'warn', ...(database ? { databaseUrl: database.url } : {}) }));
    try {
      const { rows } = await app.ctx.db.query<{ address: string; certificate_fingerprint: string }>(`SELECT address, certificate_fingerprint FROM exchange.nodes WHERE id = 'node-b'`);
      assert.equal(rows[0]?.address, 'https://node-b.example.mn:8443');
      assert.equal(rows[0]?.certificate_fingerprint, certificate.fingerprint256);
    } finally {
      await app.close();
    }
  });

  it('verify-log says the log is intact, then that entries were cut off its end', async () => {
    const open = () => buildApp(loadConfig({ ...process.env, ...env, NODE_ENV: 'test' }, { logLevel: 'warn', ...(database ? { databaseUrl: database.url } : {}) }));
    let app = await open();
    try {
      for (let n = 0; n < 3; n += 1) {
        await app.exchange.refuse(undefined, { method: 'GET', subPath: `/${n}`, query: '', url: `/r1/x/${n}`, headers: {}, body: undefined, remoteAddress: '127.0.0.1', lang: 'en' }, 'badRequest', { detail: 'cli test' });
      }
    } finally {
      // Shutting down writes a checkpoint of the log's head to the witness under the data directory.
      await app.close();
    }
    const intact = await urtuu(['exchange', 'verify-log'], env);
    assert.equal(intact.code, 0, intact.out);
    assert.match(intact.out, /intact/);
    assert.match(intact.out, /matches the newest checkpoint/);

    app = await open();
    try {
      // Someone with the database owner's rights switches the append-only triggers off and cuts the last batch.
      await app.ctx.db.transaction(async (tx) => {
        await tx.query('SET LOCAL session_replication_role = replica');
        await tx.query('DELETE FROM exchange.message_log WHERE batch_id = (SELECT max(id) FROM exchange.log_batches)');
        await tx.query('DELETE FROM exchange.log_batches WHERE id = (SELECT max(id) FROM exchange.log_batches)');
      });
    } finally {
      await app.close();
    }
    const tampered = await urtuu(['exchange', 'verify-log'], env);
    assert.equal(tampered.code, 1, tampered.out);
    assert.match(tampered.out, /tampered with: the log ends at entry \d+, but the checkpoint of .* recorded entry \d+/);
  });

  it('refuses a bad node id or missing arguments with exit code 2', async () => {
    const bad = await urtuu(['exchange', 'node-cert', '--id', 'Node B', '--address', 'https://x', '--out', path.join(dir, 'x')], env);
    assert.equal(bad.code, 2);
    assert.match(bad.out, /usage: urtuu exchange node-cert/);
    assert.equal((await urtuu(['exchange', 'node-cert', '--id', 'node-c'], env)).code, 2);
  });
});
