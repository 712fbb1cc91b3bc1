// Who is making a request, and what they may do. A session is a signed cookie naming the principal,
// who comes from the national login (modules/identity) or, in development, the development sign-in. Guards are
// real: every protected route declares the roles it admits, and the authorization matrix tests
// (`*.scopes.test.ts`) call every route as every role.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { AppError } from './errors.ts';

export const ROLES = ['platform-admin', 'agency-admin', 'supervisor', 'officer', 'citizen'] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  /** Stable id of the person or staff account. */
  id: string;
  name: string;
  kind: 'citizen' | 'official';
  roles: Role[];
  /** The agency an official works for; null for citizens and platform administrators. */
  agencyId: string | null;
  /** The register number whose affairs this session handles: the person's own, or whom they act for. */
  registerNumber?: string;
  /** The national-login session behind this cookie (absent for the development sign-in). */
  sessionId?: string;
  /** Set when the person acts for someone else: a child, a company they direct, a grantor of a power of attorney. */
  actingFor?: { kind: 'person' | 'organisation'; registerNumber: string; name: string; basis: string };
  /** Every agency the official holds roles in, when more than one: the back office offers to switch between them. */
  staffAgencies?: string[];
  /** The register number of the person at the keyboard, when acting for someone else. */
  actorRegisterNumber?: string;
}

export const SESSION_COOKIE = 'urtuu_session';
export const CSRF_COOKIE = 'urtuu_csrf';
const SESSION_HOURS = 8;

function sign(secret: string, value: string): string {
  return createHmac('sha256', secret).update(value).digest('base64url');
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

interface SessionPayload {
  principal: Principal;
  /** Expiry, seconds since the epoch. */
  exp: number;
  /** Random per sign-in, so that two sessions of the same person never share a cookie (nor a form token). */
  sid: string;
}

/** Encodes a session cookie value: base64url(JSON).signature. */
export function encodeSession(secret: string, principal: Principal, now = Date.now()): string {
  const payload: SessionPayload = { principal, exp: Math.floor(now / 1000) + SESSION_HOURS * 3600, sid: randomBytes(12).toString('base64url') };
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${body}.${sign(secret, `session:${body}`)}`;
}

/** Decodes a session cookie; undefined when absent, forged, malformed or expired. */
export function decodeSession(secret: string, cookie: string | undefined, now = Date.now()): Principal | undefined {
  if (!cookie || cookie.length > 4096) return undefined;
  const [body, signature, extra] = cookie.split('.');
  if (!body || !signature || extra !== undefined) return undefined;
  if (!safeEqual(signature, sign(secret, `session:${body}`))) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as SessionPayload;
    if (typeof payload.exp !== 'number' || payload.exp * 1000 < now) return undefined;
    const principal = payload.principal;
    if (!principal || typeof principal.id !== 'string' || !Array.isArray(principal.roles)) return undefined;
    return principal;
  } catch {
    return undefined;
  }
}

/** A new random value for the CSRF cookie. */
export function newCsrfSecret(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * What a form token is bound to besides the browser's CSRF cookie: the signed-in session itself
 * (its cookie, only when it is genuine and current), or nothing for a visitor who is not signed in.
 * Sessions are stateless signed cookies, so binding by HMAC over the session cookie does what a
 * server-side session's stored secret would: a token taken from one session is refused in any
 * other, and signing in (or out) changes the binding, so a token seen before sign-in is dead after.
 * @fastify/csrf-protection is not used: its session binding needs @fastify/session or
 * @fastify/secure-session to keep the secret, and its cookie mode binds to a user id, not to one
 * session; these dozen lines do the one thing needed on the session cookie already in place.
 */
export function csrfBinding(secret: string, sessionCookie: string | undefined, now = Date.now()): string {
  return sessionCookie && decodeSession(secret, sessionCookie, now) ? sessionCookie : '';
}

/** The token a form carries: derived from the browser's CSRF cookie and its session, so another site or session cannot know it. */
export function csrfTokenFor(secret: string, cookieValue: string, binding: string): string {
  return sign(secret, `csrf:${cookieValue}:${binding}`);
}

export function csrfTokenValid(secret: string, cookieValue: string | undefined, token: unknown, binding: string): boolean {
  if (!cookieValue || typeof token !== 'string' || token.length > 200) return false;
  return safeEqual(token, csrfTokenFor(secret, cookieValue, binding));
}

export function hasRole(principal: Principal | null | undefined, roles: readonly Role[]): boolean {
  return !!principal && principal.roles.some((role) => roles.includes(role));
}

/** True for a person signed in as themselves or acting for another: a citizen role and the register number whose affairs it handles. */
export function isCitizen(principal: Principal | null | undefined): principal is Principal & { registerNumber: string } {
  return !!principal && principal.roles.includes('citizen') && Boolean(principal.registerNumber);
}

/** True for an official of an agency (officer, supervisor, agency administrator) or a platform administrator, acting as themselves. */
export function isStaff(principal: Principal | null | undefined): boolean {
  return !!principal && !principal.actingFor && hasRole(principal, ['officer', 'supervisor', 'agency-admin', 'platform-admin']);
}

/** The signed-in person, or 401 (nobody signed in) or 403 (an official's session). */
export function requireCitizen(principal: Principal | null | undefined): Principal & { registerNumber: string } {
  if (!principal) throw new AppError('UNAUTHENTICATED');
  if (!isCitizen(principal)) throw new AppError('FORBIDDEN');
  return principal;
}

const GUARD = Symbol('urtuu.guard');

/** A check of who is calling, declared on a route as its preHandler; see `hoistGuards`. */
export type Guard = ((request: FastifyRequest, reply: FastifyReply) => Promise<void>) & { [GUARD]: true; roles?: readonly Role[]; who: string };

/**
 * Marks a check of the caller as a guard, so that it runs before the request's body is read or
 * validated. `who` says in a few words whom it admits, for the route map (docs/routes.md).
 */
export function guard(check: (request: FastifyRequest) => Promise<void> | void, who: string, roles?: readonly Role[]): Guard {
  const hook = async function guardHook(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    await check(request);
  };
  return Object.assign(hook, { [GUARD]: true as const, who, ...(roles ? { roles } : {}) });
}

export function isGuard(value: unknown): value is Guard {
  return typeof value === 'function' && (value as Partial<Guard>)[GUARD] === true;
}

/**
 * A guard admitting only principals holding one of `roles`. Nobody signed in: 401; signed in
 * without the role: 403. Pages turn the 401 into a sign-in prompt (see the error handler).
 */
export function requireRole(...roles: Role[]): Guard {
  return guard((request) => {
    if (!request.principal) throw new AppError('UNAUTHENTICATED');
    if (!hasRole(request.principal, roles)) throw new AppError('FORBIDDEN');
  }, roles.join(', '), roles);
}

/** A guard admitting anyone signed in; what they may do is decided further in (by agency, by record). */
export function requireSignedIn(): Guard {
  return guard((request) => {
    if (!request.principal) throw new AppError('UNAUTHENTICATED');
  }, 'anyone signed in');
}

/** A guard admitting a person handling their own affairs or someone else's, as `requireCitizen`. */
export function requireCitizenSession(): Guard {
  return guard((request) => {
    requireCitizen(request.principal);
  }, 'a person, for themselves or as attorney');
}

type HookList = RouteOptions['onRequest'];

/**
 * Moves a route's guards from its preHandler to its onRequest hooks, after the kernel has read the
 * session and before the body is parsed, checked for storable text and validated against the
 * schema: a caller who may not use a route learns nothing about what it takes (a 400 listing the
 * fields would tell an anonymous caller the shape of an administrator's form). Registered once as
 * an onRoute hook, so every route declared with a guard is covered, pages and API alike. Returns
 * the guards found.
 */
export function hoistGuards(route: Pick<RouteOptions, 'preHandler' | 'onRequest'>): Guard[] {
  const preHandlers = [route.preHandler ?? []].flat();
  const guards = preHandlers.filter(isGuard);
  if (guards.length === 0) return [];
  const rest = preHandlers.filter((hook) => !isGuard(hook));
  route.preHandler = rest as RouteOptions['preHandler'];
  route.onRequest = [...[route.onRequest ?? []].flat(), ...guards] as HookList;
  return guards;
}
