// Signing in through a bank, as ДАН lets people use their internet bank: the person signs in at
// their bank, and the bank sends the browser back with a signed answer naming the account holder's
// register number. Each bank is a provider behind one interface; in development a stand-in bank
// runs inside the platform, with its own pages, so a person can watch the whole round trip.
import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SignJWT, calculateJwkThumbprint, errors as joseErrors, exportJWK, generateKeyPair, importJWK, jwtVerify, type CryptoKey, type JWK } from 'jose';
import type { AppContext } from '../../kernel/context.ts';
import type { Queryable } from '../../kernel/db.ts';
import { AppError } from '../../kernel/errors.ts';
import type { Lang } from '../../kernel/i18n.ts';
import { seal, unseal } from '../../kernel/secrets.ts';
import { page } from '../../web/index.ts';
import { FOREIGN_REGISTER_NUMBER, REGISTER_NUMBER, normaliseRegisterNumber } from './service.ts';

export interface BankLoginProvider {
  /** Short name, sent in the choice form and kept with the state. */
  id: string;
  name: { mn: string; en: string };
  /** Where to send the browser to sign in at the bank; the bank comes back to `returnUrl` with `state`. */
  authorizationUrl(state: string, returnUrl: string): string;
  /**
   * Checks the bank's answer (the query it sent the browser back with): its signature, audience,
   * lifetime, that its state is `params.state`, and that it was not used before. Throws a BANK_* error.
   */
  complete(params: Record<string, string>): Promise<{ registerNumber: string }>;
}

// The stored state lives as long as a person may take at their bank; the answer itself only 2 minutes.
const STATE_LIFETIME_MINUTES = 10;
const ANSWER_LIFETIME_SECONDS = 120;
// Clocks of two machines differ a little; a bank's answer is not refused for a few seconds' skew.
const CLOCK_TOLERANCE_SECONDS = 5;

/**
 * The banks people may sign in with on this platform; registers the pages of any stand-in bank run
 * in process. Production banks are added here as providers of their own, from configuration.
 */
export function registerBanks(app: FastifyInstance, ctx: AppContext): BankLoginProvider[] {
  const banks: BankLoginProvider[] = [];
  if (ctx.config.devLogin) {
    const devBank = createDevBank(ctx);
    registerDevBankPages(app, ctx, devBank);
    banks.push(devBank);
  }
  return banks;
}

/** Starts a bank sign-in for the interaction `uid`: a new state, replacing any earlier one, so an answer to an older attempt is useless. */
export async function startBankLogin(db: Queryable, uid: string, provider: string): Promise<string> {
  const state = randomBytes(24).toString('base64url');
  await db.query('DELETE FROM identity.bank_login_states WHERE uid = $1 OR expires_at < now()', [uid]);
  await db.query(
    `INSERT INTO identity.bank_login_states (state, uid, provider, expires_at) VALUES ($1, $2, $3, now() + make_interval(mins => $4))`,
    [state, uid, provider, STATE_LIFETIME_MINUTES],
  );
  return state;
}

/** Uses up the state of `uid`'s bank sign-in; returns its bank, or nothing if the state is not this sign-in's, used or expired. */
export async function takeBankLoginState(db: Queryable, uid: string, state: string): Promise<string | undefined> {
  const { rows } = await db.query<{ provider: string }>(
    `UPDATE identity.bank_login_states SET used_at = now()
      WHERE state = $1 AND uid = $2 AND used_at IS NULL AND expires_at > now()
      RETURNING provider`,
    [state, uid],
  );
  return rows[0]?.provider;
}

/** Records a bank answer's jti as used; false if it was used before (a replay). */
export async function useBankAnswer(db: Queryable, provider: string, jti: string, expiresAt: Date): Promise<boolean> {
  // An answer past its expiry is refused anyway, so its jti need not be kept any longer.
  await db.query('DELETE FROM identity.bank_used_answers WHERE expires_at < now() - interval \'1 hour\'');
  const { rowCount } = await db.query(
    'INSERT INTO identity.bank_used_answers (provider, jti, expires_at) VALUES ($1, $2, $3) ON CONFLICT (provider, jti) DO NOTHING',
    [provider, jti, expiresAt],
  );
  return rowCount === 1;
}

function isRegisterNumber(value: unknown): value is string {
  return typeof value === 'string' && (REGISTER_NUMBER.test(value) || FOREIGN_REGISTER_NUMBER.test(value));
}

// ---------------------------------------------------------------------------------------------
// The development bank: a stand-in for an internet bank, only when development sign-in is on.

export const DEV_BANK_ID = 'dev-bank';
const DEV_BANK_ISSUER = 'dev-bank';
const DEV_BANK_NAME = { mn: 'Хөгжүүлэлтийн банк', en: 'Development Bank' } as const;
const STATE_PATTERN = /^[A-Za-z0-9_-]{16,200}$/;

export interface DevBank extends BankLoginProvider {
  /** The bank's signed answer for an account holder, as the bank would send it back (a compact JWS, ES256). */
  answer(registerNumber: string, state: string): Promise<string>;
}

interface BankKeys {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
}

async function loadSealedKey(db: Queryable, provider: string): Promise<string | undefined> {
  const { rows } = await db.query<{ private_jwk: string }>('SELECT private_jwk FROM identity.bank_keys WHERE provider = $1', [provider]);
  return rows[0]?.private_jwk;
}

/** The development bank's key pair, made at first use and kept sealed, so every process shares it. */
async function devBankKeys(ctx: AppContext): Promise<BankKeys> {
  const secret = ctx.config.sessionSecret;
  let sealed = await loadSealedKey(ctx.db, DEV_BANK_ID);
  if (!sealed) {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = await exportJWK(privateKey);
    const kid = await calculateJwkThumbprint(jwk);
    await ctx.db.query('INSERT INTO identity.bank_keys (provider, private_jwk) VALUES ($1, $2) ON CONFLICT (provider) DO NOTHING', [
      DEV_BANK_ID,
      seal(secret, JSON.stringify({ ...jwk, kid, alg: 'ES256' })),
    ]);
    // Read back rather than use our own: another process may have made the key first.
    sealed = await loadSealedKey(ctx.db, DEV_BANK_ID);
    if (!sealed) throw new AppError('UNAVAILABLE');
  }
  const jwk = JSON.parse(unseal(secret, sealed)) as JWK & { kid: string };
  const { d: _private, ...publicJwk } = jwk;
  return {
    kid: jwk.kid,
    privateKey: (await importJWK(jwk, 'ES256')) as CryptoKey,
    publicKey: (await importJWK(publicJwk, 'ES256')) as CryptoKey,
  };
}

/** Whether `value` is one of our own bank callback addresses: the development bank answers nowhere else. */
function isOwnCallback(ctx: AppContext, value: unknown): value is string {
  if (typeof value !== 'string' || value.length > 500) return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return url.origin === new URL(ctx.config.baseUrl).origin && url.search === '' && url.hash === '' && /^\/(mn|en)\/login\/[A-Za-z0-9_-]{1,100}\/bank\/callback$/.test(url.pathname);
}

/** The development bank as a provider; its pages are registered by `registerDevBankPages`. */
export function createDevBank(ctx: AppContext): DevBank {
  const audience = ctx.config.baseUrl;
  let keys: Promise<BankKeys> | undefined;
  const keysOnce = () => {
    keys ??= devBankKeys(ctx).catch((error: unknown) => {
      keys = undefined;
      throw error;
    });
    return keys;
  };

  return {
    id: DEV_BANK_ID,
    name: DEV_BANK_NAME,

    authorizationUrl(state, returnUrl) {
      // Our callback addresses carry the person's language; the bank's page follows it.
      const lang: Lang = new URL(returnUrl, audience).pathname.startsWith('/en/') ? 'en' : 'mn';
      const query = new URLSearchParams({ state, redirect_uri: returnUrl });
      return `${audience}/${lang}/dev-bank/authorize?${query.toString()}`;
    },

    async answer(registerNumber, state) {
      const { kid, privateKey } = await keysOnce();
      return new SignJWT({ state })
        .setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' })
        .setIssuer(DEV_BANK_ISSUER)
        .setAudience(audience)
        .setSubject(registerNumber)
        .setIssuedAt()
        .setExpirationTime(`${ANSWER_LIFETIME_SECONDS}s`)
        .setJti(randomUUID())
        .sign(privateKey);
    },

    async complete(params) {
      if (params.error !== undefined) throw new AppError(params.error === 'access_denied' ? 'BANK_CANCELLED' : 'BANK_ANSWER_INVALID');
      const { assertion, state } = params;
      if (typeof assertion !== 'string' || assertion.length > 4000 || typeof state !== 'string' || state.length > 200) throw new AppError('BANK_ANSWER_INVALID');
      const { publicKey } = await keysOnce();
      let claims: Record<string, unknown>;
      try {
        ({ payload: claims } = await jwtVerify(assertion, publicKey, {
          algorithms: ['ES256'],
          issuer: DEV_BANK_ISSUER,
          audience,
          requiredClaims: ['sub', 'state', 'iat', 'exp', 'jti'],
          maxTokenAge: ANSWER_LIFETIME_SECONDS + CLOCK_TOLERANCE_SECONDS,
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
        }));
      } catch (error) {
        if (error instanceof joseErrors.JWTExpired) throw new AppError('BANK_ANSWER_EXPIRED');
        // maxTokenAge: issued too long ago, even if the bank set a generous exp.
        if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === 'iat' && error.reason === 'check_failed') throw new AppError('BANK_ANSWER_EXPIRED');
        if (error instanceof joseErrors.JOSEError) throw new AppError('BANK_ANSWER_INVALID');
        throw error;
      }
      if (claims.state !== state) throw new AppError('BANK_STATE_MISMATCH');
      if (!isRegisterNumber(claims.sub) || typeof claims.jti !== 'string' || claims.jti.length > 200 || typeof claims.exp !== 'number') {
        throw new AppError('BANK_ANSWER_INVALID');
      }
      if (!(await useBankAnswer(ctx.db, DEV_BANK_ID, claims.jti, new Date(claims.exp * 1000)))) throw new AppError('BANK_ANSWER_USED');
      return { registerNumber: claims.sub };
    },
  };
}

/** The development bank's sign-in page, where a person "signs in to their internet bank". */
export function registerDevBankPages(app: FastifyInstance, ctx: AppContext, bank: DevBank): void {
  // The bank checks what it is asked before showing anything, as a real bank checks its client.
  const requestOf = (values: Record<string, unknown>) => {
    if (typeof values.state !== 'string' || !STATE_PATTERN.test(values.state)) throw new AppError('VALIDATION_FAILED', { detail: 'state' });
    if (!isOwnCallback(ctx, values.redirect_uri)) throw new AppError('VALIDATION_FAILED', { detail: 'redirect_uri' });
    return { state: values.state, redirectUri: values.redirect_uri };
  };
  const back = (redirectUri: string, fields: Record<string, string>) => `${redirectUri}?${new URLSearchParams(fields).toString()}`;

  const show = (request: FastifyRequest, reply: Parameters<Parameters<typeof page>[4]>[1], asked: { state: string; redirectUri: string }, registerNumber: string, errors: { field: string; message: string }[] = []) =>
    reply.page(
      'modules/identity/views/dev-bank-authorize.njk',
      { bankName: bank.name[request.lang], state: asked.state, redirectUri: asked.redirectUri, registerNumber, cancelUrl: back(asked.redirectUri, { error: 'access_denied', state: asked.state }) },
      { status: errors.length ? 400 : 200, title: request.t('identity.bank.devBank.title', { bank: bank.name[request.lang] }), errors },
    );

  page(app, 'GET', '/dev-bank/authorize', {}, async (request, reply) => show(request, reply, requestOf(request.query as Record<string, unknown>), ''));

  page(app, 'POST', '/dev-bank/authorize', {}, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const asked = requestOf(body);
    const registerNumber = normaliseRegisterNumber(body.registerNumber);
    const errors: { field: string; message: string }[] = [];
    if (!isRegisterNumber(registerNumber)) errors.push({ field: 'registerNumber', message: new AppError('REGISTER_NUMBER_INVALID').text(request.lang) });
    // A stand-in: any password opens the account, which the page tells the person plainly.
    if (typeof body.password !== 'string' || body.password.length === 0) errors.push({ field: 'password', message: request.t('identity.bank.devBank.passwordMissing') });
    if (errors.length > 0) return show(request, reply, asked, typeof body.registerNumber === 'string' ? body.registerNumber.slice(0, 20) : '', errors);
    const assertion = await bank.answer(registerNumber, asked.state);
    return reply.redirect(back(asked.redirectUri, { assertion, state: asked.state }), 303);
  });
}
