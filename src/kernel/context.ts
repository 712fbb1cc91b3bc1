// What every module is given: configuration, the database, messages, the audit log and metrics.
// Also the request and reply fields the kernel adds, typed once here.
import type { FastifyBaseLogger } from 'fastify';
import type { Audit } from './audit.ts';
import type { Principal } from './auth.ts';
import type { Config } from './config.ts';
import type { Db } from './db.ts';
import type { FieldError } from './errors.ts';
import type { I18n, Lang, Messages, Translate } from './i18n.ts';
import type { LruCache } from './lru.ts';
import type { Metrics } from './metrics.ts';

/** A rendered page kept for people who are not signed in; the CSP nonce is filled in per response. */
export interface CachedPage {
  html: string;
  lang: Lang;
  onHit?: () => void;
}

export interface AppContext {
  config: Config;
  db: Db;
  i18n: I18n;
  audit: Audit;
  metrics: Metrics;
  log: FastifyBaseLogger;
  /** Rendered public pages; modules clear it when what those pages show changes. */
  pageCache: LruCache<CachedPage>;
}

/** The static face of a module: what must be known before the server is built. */
export interface ModuleManifest {
  /** Module name; also the PostgreSQL schema that holds its tables. */
  name: string;
  /** Folder of numbered SQL migrations. */
  migrationsDir: string;
  /** Messages in both languages, added under the module's name. */
  messages: Record<Lang, Messages>;
}

export interface PageOptions {
  status?: number;
  /** Page title without the site name; prefixed with "Error:" when `errors` is not empty. */
  title?: string;
  errors?: FieldError[];
  /** Called when a cached copy of this page is served instead of running the handler. */
  onCacheHit?: () => void;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The language of this request: from the page URL, ?lang=, the cookie or Accept-Language. */
    lang: Lang;
    t: Translate;
    /** Nonce for inline scripts allowed by this response's Content-Security-Policy. */
    cspNonce: string;
    principal: Principal | null;
    /** The form token for this browser, setting its CSRF cookie if it has none. */
    csrfToken(): string;
    /** Whether a form's token belongs to this browser's CSRF cookie and this session. */
    csrfTokenValid(token: unknown): boolean;
  }
  interface FastifyReply {
    /** Renders a page template (path from src/, e.g. 'modules/catalog/views/home.njk'). */
    page(template: string, data?: Record<string, unknown>, options?: PageOptions): FastifyReply;
  }
  interface FastifyContextConfig {
    /** Page routes are registered once per language; this is the route's language. */
    lang?: Lang;
    /** The route takes the request as raw bytes and checks its own input (the exchange's /r1): the kernel's input checks skip it. */
    rawRequest?: boolean;
    /** Set false on routes that must not be CSRF-checked (machine callbacks with their own auth). */
    csrf?: boolean;
    /** The route's path without the language prefix, for the language switch. */
    pagePath?: string;
    /** Anonymous GETs of this page may be answered from the page cache. */
    pageCache?: boolean;
  }
}
