// Running the national login: relying parties and signing keys (platform administrators), staff
// of each agency and their roles (that agency's administrator; the platform administrator above
// all), and notarised powers of attorney (notaries).
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { SESSION_COOKIE, encodeSession, guard, hasRole, requireRole, type Principal, type Role } from '../../kernel/auth.ts';
import type { AppContext } from '../../kernel/context.ts';
import { AppError, type FieldError } from '../../kernel/errors.ts';
import type { Lang } from '../../kernel/i18n.ts';
import { isUuid } from '../../kernel/ids.ts';
import { seal } from '../../kernel/secrets.ts';
import { safeReturnTo } from '../../kernel/return-to.ts';
import { page } from '../../web/index.ts';
import { principalForAgency } from './portal.ts';
import { rotateSigningKey, SCOPE_CLAIMS, type OidcProvider } from './provider.ts';
import { ageOn, displayName, normaliseRegisterNumber, REGISTER_NUMBER, type Identity } from './service.ts';
import * as store from './store.ts';

/** Roles an agency's administrator hands out; platform administrators are made by platform administrators. */
export const STAFF_ROLES: Role[] = ['agency-admin', 'supervisor', 'officer'];
/** The agency whose staff record powers of attorney. */
export const NOTARIES_AGENCY = 'notaries';

const ClientBody = Type.Object({
  clientId: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{2,62}$' }),
  name: Type.Object({ mn: Type.String({ minLength: 1, maxLength: 200 }), en: Type.String({ minLength: 1, maxLength: 200 }) }),
  redirectUris: Type.Array(Type.String({ maxLength: 500 }), { minItems: 1, maxItems: 10 }),
  postLogoutRedirectUris: Type.Optional(Type.Array(Type.String({ maxLength: 500 }), { maxItems: 10 })),
  scopes: Type.Array(Type.String({ maxLength: 40 }), { minItems: 1, maxItems: 20 }),
  confidential: Type.Optional(Type.Boolean()),
}, { additionalProperties: false });

/** A redirect URI must be exact https (or http on this machine for development): no fragments, no wildcards. */
export function redirectUriProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `"${value}" is not an absolute URL`;
  }
  const local = url.hostname === 'localhost' || url.hostname === '127.0.0.1';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) return `"${value}" must use https`;
  if (url.hash || value.includes('*')) return `"${value}" must be exact, without fragment or wildcard`;
  return undefined;
}

export function registerIdentityAdmin(app: FastifyInstance, ctx: AppContext, deps: { identity: Identity; oidc: OidcProvider; agencies: (lang: Lang) => Promise<{ id: string; name: string }[]> }): void {
  const { identity, oidc } = deps;
  const platformAdmin = { preHandler: requireRole('platform-admin') };

  app.get('/api/v1/identity/clients', { ...platformAdmin, schema: { tags: ['identity'], summary: 'Relying parties of the national login' } }, async () => ({
    items: (await store.listClients(ctx.db)).map(({ secret_sealed, ...client }) => ({ ...client, confidential: Boolean(secret_sealed) })),
  }));

  app.post('/api/v1/identity/clients', { ...platformAdmin, schema: { tags: ['identity'], summary: 'Register a relying party', body: ClientBody } }, async (request, reply) => {
    const body = request.body as { clientId: string; name: { mn: string; en: string }; redirectUris: string[]; postLogoutRedirectUris?: string[]; scopes: string[]; confidential?: boolean };
    const problems = [...body.redirectUris, ...(body.postLogoutRedirectUris ?? [])].map(redirectUriProblem).filter(Boolean);
    const unknown = body.scopes.filter((scope) => !Object.hasOwn(SCOPE_CLAIMS, scope));
    if (unknown.length) problems.push(`unknown scopes: ${unknown.join(', ')}`);
    if (!body.scopes.includes('openid')) problems.push('scopes must include openid');
    if (problems.length) throw new AppError('OIDC_CLIENT_INVALID', { detail: problems.join('; ') });
    const existing = await store.findClient(ctx.db, body.clientId);
    if (existing?.first_party) throw new AppError('OIDC_CLIENT_INVALID', { detail: 'the portal’s registration cannot be changed here' });
    const secret = body.confidential === false ? null : randomBytes(32).toString('base64url');
    await store.upsertClient(ctx.db, {
      clientId: body.clientId,
      name: body.name,
      secretSealed: secret ? seal(ctx.config.sessionSecret, secret) : null,
      redirectUris: body.redirectUris,
      postLogoutRedirectUris: body.postLogoutRedirectUris ?? [],
      scopes: body.scopes,
      firstParty: false,
      createdBy: request.principal!.id,
    });
    await store.clearKeyAuthentication(ctx.db, body.clientId);
    await ctx.audit.record(ctx.db, request.principal, { action: 'oidc-client.register', subjectType: 'oidc-client', subjectId: body.clientId }, request.id);
    // The secret is shown once; only its sealed form is kept.
    return reply.status(201).send({ clientId: body.clientId, ...(secret ? { clientSecret: secret } : {}), issuer: oidc.issuer });
  });

  app.post('/api/v1/identity/keys/rotate', { ...platformAdmin, schema: { tags: ['identity'], summary: 'Make a new ID token signing key' } }, async (request) => {
    const kid = await rotateSigningKey(ctx);
    await oidc.reload();
    await ctx.audit.record(ctx.db, request.principal, { action: 'oidc-key.rotate', subjectType: 'oidc-key', subjectId: kid }, request.id);
    return { kid };
  });

  // ---- staff ----

  /** The agency whose staff this principal manages: their own, or any for a platform administrator. */
  const managedAgency = (principal: Principal, asked: unknown): string => {
    if (hasRole(principal, ['platform-admin'])) return typeof asked === 'string' && /^[a-z0-9-]{2,60}$/.test(asked) ? asked : principal.agencyId ?? 'gasr';
    if (!principal.agencyId) throw new AppError('FORBIDDEN');
    if (typeof asked === 'string' && asked !== '' && asked !== principal.agencyId) throw new AppError('FORBIDDEN_OTHER_AGENCY');
    return principal.agencyId;
  };
  // An official with roles in two agencies works for one at a time: the session names which.
  page(app, 'POST', '/admin/agency', { preHandler: requireRole('officer', 'supervisor', 'agency-admin', 'platform-admin') }, async (request, reply) => {
    const body = (request.body ?? {}) as { agency?: unknown; returnTo?: unknown };
    const chosen = typeof body.agency === 'string' ? await principalForAgency(ctx, request.principal!, body.agency.slice(0, 80)) : undefined;
    if (!chosen) throw new AppError('FORBIDDEN_OTHER_AGENCY');
    reply.setCookie(SESSION_COOKIE, encodeSession(ctx.config.sessionSecret, chosen), { path: '/', httpOnly: true, sameSite: 'lax', secure: ctx.config.baseUrl.startsWith('https:') });
    await ctx.audit.record(ctx.db, chosen, { action: 'staff.agency', subjectType: 'agency', subjectId: chosen.agencyId ?? 'platform' }, request.id);
    return reply.redirect(safeReturnTo(body.returnTo, ctx.config.baseUrl) ?? `/${request.lang}/office`, 303);
  });

  const staffAdmin = { preHandler: requireRole('agency-admin', 'platform-admin') };

  const staffPage = async (request: FastifyRequest, reply: Parameters<Parameters<typeof page>[4]>[1], agencyId: string, errors: FieldError[] = [], values: Record<string, unknown> = {}) => {
    const agencies = await deps.agencies(request.lang);
    return reply.page('modules/identity/views/admin-staff.njk', {
      agencyId,
      agencyName: agencies.find((agency) => agency.id === agencyId)?.name ?? agencyId,
      agencies: hasRole(request.principal, ['platform-admin']) ? agencies : [],
      staff: await store.staffOf(ctx.db, agencyId),
      roles: STAFF_ROLES,
      values,
    }, { status: errors.length ? 400 : 200, title: request.t('identity.staff.title'), errors });
  };

  page(app, 'GET', '/admin/staff', staffAdmin, async (request, reply) => staffPage(request, reply, managedAgency(request.principal!, (request.query as Record<string, unknown>).agency)));

  page(app, 'POST', '/admin/staff', staffAdmin, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const agencyId = managedAgency(request.principal!, body.agency);
    const registerNumber = normaliseRegisterNumber(body.registerNumber);
    const roles = [body.roles].flat().filter((role): role is Role => typeof role === 'string' && (STAFF_ROLES as string[]).includes(role));
    const errors: FieldError[] = [];
    const person = REGISTER_NUMBER.test(registerNumber) ? await identity.deps.person(registerNumber) : undefined;
    if (!person || person.deceased) errors.push({ field: 'registerNumber', message: request.t('identity.staff.unknownPerson') });
    else if (ageOn(person.birthDate, new Date()) < 18) errors.push({ field: 'registerNumber', message: request.t('identity.staff.adult') });
    if (body.remove !== 'yes' && roles.length === 0) errors.push({ field: `roles-${STAFF_ROLES[0]}`, message: request.t('identity.staff.chooseRole') });
    if (errors.length) return staffPage(request, reply, agencyId, errors, { registerNumber: typeof body.registerNumber === 'string' ? body.registerNumber.slice(0, 20) : '', roles });
    await ctx.db.transaction(async (tx) => {
      await store.changeStaff(tx, { registerNumber, agencyId, name: displayName(person!), roles: body.remove === 'yes' ? [] : roles, changedBy: request.principal!.id });
      await ctx.audit.record(tx, request.principal, { action: body.remove === 'yes' ? 'staff.remove' : 'staff.set', subjectType: 'agency', subjectId: agencyId, details: { roles } }, request.id);
    });
    const suffix = hasRole(request.principal, ['platform-admin']) ? `?agency=${encodeURIComponent(agencyId)}` : '';
    return reply.redirect(`/${request.lang}/admin/staff${suffix}`, 303);
  });

  // ---- powers of attorney (notaries) ----

  const notary = guard((request) => {
    const principal = request.principal;
    if (!principal) throw new AppError('UNAUTHENTICATED');
    if (hasRole(principal, ['platform-admin'])) return;
    if (principal.agencyId !== NOTARIES_AGENCY || !hasRole(principal, ['officer', 'supervisor', 'agency-admin'])) throw new AppError('FORBIDDEN');
  }, 'officials of the notaries, platform-admin');

  const powersPage = async (request: FastifyRequest, reply: Parameters<Parameters<typeof page>[4]>[1], errors: FieldError[] = [], values: Record<string, unknown> = {}) =>
    reply.page('modules/identity/views/admin-powers.njk', { powers: await store.recentPowers(ctx.db), values, today: new Date().toISOString().slice(0, 10) }, { status: errors.length ? 400 : 200, title: request.t('identity.powers.title'), errors });

  page(app, 'GET', '/admin/powers-of-attorney', { preHandler: notary }, async (request, reply) => powersPage(request, reply));

  page(app, 'POST', '/admin/powers-of-attorney', { preHandler: notary }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const grantorNumber = normaliseRegisterNumber(body.grantor);
    const attorneyNumber = normaliseRegisterNumber(body.attorney);
    const notarialNumber = typeof body.notarialNumber === 'string' ? body.notarialNumber.trim().slice(0, 40) : '';
    const validFrom = String(body.validFrom ?? '');
    const validUntil = String(body.validUntil ?? '');
    const errors: FieldError[] = [];
    const today = new Date();
    const grantor = REGISTER_NUMBER.test(grantorNumber) ? await identity.deps.person(grantorNumber) : undefined;
    const attorney = REGISTER_NUMBER.test(attorneyNumber) ? await identity.deps.person(attorneyNumber) : undefined;
    if (!grantor || grantor.deceased) errors.push({ field: 'grantor', message: request.t('identity.powers.unknownPerson') });
    else if (ageOn(grantor.birthDate, today) < 18) errors.push({ field: 'grantor', message: request.t('identity.powers.adult') });
    if (!attorney || attorney.deceased) errors.push({ field: 'attorney', message: request.t('identity.powers.unknownPerson') });
    else if (ageOn(attorney.birthDate, today) < 18) errors.push({ field: 'attorney', message: request.t('identity.powers.adult') });
    if (grantorNumber && grantorNumber === attorneyNumber) errors.push({ field: 'attorney', message: request.t('identity.powers.same') });
    if (!/^[0-9A-Za-zА-Яа-яЁёӨөҮү/-]{3,40}$/u.test(notarialNumber)) errors.push({ field: 'notarialNumber', message: request.t('identity.powers.notarialNumber') });
    const isDate = (value: string) => /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value));
    if (!isDate(validFrom)) errors.push({ field: 'validFrom', message: request.t('identity.powers.date') });
    if (!isDate(validUntil)) errors.push({ field: 'validUntil', message: request.t('identity.powers.date') });
    else if (isDate(validFrom) && validUntil < validFrom) errors.push({ field: 'validUntil', message: request.t('identity.powers.order') });
    if (errors.length) return powersPage(request, reply, errors, { grantor: grantorNumber, attorney: attorneyNumber, notarialNumber, validFrom, validUntil });
    await ctx.db.transaction(async (tx) => {
      const power = await store.insertPower(tx, { grantor: grantorNumber, attorney: attorneyNumber, grantorName: displayName(grantor!), notarialNumber, validFrom, validUntil, recordedBy: request.principal!.id });
      await ctx.audit.record(tx, request.principal, { action: 'power-of-attorney.record', subjectType: 'power-of-attorney', subjectId: power.id }, request.id);
    });
    return reply.redirect(`/${request.lang}/admin/powers-of-attorney`, 303);
  });

  page(app, 'POST', '/admin/powers-of-attorney/:id/revoke', { preHandler: notary }, async (request, reply) => {
    const { id } = request.params as { id: string };
    if (!isUuid(id) || !(await store.revokePower(ctx.db, id))) throw new AppError('NOT_FOUND');
    await ctx.audit.record(ctx.db, request.principal, { action: 'power-of-attorney.revoke', subjectType: 'power-of-attorney', subjectId: id }, request.id);
    return reply.redirect(`/${request.lang}/admin/powers-of-attorney`, 303);
  });
}
