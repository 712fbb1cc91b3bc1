// The portal as a relying party of the national login, with openid-client: authorization code with
// PKCE, state and nonce, the ID token checked, then a portal session. Sessions are recorded so a
// person can see and end them; the session cookie names its record, and an ended record is refused
// on the next request (within SESSION_CHECK_MS on other processes).
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as client from 'openid-client';
import { SESSION_COOKIE, encodeSession, type Principal, type Role } from '../../kernel/auth.ts';
import type { AppContext } from '../../kernel/context.ts';
import { AppError } from '../../kernel/errors.ts';
import { LruCache } from '../../kernel/lru.ts';
import { safeReturnTo } from '../../kernel/return-to.ts';
import { page } from '../../web/index.ts';
import { PLATFORM_AGENCY } from './demo.ts';
import { OIDC_PREFIX } from './provider.ts';
import * as store from './store.ts';


const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);
export const PORTAL_CLIENT_ID = 'urtuu-portal';
const FLOW_COOKIE = 'urtuu_rp';
const SESSION_HOURS = 8;
const SESSION_CHECK_MS = 5_000;
/** What the portal asks for: who you are; registry data is read per service, with its own consent. */
const PORTAL_SCOPE = 'openid profile register_number phone';

/** The portal's client secret, derived from the platform secret so nothing more needs keeping. */
export function portalSecret(sessionSecret: string): string {
  return createHmac('sha256', sessionSecret).update('portal-client-secret').digest('base64url');
}

export function portalRedirectUri(baseUrl: string): string {
  return `${baseUrl}/auth/callback`;
}

/** fetch for openid-client: calls to our own issuer go into this process (no loopback hop, works behind any proxy). */
function inProcessFetch(app: FastifyInstance, baseUrl: string): client.CustomFetch {
  const origin = new URL(baseUrl).origin;
  return async (url, options) => {
    if (new URL(url).origin !== origin) return fetch(url, options as RequestInit);
    const target = new URL(url);
    const headers: Record<string, string> = {};
    new Headers(options.headers as ConstructorParameters<typeof Headers>[0]).forEach((value, name) => {
      headers[name] = value;
    });
    const body = options.body === undefined || options.body === null ? undefined : typeof options.body === 'string' ? options.body : Buffer.from(await new Response(options.body as ConstructorParameters<typeof Response>[0]).arrayBuffer());
    headers.host = target.host;
    const response = await app.inject({ method: (options.method ?? 'GET') as 'GET', url: `${target.pathname}${target.search}`, headers, ...(body !== undefined ? { payload: body } : {}) });
    const responseHeaders = new Headers();
    for (const [name, value] of Object.entries(response.headers)) if (value !== undefined) responseHeaders.set(name, Array.isArray(value) ? value.join(', ') : String(value));
    return new Response(response.statusCode === 204 ? null : response.rawPayload, { status: response.statusCode, headers: responseHeaders });
  };
}

interface FlowState {
  verifier: string;
  state: string;
  nonce: string;
  returnTo: string;
  exp: number;
}

function signFlow(secret: string, flow: FlowState): string {
  const body = Buffer.from(JSON.stringify(flow)).toString('base64url');
  return `${body}.${createHmac('sha256', secret).update(`rp-flow:${body}`).digest('base64url')}`;
}

function readFlow(secret: string, value: string | undefined): FlowState | undefined {
  if (!value || value.length > 2000) return undefined;
  const [body, signature] = value.split('.');
  if (!body || !signature) return undefined;
  const expected = Buffer.from(createHmac('sha256', secret).update(`rp-flow:${body}`).digest('base64url'));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  try {
    const flow = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as FlowState;
    return flow.exp > Date.now() ? flow : undefined;
  } catch {
    return undefined;
  }
}

export interface PortalLogin {
  /** Ends a session of this person (from "my sessions"); false when not theirs. */
  endSession(registerNumber: string, id: string): Promise<boolean>;
}

export function registerPortalLogin(app: FastifyInstance, ctx: AppContext): PortalLogin {
  const { config } = ctx;
  const secure = config.baseUrl.startsWith('https:');
  const issuer = new URL(`${config.baseUrl}${OIDC_PREFIX}`);
  let configuration: Promise<client.Configuration> | undefined;
  const discover = () => {
    configuration ??= client
      .discovery(issuer, PORTAL_CLIENT_ID, { redirect_uris: [portalRedirectUri(config.baseUrl)] }, client.ClientSecretBasic(portalSecret(config.sessionSecret)), {
        [client.customFetch]: inProcessFetch(app, config.baseUrl),
        ...(issuer.protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : {}),
      })
      .catch((error: unknown) => {
        configuration = undefined;
        throw error;
      });
    return configuration;
  };

  // Ended sessions are refused; the answer is kept briefly per process.
  const ended = new LruCache<boolean>(50_000, SESSION_CHECK_MS);
  app.addHook('onRequest', async (request, reply) => {
    const sessionId = request.principal?.sessionId;
    if (!sessionId) return;
    let over = ended.get(sessionId);
    if (over === undefined) {
      const row = await store.findSession(ctx.db, sessionId);
      over = !row || Boolean(row.ended_at) || new Date(row.expires_at) < new Date();
      ended.set(sessionId, over);
    }
    if (over) {
      request.principal = null;
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
    }
  });

  // The development sign-in's sessions are recorded like the national login's, so they end the same way.
  app.decorate('signInSessions', {
    open: (principal: Principal, method: string) =>
      store.insertSession(ctx.db, { registerNumber: sessionOwner(principal), method, userAgent: null, actingFor: null, expiresAt: new Date(Date.now() + SESSION_HOURS * 3_600_000) }),
  });

  // The sign-in page: the national login, and in development the persona picker beside it.
  page(app, 'GET', '/sign-in/national', {}, async (request, reply) => {
    // The sign-in's own cookie is set on the host the browser used, and the national login returns
    // to BASE_URL's host: opened at 127.0.0.1 when BASE_URL says localhost (or the other way), the
    // callback would find no cookie and say the sign-in expired. So the flow starts on BASE_URL's
    // host. Only between loopback names: behind a proxy the Host seen here may differ from the
    // public address by design, and sending it there would loop.
    const canonical = new URL(config.baseUrl);
    if (request.hostname !== canonical.hostname && LOOPBACK.has(request.hostname) && LOOPBACK.has(canonical.hostname)) {
      return reply.redirect(`${config.baseUrl}${request.url}`, 302);
    }
    const query = request.query as Record<string, unknown>;
    const oidc = await discover();
    const verifier = client.randomPKCECodeVerifier();
    const flow: FlowState = { verifier, state: client.randomState(), nonce: client.randomNonce(), returnTo: safeReturnTo(query.returnTo, config.baseUrl) ?? `/${request.lang}/my`, exp: Date.now() + 15 * 60_000 };
    reply.setCookie(FLOW_COOKIE, signFlow(config.sessionSecret, flow), { path: '/auth', httpOnly: true, sameSite: 'lax', secure, maxAge: 900 });
    const url = client.buildAuthorizationUrl(oidc, {
      redirect_uri: portalRedirectUri(config.baseUrl),
      scope: PORTAL_SCOPE,
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: flow.state,
      nonce: flow.nonce,
      ui_locales: request.lang,
    });
    return reply.redirect(url.href, 303);
  });

  app.get('/auth/callback', { schema: { hide: true } }, async (request, reply) => {
    const flow = readFlow(config.sessionSecret, request.cookies[FLOW_COOKIE]);
    reply.clearCookie(FLOW_COOKIE, { path: '/auth' });
    if (!flow) throw new AppError('LOGIN_EXPIRED');
    const query = request.query as Record<string, unknown>;
    if (query.error === 'access_denied') return reply.redirect(`/${request.lang}`, 303);
    const oidc = await discover();
    let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
    try {
      tokens = await client.authorizationCodeGrant(oidc, new URL(request.url, config.baseUrl), { pkceCodeVerifier: flow.verifier, expectedState: flow.state, expectedNonce: flow.nonce, idTokenExpected: true });
    } catch (error) {
      request.log.warn({ err: error }, 'sign-in callback refused');
      throw new AppError('LOGIN_EXPIRED');
    }
    const claims = tokens.claims()!;
    const principal = await principalFrom(ctx, claims, request);
    reply.setCookie(SESSION_COOKIE, encodeSession(config.sessionSecret, principal), { path: '/', httpOnly: true, sameSite: 'lax', secure });
    return reply.redirect(safeReturnTo(flow.returnTo, config.baseUrl) ?? `/${request.lang}/my`, 303);
  });

  return {
    async endSession(registerNumber, id) {
      const done = await store.endSession(ctx.db, id, registerNumber);
      if (done) ended.set(id, true);
      return done;
    },
  };
}

/** Whose session a principal's is: the person at the keyboard; an official without a register number by account id. */
export function sessionOwner(principal: Principal): string {
  return principal.actorRegisterNumber ?? principal.registerNumber ?? principal.id;
}

/** Where sign-out goes: the provider's end-session page for national-login sessions, home otherwise. */
export function signOutTarget(ctx: AppContext, principal: Principal | null, lang: string): string {
  if (!principal?.sessionId) return `/${lang}`;
  const url = new URL(`${ctx.config.baseUrl}${OIDC_PREFIX}/session/end`);
  url.searchParams.set('client_id', PORTAL_CLIENT_ID);
  url.searchParams.set('post_logout_redirect_uri', `${ctx.config.baseUrl}/${lang}`);
  url.searchParams.set('ui_locales', lang);
  return `${url.pathname}${url.search}`;
}

/** The portal's principal from the ID token: the person, whom they act for, and their staff roles. */
async function principalFrom(ctx: AppContext, claims: client.IDToken, request: FastifyRequest): Promise<Principal> {
  const act = claims.act as { sub: string; name?: string; register_number?: string; urtuu_basis?: string } | undefined;
  const subjectNumber = String(claims.register_number ?? '');
  const name = String(claims.name ?? subjectNumber);
  const actorNumber = act?.register_number ?? subjectNumber;
  const roles: Role[] = ['citizen'];
  let agencyId: string | null = null;
  let staffAgencies: string[] | undefined;
  // Staff roles apply only when people act as themselves.
  if (!act) {
    const staff = await store.rolesOf(ctx.db, subjectNumber);
    const first = staff[0];
    if (first) {
      agencyId = first.agency_id === PLATFORM_AGENCY ? null : first.agency_id;
      for (const role of first.roles) if (!roles.includes(role as Role)) roles.push(role as Role);
    }
    if (staff.length > 1) staffAgencies = staff.map((row) => row.agency_id);
  }
  const actingFor = act ? { kind: claims.urtuu_login_type === 'organisation' ? ('organisation' as const) : ('person' as const), registerNumber: subjectNumber, name, basis: String(act.urtuu_basis ?? '') } : undefined;
  const amr = Array.isArray(claims.amr) ? claims.amr.map(String) : [];
  const sessionId = await store.insertSession(ctx.db, {
    registerNumber: actorNumber,
    method: amr.join(' ') || 'oidc',
    userAgent: String(request.headers['user-agent'] ?? '').slice(0, 200) || null,
    actingFor: actingFor ? { kind: actingFor.kind, name: actingFor.name } : null,
    expiresAt: new Date(Date.now() + SESSION_HOURS * 3_600_000),
  });
  return {
    id: act?.sub ?? claims.sub,
    name: act?.name ?? name,
    kind: roles.some((role) => role !== 'citizen') ? 'official' : 'citizen',
    roles,
    agencyId,
    registerNumber: subjectNumber,
    sessionId,
    ...(actingFor ? { actingFor, actorRegisterNumber: actorNumber } : {}),
    ...(staffAgencies ? { staffAgencies } : {}),
  };
}

/** The same official working for another of their agencies: that agency's roles, from the staff list as it is now. */
export async function principalForAgency(ctx: AppContext, principal: Principal, agency: string): Promise<Principal | undefined> {
  if (!principal.registerNumber || principal.actingFor || !principal.staffAgencies?.includes(agency)) return undefined;
  const staff = await store.rolesOf(ctx.db, principal.registerNumber);
  const chosen = staff.find((row) => row.agency_id === agency);
  if (!chosen) return undefined;
  const roles: Role[] = ['citizen', ...chosen.roles.filter((role): role is Role => role !== 'citizen')];
  return { ...principal, roles, agencyId: chosen.agency_id === PLATFORM_AGENCY ? null : chosen.agency_id, staffAgencies: staff.map((row) => row.agency_id), kind: 'official' };
}

export type { FastifyReply };
