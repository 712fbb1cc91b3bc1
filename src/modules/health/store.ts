// SQL for the health module's own tables (schema `health`).
import type { Queryable } from '../../kernel/db.ts';

export type KeyRole = 'csca' | 'dsc' | 'foreign';

export interface KeyRow {
  id: string;
  role: KeyRole;
  kid: string;
  country: string;
  certificate_pem: string;
  private_key: string | null;
  not_before: Date;
  not_after: Date;
  created_at: Date;
  created_by: string | null;
  retired_at: Date | null;
  removed_at: Date | null;
}

const KEY_COLUMNS = `k.id, k.role, k.kid, k.country, k.certificate_pem, k.private_key, k.not_before, k.not_after, k.created_at, k.created_by,
  (SELECT e.at FROM health.dcc_key_events e WHERE e.key_id = k.id AND e.action = 'retired') AS retired_at,
  (SELECT e.at FROM health.dcc_key_events e WHERE e.key_id = k.id AND e.action = 'removed') AS removed_at`;

/** Keys of some roles, newest first, with their derived state. */
export async function listKeys(db: Queryable, roles: KeyRole[]): Promise<KeyRow[]> {
  const { rows } = await db.query<KeyRow>(`SELECT ${KEY_COLUMNS} FROM health.dcc_keys k WHERE k.role = ANY($1::text[]) ORDER BY k.created_at DESC, k.id`, [roles]);
  return rows;
}

export async function findKey(db: Queryable, id: string): Promise<KeyRow | undefined> {
  const { rows } = await db.query<KeyRow>(`SELECT ${KEY_COLUMNS} FROM health.dcc_keys k WHERE k.id = $1`, [id]);
  return rows[0];
}

export async function findKeyByCertificate(db: Queryable, role: KeyRole, kid: string, certificatePem: string): Promise<KeyRow | undefined> {
  const { rows } = await db.query<KeyRow>(`SELECT ${KEY_COLUMNS} FROM health.dcc_keys k WHERE k.role = $1 AND k.kid = $2 AND md5(k.certificate_pem) = md5($3)`, [role, kid, certificatePem]);
  return rows[0];
}

export async function insertKey(
  db: Queryable,
  key: { role: KeyRole; kid: string; country: string; certificatePem: string; privateKey: string | null; notBefore: Date; notAfter: Date; createdBy: string | null },
): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO health.dcc_keys (role, kid, country, certificate_pem, private_key, not_before, not_after, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
    [key.role, key.kid, key.country, key.certificatePem, key.privateKey, key.notBefore, key.notAfter, key.createdBy],
  );
  return rows[0]!.id;
}

export async function addKeyEvent(db: Queryable, keyId: string, action: 'retired' | 'removed', actor: string | null): Promise<void> {
  await db.query(`INSERT INTO health.dcc_key_events (key_id, action, actor) VALUES ($1, $2, $3) ON CONFLICT (key_id, action) DO NOTHING`, [keyId, action, actor]);
}

/** Serialises key creation between processes for the rest of the transaction. */
export async function lockKeys(tx: Queryable): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext('health.dcc_keys'))`);
}

export interface IssuedRow {
  uvci: string;
  register_number: string;
  certificate_type: 'v' | 't' | 'r';
  kid: string;
  issued_at: Date;
  expires_at: Date;
  /** False for certificates issued before their text was kept. */
  has_hc1: boolean;
}

export async function insertIssued(
  db: Queryable,
  issued: { uvci: string; registerNumber: string; certificateType: 'v' | 't' | 'r'; kid: string; issuedAt: Date; expiresAt: Date; actor: string | null; requestId: string | null; hc1: string },
): Promise<void> {
  await db.query(
    `INSERT INTO health.dcc_issued (uvci, register_number, certificate_type, kid, issued_at, expires_at, actor, request_id, hc1) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [issued.uvci, issued.registerNumber, issued.certificateType, issued.kid, issued.issuedAt, issued.expiresAt, issued.actor, issued.requestId, issued.hc1],
  );
}

export async function issuedFor(db: Queryable, registerNumber: string, limit = 50): Promise<IssuedRow[]> {
  const { rows } = await db.query<IssuedRow>(
    `SELECT uvci, register_number, certificate_type, kid, issued_at, expires_at, hc1 IS NOT NULL AS has_hc1 FROM health.dcc_issued WHERE register_number = $1 ORDER BY issued_at DESC LIMIT $2`,
    [registerNumber, limit],
  );
  return rows;
}

/** The person's certificate whose UVCI has the opaque part `id`, with its HC1 text (null when not kept). */
export async function findIssued(db: Queryable, registerNumber: string, id: string): Promise<(IssuedRow & { hc1: string | null }) | undefined> {
  const { rows } = await db.query<IssuedRow & { hc1: string | null }>(
    `SELECT uvci, register_number, certificate_type, kid, issued_at, expires_at, hc1 IS NOT NULL AS has_hc1, hc1 FROM health.dcc_issued
      WHERE register_number = $1 AND split_part(split_part(uvci, '#', 1), ':', 5) = $2 ORDER BY issued_at DESC LIMIT 1`,
    [registerNumber, id],
  );
  return rows[0];
}
