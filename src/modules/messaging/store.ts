// SQL for the messaging tables: the outbox (every message and what became of it) and the inbox
// (a person's in-app messages). Times come from the caller's clock, so the worker can be tested
// with a fake one.
import type { Queryable } from '../../kernel/db.ts';

export type OutboxStatus = 'queued' | 'sending' | 'sent' | 'dead';
export const OUTBOX_STATUSES: readonly OutboxStatus[] = ['queued', 'sending', 'sent', 'dead'];

export interface OutboxRow {
  id: string;
  channel: 'sms' | 'email' | 'inApp';
  recipient: string;
  lang: 'mn' | 'en';
  subject: string | null;
  body: string;
  purpose: string;
  provider: string;
  status: OutboxStatus;
  template: string | null;
  attempts: number;
  next_attempt_at: Date;
  locked_until: Date | null;
  last_error: string | null;
  dead_at: Date | null;
  created_at: Date;
  sent_at: Date | null;
}

export interface InboxRow {
  id: string;
  register_number: string;
  template: string | null;
  purpose: string;
  title_mn: string;
  title_en: string;
  body_mn: string;
  body_en: string;
  link: string | null;
  created_at: Date;
  read_at: Date | null;
}

const OUTBOX_COLUMNS = 'id, channel, recipient, lang, subject, body, purpose, provider, status, template, attempts, next_attempt_at, locked_until, last_error, dead_at, created_at, sent_at';
const INBOX_COLUMNS = 'id, register_number, template, purpose, title_mn, title_en, body_mn, body_en, link, created_at, read_at';

export interface NewOutboxRow {
  id: string;
  channel: OutboxRow['channel'];
  recipient: string;
  lang: OutboxRow['lang'];
  subject: string | null;
  body: string;
  purpose: string;
  provider: string;
  template: string | null;
  status: 'queued' | 'sending' | 'sent';
  attempts: number;
  nextAttemptAt: Date;
  lockedUntil: Date | null;
  sentAt: Date | null;
}

export async function insertOutbox(db: Queryable, row: NewOutboxRow): Promise<void> {
  await db.query(
    `INSERT INTO messaging.outbox (id, channel, recipient, lang, subject, body, purpose, provider, template, status, attempts, next_attempt_at, locked_until, sent_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
    [row.id, row.channel, row.recipient, row.lang, row.subject, row.body, row.purpose, row.provider, row.template, row.status, row.attempts, row.nextAttemptAt, row.lockedUntil, row.sentAt],
  );
}

/**
 * Claims up to `limit` messages that are due: waiting ones whose time has come, and claimed ones
 * whose worker let its lease run out. SKIP LOCKED makes concurrent workers take disjoint sets, and
 * the claim (status, attempt count, lease) is written in the same statement, so no two workers
 * ever deliver one message twice while its lease holds.
 */
export async function claimDue(db: Queryable, now: Date, leaseUntil: Date, limit: number): Promise<OutboxRow[]> {
  const { rows } = await db.query<OutboxRow>(
    `UPDATE messaging.outbox SET status = 'sending', attempts = attempts + 1, locked_until = $2
      WHERE id IN (
        SELECT id FROM messaging.outbox
         WHERE channel IN ('sms', 'email')
           AND ((status = 'queued' AND next_attempt_at <= $1) OR (status = 'sending' AND locked_until <= $1))
         ORDER BY next_attempt_at
         LIMIT $3
         FOR UPDATE SKIP LOCKED)
      RETURNING ${OUTBOX_COLUMNS}`,
    [now, leaseUntil, limit],
  );
  return rows.sort((a, b) => new Date(a.next_attempt_at).getTime() - new Date(b.next_attempt_at).getTime());
}

/** Claims one message whatever its time, for "send now"; nothing when another worker holds it. */
export async function claimOne(db: Queryable, id: string, now: Date, leaseUntil: Date): Promise<OutboxRow | undefined> {
  const { rows } = await db.query<OutboxRow>(
    `UPDATE messaging.outbox SET status = 'sending', attempts = attempts + 1, locked_until = $3
      WHERE id IN (
        SELECT id FROM messaging.outbox
         WHERE id = $1 AND channel IN ('sms', 'email')
           AND (status = 'queued' OR (status = 'sending' AND locked_until <= $2))
         FOR UPDATE SKIP LOCKED)
      RETURNING ${OUTBOX_COLUMNS}`,
    [id, now, leaseUntil],
  );
  return rows[0];
}

// The outcome of an attempt is written only by the worker whose claim it is (same attempt count),
// so a worker that outlived its lease cannot overwrite a newer attempt.
export async function markSent(db: Queryable, id: string, attempt: number, provider: string, now: Date): Promise<void> {
  await db.query(
    `UPDATE messaging.outbox SET status = 'sent', sent_at = $3, provider = $4, locked_until = NULL, last_error = NULL
      WHERE id = $1 AND status = 'sending' AND attempts = $2`,
    [id, attempt, now, provider],
  );
}

export async function markRetry(db: Queryable, id: string, attempt: number, provider: string, nextAttemptAt: Date, error: string): Promise<void> {
  await db.query(
    `UPDATE messaging.outbox SET status = 'queued', next_attempt_at = $3, provider = $4, locked_until = NULL, last_error = $5
      WHERE id = $1 AND status = 'sending' AND attempts = $2`,
    [id, attempt, nextAttemptAt, provider, error],
  );
}

export async function markDead(db: Queryable, id: string, attempt: number, provider: string, now: Date, error: string): Promise<void> {
  await db.query(
    `UPDATE messaging.outbox SET status = 'dead', dead_at = $3, provider = $4, locked_until = NULL, last_error = $5
      WHERE id = $1 AND status = 'sending' AND attempts = $2`,
    [id, attempt, now, provider, error],
  );
}

/** Puts a dead letter back in the queue with a fresh series of attempts; undefined when it is not dead. */
export async function requeueDead(db: Queryable, id: string, now: Date): Promise<OutboxRow | undefined> {
  const { rows } = await db.query<OutboxRow>(
    `UPDATE messaging.outbox SET status = 'queued', attempts = 0, next_attempt_at = $2, dead_at = NULL
      WHERE id = $1 AND status = 'dead' RETURNING ${OUTBOX_COLUMNS}`,
    [id, now],
  );
  return rows[0];
}

export async function findOutbox(db: Queryable, id: string): Promise<OutboxRow | undefined> {
  const { rows } = await db.query<OutboxRow>(`SELECT ${OUTBOX_COLUMNS} FROM messaging.outbox WHERE id = $1`, [id]);
  return rows[0];
}

export async function listOutbox(db: Queryable, limit: number, status?: OutboxStatus): Promise<OutboxRow[]> {
  const { rows } = status
    ? await db.query<OutboxRow>(`SELECT ${OUTBOX_COLUMNS} FROM messaging.outbox WHERE status = $2 ORDER BY created_at DESC, id DESC LIMIT $1`, [limit, status])
    : await db.query<OutboxRow>(`SELECT ${OUTBOX_COLUMNS} FROM messaging.outbox ORDER BY created_at DESC, id DESC LIMIT $1`, [limit]);
  return rows;
}

export async function countByStatus(db: Queryable): Promise<Record<OutboxStatus, number>> {
  const { rows } = await db.query<{ status: OutboxStatus; count: number }>(`SELECT status, count(*)::int AS count FROM messaging.outbox GROUP BY status`);
  const counts: Record<OutboxStatus, number> = { queued: 0, sending: 0, sent: 0, dead: 0 };
  for (const row of rows) counts[row.status] = Number(row.count);
  return counts;
}

export interface NewInboxRow {
  id: string;
  registerNumber: string;
  outboxId: string;
  template: string | null;
  purpose: string;
  title: Record<'mn' | 'en', string>;
  body: Record<'mn' | 'en', string>;
  link: string | null;
}

export async function insertInbox(db: Queryable, row: NewInboxRow): Promise<void> {
  await db.query(
    `INSERT INTO messaging.inbox (id, register_number, outbox_id, template, purpose, title_mn, title_en, body_mn, body_en, link)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [row.id, row.registerNumber, row.outboxId, row.template, row.purpose, row.title.mn, row.title.en, row.body.mn, row.body.en, row.link],
  );
}

// Every inbox query names the register number: a person reaches only their own messages.
export async function listInbox(db: Queryable, registerNumber: string, limit: number): Promise<InboxRow[]> {
  const { rows } = await db.query<InboxRow>(
    `SELECT ${INBOX_COLUMNS} FROM messaging.inbox WHERE register_number = $1 ORDER BY created_at DESC, id DESC LIMIT $2`,
    [registerNumber, limit],
  );
  return rows;
}

export async function findInbox(db: Queryable, registerNumber: string, id: string): Promise<InboxRow | undefined> {
  const { rows } = await db.query<InboxRow>(`SELECT ${INBOX_COLUMNS} FROM messaging.inbox WHERE register_number = $1 AND id = $2`, [registerNumber, id]);
  return rows[0];
}

export async function markInboxRead(db: Queryable, registerNumber: string, id: string, now: Date): Promise<InboxRow | undefined> {
  const { rows } = await db.query<InboxRow>(
    `UPDATE messaging.inbox SET read_at = COALESCE(read_at, $3) WHERE register_number = $1 AND id = $2 RETURNING ${INBOX_COLUMNS}`,
    [registerNumber, id, now],
  );
  return rows[0];
}

export async function markAllInboxRead(db: Queryable, registerNumber: string, now: Date): Promise<number> {
  const result = await db.query(`UPDATE messaging.inbox SET read_at = $2 WHERE register_number = $1 AND read_at IS NULL`, [registerNumber, now]);
  return result.rowCount;
}

export async function countUnread(db: Queryable, registerNumber: string): Promise<number> {
  const { rows } = await db.query<{ count: number }>(`SELECT count(*)::int AS count FROM messaging.inbox WHERE register_number = $1 AND read_at IS NULL`, [registerNumber]);
  return Number(rows[0]?.count ?? 0);
}
