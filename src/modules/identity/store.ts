// SQL for the identity module's own tables.
import type { Queryable } from '../../kernel/db.ts';

export interface AccountRow {
  id: string;
  register_number: string;
  kind: 'citizen' | 'foreigner' | 'organisation';
}

/** The account of a register number, made on first use. */
export async function ensureAccount(db: Queryable, registerNumber: string, kind: AccountRow['kind']): Promise<AccountRow> {
  const { rows } = await db.query<AccountRow>(
    `INSERT INTO identity.accounts (register_number, kind) VALUES ($1, $2)
     ON CONFLICT (register_number) DO UPDATE SET register_number = EXCLUDED.register_number
     RETURNING id, register_number, kind`,
    [registerNumber, kind],
  );
  return rows[0]!;
}

export async function findAccount(db: Queryable, id: string): Promise<AccountRow | undefined> {
  const { rows } = await db.query<AccountRow>('SELECT id, register_number, kind FROM identity.accounts WHERE id = $1', [id]);
  return rows[0];
}

export async function recordLogin(db: Queryable, event: { registerNumber: string; method: string; outcome: string; clientId?: string | null }): Promise<void> {
  await db.query('INSERT INTO identity.login_events (register_number, method, outcome, client_id) VALUES ($1, $2, $3, $4)', [event.registerNumber, event.method, event.outcome, event.clientId ?? null]);
  if (event.outcome === 'success') await db.query('UPDATE identity.accounts SET last_login_at = now() WHERE register_number = $1', [event.registerNumber]);
}

export interface LoginEventRow {
  method: string;
  outcome: string;
  client_id: string | null;
  at: Date;
}

export async function loginHistory(db: Queryable, registerNumber: string, limit = 20): Promise<LoginEventRow[]> {
  const { rows } = await db.query<LoginEventRow>('SELECT method, outcome, client_id, at FROM identity.login_events WHERE register_number = $1 ORDER BY at DESC, id DESC LIMIT $2', [registerNumber, limit]);
  return rows;
}

// ---- one-time codes ----

export interface LoginCodeRow {
  id: string;
  register_number: string;
  code_hash: string;
  attempts: number;
  expires_at: Date;
  used_at: Date | null;
}

export async function insertLoginCode(db: Queryable, code: { interaction: string; registerNumber: string; codeHash: string; expiresAt: Date }): Promise<void> {
  // A new code replaces any earlier one for the same sign-in.
  await db.query('UPDATE identity.login_codes SET used_at = now() WHERE interaction = $1 AND used_at IS NULL', [code.interaction]);
  await db.query('INSERT INTO identity.login_codes (interaction, register_number, code_hash, expires_at) VALUES ($1, $2, $3, $4)', [code.interaction, code.registerNumber, code.codeHash, code.expiresAt]);
}

/** The latest code of a sign-in, locked for the caller's transaction. */
export async function latestLoginCode(db: Queryable, interaction: string): Promise<LoginCodeRow | undefined> {
  const { rows } = await db.query<LoginCodeRow>(
    'SELECT id, register_number, code_hash, attempts, expires_at, used_at FROM identity.login_codes WHERE interaction = $1 ORDER BY created_at DESC LIMIT 1 FOR UPDATE',
    [interaction],
  );
  return rows[0];
}

export async function countCodesSince(db: Queryable, registerNumber: string, since: Date): Promise<number> {
  const { rows } = await db.query<{ count: string }>('SELECT count(*) AS count FROM identity.login_codes WHERE register_number = $1 AND created_at > $2', [registerNumber, since]);
  return Number(rows[0]?.count ?? 0);
}

export async function bumpCodeAttempts(db: Queryable, id: string): Promise<void> {
  await db.query('UPDATE identity.login_codes SET attempts = attempts + 1 WHERE id = $1', [id]);
}

export async function useLoginCode(db: Queryable, id: string): Promise<void> {
  await db.query('UPDATE identity.login_codes SET used_at = now() WHERE id = $1', [id]);
}

// ---- lockouts ----

export interface LockoutRow {
  failures: number;
  window_start: Date;
  locked_until: Date | null;
}

export async function findLockout(db: Queryable, key: string): Promise<LockoutRow | undefined> {
  const { rows } = await db.query<LockoutRow>('SELECT failures, window_start, locked_until FROM identity.lockouts WHERE key = $1', [key]);
  return rows[0];
}

/**
 * Counts a failure in a window of `windowMinutes`; past `free` failures the key must wait, twice as
 * long after each one (1 s, 2 s, 4 s...), at most `maxSeconds`. Returns the row after.
 */
export async function countFailure(db: Queryable, key: string, free: number, windowMinutes: number, maxSeconds: number): Promise<LockoutRow> {
  const { rows } = await db.query<LockoutRow>(
    `INSERT INTO identity.lockouts (key, failures, window_start) VALUES ($1, 1, now())
     ON CONFLICT (key) DO UPDATE SET
       failures = CASE WHEN identity.lockouts.window_start < now() - make_interval(mins => $2) THEN 1 ELSE identity.lockouts.failures + 1 END,
       window_start = CASE WHEN identity.lockouts.window_start < now() - make_interval(mins => $2) THEN now() ELSE identity.lockouts.window_start END
     RETURNING failures, window_start, locked_until`,
    [key, windowMinutes],
  );
  const row = rows[0]!;
  if (row.failures > free) {
    const seconds = Math.min(2 ** Math.min(row.failures - free - 1, 30), maxSeconds);
    const { rows: slowed } = await db.query<LockoutRow>(
      `UPDATE identity.lockouts SET locked_until = now() + make_interval(secs => $2) WHERE key = $1 RETURNING failures, window_start, locked_until`,
      [key, seconds],
    );
    return slowed[0]!;
  }
  return row;
}

export async function clearFailures(db: Queryable, key: string): Promise<void> {
  await db.query('UPDATE identity.lockouts SET failures = 0, locked_until = NULL WHERE key = $1', [key]);
}

// ---- portal sessions ----

export interface SessionRow {
  id: string;
  register_number: string;
  method: string;
  user_agent: string | null;
  acting_for: { kind: string; name: string } | null;
  created_at: Date;
  expires_at: Date;
  ended_at: Date | null;
}

export async function insertSession(db: Queryable, session: { registerNumber: string; method: string; userAgent: string | null; actingFor: unknown; expiresAt: Date }): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    'INSERT INTO identity.sessions (register_number, method, user_agent, acting_for, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING id',
    [session.registerNumber, session.method, session.userAgent, session.actingFor ? JSON.stringify(session.actingFor) : null, session.expiresAt],
  );
  return rows[0]!.id;
}

export async function findSession(db: Queryable, id: string): Promise<SessionRow | undefined> {
  const { rows } = await db.query<SessionRow>('SELECT id, register_number, method, user_agent, acting_for, created_at, expires_at, ended_at FROM identity.sessions WHERE id = $1', [id]);
  return rows[0];
}

export async function openSessions(db: Queryable, registerNumber: string): Promise<SessionRow[]> {
  const { rows } = await db.query<SessionRow>(
    'SELECT id, register_number, method, user_agent, acting_for, created_at, expires_at, ended_at FROM identity.sessions WHERE register_number = $1 AND ended_at IS NULL AND expires_at > now() ORDER BY created_at DESC LIMIT 50',
    [registerNumber],
  );
  return rows;
}

/** Ends a session of this person; false when it is not theirs or already ended. */
export async function endSession(db: Queryable, id: string, registerNumber: string): Promise<boolean> {
  const { rowCount } = await db.query('UPDATE identity.sessions SET ended_at = now() WHERE id = $1 AND register_number = $2 AND ended_at IS NULL', [id, registerNumber]);
  return (rowCount ?? 0) > 0;
}

// ---- staff ----

export interface StaffRow {
  register_number: string;
  agency_id: string;
  name: string;
  roles: string[];
  changed_by: string;
  changed_at: Date;
}

/** The current staff of an agency (people whose latest change leaves them a role). */
export async function staffOf(db: Queryable, agencyId: string): Promise<StaffRow[]> {
  const { rows } = await db.query<StaffRow>(
    `SELECT * FROM (
       SELECT DISTINCT ON (register_number) register_number, agency_id, name, roles, changed_by, changed_at
       FROM identity.staff_changes WHERE agency_id = $1 ORDER BY register_number, id DESC
     ) latest WHERE cardinality(roles) > 0 ORDER BY name`,
    [agencyId],
  );
  return rows;
}

/** The agencies a person works for and their roles there. */
export async function rolesOf(db: Queryable, registerNumber: string): Promise<StaffRow[]> {
  const { rows } = await db.query<StaffRow>(
    `SELECT * FROM (
       SELECT DISTINCT ON (agency_id) register_number, agency_id, name, roles, changed_by, changed_at
       FROM identity.staff_changes WHERE register_number = $1 ORDER BY agency_id, id DESC
     ) latest WHERE cardinality(roles) > 0 ORDER BY agency_id`,
    [registerNumber],
  );
  return rows;
}

export async function changeStaff(db: Queryable, change: { registerNumber: string; agencyId: string; name: string; roles: string[]; changedBy: string }): Promise<void> {
  await db.query('INSERT INTO identity.staff_changes (register_number, agency_id, name, roles, changed_by) VALUES ($1, $2, $3, $4, $5)', [change.registerNumber, change.agencyId, change.name, change.roles, change.changedBy]);
}

// ---- powers of attorney ----

export interface PowerRow {
  id: string;
  grantor: string;
  attorney: string;
  grantor_name: string;
  notarial_number: string;
  valid_from: string;
  valid_until: string;
  recorded_by: string;
  recorded_at: Date;
  revoked_at: Date | null;
}

const POWER_COLUMNS = "id, grantor, attorney, grantor_name, notarial_number, to_char(valid_from, 'YYYY-MM-DD') AS valid_from, to_char(valid_until, 'YYYY-MM-DD') AS valid_until, recorded_by, recorded_at, revoked_at";

export async function insertPower(db: Queryable, power: { grantor: string; attorney: string; grantorName: string; notarialNumber: string; validFrom: string; validUntil: string; recordedBy: string }): Promise<PowerRow> {
  const { rows } = await db.query<PowerRow>(
    `INSERT INTO identity.powers_of_attorney (grantor, attorney, grantor_name, notarial_number, valid_from, valid_until, recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${POWER_COLUMNS}`,
    [power.grantor, power.attorney, power.grantorName, power.notarialNumber, power.validFrom, power.validUntil, power.recordedBy],
  );
  return rows[0]!;
}

/** Powers held by an attorney, newest first, valid or not (the caller decides). */
export async function powersHeldBy(db: Queryable, attorney: string): Promise<PowerRow[]> {
  const { rows } = await db.query<PowerRow>(`SELECT ${POWER_COLUMNS} FROM identity.powers_of_attorney WHERE attorney = $1 ORDER BY recorded_at DESC LIMIT 50`, [attorney]);
  return rows;
}

export async function recentPowers(db: Queryable, limit = 50): Promise<PowerRow[]> {
  const { rows } = await db.query<PowerRow>(`SELECT ${POWER_COLUMNS} FROM identity.powers_of_attorney ORDER BY recorded_at DESC LIMIT $1`, [limit]);
  return rows;
}

export async function revokePower(db: Queryable, id: string): Promise<boolean> {
  const { rowCount } = await db.query('UPDATE identity.powers_of_attorney SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL', [id]);
  return (rowCount ?? 0) > 0;
}

// ---- relying parties and keys ----

export interface ClientRow {
  client_id: string;
  name: { mn: string; en: string };
  secret_sealed: string | null;
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
  scopes: string[];
  first_party: boolean;
  active: boolean;
  created_at: Date;
}

export async function upsertClient(db: Queryable, client: { clientId: string; name: { mn: string; en: string }; secretSealed: string | null; redirectUris: string[]; postLogoutRedirectUris: string[]; scopes: string[]; firstParty: boolean; createdBy: string }): Promise<void> {
  await db.query(
    `INSERT INTO identity.clients (client_id, name, secret_sealed, redirect_uris, post_logout_redirect_uris, scopes, first_party, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (client_id) DO UPDATE SET name = EXCLUDED.name, secret_sealed = COALESCE(EXCLUDED.secret_sealed, identity.clients.secret_sealed),
       redirect_uris = EXCLUDED.redirect_uris, post_logout_redirect_uris = EXCLUDED.post_logout_redirect_uris, scopes = EXCLUDED.scopes,
       first_party = EXCLUDED.first_party, active = true`,
    [client.clientId, JSON.stringify(client.name), client.secretSealed, client.redirectUris, client.postLogoutRedirectUris, client.scopes, client.firstParty, client.createdBy],
  );
}

export async function listClients(db: Queryable): Promise<ClientRow[]> {
  const { rows } = await db.query<ClientRow>('SELECT client_id, name, secret_sealed, redirect_uris, post_logout_redirect_uris, scopes, first_party, active, created_at FROM identity.clients ORDER BY created_at');
  return rows;
}

export async function findClient(db: Queryable, clientId: string): Promise<ClientRow | undefined> {
  const { rows } = await db.query<ClientRow>('SELECT client_id, name, secret_sealed, redirect_uris, post_logout_redirect_uris, scopes, first_party, active, created_at FROM identity.clients WHERE client_id = $1', [clientId]);
  return rows[0];
}

/** A relying party's name in one language, for the pages that say who is asking; its id when unknown. */
export async function clientName(db: Queryable, clientId: string | null, lang: 'mn' | 'en'): Promise<string> {
  if (!clientId) return '';
  const row = await findClient(db, clientId);
  return row ? row.name[lang] : clientId;
}

export async function signingKeys(db: Queryable): Promise<{ kid: string; private_jwk: string; created_at: Date; retired_at: Date | null }[]> {
  const { rows } = await db.query<{ kid: string; private_jwk: string; created_at: Date; retired_at: Date | null }>('SELECT kid, private_jwk, created_at, retired_at FROM identity.signing_keys ORDER BY created_at DESC');
  return rows;
}

export async function insertSigningKey(db: Queryable, kid: string, sealedJwk: string): Promise<void> {
  await db.query('INSERT INTO identity.signing_keys (kid, private_jwk) VALUES ($1, $2) ON CONFLICT (kid) DO NOTHING', [kid, sealedJwk]);
}

/** Retires every active key but the `keep` newest. */
export async function retireSigningKeysBeyond(db: Queryable, keep: number): Promise<void> {
  await db.query(
    `UPDATE identity.signing_keys SET retired_at = now() WHERE retired_at IS NULL AND kid NOT IN (
       SELECT kid FROM identity.signing_keys WHERE retired_at IS NULL ORDER BY created_at DESC, kid LIMIT $1)`,
    [keep],
  );
}

// ---- grants of data scopes ----

export interface GrantConsentRow {
  grant_id: string;
  consent_id: string;
  subject: string;
  client_id: string;
  scopes: string[];
  created_at: Date;
}

export async function insertGrantConsent(db: Queryable, row: { grantId: string; consentId: string; subject: string; clientId: string; scopes: string[] }): Promise<void> {
  await db.query(
    'INSERT INTO identity.grant_consents (grant_id, consent_id, subject, client_id, scopes) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (grant_id) DO UPDATE SET consent_id = EXCLUDED.consent_id, scopes = EXCLUDED.scopes',
    [row.grantId, row.consentId, row.subject, row.clientId, row.scopes],
  );
}

export async function findGrantConsent(db: Queryable, grantId: string): Promise<GrantConsentRow | undefined> {
  const { rows } = await db.query<GrantConsentRow>('SELECT grant_id, consent_id, subject, client_id, scopes, created_at FROM identity.grant_consents WHERE grant_id = $1', [grantId]);
  return rows[0];
}

export async function grantConsentsOf(db: Queryable, subject: string): Promise<GrantConsentRow[]> {
  const { rows } = await db.query<GrantConsentRow>('SELECT grant_id, consent_id, subject, client_id, scopes, created_at FROM identity.grant_consents WHERE subject = $1 ORDER BY created_at DESC', [subject]);
  return rows;
}

export async function deleteGrantConsent(db: Queryable, grantId: string): Promise<void> {
  await db.query('DELETE FROM identity.grant_consents WHERE grant_id = $1', [grantId]);
}

// ---- sign-ins in progress ----

export interface LoginAttemptRow {
  uid: string;
  register_number: string;
  method: string | null;
  amr: string[] | null;
  authenticated_at: Date | null;
  expires_at: Date;
}

export async function startAttempt(db: Queryable, uid: string, registerNumber: string, expiresAt: Date): Promise<void> {
  await db.query(
    `INSERT INTO identity.login_attempts (uid, register_number, expires_at) VALUES ($1, $2, $3)
     ON CONFLICT (uid) DO UPDATE SET register_number = EXCLUDED.register_number, method = NULL, amr = NULL, authenticated_at = NULL, expires_at = EXCLUDED.expires_at`,
    [uid, registerNumber, expiresAt],
  );
}

export async function findAttempt(db: Queryable, uid: string): Promise<LoginAttemptRow | undefined> {
  const { rows } = await db.query<LoginAttemptRow>('SELECT uid, register_number, method, amr, authenticated_at, expires_at FROM identity.login_attempts WHERE uid = $1 AND expires_at > now()', [uid]);
  return rows[0];
}

export async function authenticateAttempt(db: Queryable, uid: string, method: string, amr: string[]): Promise<void> {
  await db.query('UPDATE identity.login_attempts SET method = $2, amr = $3, authenticated_at = now() WHERE uid = $1', [uid, method, amr]);
}

export async function endAttempt(db: Queryable, uid: string): Promise<void> {
  await db.query('DELETE FROM identity.login_attempts WHERE uid = $1 OR expires_at < now()', [uid]);
}

// ---- relying parties registered through GovStack's Identity API (private_key_jwt) ----

export interface GovstackClientRow {
  client_id: string;
  first_party: boolean;
  token_endpoint_auth_method: string | null;
}

export async function findGovstackClient(db: Queryable, clientId: string): Promise<GovstackClientRow | undefined> {
  const { rows } = await db.query<GovstackClientRow>('SELECT client_id, first_party, token_endpoint_auth_method FROM identity.clients WHERE client_id = $1', [clientId]);
  return rows[0];
}

export async function saveGovstackFields(db: Queryable, clientId: string, fields: { jwks?: { keys: Record<string, unknown>[] }; relyingPartyId?: string; logoUri: string; acrValues: string[]; active: boolean }): Promise<void> {
  await db.query(
    `UPDATE identity.clients SET jwks = COALESCE($2::jsonb, jwks), token_endpoint_auth_method = 'private_key_jwt',
       relying_party_id = COALESCE($3, relying_party_id), logo_uri = $4, acr_values = $5, active = $6
     WHERE client_id = $1`,
    [clientId, fields.jwks ? JSON.stringify(fields.jwks) : null, fields.relyingPartyId ?? null, fields.logoUri, fields.acrValues, fields.active],
  );
}


/** A registration through our own API authenticates with its secret (or none): any key-based method goes. */
export async function clearKeyAuthentication(db: Queryable, clientId: string): Promise<void> {
  await db.query('UPDATE identity.clients SET jwks = NULL, token_endpoint_auth_method = NULL WHERE client_id = $1', [clientId]);
}
