// Where oidc-provider keeps its records: one table for sessions, interactions, codes, tokens and
// grants, and the administrators' table of relying parties for the "Client" model.
import { errors, type Adapter, type AdapterPayload } from 'oidc-provider';
import { isDataError, isDatabaseUnavailable, type Db } from '../../kernel/db.ts';
import { AppError } from '../../kernel/errors.ts';
import { isStorable } from '../../kernel/storable.ts';
import { unseal } from '../../kernel/secrets.ts';

interface ItemRow {
  payload: AdapterPayload;
  consumed_at: Date | null;
  expires_at: Date | null;
}

interface ClientRow {
  client_id: string;
  secret_sealed: string | null;
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
  scopes: string[];
  name: { mn: string; en: string };
  first_party: boolean;
  /** Set for a client registered through GovStack's client management (govstack-identity.ts). */
  jwks?: { keys: Record<string, unknown>[] } | null;
  token_endpoint_auth_method?: string | null;
}

/** Client metadata as oidc-provider expects it, from an administrator's registration. */
export function clientMetadata(row: ClientRow, secret: string): AdapterPayload {
  const clientSecret = row.secret_sealed ? unseal(secret, row.secret_sealed) : undefined;
  return {
    client_id: row.client_id,
    ...(row.token_endpoint_auth_method === 'private_key_jwt' && row.jwks
      ? { token_endpoint_auth_method: 'private_key_jwt', jwks: row.jwks }
      : clientSecret ? { client_secret: clientSecret, token_endpoint_auth_method: 'client_secret_basic' } : { token_endpoint_auth_method: 'none' }),
    redirect_uris: row.redirect_uris,
    post_logout_redirect_uris: row.post_logout_redirect_uris,
    grant_types: ['authorization_code'],
    response_types: ['code'],
    scope: row.scopes.join(' '),
    client_name: row.name.en,
    urtuu_name_mn: row.name.mn,
    urtuu_first_party: row.first_party,
  } as AdapterPayload;
}

function read(row: ItemRow | undefined): AdapterPayload | undefined {
  if (!row) return undefined;
  if (row.expires_at && new Date(row.expires_at).getTime() <= Date.now()) return undefined;
  return { ...row.payload, ...(row.consumed_at ? { consumed: Math.floor(new Date(row.consumed_at).getTime() / 1000) } : {}) };
}

/**
 * The provider answers requests before Fastify's checks see them, so its store says in OAuth's
 * terms what the kernel says elsewhere: a value that cannot be stored (a NUL in `state`, say) is
 * the caller's invalid_request (400), the database away is temporarily_unavailable (503), never
 * the server_error (500) the provider makes of anything else thrown.
 */
async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if ((error instanceof AppError && error.status === 400) || isDataError(error)) throw new errors.InvalidRequest('the request holds a character that cannot be stored (a NUL or a broken character)');
    if (isDatabaseUnavailable(error)) throw new errors.TemporarilyUnavailable('the database cannot be reached just now; try again in a few seconds');
    throw error;
  }
}

/** A factory for oidc-provider's `adapter` option. */
export function dbAdapter(db: Db, secret: string): new (model: string) => Adapter {
  const query: Db['query'] = (sql, params) => guarded(() => db.query(sql, params));
  return class DbAdapter implements Adapter {
    constructor(private readonly model: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      if (this.model === 'Client') throw new Error('relying parties are registered by an administrator');
      const expiresAt = expiresIn ? new Date(Date.now() + expiresIn * 1000) : null;
      await query(
        `INSERT INTO identity.oidc_items (model, id, payload, grant_id, uid, user_code, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (model, id) DO UPDATE SET payload = EXCLUDED.payload, grant_id = EXCLUDED.grant_id, uid = EXCLUDED.uid,
           user_code = EXCLUDED.user_code, expires_at = EXCLUDED.expires_at`,
        [this.model, id, JSON.stringify(payload), payload.grantId ?? null, payload.uid ?? null, payload.userCode ?? null, expiresAt],
      );
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      // An id that cannot be stored was never stored.
      if (!isStorable(id)) return undefined;
      if (this.model === 'Client') {
        const { rows } = await query<ClientRow>(
          'SELECT client_id, secret_sealed, redirect_uris, post_logout_redirect_uris, scopes, name, first_party, jwks, token_endpoint_auth_method FROM identity.clients WHERE client_id = $1 AND active',
          [id],
        );
        return rows[0] ? clientMetadata(rows[0], secret) : undefined;
      }
      const { rows } = await query<ItemRow>('SELECT payload, consumed_at, expires_at FROM identity.oidc_items WHERE model = $1 AND id = $2', [this.model, id]);
      return read(rows[0]);
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      if (!isStorable(uid)) return undefined;
      const { rows } = await query<ItemRow>('SELECT payload, consumed_at, expires_at FROM identity.oidc_items WHERE model = $1 AND uid = $2', [this.model, uid]);
      return read(rows[0]);
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      if (!isStorable(userCode)) return undefined;
      const { rows } = await query<ItemRow>('SELECT payload, consumed_at, expires_at FROM identity.oidc_items WHERE model = $1 AND user_code = $2', [this.model, userCode]);
      return read(rows[0]);
    }

    async consume(id: string): Promise<void> {
      await query('UPDATE identity.oidc_items SET consumed_at = now() WHERE model = $1 AND id = $2', [this.model, id]);
    }

    async destroy(id: string): Promise<void> {
      await query('DELETE FROM identity.oidc_items WHERE model = $1 AND id = $2', [this.model, id]);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await query('DELETE FROM identity.oidc_items WHERE grant_id = $1', [grantId]);
    }
  };
}
