// A person's own pages about their sign-in: who the state says they are, whom they may act for,
// their open sessions (each can be ended) and the services they let read their data (each can be
// revoked, which also withdraws the exchange consent behind it). Also sign-out.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SESSION_COOKIE, isStaff, requireRole } from '../../kernel/auth.ts';
import type { AppContext } from '../../kernel/context.ts';
import { formatAddress } from '../../kernel/address.ts';
import { AppError } from '../../kernel/errors.ts';
import { isUuid } from '../../kernel/ids.ts';
import { isForeignRegisterNumber } from '../../kernel/person-number.ts';
import { page } from '../../web/index.ts';
import type { Exchange } from '../exchange/index.ts';
import { DATA_SCOPES } from './claims.ts';
import { deviceName } from './devices.ts';
import type { PortalLogin } from './portal.ts';
import { sessionOwner, signOutTarget } from './portal.ts';
import { DEV_SESSION_METHOD } from '../../web/dev-sign-in.ts';
import type { OidcProvider } from './provider.ts';
import { displayName, maskMobile, type Identity } from './service.ts';
import * as store from './store.ts';

/** What "my details" has of the person's own record: what was read (none when the register has nothing), or that they withdrew the consent to read it. */
export type OwnRecord = { state: 'read'; data: Record<string, unknown> | undefined } | { state: 'withdrawn' };

export function registerMyPages(app: FastifyInstance, ctx: AppContext, deps: { identity: Identity; oidc: OidcProvider; portal: PortalLogin; exchange: Exchange; readOwnIdCard(registerNumber: string, session: string, options: { ask: boolean }): Promise<OwnRecord> }): void {
  const { identity, oidc, portal, exchange } = deps;
  const citizen = { preHandler: requireRole('citizen') };

  /** The person at the keyboard (not whom they act for): sessions and consents are theirs. */
  const actorNumber = (request: FastifyRequest) => {
    const number = request.principal?.actorRegisterNumber ?? request.principal?.registerNumber;
    if (!number) throw new AppError('FORBIDDEN');
    return number;
  };

  // The hub of a person's own pages. It reads nothing from a register, so opening it adds no line
  // to "who looked at my data"; "my details" does that, when she asks for it.
  page(app, 'GET', '/my/account', citizen, async (request, reply) => {
    const t = request.t;
    const link = (path: string, text: string, lead: string) => ({ path, text: t(text), lead: t(lead) });
    const groups = [
      { heading: t('identity.account.affairs'), links: [
        link('/my/requests', 'applications.my.title', 'identity.account.requestsLead'),
        link('/my/documents', 'documents.my.title', 'identity.account.documentsLead'),
        link('/my/payments', 'payments.my.title', 'identity.account.paymentsLead'),
        link('/my/messages', 'messaging.inbox.title', 'identity.account.messagesLead'),
        link('/my/health-certificates', 'health.my.title', 'identity.account.healthLead'),
        link('/apply', 'applications.apply.listTitle', 'identity.account.applyLead'),
        link('/references', 'applications.references.title', 'identity.account.referencesLead'),
      ] },
      { heading: t('identity.account.self'), links: [
        link('/my', 'identity.my.title', 'identity.account.detailsLead'),
        link('/my/data-access', 'exchange.access.title', 'identity.account.dataAccessLead'),
        link('/my/sign-ins', 'identity.sessions.title', 'identity.account.signInsLead'),
        link('/my/devices', 'identity.qr.devices.title', 'identity.account.devicesLead'),
      ] },
      ...(isStaff(request.principal) ? [{ heading: t('identity.account.work'), links: [link('/admin', 'layout.admin', 'identity.account.staffLead')] }] : []),
    ];
    return reply.page('modules/identity/views/my-account.njk', { groups }, { title: t('identity.account.title') });
  });

  page(app, 'GET', '/my', citizen, async (request, reply) => {
    const registerNumber = actorNumber(request);
    const person = await identity.deps.person(registerNumber);
    const representations = person ? await identity.representations(person) : [];
    const staff = await store.rolesOf(ctx.db, registerNumber);
    // What the population register holds, read through the exchange like any other read (and so listed on "who looked at my data").
    const own = person ? await deps.readOwnIdCard(registerNumber, request.principal?.sessionId ?? request.principal?.id ?? registerNumber, { ask: false }).catch((error: unknown): OwnRecord => {
      request.log.warn({ err: error }, 'own ID card read failed');
      return { state: 'read', data: undefined };
    }) : undefined;
    const idCard = own?.state === 'read' ? own.data : undefined;
    // For a foreign resident the record read is their residence permit rather than an ID card.
    const foreign = isForeignRegisterNumber(registerNumber);
    const today = new Date().toISOString().slice(0, 10);
    return reply.page('modules/identity/views/my-profile.njk', {
      // Addresses are kept as their parts (aimag/soum/bag, district/khoroo): one line in the page's language.
      idCard: idCard && !foreign ? { ...idCard, birthPlace: formatAddress(idCard.birthPlace, request.lang), address: formatAddress(idCard.address, request.lang) } : null,
      residencePermit: idCard && foreign ? { ...idCard, address: formatAddress(idCard.address, request.lang), expired: String((idCard.permit as { validUntil?: string } | null)?.validUntil ?? '') < today } : null,
      person: person ? { ...person, name: displayName(person), mobile: person.mobile ? maskMobile(person.mobile) : null } : null,
      registerNumber,
      consentWithdrawn: own?.state === 'withdrawn',
      representations,
      staff,
      history: await store.loginHistory(ctx.db, registerNumber, 10),
    }, { title: request.t('identity.my.title') });
  });

  // After withdrawing the consent, the person asks again for the page to read their record.
  page(app, 'POST', '/my/details/consent', citizen, async (request, reply) => {
    const registerNumber = actorNumber(request);
    await deps.readOwnIdCard(registerNumber, request.principal?.sessionId ?? request.principal?.id ?? registerNumber, { ask: true });
    return reply.redirect(`/${request.lang}/my`, 303);
  });

  const sessionsPage = async (request: FastifyRequest, reply: Parameters<Parameters<typeof page>[4]>[1], status = 200) => {
    const registerNumber = actorNumber(request);
    const sessions = await store.openSessions(ctx.db, registerNumber);
    const grants = await store.grantConsentsOf(ctx.db, request.principal?.registerNumber ?? registerNumber);
    const clients = new Map((await store.listClients(ctx.db)).map((client) => [client.client_id, client.name[request.lang]]));
    return reply.page('modules/identity/views/my-sessions.njk', {
      sessions: sessions.map((session) => ({ ...session, device: deviceName(session.user_agent, request.t), current: session.id === request.principal?.sessionId })),
      grants: grants.map((grant) => ({ ...grant, client: clients.get(grant.client_id) ?? grant.client_id, titles: grant.scopes.map((scope) => DATA_SCOPES[scope]?.title[request.lang] ?? scope) })),
    }, { status, title: request.t('identity.sessions.title') });
  };

  page(app, 'GET', '/my/sign-ins', citizen, async (request, reply) => sessionsPage(request, reply));

  page(app, 'POST', '/my/sign-ins/:id/end', citizen, async (request, reply) => {
    const { id } = request.params as { id: string };
    if (!isUuid(id) || !(await portal.endSession(actorNumber(request), id))) throw new AppError('SESSION_NOT_FOUND');
    await ctx.audit.record(ctx.db, request.principal, { action: 'session.end', subjectType: 'session', subjectId: id }, request.id);
    if (id === request.principal?.sessionId) {
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.redirect(`/${request.lang}`, 303);
    }
    return reply.redirect(`/${request.lang}/my/sign-ins`, 303);
  });

  page(app, 'POST', '/my/sign-ins/grants/:grantId/revoke', citizen, async (request, reply) => {
    const { grantId } = request.params as { grantId: string };
    const subject = request.principal?.registerNumber;
    const granted = grantId.length <= 100 ? await store.findGrantConsent(ctx.db, grantId) : undefined;
    if (!granted || granted.subject !== subject) throw new AppError('NOT_FOUND');
    const grant = await oidc.provider.Grant.find(grantId);
    await grant?.destroy();
    await oidc.provider.AccessToken.adapter.revokeByGrantId(grantId);
    await exchange.withdrawConsent(granted.subject, granted.consent_id).catch(() => undefined);
    await store.deleteGrantConsent(ctx.db, grantId);
    await ctx.audit.record(ctx.db, request.principal, { action: 'consent.revoke', subjectType: 'relying-party', subjectId: granted.client_id }, request.id);
    return reply.redirect(`/${request.lang}/my/sign-ins`, 303);
  });

  // Sign-out ends the portal session here and then the national login's session at the provider.
  page(app, 'POST', '/sign-out', {}, async (request, reply) => {
    const principal = request.principal;
    const session = principal?.sessionId ? await store.findSession(ctx.db, principal.sessionId) : undefined;
    if (principal?.sessionId) await portal.endSession(sessionOwner(principal), principal.sessionId);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    // A development sign-in has no session at the provider to end.
    if (session?.method === DEV_SESSION_METHOD) return reply.redirect(`/${request.lang}`, 303);
    return reply.redirect(signOutTarget(ctx, principal, request.lang), 303);
  });
}
