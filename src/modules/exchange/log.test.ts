// The message log on its own: chained, signed in batches, and one chain even when several writers
// (processes sharing the database) append at once.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { testApp, type TestApp } from '../../../test/helpers.ts';
import { generateKeyPair } from '../../kernel/pki.ts';
import { MessageLog, verifyLog, type LogEntry } from './log.ts';

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

async function logKeys(app: TestApp): Promise<Map<string, string>> {
  const { rows } = await app.ctx.db.query<{ id: string; public_key_pem: string }>('SELECT id, public_key_pem FROM exchange.keys');
  return new Map(rows.map((row) => [row.id, row.public_key_pem]));
}
