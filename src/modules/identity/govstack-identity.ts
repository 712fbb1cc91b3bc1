// GovStack's Identity building block API (the MOSIP eSignet API) where it overlaps a standard
// OpenID Connect provider, as a face of our own provider under /govstack/identity:
//   POST /client-mgmt/oidc-client, PUT /client-mgmt/oidc-client/{client_id}   relying parties (eSignet envelope)
//   GET  /.well-known/openid-configuration, GET /.well-known/jwks.json          our discovery and keys
//   GET  /authorize      → redirect to /oidc/auth with the same query
//   POST /oauth/token    → our token endpoint, private_key_jwt only (as the specification says)
//   GET  /oidc/userinfo  → our userinfo endpoint
// Linked authorization (/linked-authorization/*) and wallet binding (/wallet-binding) are eSignet's
// own QR-code and wallet flows, not OpenID Connect: they are not served here.
//
// Client management admits a platform administrator's session, or a bearer token equal to the
// environment variable GOVSTACK_IDENTITY_ADMIN_TOKEN (at least 32 characters; unset = refused),
// for a partner-management system calling machine to machine as eSignet's is meant to.
// Field errors answer 200 with the errors list, as eSignet does and GovStack's suite checks; a body
// that is not the envelope at all answers 400 in the same shape, {responseTime, errors:[{errorCode, errorMessage}]}.
import { createHash, createPublicKey, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { Type } from 'typebox';
import { hasRole, type Principal } from '../../kernel/auth.ts';
import type { AppContext } from '../../kernel/context.ts';
import type { Queryable } from '../../kernel/db.ts';
import { redirectUriProblem } from './admin.ts';
import { OIDC_PREFIX, SCOPE_CLAIMS, type OidcProvider } from './provider.ts';
import * as store from './store.ts';

export const GOVSTACK_IDENTITY_PREFIX = '/govstack/identity';
/** Environment variable holding the bearer token a partner-management system presents. */
export const ADMIN_TOKEN_ENV = 'GOVSTACK_IDENTITY_ADMIN_TOKEN';
const MIN_TOKEN_LENGTH = 32;
/** How far requestTime may be from our clock. */
const REQUEST_TIME_LEEWAY_MS = 5 * 60_000;
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** The specification's authentication context references; recorded, our login methods decide the acr. */
export const GOVSTACK_ACR_VALUES = ['idbb:acr:static-code', 'idbb:acr:generated-code', 'idbb:acr:linked-wallet', 'idbb:acr:biometrics', 'idbb:acr:biometrics-generated-code', 'idbb:acr:linked-wallet-static-code'];
/** The specification's user claims (standard OpenID Connect claims). */
const SPEC_CLAIMS = ['name', 'given_name', 'family_name', 'middle_name', 'preferred_username', 'nickname', 'gender', 'birthdate', 'email', 'email_verified', 'phone_number', 'phone_number_verified', 'picture', 'address', 'locale', 'zoneinfo'];

interface GovstackError {
  errorCode: string;
  errorMessage: string;
}

class FieldProblem extends Error {
  constructor(readonly errorCode: string, message: string) {
    super(message);
  }
}

const now = () => new Date().toISOString();
// No `response` member on an error: eSignet sends `response: null`, but GovStack's suite validates
// `response` as an object when present, and the specification does not require it.
const envelopeError = (errorCode: string, errorMessage: string) => ({ responseTime: now(), errors: [{ errorCode, errorMessage }] as GovstackError[] });

/** The scopes of ours that release a claim (openid aside); empty when we do not offer it. */
function scopesReleasing(claim: string): string[] {
  return Object.entries(SCOPE_CLAIMS).filter(([scope, claims]) => scope !== 'openid' && claims.includes(claim)).map(([scope]) => scope);
}

const isString = (value: unknown): value is string => typeof value === 'string';

function nonEmptyString(value: unknown, max: number, code: string, field: string): string {
  if (!isString(value) || value.trim() === '' || value.length > max) throw new FieldProblem(code, `${field} must be a non-empty string of at most ${max} characters`);
  return value.trim();
}

function stringList(value: unknown, code: string, field: string, allowed?: readonly string[]): string[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > 20 || !value.every(isString)) throw new FieldProblem(code, `${field} must be a non-empty list of strings`);
  const unknown = allowed ? value.filter((item) => !allowed.includes(item)) : [];
  if (unknown.length) throw new FieldProblem(code, `${field}: not supported: ${unknown.join(', ')}; supported: ${allowed!.join(', ')}`);
  return [...new Set(value)];
}

function absoluteUri(value: unknown, code: string, field: string): string {
  if (!isString(value) || value === '' || value.length > 1024) throw new FieldProblem(code, `${field} must be an absolute URI`);
  try {
    const url = new URL(value);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('scheme');
  } catch {
    throw new FieldProblem(code, `${field} must be an absolute http(s) URI`);
  }
  return value;
}

function checkRequestTime(value: unknown): void {
  const valid = isString(value) && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/.test(value) && !Number.isNaN(Date.parse(value));
  if (!valid) throw new FieldProblem('invalid_request', 'requestTime must be an ISO 8601 date and time with its zone');
  if (Math.abs(Date.parse(value) - Date.now()) > REQUEST_TIME_LEEWAY_MS) throw new FieldProblem('invalid_request', 'requestTime is too far from the server time');
}

/** The client's public signing key as a JWK with only public members; undefined when it is not one. */
export async function publicSigningJwk(value: unknown): Promise<JWK | undefined> {
  let candidate = value;
  if (isString(value)) {
    try {
      candidate = JSON.parse(value) as unknown;
    } catch {
      return undefined;
    }
  }
  if (!candidate || typeof candidate !== 'object' || Array.isArray(candidate)) return undefined;
  const jwk = candidate as Record<string, unknown>;
  // A private or symmetric key is never accepted (nor kept).
  if (['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'].some((member) => member in jwk)) return undefined;
  if (jwk.use !== undefined && jwk.use !== 'sig') return undefined;
  let members: JWK;
  if (jwk.kty === 'RSA' && isString(jwk.n) && isString(jwk.e)) members = { kty: 'RSA', n: jwk.n, e: jwk.e };
  else if (jwk.kty === 'EC' && isString(jwk.crv) && ['P-256', 'P-384', 'P-521'].includes(jwk.crv) && isString(jwk.x) && isString(jwk.y)) members = { kty: 'EC', crv: jwk.crv, x: jwk.x, y: jwk.y };
  else return undefined;
  try {
    const key = createPublicKey({ key: members as never, format: 'jwk' });
    if (members.kty === 'RSA' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) return undefined;
  } catch {
    return undefined;
  }
  const alg = isString(jwk.alg) ? jwk.alg : undefined;
  if (alg && !['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'].includes(alg)) return undefined;
  const kid = isString(jwk.kid) && jwk.kid.length <= 200 ? jwk.kid : await calculateJwkThumbprint(members);
  return { ...members, kid, use: 'sig', ...(alg ? { alg } : {}) };
}

/** The fields create and update share after the name, checked in the specification's order; the first problem is the answer. */
function restOfFields(request: Record<string, unknown>): { logoUri: string; redirectUris: string[]; acrValues: string[]; scopes: string[] } {
  const logoUri = absoluteUri(request.logoUri, 'invalid_uri', 'logoUri');
  if (!Array.isArray(request.redirectUris) || request.redirectUris.length === 0 || request.redirectUris.length > 10) throw new FieldProblem('invalid_redirect_uri', 'redirectUris must list one to ten URIs');
  const redirectUris = [...new Set(request.redirectUris.map((uri) => absoluteUri(uri, 'invalid_redirect_uri', 'redirectUris')))];
  const acrValues = stringList(request.authContextRefs, 'invalid_acr', 'authContextRefs', GOVSTACK_ACR_VALUES);
  const userClaims = stringList(request.userClaims, 'invalid_claim', 'userClaims', SPEC_CLAIMS);
  const notOffered = userClaims.filter((claim) => scopesReleasing(claim).length === 0);
  if (notOffered.length) throw new FieldProblem('invalid_claim', `userClaims: this provider does not release ${notOffered.join(', ')}`);
  stringList(request.grantTypes, 'invalid_grant_type', 'grantTypes', ['authorization_code']);
  stringList(request.clientAuthMethods, 'invalid_client_auth', 'clientAuthMethods', ['private_key_jwt']);
  const scopes = ['openid', ...new Set(userClaims.flatMap(scopesReleasing))];
  return { logoUri, redirectUris, acrValues, scopes };
}

/** Our rule for redirect URIs (exact https, http only on this machine), checked after the fields' shapes. */
function checkRedirectPolicy(redirectUris: string[]): void {
  const problem = redirectUris.map(redirectUriProblem).find(Boolean);
  if (problem) throw new FieldProblem('invalid_redirect_uri', problem);
}

/** Platform administrator's session, or the configured machine token; the actor for the audit log. */
function clientManager(request: FastifyRequest): { actor: Principal | null; refusal?: { status: number; code: string; message: string } } {
  if (hasRole(request.principal, ['platform-admin'])) return { actor: request.principal };
  const configured = process.env[ADMIN_TOKEN_ENV] ?? '';
  const presented = /^Bearer\s+(\S+)$/i.exec(String(request.headers.authorization ?? ''))?.[1];
  if (presented && configured.length >= MIN_TOKEN_LENGTH) {
    const digest = (value: string) => createHash('sha256').update(value).digest();
    if (timingSafeEqual(digest(presented), digest(configured))) {
      return { actor: { id: 'govstack-identity-admin-token', name: 'GovStack client management (token)', kind: 'official', roles: [], agencyId: null } };
    }
  }
  if (request.principal && !presented) return { actor: null, refusal: { status: 403, code: 'forbidden', message: 'Client management is for platform administrators' } };
  return { actor: null, refusal: { status: 401, code: 'unauthorized', message: 'A platform administrator’s session or the client-management token is required' } };
}

const Envelope = Type.Object({
  requestTime: Type.Optional(Type.Unknown()),
  request: Type.Object({}, { additionalProperties: true }),
}, { additionalProperties: true });

/** Any error before the handler (body not JSON, not the envelope) in eSignet's shape. */
function envelopeErrorHandler(ctx: AppContext) {
  return (error: FastifyError, _request: FastifyRequest, reply: FastifyReply) => {
    // Fastify's own errors carry statusCode; the kernel's (AppError, e.g. a CSRF refusal) carry status.
    const given = error.statusCode ?? (error as { status?: number }).status;
    const status = given && given >= 400 && given < 500 ? given : 500;
    if (status === 500) ctx.log.error({ err: error }, 'govstack identity client management failed');
    const message = status === 500 ? 'The request could not be completed' : error.validation ? 'The body must be {requestTime, request:{...}}' : error.message;
    return reply.status(status).send(envelopeError(status === 500 ? 'unknown_error' : 'invalid_request', message));
  };
}

/** Hands a request to oidc-provider as if it had arrived at `providerPath` under `mountPath` (for audience checks). */
function handToProvider(request: FastifyRequest, reply: FastifyReply, oidc: OidcProvider, providerPath: string, body?: string): void {
  reply.hijack();
  const raw = request.raw as IncomingMessage & { originalUrl?: string; body?: unknown };
  // Already read by Fastify: oidc-provider then parses the form we give it.
  if (body !== undefined) raw.body = body;
  raw.originalUrl = raw.url;
  raw.url = providerPath;
  reply.raw.setHeader('x-content-type-options', 'nosniff');
  reply.raw.setHeader('referrer-policy', 'same-origin');
  reply.raw.setHeader('x-frame-options', 'DENY');
  void oidc.provider.callback()(raw, reply.raw);
}

/** Headers passed on when a request is answered by the provider in process. */
function forwardedHeaders(request: FastifyRequest, extra: Record<string, string> = {}): Record<string, string> {
  const headers: Record<string, string> = { ...extra };
  for (const name of ['host', 'x-forwarded-proto', 'x-forwarded-host', 'x-forwarded-for', 'accept', 'authorization']) {
    const value = request.headers[name];
    if (isString(value)) headers[name] = value;
  }
  return headers;
}

/** eSignet's checks of a token request before our provider sees it: present parameters first, then values. */
function tokenRequestProblem(params: Record<string, unknown>): { error: string; description: string } | undefined {
  const missing = (name: string) => !isString(params[name]) || params[name] === '';
  if (['grant_type', 'code', 'client_id'].some(missing)) return { error: 'invalid_input', description: 'grant_type, code and client_id are required' };
  if (missing('redirect_uri')) return { error: 'invalid_redirect_uri', description: 'redirect_uri is required and must be the one sent to /authorize' };
  if (missing('client_assertion_type')) return { error: 'invalid_assertion_type', description: `client_assertion_type is required: ${JWT_BEARER}` };
  if (missing('client_assertion')) return { error: 'invalid_assertion', description: 'client_assertion (a JWT signed with the client’s registered key) is required' };
  if (params.client_assertion_type !== JWT_BEARER) return { error: 'invalid_assertion_type', description: `client_assertion_type must be ${JWT_BEARER}` };
  return undefined;
}

/** Registers GovStack's Identity API routes (the overlap with OpenID Connect) under /govstack/identity. */
export function registerGovstackIdentity(app: FastifyInstance, ctx: AppContext, oidc: OidcProvider): void {
  const P = GOVSTACK_IDENTITY_PREFIX;
  const tags = ['govstack-identity'];

  const guard = async (request: FastifyRequest, reply: FastifyReply) => {
    const { refusal } = clientManager(request);
    if (refusal) return reply.status(refusal.status).header('www-authenticate', 'Bearer').send(envelopeError(refusal.code, refusal.message));
    return undefined;
  };
  const answer = (clientId: string) => ({ responseTime: now(), response: { clientId }, errors: [] as GovstackError[] });
  const fieldError = (error: unknown) => {
    if (error instanceof FieldProblem) return envelopeError(error.errorCode, error.message);
    throw error;
  };

  app.post(`${P}/client-mgmt/oidc-client`, {
    onRequest: guard,
    errorHandler: envelopeErrorHandler(ctx),
    schema: { tags, summary: 'GovStack Identity: register a relying party (eSignet client management)', body: Envelope },
  }, async (request) => {
    const body = request.body as { requestTime?: unknown; request: Record<string, unknown> };
    const fields = body.request;
    try {
      checkRequestTime(body.requestTime);
      const clientId = nonEmptyString(fields.clientId, 50, 'invalid_client_id', 'clientId');
      if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(clientId)) throw new FieldProblem('invalid_client_id', 'clientId may hold letters, digits, dot, underscore and hyphen');
      const clientName = nonEmptyString(fields.clientName, 256, 'invalid_client_name', 'clientName');
      const relyingPartyId = nonEmptyString(fields.relyingPartyId, 50, 'invalid_rp_id', 'relyingPartyId');
      const client = { clientName, ...restOfFields(fields) };
      const jwk = await publicSigningJwk(fields.publicKey);
      if (!jwk) throw new FieldProblem('invalid_public_key', 'publicKey must be a public signing JWK (RSA of 2048 bits or more, or EC P-256/384/521)');
      const { actor } = clientManager(request);
      await ctx.db.transaction(async (tx) => {
        if (await store.findGovstackClient(tx, clientId)) throw new FieldProblem('duplicate_client_id', `${clientId} is already registered`);
        checkRedirectPolicy(client.redirectUris);
        await store.upsertClient(tx, {
          clientId,
          name: { mn: client.clientName, en: client.clientName },
          secretSealed: null,
          redirectUris: client.redirectUris,
          postLogoutRedirectUris: [],
          scopes: client.scopes,
          firstParty: false,
          createdBy: actor!.id,
        });
        await store.saveGovstackFields(tx, clientId, { jwks: { keys: [jwk] }, relyingPartyId, logoUri: client.logoUri, acrValues: client.acrValues, active: true });
        await ctx.audit.record(tx, actor, { action: 'oidc-client.register', subjectType: 'oidc-client', subjectId: clientId, details: { via: 'govstack-identity', relyingPartyId, scopes: client.scopes } }, request.id);
      });
      return answer(clientId);
    } catch (error) {
      return fieldError(error);
    }
  });

  app.put(`${P}/client-mgmt/oidc-client/:client_id`, {
    onRequest: guard,
    errorHandler: envelopeErrorHandler(ctx),
    schema: { tags, summary: 'GovStack Identity: update a relying party registered through this API', params: Type.Object({ client_id: Type.String({ maxLength: 100 }) }), body: Envelope },
  }, async (request) => {
    const { client_id: clientId } = request.params as { client_id: string };
    const body = request.body as { requestTime?: unknown; request: Record<string, unknown> };
    const fields = body.request;
    try {
      checkRequestTime(body.requestTime);
      const clientName = nonEmptyString(fields.clientName, 256, 'invalid_client_name', 'clientName');
      if (fields.status !== 'active' && fields.status !== 'inactive') throw new FieldProblem('invalid_request', 'status must be active or inactive');
      const client = { clientName, ...restOfFields(fields) };
      // The public key cannot be changed (the specification): a new key means a new client.
      const { actor } = clientManager(request);
      await ctx.db.transaction(async (tx) => {
        const existing = await store.findGovstackClient(tx, clientId);
        if (!existing || existing.first_party || existing.token_endpoint_auth_method !== 'private_key_jwt') throw new FieldProblem('invalid_client_id', `${clientId} is not a client registered through this API`);
        checkRedirectPolicy(client.redirectUris);
        const current = await store.findClient(tx, clientId);
        await store.upsertClient(tx, {
          clientId,
          name: { mn: client.clientName, en: client.clientName },
          secretSealed: null,
          redirectUris: client.redirectUris,
          postLogoutRedirectUris: current?.post_logout_redirect_uris ?? [],
          scopes: client.scopes,
          firstParty: false,
          createdBy: actor!.id,
        });
        await store.saveGovstackFields(tx, clientId, { logoUri: client.logoUri, acrValues: client.acrValues, active: fields.status === 'active' });
        await ctx.audit.record(tx, actor, { action: 'oidc-client.update', subjectType: 'oidc-client', subjectId: clientId, details: { via: 'govstack-identity', status: fields.status, scopes: client.scopes } }, request.id);
      });
      return answer(clientId);
    } catch (error) {
      return fieldError(error);
    }
  });

  // Our discovery, with client management named as the registration endpoint (as eSignet's does).
  app.get(`${P}/.well-known/openid-configuration`, { schema: { tags, summary: 'GovStack Identity: OpenID Provider configuration (ours)' } }, async (request, reply) => {
    const response = await app.inject({ method: 'GET', url: `${OIDC_PREFIX}/.well-known/openid-configuration`, headers: forwardedHeaders(request) });
    if (response.statusCode !== 200) return reply.status(response.statusCode).type('application/json; charset=utf-8').send(response.body);
    const discovery = response.json<Record<string, unknown>>();
    const origin = new URL(String(discovery.token_endpoint)).origin;
    return reply.type('application/json; charset=utf-8').send({ ...discovery, registration_endpoint: `${origin}${P}/client-mgmt/oidc-client` });
  });

  app.get(`${P}/.well-known/jwks.json`, { schema: { tags, summary: 'GovStack Identity: the provider’s public signing keys' } }, async (request, reply) => {
    const response = await app.inject({ method: 'GET', url: `${OIDC_PREFIX}/jwks`, headers: forwardedHeaders(request) });
    return reply.status(response.statusCode).type('application/json; charset=utf-8').send(response.body);
  });

  // A browser redirect: the provider's authorization endpoint decides (PKCE S256 is required of every client).
  app.get(`${P}/authorize`, { schema: { tags, summary: 'GovStack Identity: authorization endpoint (redirects to ours)' } }, async (request, reply) => {
    const query = request.raw.url!.includes('?') ? request.raw.url!.slice(request.raw.url!.indexOf('?')) : '';
    return reply.redirect(`${OIDC_PREFIX}/auth${query}`, 302);
  });

  // The token endpoint, answered by the provider in process as if mounted at /govstack/identity/oauth:
  // a client assertion's audience may be our issuer or this URL.
  app.post(`${P}/oauth/token`, { config: { csrf: false }, schema: { tags, summary: 'GovStack Identity: token endpoint (private_key_jwt)' } }, async (request, reply) => {
    const type = String(request.headers['content-type'] ?? '');
    const params = (request.body && typeof request.body === 'object' ? request.body : {}) as Record<string, unknown>;
    const tokenError = (status: number, error: string, description: string) => reply.status(status).header('cache-control', 'no-store').type('application/json; charset=utf-8').send({ error, error_description: description });
    if (Object.keys(params).length === 0) return tokenError(400, 'invalid_request', 'The token request has no parameters');
    if (!type.startsWith('application/x-www-form-urlencoded')) return tokenError(400, 'invalid_request', 'The token request must be a form (application/x-www-form-urlencoded)');
    if (Object.values(params).some((value) => Array.isArray(value))) return tokenError(400, 'invalid_request', 'A parameter was given more than once');
    const problem = tokenRequestProblem(params);
    if (problem) return tokenError(400, problem.error, problem.description);
    const form = new URLSearchParams();
    for (const [name, value] of Object.entries(params)) if (isString(value)) form.set(name, value);
    handToProvider(request, reply, oidc, '/token', form.toString());
    return reply;
  });

  app.get(`${P}/oidc/userinfo`, { schema: { tags, summary: 'GovStack Identity: userinfo endpoint (ours)' } }, async (request, reply) => {
    const response = await app.inject({ method: 'GET', url: `${OIDC_PREFIX}/me`, headers: forwardedHeaders(request) });
    for (const name of ['content-type', 'www-authenticate', 'cache-control', 'pragma']) {
      const value = response.headers[name];
      if (value !== undefined) reply.header(name, value);
    }
    return reply.status(response.statusCode).send(response.rawPayload);
  });
}
