// The message log on its own: chained, signed in batches, and one chain even when several writers
// (processes sharing the database) append at once.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { testApp, type TestApp } from '../../../test/helpers.ts';
import { generateKeyPair } from '../../kernel/pki.ts';
import { MessageLog, verifyLog, type LogEntry } from './log.ts';
import type { ExchangeRequest } from './service.ts';
import { DirectoryWitness, signCheckpoint } from './witness.ts';

function entry(n: number, node: string): LogEntry {
  return {
    at: new Date().toISOString(), requestId: randomUUID(), messageId: `m-${n}`, client: 'MN/COM/x/y', service: 'MN/GOV/a/b/c', method: 'GET', path: `/${n}`,
    status: 200, errorType: null, userId: null, subjects: [], purpose: null, consentId: null, issue: null, representedParty: null,
    requestHash: null, responseHash: null, durationMs: n / 7, node,
  };
}

describe('message log', () => {
  let app: TestApp;
  before(async () => {
    app = await testApp({ seed: false });
  });
  after(async () => app.close());

  it('keeps one chain when two writers append at the same time', async () => {
    const key = generateKeyPair();
    const keys = new Map([['test-log-key', key.publicKeyPem]]);
    const signer = () => ({ keyId: 'test-log-key', privateKeyPem: key.privateKeyPem });
    await app.exchange.flush();
    const { rows } = await app.ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM exchange.message_log');
    const before = rows[0]!.n;
    // Writers that each believe they know the head: every batch after the first collides once.
    const a = new MessageLog(app.ctx.db, signer);
    const b = new MessageLog(app.ctx.db, signer);
    const writes: Promise<void>[] = [];
    for (let n = 0; n < 200; n += 1) {
      writes.push((n % 2 ? a : b).append(entry(n, n % 2 ? 'a' : 'b')));
      if (n % 17 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(writes);
    await a.flush();
    await b.flush();
    const report = await verifyLog(app.ctx.db, new Map([...keys, ...(await logKeys(app))]));
    assert.equal(report.ok, true, JSON.stringify(report.firstBad));
    assert.equal(report.entries, before + 200);
  });
});

describe('the log against its checkpoints', () => {
  let app: TestApp;
  const request = (n: number): ExchangeRequest => ({ method: 'GET', subPath: `/${n}`, query: '', url: `/r1/x/${n}`, headers: {}, body: undefined, remoteAddress: '127.0.0.1', lang: 'en' });
  before(async () => {
    app = await testApp({ seed: false });
    // One entry per batch, written one after another: 150 batches.
    for (let n = 0; n < 150; n += 1) await app.exchange.refuse(undefined, request(n), 'badRequest', { detail: 'test' });
    // Shutting down (as here) writes a checkpoint of the head.
    await app.exchange.flush();
    await app.ctx.db.exec(`CREATE TABLE exchange.saved_log AS SELECT * FROM exchange.message_log; CREATE TABLE exchange.saved_batches AS SELECT * FROM exchange.log_batches`);
  });
  after(async () => app.close());

  /** Runs SQL the way an attacker with the database owner's rights would: the append-only triggers off. */
  const tamper = (sql: string) => app.ctx.db.transaction(async (tx) => {
    await tx.query('SET LOCAL session_replication_role = replica');
    for (const statement of sql.split(';').map((text) => text.trim()).filter(Boolean)) await tx.query(statement);
  });
  const restore = () => tamper(`DELETE FROM exchange.message_log; DELETE FROM exchange.log_batches;
    INSERT INTO exchange.log_batches SELECT * FROM exchange.saved_batches; INSERT INTO exchange.message_log SELECT * FROM exchange.saved_log`);

  it('says an untouched log is intact and matches the checkpoint', async () => {
    const report = await app.exchange.verifyLog();
    assert.equal(report.ok, true, JSON.stringify(report.firstBad));
    assert.equal(report.checkpoint?.seq, report.entries);
  });

  for (const [name, sql, reason] of [
    ['the last batch', `DELETE FROM exchange.message_log WHERE batch_id = (SELECT max(id) FROM exchange.log_batches); DELETE FROM exchange.log_batches WHERE id = (SELECT max(id) FROM exchange.log_batches)`, /deleted from the end/],
    ['the last 100 batches', `DELETE FROM exchange.message_log WHERE batch_id IN (SELECT id FROM exchange.log_batches ORDER BY id DESC LIMIT 100); DELETE FROM exchange.log_batches WHERE id IN (SELECT id FROM exchange.log_batches ORDER BY id DESC LIMIT 100)`, /entries 51 to 150 \(at least\) were deleted from the end/],
    ['the whole log', `DELETE FROM exchange.message_log; DELETE FROM exchange.log_batches`, /the whole log was deleted/],
  ] as const) {
    it(`reports deleting ${name} as tampering`, async () => {
      await tamper(sql);
      try {
        const report = await app.exchange.verifyLog();
        assert.equal(report.ok, false);
        assert.match(report.firstBad?.reason ?? '', reason);
      } finally {
        await restore();
      }
      assert.equal((await app.exchange.verifyLog()).ok, true, 'restored');
    });
  }

  it('reports a checkpoint not signed by the log’s key', async () => {
    const { rows } = await app.ctx.db.query<{ seq: number; entry_hash: string }>('SELECT seq, entry_hash FROM exchange.message_log ORDER BY seq DESC LIMIT 1');
    const forged = signCheckpoint('central', { seq: Number(rows[0]!.seq), hash: rows[0]!.entry_hash }, { keyId: 'log-signing-1', privateKeyPem: generateKeyPair().privateKeyPem });
    const report = await verifyLog(app.ctx.db, await logKeys(app), undefined, forged);
    assert.equal(report.ok, false);
    assert.match(report.firstBad?.reason ?? '', /not signed by this log's key/);
  });
});

async function logKeys(app: TestApp): Promise<Map<string, string>> {
  const { rows } = await app.ctx.db.query<{ id: string; public_key_pem: string }>('SELECT id, public_key_pem FROM exchange.keys');
  return new Map(rows.map((row) => [row.id, row.public_key_pem]));
}

describe('a directory witness', () => {
  it('gives back the checkpoint with the highest entry number and keeps the newest few', async () => {
    const { mkdtempSync, readdirSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const dir = mkdtempSync(path.join(tmpdir(), 'urtuu-witness-'));
    try {
      const witness = new DirectoryWitness(dir, 2);
      const key = { keyId: 'k', privateKeyPem: generateKeyPair().privateKeyPem };
      assert.equal(await witness.newest('central'), undefined);
      for (const seq of [5, 12, 9]) await witness.record(signCheckpoint('central', { seq, hash: 'a'.repeat(64) }, key));
      assert.equal((await witness.newest('central'))?.seq, 12);
      assert.equal(readdirSync(path.join(dir, 'central')).length, 2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
