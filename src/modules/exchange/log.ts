// The exchange's message log: one entry per message, append-only. Entries are written in batches
// (a request waits for its batch to commit before it is answered, so nothing is answered that is
// not logged). Each entry's hash covers the previous entry's hash, so the log is one chain; each
// batch is signed with ECDSA over its last hash and the Merkle root of its entries. Processes
// sharing a database never fork the chain: entry numbers are unique, so a writer that lost a race
// rewrites its batch after the winner's (see MessageLog.write).
import { createHash, createSign, createVerify } from 'node:crypto';
import { Batcher } from '../../kernel/batcher.ts';
import type { Db, Queryable } from '../../kernel/db.ts';
import { privateKeyOf, publicKeyOf } from '../../kernel/key-cache.ts';
import { checkpointSigned, type Checkpoint } from './witness.ts';

export interface LogEntry {
  /** ISO time with milliseconds. */
  at: string;
  requestId: string;
  messageId: string | null;
  client: string | null;
  service: string | null;
  method: string;
  path: string;
  status: number;
  errorType: string | null;
  userId: string | null;
  /** Keyed hashes of the register numbers of the people whose data the message carried. */
  subjects: string[];
  purpose: string | null;
  consentId: string | null;
  issue: string | null;
  representedParty: string | null;
  requestHash: string | null;
  responseHash: string | null;
  durationMs: number;
  node: string;
}

export const GENESIS = '0'.repeat(64);

/** The hash of an entry after `previous`: SHA-256 over the previous hash and the entry's fields. */
export function entryHash(previous: string, entry: LogEntry): string {
  const fields = [
    entry.at, entry.requestId, entry.messageId, entry.client, entry.service, entry.method, entry.path, entry.status,
    entry.errorType, entry.userId, entry.subjects, entry.purpose, entry.consentId, entry.issue, entry.representedParty,
    entry.requestHash, entry.responseHash, Math.round(entry.durationMs * 1000) / 1000, entry.node,
  ];
  return createHash('sha256').update(previous).update('\n').update(JSON.stringify(fields)).digest('hex');
}

/** Merkle root (SHA-256, last node paired with itself on odd levels) of hex hashes. */
export function merkleRoot(hashes: string[]): string {
  if (hashes.length === 0) return GENESIS;
  let level: Buffer[] = hashes.map((hash) => Buffer.from(hash, 'hex'));
  while (level.length > 1) {
    const next: Buffer[] = [];
    for (let i = 0; i < level.length; i += 2) {
      next.push(createHash('sha256').update(level[i]!).update(level[i + 1] ?? level[i]!).digest());
    }
    level = next;
  }
  return level[0]!.toString('hex');
}

function batchStatement(firstSeq: number, lastSeq: number, lastHash: string, root: string): string {
  return `urtuu-exchange-log/v1|${firstSeq}|${lastSeq}|${lastHash}|${root}`;
}

export interface SigningKey {
  keyId: string;
  privateKeyPem: string;
}

const COLUMNS = ['seq', 'at', 'request_id', 'message_id', 'client', 'service', 'method', 'path', 'status', 'error_type', 'user_id', 'subjects', 'purpose', 'consent_id', 'issue', 'represented_party', 'request_hash', 'response_hash', 'duration_ms', 'node', 'prev_hash', 'entry_hash', 'batch_id'];

export class MessageLog {
  private readonly batcher: Batcher<LogEntry, void>;

  constructor(
    private readonly db: Db,
    private readonly key: () => SigningKey,
    options: { maxItems?: number; maxWaitMs?: number } = {},
  ) {
    this.batcher = new Batcher({ maxItems: options.maxItems ?? 500, maxWaitMs: options.maxWaitMs ?? 0, run: (entries) => this.write(entries) });
  }

  /** Appends an entry; resolves once it is committed with its batch. */
  append(entry: LogEntry): Promise<void> {
    // Stored as double precision: keep to microseconds so what is hashed is what reads back.
    return this.batcher.submit({ ...entry, durationMs: Math.round(entry.durationMs * 1000) / 1000 });
  }

  flush(): Promise<void> {
    return this.batcher.flush();
  }

  /** The chain's head as this process last wrote or read it. */
  private head: { seq: number; hash: string } | undefined;
  /** The last entry this process committed: what it can vouch for in a checkpoint. */
  private committed: { seq: number; hash: string } | undefined;

  /** The last entry this process wrote (committed), if it wrote any. */
  lastCommitted(): { seq: number; hash: string } | undefined {
    return this.committed;
  }

  private async readHead(): Promise<{ seq: number; hash: string }> {
    const { rows } = await this.db.query<{ seq: number; entry_hash: string }>('SELECT seq, entry_hash FROM exchange.message_log ORDER BY seq DESC LIMIT 1');
    return { seq: Number(rows[0]?.seq ?? 0), hash: rows[0]?.entry_hash ?? GENESIS };
  }

  /**
   * Writes a batch after the head this process knows, in one statement (atomic on its own, one
   * round trip). Entry numbers are the primary key: if another process sharing the database wrote
   * first, the numbers collide, nothing is written, and the batch is chained again after the new
   * head. So the chain stays one without a lock held across round trips.
   */
  private async write(entries: LogEntry[]): Promise<void[]> {
    const key = this.key();
    for (let attempt = 1; ; attempt += 1) {
      this.head ??= await this.readHead();
      const firstSeq = this.head.seq + 1;
      let previous = this.head.hash;
      const hashes: string[] = [];
      const params: unknown[] = [];
      const tuples: string[] = [];
      entries.forEach((entry, index) => {
        const hash = entryHash(previous, entry);
        hashes.push(hash);
        const values = [firstSeq + index, entry.at, entry.requestId, entry.messageId, entry.client, entry.service, entry.method, entry.path, entry.status,
          entry.errorType, entry.userId, entry.subjects, entry.purpose, entry.consentId, entry.issue, entry.representedParty, entry.requestHash,
          entry.responseHash, entry.durationMs, entry.node, previous, hash, firstSeq];
        tuples.push(`(${values.map((value) => {
          params.push(value);
          return `$${params.length}`;
        }).join(', ')})`);
        previous = hash;
      });
      const root = merkleRoot(hashes);
      const lastSeq = firstSeq + entries.length - 1;
      const signature = createSign('SHA256').update(batchStatement(firstSeq, lastSeq, previous, root)).sign(privateKeyOf(key.privateKeyPem)).toString('base64');
      const batch = [firstSeq, firstSeq, lastSeq, previous, root, key.keyId, signature];
      const offset = params.length;
      params.push(...batch);
      try {
        await this.db.query(
          `WITH entries AS (INSERT INTO exchange.message_log (${COLUMNS.join(', ')}) VALUES ${tuples.join(', ')})
           INSERT INTO exchange.log_batches (id, first_seq, last_seq, last_hash, merkle_root, key_id, signature)
           VALUES (${batch.map((_, index) => `$${offset + index + 1}`).join(', ')})`,
          params,
        );
        this.head = { seq: lastSeq, hash: previous };
        if (!this.committed || lastSeq > this.committed.seq) this.committed = this.head;
        return entries.map(() => undefined);
      } catch (error) {
        this.head = undefined;
        // Another writer took these numbers: chain again after its entries.
        if ((error as { code?: string }).code === '23505' && attempt < 50) continue;
        throw error;
      }
    }
  }
}

export interface VerifyReport {
  entries: number;
  batches: number;
  ok: boolean;
  /** The first entry (or batch) that does not check out, and why. */
  firstBad?: { seq: number; reason: string };
  /** The witness's checkpoint the log's end was compared with, when there was one. */
  checkpoint?: { seq: number; at: string };
}

interface StoredEntry {
  seq: number; at: Date; request_id: string; message_id: string | null; client: string | null; service: string | null; method: string;
  path: string; status: number; error_type: string | null; user_id: string | null; subjects: string[]; purpose: string | null;
  consent_id: string | null; issue: string | null; represented_party: string | null; request_hash: string | null; response_hash: string | null;
  duration_ms: number; node: string; prev_hash: string; entry_hash: string; batch_id: number;
}

/**
 * Walks the whole log in order and proves it untouched: every hash recomputes, every entry links
 * to the one before, every entry is in a batch, and every batch's signature verifies. Given the
 * witness's newest checkpoint, it also proves nothing was cut off the end: the log reaches the
 * checkpointed entry and that entry's hash is the one checkpointed.
 */
export async function verifyLog(db: Queryable, publicKeys: Map<string, string>, onProgress?: (done: number, total: number) => void, checkpoint?: Checkpoint): Promise<VerifyReport> {
  const total = Number((await db.query<{ n: number }>('SELECT count(*)::bigint AS n FROM exchange.message_log')).rows[0]?.n ?? 0);
  const batches = (await db.query<{ id: number; first_seq: number; last_seq: number; last_hash: string; merkle_root: string; key_id: string; signature: string }>(
    'SELECT id, first_seq, last_seq, last_hash, merkle_root, key_id, signature FROM exchange.log_batches ORDER BY id',
  )).rows.map((row) => ({ ...row, id: Number(row.id), first_seq: Number(row.first_seq), last_seq: Number(row.last_seq) }));
  const batchById = new Map(batches.map((batch) => [batch.id, batch]));
  for (const batch of batches) {
    const publicKey = publicKeys.get(batch.key_id);
    const valid = publicKey !== undefined && createVerify('SHA256').update(batchStatement(batch.first_seq, batch.last_seq, batch.last_hash, batch.merkle_root)).verify(publicKeyOf(publicKey), Buffer.from(batch.signature, 'base64'));
    if (!valid) return { entries: total, batches: batches.length, ok: false, firstBad: { seq: batch.first_seq, reason: `the signature of the batch starting at entry ${batch.first_seq} does not verify` } };
  }

  let previous = GENESIS;
  let after = 0;
  let done = 0;
  let batchHashes: string[] = [];
  let currentBatch: number | undefined;
  let checkpointedHash: string | undefined;
  const closeBatch = (seq: number): VerifyReport | undefined => {
    if (currentBatch === undefined) return undefined;
    const batch = batchById.get(currentBatch)!;
    if (merkleRoot(batchHashes) !== batch.merkle_root || batchHashes.at(-1) !== batch.last_hash) {
      return { entries: total, batches: batches.length, ok: false, firstBad: { seq, reason: `the entries of the batch starting at ${batch.first_seq} do not match its signed root` } };
    }
    return undefined;
  };
  for (;;) {
    const { rows } = await db.query<StoredEntry>(`SELECT * FROM exchange.message_log WHERE seq > $1 ORDER BY seq LIMIT 5000`, [after]);
    if (rows.length === 0) break;
    for (const row of rows) {
      const seq = Number(row.seq);
      const batchId = Number(row.batch_id);
      if (batchId !== currentBatch) {
        const bad = closeBatch(seq);
        if (bad) return bad;
        currentBatch = batchId;
        batchHashes = [];
        const batch = batchById.get(batchId);
        if (!batch) return { entries: total, batches: batches.length, ok: false, firstBad: { seq, reason: `entry ${seq} names batch ${batchId}, which does not exist` } };
      }
      const batch = batchById.get(batchId)!;
      if (seq < batch.first_seq || seq > batch.last_seq) return { entries: total, batches: batches.length, ok: false, firstBad: { seq, reason: `entry ${seq} lies outside its batch` } };
      if (row.prev_hash !== previous) return { entries: total, batches: batches.length, ok: false, firstBad: { seq, reason: `entry ${seq} does not link to the entry before it (an entry was removed or reordered)` } };
      const entry: LogEntry = {
        at: new Date(row.at).toISOString(), requestId: row.request_id, messageId: row.message_id, client: row.client, service: row.service,
        method: row.method, path: row.path, status: row.status, errorType: row.error_type, userId: row.user_id, subjects: row.subjects,
        purpose: row.purpose, consentId: row.consent_id, issue: row.issue, representedParty: row.represented_party, requestHash: row.request_hash,
        responseHash: row.response_hash, durationMs: Number(row.duration_ms), node: row.node,
      };
      const hash = entryHash(previous, entry);
      if (hash !== row.entry_hash) return { entries: total, batches: batches.length, ok: false, firstBad: { seq, reason: `entry ${seq} was changed after it was written` } };
      if (checkpoint && seq === checkpoint.seq) checkpointedHash = hash;
      batchHashes.push(hash);
      previous = hash;
      after = seq;
      done += 1;
    }
    onProgress?.(done, total);
  }
  const bad = closeBatch(after);
  if (bad) return bad;
  const lastBatch = batches.at(-1);
  if (lastBatch && lastBatch.last_seq !== after) {
    return { entries: total, batches: batches.length, ok: false, firstBad: { seq: lastBatch.last_seq, reason: `entries up to ${lastBatch.last_seq} were signed but the log ends at ${after}` } };
  }
  if (checkpoint) {
    const anchored = { seq: checkpoint.seq, at: checkpoint.at };
    const tampered = (seq: number, reason: string): VerifyReport => ({ entries: total, batches: batches.length, ok: false, firstBad: { seq, reason }, checkpoint: anchored });
    if (!checkpointSigned(checkpoint, publicKeys)) return tampered(checkpoint.seq, `the checkpoint of ${checkpoint.at} (entry ${checkpoint.seq}) is not signed by this log's key: the checkpoint or the log's key was replaced`);
    if (after < checkpoint.seq) {
      return tampered(after + 1, after === 0
        ? `the log is empty, but the checkpoint of ${checkpoint.at} recorded ${checkpoint.seq} entries: the whole log was deleted`
        : `the log ends at entry ${after}, but the checkpoint of ${checkpoint.at} recorded entry ${checkpoint.seq}: entries ${after + 1} to ${checkpoint.seq} (at least) were deleted from the end`);
    }
    if (checkpointedHash !== checkpoint.hash) return tampered(checkpoint.seq, `entry ${checkpoint.seq} is not the entry the checkpoint of ${checkpoint.at} recorded: the log was rewritten from there`);
    return { entries: total, batches: batches.length, ok: true, checkpoint: anchored };
  }
  return { entries: total, batches: batches.length, ok: true };
}
