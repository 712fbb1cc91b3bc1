// The OpenID Connect provider (oidc-provider, a certified implementation) mounted under /oidc:
// discovery, authorization code with PKCE, ID tokens, userinfo, revocation, RP-initiated logout.
// People sign in on our own pages (login-pages.ts); relying parties are registered by an
// administrator; ID tokens are signed with RS256 keys kept sealed in the database and rotated.
import { createHash, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { AppContext } from '../../kernel/context.ts';
import { contentSecurityPolicy } from '../../kernel/http.ts';
import { generateRsaJwk } from '../../kernel/pki.ts';
import { seal, unseal } from '../../kernel/secrets.ts';
import { dbAdapter } from './adapter.ts';
import { claimsFor, type ClaimsSource, DATA_SCOPES, PROFILE_SCOPES } from './claims.ts';
import { cspNonceOf, errorPage, logoutPage } from './oidc-pages.ts';
import * as store from './store.ts';

export const OIDC_PREFIX = '/oidc';

/** Every scope the provider knows, with the claims each releases. */
export const SCOPE_CLAIMS: Record<string, string[]> = {
  openid: ['sub', 'act', 'urtuu_login_type', 'acr', 'amr', 'auth_time'],
  profile: ['name', 'given_name', 'family_name', 'birthdate', 'gender', 'locale'],
  register_number: ['register_number'],
  phone: ['phone_number', 'phone_number_verified'],
  ...Object.fromEntries(Object.entries(DATA_SCOPES).map(([scope, definition]) => [scope, [definition.claim]])),
};

/** The newest active signing key first; a new one is made when there is none. */
async function loadSigningKeys(ctx: AppContext): Promise<Record<string, unknown>[]> {
  let rows = await store.signingKeys(ctx.db);
  if (!rows.some((row) => !row.retired_at)) {
    await rotateSigningKey(ctx);
    rows = await store.signingKeys(ctx.db);
  }
  const active = rows.filter((row) => !row.retired_at);
  return active.map((row) => JSON.parse(unseal(ctx.config.sessionSecret, row.private_jwk)) as Record<string, unknown>);
}

/**
 * Makes a new RS256 signing key. It signs from the provider's next (re)build; the key before it is
 * still published so tokens it signed keep verifying, and any older one is retired.
 */
export async function rotateSigningKey(ctx: AppContext): Promise<string> {
  const jwk = (await generateRsaJwk()).privateJwk as Record<string, unknown>;
  const kid = createHash('sha256').update(String(jwk.n)).digest('base64url').slice(0, 16);
  await store.insertSigningKey(ctx.db, kid, seal(ctx.config.sessionSecret, JSON.stringify({ ...jwk, kid, alg: 'RS256', use: 'sig' })));
  await store.retireSigningKeysBeyond(ctx.db, 2);
  return kid;
}

export interface OidcProvider {
  provider: Provider;
  issuer: string;
  /** Rebuilds the provider with the current keys (after a rotation). */
  reload(): Promise<void>;
}

export async function createOidcProvider(ctx: AppContext, claims: ClaimsSource): Promise<OidcProvider> {
  const issuer = `${ctx.config.baseUrl}${OIDC_PREFIX}`;
  const secure = ctx.config.baseUrl.startsWith('https:');
  const build = async (): Promise<Provider> => {
    const keys = await loadSigningKeys(ctx);
    const configuration: Configuration = {
      adapter: dbAdapter(ctx.db, ctx.config.sessionSecret),
      jwks: { keys: keys as never },
      cookies: {
        keys: [createHash('sha256').update(`oidc-cookies:${ctx.config.sessionSecret}`).digest('base64url')],
        long: { signed: true, httpOnly: true, sameSite: 'lax', secure },
        short: { signed: true, httpOnly: true, sameSite: 'lax', secure },
      },
      claims: SCOPE_CLAIMS,
      scopes: Object.keys(SCOPE_CLAIMS),
      responseTypes: ['code'],
      pkce: { methods: ['S256'], required: () => true },
      features: {
        devInteractions: { enabled: false },
        revocation: { enabled: true },
        userinfo: { enabled: true },
        rpInitiatedLogout: { enabled: true, logoutSource: logoutPage, postLogoutSuccessSource: async (koa) => { koa.type = 'html'; koa.body = ''; koa.redirect(`/${langOf(koa)}`); } },
      },
      ttl: {
        AccessToken: 600,
        AuthorizationCode: 60,
        IdToken: 600,
        Interaction: 1800,
        Session: 8 * 3600,
        Grant: 365 * 24 * 3600,
      },
      // The sign-in pages are ours; the URL carries no language so the interaction cookie's path fits both.
      interactions: { url: (_koa, interaction) => `/identity/interaction/${interaction.uid}` },
      findAccount: async (_koa, sub, token) => ({
        accountId: sub,
        claims: async (_use: string, scope: string) => (await claimsFor(claims, sub, scope, token?.grantId)) as { sub: string },
      }),
      // The portal is the platform's own relying party: what it asks for needs no consent screen.
      loadExistingGrant: async (koa: KoaContextWithOIDC) => {
        const grantId = koa.oidc.result?.consent?.grantId || koa.oidc.session?.grantIdFor(koa.oidc.client!.clientId);
        if (grantId) return koa.oidc.provider.Grant.find(grantId);
        const client = koa.oidc.client as unknown as Record<string, unknown> | undefined;
        if (client?.urtuu_first_party === true && koa.oidc.session?.accountId) {
          const grant = new koa.oidc.provider.Grant({ clientId: koa.oidc.client!.clientId, accountId: koa.oidc.session.accountId });
          grant.addOIDCScope(['openid', ...PROFILE_SCOPES].join(' '));
          await grant.save();
          return grant;
        }
        return undefined;
      },
      renderError: errorPage,
      clientBasedCORS: () => false,
      conformIdTokenClaims: false,
      // No issueRefreshToken of our own: oidc-provider advertises the refresh_token grant as soon as
      // that function differs from its default, and its default issues none without offline_access,
      // a scope we do not offer. Discovery then lists only the grant that is issued.
      extraParams: ['ui_locales'],
      extraClientMetadata: { properties: ['urtuu_first_party', 'urtuu_name_mn'] },
    };
    const provider = new Provider(issuer, configuration);
    provider.proxy = ctx.config.trustProxy;
    provider.use(contentSecurity);
    // oidc-provider's own events into our log, without personal data.
    provider.on('server_error', (_koa, error) => ctx.log.error({ err: error }, 'oidc server error'));
    return provider;
  };
  const result: OidcProvider = { provider: await build(), issuer, async reload() { result.provider = await build(); } };
  return result;
}

function langOf(koa: KoaContextWithOIDC): 'mn' | 'en' {
  const cookie = koa.cookies.get('lang');
  return cookie === 'en' ? 'en' : 'mn';
}

/**
 * The provider's answers get the site's Content-Security-Policy with this request's nonce (the
 * kernel's headers do not reach a hijacked reply). oidc-provider adds the hash of its own inline
 * script to the policy it finds (the form_post answer). A page of the provider's that posts a form
 * elsewhere (form_post to a client's redirect URI, which the provider has checked against the
 * client's registration) or is followed by a redirect elsewhere (the sign-out confirmation, to a
 * registered post-logout URI) may post to that origin and no other.
 */
async function contentSecurity(koa: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> {
  koa.set('content-security-policy', contentSecurityPolicy(cspNonceOf(koa)));
  await next();
  if (!String(koa.type).includes('html') || typeof koa.body !== 'string') return;
  const targets = [...koa.body.matchAll(/<form[^>]*\saction="([^"]+)"/g)].map((match) => match[1]!.replaceAll('&amp;', '&'));
  if (String(koa.path ?? '').startsWith('/session/end')) targets.push(...((koa.oidc?.client?.postLogoutRedirectUris as string[] | undefined) ?? []));
  const origins = new Set<string>();
  for (const target of targets) {
    try {
      const origin = new URL(target, koa.href).origin;
      if (origin !== new URL(koa.href).origin && /^https?:/.test(origin)) origins.add(origin);
    } catch {
      // Not a URL: nothing to allow.
    }
  }
  if (origins.size === 0) return;
  const policy = String(koa.response.get('content-security-policy'));
  koa.set('content-security-policy', policy.replace("form-action 'self'", `form-action 'self' ${[...origins].join(' ')}`));
}

/**
 * Hands /oidc/* to the provider before Fastify reads the body (the provider parses its own).
 * The prefix is taken off the URL and kept in originalUrl, as oidc-provider expects when mounted.
 */
export function mountProvider(app: FastifyInstance, oidc: OidcProvider): void {
  // Koa composes its middleware per callback(): once per provider, not per request.
  const callbacks = new WeakMap<Provider, ReturnType<Provider['callback']>>();
  const callbackOf = (provider: Provider) => {
    let callback = callbacks.get(provider);
    if (!callback) {
      callback = provider.callback();
      callbacks.set(provider, callback);
    }
    return callback;
  };
  const handle = (request: { cspNonce: string; raw: import('node:http').IncomingMessage & { originalUrl?: string; cspNonce?: string } }, reply: { hijack(): void; raw: import('node:http').ServerResponse }) => {
    reply.hijack();
    const raw = request.raw;
    raw.originalUrl = raw.url;
    raw.cspNonce = request.cspNonce;
    // "/oidc?x" is the provider's "/?x": its router needs the leading slash.
    const rest = raw.url!.slice(OIDC_PREFIX.length);
    raw.url = rest.startsWith('/') ? rest : `/${rest}`;
    // The kernel's security headers are not added to hijacked replies: set the ones that matter.
    reply.raw.setHeader('x-content-type-options', 'nosniff');
    reply.raw.setHeader('referrer-policy', 'same-origin');
    reply.raw.setHeader('x-frame-options', 'DENY');
    void callbackOf(oidc.provider)(raw, reply.raw);
  };
  for (const url of [OIDC_PREFIX, `${OIDC_PREFIX}/*`]) {
    app.route({ method: ['GET', 'POST', 'OPTIONS'], url, schema: { hide: true }, config: { csrf: false }, onRequest: async (request, reply) => handle(request, reply), handler: async () => undefined });
  }
}

/** A random, unguessable id. */
export function newId(): string {
  return randomUUID();
}
