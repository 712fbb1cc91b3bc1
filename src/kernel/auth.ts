// Who is making a request, and what they may do. A session is a signed cookie naming the principal,
// who comes from the national login (modules/identity) or, in development, the development sign-in. Guards are
// real: every protected route declares the roles it admits, and the authorization matrix tests
// (`*.scopes.test.ts`) call every route as every role.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
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
}

/** Encodes a session cookie value: base64url(JSON).signature. */
export function encodeSession(secret: string, principal: Principal, now = Date.now()): string {
  const payload: SessionPayload = { principal, exp: Math.floor(now / 1000) + SESSION_HOURS * 3600 };
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

/** The token a form carries: derived from the browser's CSRF cookie, so another site cannot know it. */
export function csrfTokenFor(secret: string, cookieValue: string): string {
  return sign(secret, `csrf:${cookieValue}`);
}

export function csrfTokenValid(secret: string, cookieValue: string | undefined, token: unknown): boolean {
  if (!cookieValue || typeof token !== 'string' || token.length > 200) return false;
  return safeEqual(token, csrfTokenFor(secret, cookieValue));
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

/**
 * A preHandler admitting only principals holding one of `roles`. Nobody signed in: 401; signed in
 * without the role: 403. Pages turn the 401 into a sign-in prompt (see the error handler).
 */
export function requireRole(...roles: Role[]): preHandlerAsyncHookHandler {
  return async function guard(request: FastifyRequest, _reply: FastifyReply) {
    if (!request.principal) throw new AppError('UNAUTHENTICATED');
    if (!hasRole(request.principal, roles)) throw new AppError('FORBIDDEN');
  };
}
