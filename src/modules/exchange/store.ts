// SQL for the exchange's own tables (the message log's are in log.ts).
import type { Queryable } from '../../kernel/db.ts';

export interface MemberRow { id: string; instance: string; member_class: string; member_code: string; name_mn: string; name_en: string; agency_id: string | null; status: string }
export interface SubsystemRow { id: string; member_id: string; subsystem_code: string; name_mn: string; name_en: string; auth_mode: 'signature' | 'tls' | 'local'; node_id: string | null; status: string }
export interface KeyRow { key_id: string; subsystem_id: string; public_key_pem: string; certificate_pem: string | null; revoked_at: Date | null }
export interface ServiceRow {
  id: string; subsystem_id: string; service_code: string; title_mn: string; title_en: string; description_mn: string; description_en: string;
  kind: 'internal' | 'rest'; base_url: string | null; handler: string | null; openapi: Record<string, unknown> | null; personal: boolean; timeout_ms: number; status: 'enabled' | 'disabled';
}
export interface RightRow { id: string; service_id: string; client_id: string; method: string; path: string; granted_at: Date; granted_by: string | null }
export interface NodeRow { id: string; address: string; certificate_fingerprint: string }

export interface Directory {
  members: MemberRow[];
  subsystems: SubsystemRow[];
  keys: KeyRow[];
  services: ServiceRow[];
  rights: RightRow[];
  nodes: NodeRow[];
}

/** Everything the exchange needs to route and authorise a message, in one read. */
export async function loadDirectory(db: Queryable): Promise<Directory> {
  const [members, subsystems, keys, services, rights, nodes] = await Promise.all([
    db.query<MemberRow>('SELECT id, instance, member_class, member_code, name_mn, name_en, agency_id, status FROM exchange.members ORDER BY id'),
    db.query<SubsystemRow>('SELECT id, member_id, subsystem_code, name_mn, name_en, auth_mode, node_id, status FROM exchange.subsystems ORDER BY id'),
    db.query<KeyRow>('SELECT key_id, subsystem_id, public_key_pem, certificate_pem, revoked_at FROM exchange.subsystem_keys WHERE revoked_at IS NULL'),
    db.query<ServiceRow>('SELECT id, subsystem_id, service_code, title_mn, title_en, description_mn, description_en, kind, base_url, handler, openapi, personal, timeout_ms, status FROM exchange.services ORDER BY id'),
    db.query<RightRow>('SELECT id, service_id, client_id, method, path, granted_at, granted_by FROM exchange.access_rights WHERE revoked_at IS NULL'),
    db.query<NodeRow>('SELECT id, address, certificate_fingerprint FROM exchange.nodes'),
  ]);
  return { members: members.rows, subsystems: subsystems.rows, keys: keys.rows, services: services.rows, rights: rights.rows, nodes: nodes.rows };
}

export async function upsertMember(db: Queryable, member: Omit<MemberRow, 'status'>): Promise<void> {
  await db.query(
    `INSERT INTO exchange.members (id, instance, member_class, member_code, name_mn, name_en, agency_id) VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (id) DO UPDATE SET name_mn = EXCLUDED.name_mn, name_en = EXCLUDED.name_en, agency_id = EXCLUDED.agency_id`,
    [member.id, member.instance, member.member_class, member.member_code, member.name_mn, member.name_en, member.agency_id],
  );
}

export async function upsertSubsystem(db: Queryable, subsystem: Omit<SubsystemRow, 'status'>): Promise<void> {
  await db.query(
    `INSERT INTO exchange.subsystems (id, member_id, subsystem_code, name_mn, name_en, auth_mode, node_id) VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (id) DO UPDATE SET name_mn = EXCLUDED.name_mn, name_en = EXCLUDED.name_en, auth_mode = EXCLUDED.auth_mode, node_id = EXCLUDED.node_id`,
    [subsystem.id, subsystem.member_id, subsystem.subsystem_code, subsystem.name_mn, subsystem.name_en, subsystem.auth_mode, subsystem.node_id],
  );
}

export async function addKey(db: Queryable, key: { keyId: string; subsystemId: string; publicKeyPem: string; certificatePem: string | null }): Promise<void> {
  await db.query(
    `INSERT INTO exchange.subsystem_keys (key_id, subsystem_id, public_key_pem, certificate_pem) VALUES ($1, $2, $3, $4)
     ON CONFLICT (key_id) DO UPDATE SET public_key_pem = EXCLUDED.public_key_pem, certificate_pem = EXCLUDED.certificate_pem, revoked_at = NULL`,
    [key.keyId, key.subsystemId, key.publicKeyPem, key.certificatePem],
  );
}

export async function revokeKey(db: Queryable, keyId: string): Promise<void> {
  await db.query('UPDATE exchange.subsystem_keys SET revoked_at = now() WHERE key_id = $1 AND revoked_at IS NULL', [keyId]);
}

export async function upsertService(db: Queryable, service: Omit<ServiceRow, 'status'> & { status?: 'enabled' | 'disabled' }): Promise<void> {
  await db.query(
    `INSERT INTO exchange.services (id, subsystem_id, service_code, title_mn, title_en, description_mn, description_en, kind, base_url, handler, openapi, personal, timeout_ms, status)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
     ON CONFLICT (id) DO UPDATE SET title_mn = EXCLUDED.title_mn, title_en = EXCLUDED.title_en, description_mn = EXCLUDED.description_mn,
       description_en = EXCLUDED.description_en, kind = EXCLUDED.kind, base_url = EXCLUDED.base_url, handler = EXCLUDED.handler,
       openapi = EXCLUDED.openapi, personal = EXCLUDED.personal, timeout_ms = EXCLUDED.timeout_ms, status = EXCLUDED.status`,
    [service.id, service.subsystem_id, service.service_code, service.title_mn, service.title_en, service.description_mn, service.description_en,
      service.kind, service.base_url, service.handler, service.openapi === null ? null : JSON.stringify(service.openapi), service.personal,
      service.timeout_ms, service.status ?? 'enabled'],
  );
}

export async function grantRight(db: Queryable, right: { serviceId: string; clientId: string; method: string; path: string; grantedBy: string | null }): Promise<string> {
  const existing = await db.query<{ id: string }>(
    'SELECT id FROM exchange.access_rights WHERE service_id = $1 AND client_id = $2 AND method = $3 AND path = $4 AND revoked_at IS NULL',
    [right.serviceId, right.clientId, right.method, right.path],
  );
  if (existing.rows[0]) return existing.rows[0].id;
  const { rows } = await db.query<{ id: string }>(
    'INSERT INTO exchange.access_rights (service_id, client_id, method, path, granted_by) VALUES ($1, $2, $3, $4, $5) RETURNING id',
    [right.serviceId, right.clientId, right.method, right.path, right.grantedBy],
  );
  return rows[0]!.id;
}

export async function revokeRight(db: Queryable, id: string): Promise<boolean> {
  const { rowCount } = await db.query('UPDATE exchange.access_rights SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL', [id]);
  return rowCount === 1;
}

export async function upsertNode(db: Queryable, node: NodeRow): Promise<void> {
  await db.query(
    `INSERT INTO exchange.nodes (id, address, certificate_fingerprint) VALUES ($1, $2, $3)
     ON CONFLICT (id) DO UPDATE SET address = EXCLUDED.address, certificate_fingerprint = EXCLUDED.certificate_fingerprint`,
    [node.id, node.address, node.certificate_fingerprint],
  );
}

export async function findKey(db: Queryable, id: string): Promise<{ id: string; private_key: string; public_key_pem: string; certificate_pem: string | null } | undefined> {
  const { rows } = await db.query<{ id: string; private_key: string; public_key_pem: string; certificate_pem: string | null }>(
    'SELECT id, private_key, public_key_pem, certificate_pem FROM exchange.keys WHERE id = $1',
    [id],
  );
  return rows[0];
}

export async function insertKeyIfAbsent(db: Queryable, key: { id: string; privateKey: string; publicKeyPem: string; certificatePem: string | null }): Promise<void> {
  await db.query(
    'INSERT INTO exchange.keys (id, private_key, public_key_pem, certificate_pem) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING',
    [key.id, key.privateKey, key.publicKeyPem, key.certificatePem],
  );
}

export async function logPublicKeys(db: Queryable): Promise<Map<string, string>> {
  const { rows } = await db.query<{ id: string; public_key_pem: string }>(`SELECT id, public_key_pem FROM exchange.keys WHERE id LIKE 'log-signing-%'`);
  return new Map(rows.map((row) => [row.id, row.public_key_pem]));
}

// ---- Consents.

export interface ConsentRow { id: string; subject: string; client_id: string; services: string[]; purpose: string; method: string; granted_at: Date; expires_at: Date; withdrawn_at: Date | null }

export async function insertConsent(db: Queryable, consent: { subject: string; clientId: string; services: string[]; purpose: string; method: string; expiresAt: Date }): Promise<ConsentRow> {
  const { rows } = await db.query<ConsentRow>(
    `INSERT INTO exchange.consents (subject, client_id, services, purpose, method, expires_at) VALUES ($1, $2, $3, $4, $5, $6)
     RETURNING id, subject, client_id, services, purpose, method, granted_at, expires_at, NULL::timestamptz AS withdrawn_at`,
    [consent.subject, consent.clientId, consent.services, consent.purpose, consent.method, consent.expiresAt],
  );
  return rows[0]!;
}

export async function findConsent(db: Queryable, id: string): Promise<ConsentRow | undefined> {
  const { rows } = await db.query<ConsentRow>(
    `SELECT c.id, c.subject, c.client_id, c.services, c.purpose, c.method, c.granted_at, c.expires_at, w.at AS withdrawn_at
       FROM exchange.consents c LEFT JOIN exchange.consent_withdrawals w ON w.consent_id = c.id WHERE c.id = $1`,
    [id],
  );
  return rows[0];
}

export async function consentsOf(db: Queryable, subject: string): Promise<ConsentRow[]> {
  const { rows } = await db.query<ConsentRow>(
    `SELECT c.id, c.subject, c.client_id, c.services, c.purpose, c.method, c.granted_at, c.expires_at, w.at AS withdrawn_at
       FROM exchange.consents c LEFT JOIN exchange.consent_withdrawals w ON w.consent_id = c.id WHERE c.subject = $1 ORDER BY c.granted_at DESC LIMIT 200`,
    [subject],
  );
  return rows;
}

export async function withdrawConsent(db: Queryable, id: string, by: string): Promise<boolean> {
  const { rowCount } = await db.query('INSERT INTO exchange.consent_withdrawals (consent_id, by_whom) VALUES ($1, $2) ON CONFLICT DO NOTHING', [id, by]);
  return rowCount === 1;
}

export interface CodeRow { id: string; subject: string; client_id: string; services: string[]; purpose: string; code_hash: string; expires_at: Date; attempts: number; consent_id: string | null }

export async function insertCode(db: Queryable, code: { subject: string; clientId: string; services: string[]; purpose: string; codeHash: string; expiresAt: Date }): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    'INSERT INTO exchange.consent_codes (subject, client_id, services, purpose, code_hash, expires_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
    [code.subject, code.clientId, code.services, code.purpose, code.codeHash, code.expiresAt],
  );
  return rows[0]!.id;
}

/** Codes still open for a subject and client, newest first, locked for the redeeming transaction. */
export async function openCodes(db: Queryable, subject: string, clientId: string): Promise<CodeRow[]> {
  const { rows } = await db.query<CodeRow>(
    `SELECT id, subject, client_id, services, purpose, code_hash, expires_at, attempts, consent_id FROM exchange.consent_codes
      WHERE subject = $1 AND client_id = $2 AND consent_id IS NULL AND expires_at > now() ORDER BY created_at DESC LIMIT 5 FOR UPDATE`,
    [subject, clientId],
  );
  return rows;
}

export async function countRecentCodes(db: Queryable, subject: string, minutes: number): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM exchange.consent_codes WHERE subject = $1 AND created_at > now() - make_interval(mins => $2)`, [subject, minutes]);
  return Number(rows[0]?.n ?? 0);
}

export async function bumpAttempts(db: Queryable, ids: string[]): Promise<void> {
  if (ids.length > 0) await db.query('UPDATE exchange.consent_codes SET attempts = attempts + 1 WHERE id = ANY($1::uuid[])', [ids]);
}

export async function redeemCode(db: Queryable, id: string, consentId: string): Promise<void> {
  await db.query('UPDATE exchange.consent_codes SET consent_id = $2 WHERE id = $1', [id, consentId]);
}

// ---- Replays and the access log.

/** Records signed requests as seen; returns the indexes of those seen before (replays). */
export async function markSeen(db: Queryable, items: { keyId: string; nonce: string }[]): Promise<Set<number>> {
  const params: unknown[] = [];
  const tuples = items.map((item) => {
    params.push(item.keyId, item.nonce);
    return `($${params.length - 1}, $${params.length})`;
  });
  // The markers are committed without waiting for the disk (synchronous_commit off for this one
  // statement's transaction): a request waits for its replay check on every call, and a crash of
  // the database can lose at most the last fraction of a second of markers, which only reopens a
  // replay window for requests signed in that moment. The message log itself stays synchronous.
  const { rows } = await db.query<{ key_id: string; nonce: string }>(
    `WITH relaxed AS (SELECT set_config('synchronous_commit', 'off', true))
     INSERT INTO exchange.seen_requests (key_id, nonce)
     SELECT v.key_id, v.nonce FROM (VALUES ${tuples.join(', ')}) AS v (key_id, nonce), relaxed
     ON CONFLICT DO NOTHING RETURNING key_id, nonce`,
    params,
  );
  const fresh = new Set(rows.map((row) => `${row.key_id}\n${row.nonce}`));
  const replays = new Set<number>();
  const firstSeen = new Set<string>();
  items.forEach((item, index) => {
    const id = `${item.keyId}\n${item.nonce}`;
    // A pair sent twice in one batch: the first is fresh, the second a replay.
    if (!fresh.has(id) || firstSeen.has(id)) replays.add(index);
    firstSeen.add(id);
  });
  return replays;
}

export async function pruneSeen(db: Queryable, olderThanSeconds: number): Promise<void> {
  await db.query(`DELETE FROM exchange.seen_requests WHERE at < now() - make_interval(secs => $1)`, [olderThanSeconds]);
}

export interface AccessRow { seq: number; at: Date; client: string | null; service: string | null; purpose: string | null; status: number; consent_id: string | null }

export async function accessesOf(db: Queryable, subjectHash: string, limit: number): Promise<AccessRow[]> {
  const { rows } = await db.query<AccessRow>(
    `SELECT seq, at, client, service, purpose, status, consent_id FROM exchange.message_log WHERE subjects @> ARRAY[$1]::text[] ORDER BY seq DESC LIMIT $2`,
    [subjectHash, limit],
  );
  return rows;
}
