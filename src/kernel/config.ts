// Configuration comes from the environment only, with defaults that let `npm start` work on a fresh
// machine: an embedded database in ./data, port 3000, development sign-in off.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export type Environment = 'development' | 'production' | 'test';

export interface Config {
  env: Environment;
  host: string;
  port: number;
  /** Public address of the portal, used in links, e-mails and QR codes. */
  baseUrl: string;
  /** PostgreSQL connection string; when absent the embedded PGlite database is used. */
  databaseUrl: string | undefined;
  /** Folder for the embedded database and generated secrets. */
  dataDir: string;
  /** Keeps the embedded database in memory only (tests). */
  inMemory: boolean;
  /** Secret for signing session cookies and CSRF tokens. */
  sessionSecret: string;
  /** The development sign-in page, which lets anyone pick a role. Never in production. */
  devLogin: boolean;
  logLevel: string;
  /** Trust X-Forwarded-* from a reverse proxy. */
  trustProxy: boolean;
  /** How long (ms) lists such as "most used" may be served from memory before reloading. */
  cacheTtlMs: number;
  /** Bearer token of the machine client of GovStack's Registration API (GOVSTACK_REGISTRATION_TOKEN); unset = no client. */
  govstackRegistrationToken?: string | undefined;
  /** How long (ms) a shutdown may take before the process is ended anyway (SHUTDOWN_TIMEOUT_SECONDS, default 10). */
  shutdownTimeoutMs?: number;
  /** How long (ms) the event loop may stand still before the watchdog ends the process (WATCHDOG_STALL_SECONDS, default 30; 0 = never). */
  watchdogStallMs?: number;
}

/** Reads an integer, failing loudly so a typo in the environment never starts a half-configured server. */
function intFrom(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}

function boolFrom(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new Error(`${name} must be true or false, got "${raw}"`);
}

/** A bearer token from the environment: unset, or at least 32 characters so it cannot be guessed. */
function tokenFrom(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  if (raw.length < 32 || /\s/.test(raw)) throw new Error(`${name} must be at least 32 characters without spaces`);
  return raw;
}

/** The session secret is kept in the data folder so restarts keep people signed in. */
function sessionSecretFrom(env: NodeJS.ProcessEnv, dataDir: string, persist: boolean): string {
  const given = env.SESSION_SECRET;
  if (given) {
    if (given.length < 32) throw new Error('SESSION_SECRET must be at least 32 characters');
    return given;
  }
  if (!persist) return randomBytes(32).toString('base64url');
  const file = path.join(dataDir, 'session-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  return secret;
}

/** Builds the configuration from environment variables (see README, "Configuration"). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const nodeEnv = env.NODE_ENV === 'production' || env.NODE_ENV === 'test' ? env.NODE_ENV : 'development';
  const port = overrides.port ?? intFrom(env, 'PORT', 3000, 0, 65535);
  const host = overrides.host ?? env.HOST ?? '0.0.0.0';
  const dataDir = path.resolve(overrides.dataDir ?? env.DATA_DIR ?? 'data');
  const inMemory = overrides.inMemory ?? false;
  const databaseUrl = overrides.databaseUrl ?? (env.DATABASE_URL || undefined);
  const devLogin = overrides.devLogin ?? boolFrom(env, 'DEV_LOGIN', false);
  if (devLogin && nodeEnv === 'production') {
    throw new Error('DEV_LOGIN cannot be enabled when NODE_ENV=production');
  }
  const baseUrl = (overrides.baseUrl ?? env.BASE_URL ?? `http://localhost:${port}`).replace(/\/+$/, '');
  try {
    new URL(baseUrl);
  } catch {
    throw new Error(`BASE_URL must be an absolute URL, got "${baseUrl}"`);
  }
  return {
    env: nodeEnv,
    host,
    port,
    baseUrl,
    databaseUrl,
    dataDir,
    inMemory,
    sessionSecret: overrides.sessionSecret ?? sessionSecretFrom(env, dataDir, !inMemory),
    devLogin,
    logLevel: overrides.logLevel ?? env.LOG_LEVEL ?? (nodeEnv === 'test' ? 'silent' : 'info'),
    trustProxy: overrides.trustProxy ?? boolFrom(env, 'TRUST_PROXY', false),
    cacheTtlMs: overrides.cacheTtlMs ?? intFrom(env, 'CACHE_TTL_MS', 30_000, 0, 3_600_000),
    govstackRegistrationToken: overrides.govstackRegistrationToken ?? tokenFrom(env, 'GOVSTACK_REGISTRATION_TOKEN'),
    shutdownTimeoutMs: overrides.shutdownTimeoutMs ?? intFrom(env, 'SHUTDOWN_TIMEOUT_SECONDS', 10, 1, 600) * 1000,
    watchdogStallMs: overrides.watchdogStallMs ?? intFrom(env, 'WATCHDOG_STALL_SECONDS', 30, 0, 3600) * 1000,
  };
}
