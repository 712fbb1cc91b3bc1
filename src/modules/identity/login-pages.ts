// The national login's own pages, between a relying party's authorization request and its answer:
// 1. who are you (register number), 2. how will you prove it (a method), 3. whom do you act for
// (yourself, a child, a company you direct, someone whose power of attorney you hold),
// 4. what may this service see (consent for registry data). Each step is a plain form post.
import { createHmac } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../kernel/context.ts';
import { AppError } from '../../kernel/errors.ts';
import { safeReturnTo } from '../../kernel/return-to.ts';
import { bilingualPurpose, type Exchange } from '../exchange/index.ts';
import { page } from '../../web/index.ts';
import { DATA_SCOPES, isDataScope } from './claims.ts';
import type { LoginAttempt, LoginFlow, LoginMethod } from './methods/types.ts';
import type { OidcProvider } from './provider.ts';
import { isPersonNumber } from '../../kernel/person-number.ts';
import { accountIdFor, normaliseRegisterNumber, personKind, type Identity, type PersonFacts, type Representation } from './service.ts';
import * as store from './store.ts';

const BINDING_COOKIE = 'urtuu_login';

function bindingFor(secret: string, uid: string): string {
  return `${uid}.${createHmac('sha256', secret).update(`login-binding:${uid}`).digest('base64url')}`;
}

function epochNow(): number {
  return Math.floor(Date.now() / 1000);
}

export interface LoginPagesOptions {
  ctx: AppContext;
  oidc: OidcProvider;
  identity: Identity;
  exchange: Exchange;
  /** The exchange subsystem the provider reads registries as (instance/GOV/ema/identity). */
  identitySubsystem: string;
  methods: LoginMethod[];
}

/** Who a number that may not sign in stands for while the steps go on: no one, with nothing to send to. */
function standIn(registerNumber: string): PersonFacts {
  return { registerNumber, surname: '', givenName: '', birthDate: '1900-01-01', deceased: false, citizenship: '', children: [] };
}

export function registerLoginPages(app: FastifyInstance, options: LoginPagesOptions): LoginFlow {
  const { ctx, oidc, identity, exchange, methods } = options;
  const secure = ctx.config.baseUrl.startsWith('https:');
  const secret = ctx.config.sessionSecret;

  async function interactionOf(request: FastifyRequest, uid: string) {
    const binding = request.cookies[BINDING_COOKIE];
    if (!binding || binding.length > 300 || binding !== bindingFor(secret, uid)) throw new AppError('LOGIN_EXPIRED');
    const interaction = await oidc.provider.Interaction.find(uid);
    if (!interaction) throw new AppError('LOGIN_EXPIRED');
    return interaction;
  }

  const lockKeys = (request: FastifyRequest, registerNumber: string, method: string) => [`person:${method}:${registerNumber}:${request.ip}`, `ip:${request.ip}`];
  const startKeys = (request: FastifyRequest) => [`start:${request.ip}`];

  async function finish(reply: FastifyReply, uid: string, result: Record<string, unknown>) {
    const interaction = await oidc.provider.Interaction.find(uid);
    if (!interaction) throw new AppError('LOGIN_EXPIRED');
    interaction.result = { ...(interaction.lastSubmission ?? {}), ...result } as never;
    await interaction.save(Math.max(interaction.exp - epochNow(), 1));
    // The provider's own resume route: only its path is kept (the browser stays on the host it came
    // by) and checked like any returnTo.
    const provided = URL.canParse(interaction.returnTo) ? new URL(interaction.returnTo) : undefined;
    const resume = provided && safeReturnTo(`${provided.pathname}${provided.search}`, ctx.config.baseUrl);
    if (!resume) throw new AppError('LOGIN_EXPIRED');
    return reply.redirect(resume, 303);
  }

  const flow: LoginFlow = {
    ctx,
    identity,
    lockKeys,
    async attempt(request, uid) {
      await interactionOf(request, uid);
      const row = await store.findAttempt(ctx.db, uid);
      if (!row) throw new AppError('LOGIN_EXPIRED');
      try {
        const person = await identity.personWhoMaySignIn(row.register_number);
        return { uid, registerNumber: row.register_number, person };
      } catch (error) {
        if (!(error instanceof AppError) || error.status >= 500) throw error;
        return { uid, registerNumber: row.register_number, person: standIn(row.register_number), refusal: error };
      }
    },
    async authenticated(request, attempt, method, amr) {
      // Only someone who has proved they are this person learns why the number may not sign in.
      if (attempt.refusal) throw attempt.refusal;
      await store.authenticateAttempt(ctx.db, attempt.uid, method, amr);
      await store.clearFailures(ctx.db, lockKeys(request, attempt.registerNumber, method)[0]!);
      return `/${request.lang}/login/${attempt.uid}/acting`;
    },
    async failed(request, attempt, method) {
      await store.recordLogin(ctx.db, { registerNumber: attempt.registerNumber, method, outcome: 'failed' });
      await identity.fail(lockKeys(request, attempt.registerNumber, method));
      await identity.assertNotLocked(lockKeys(request, attempt.registerNumber, method));
    },
  };

  // The provider sends the browser here; its interaction cookie only reaches this path, so this is
  // where the interaction is tied to the browser with our own cookie, before moving to a page in the
  // person's language.
  app.get('/identity/interaction/:uid', { schema: { hide: true } }, async (request, reply) => {
    const details = await oidc.provider.interactionDetails(request.raw, reply.raw).catch(() => undefined);
    if (!details) throw new AppError('LOGIN_EXPIRED');
    reply.setCookie(BINDING_COOKIE, bindingFor(secret, details.uid), { path: '/', httpOnly: true, sameSite: 'lax', secure, maxAge: 1800 });
    const asked = String(details.params.ui_locales ?? '');
    const lang = asked.startsWith('en') ? 'en' : asked.startsWith('mn') ? 'mn' : request.lang;
    return reply.redirect(`/${lang}/login/${details.uid}`, 303);
  });

  const clientName = (clientId: string, lang: 'mn' | 'en') => store.clientName(ctx.db, clientId, lang);

  // Step 1, or the consent step when the person is already signed in.
  page(app, 'GET', '/login/:uid', {}, async (request, reply) => {
    const { uid } = request.params as { uid: string };
    const interaction = await interactionOf(request, uid);
    const client = await clientName(String(interaction.params.client_id), request.lang);
    if (interaction.prompt.name === 'consent') return showConsent(request, reply, uid, interaction, client, []);
    return reply.page('modules/identity/views/login-start.njk', { uid, client, registerNumber: '' }, { title: request.t('identity.login.title') });
  });

  page(app, 'POST', '/login/:uid', {}, async (request, reply) => {
    const { uid } = request.params as { uid: string };
    const interaction = await interactionOf(request, uid);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const registerNumber = normaliseRegisterNumber(body.registerNumber);
    try {
      // Only the form of the number is judged here. Whether it is in the register, a child's or an
      // adult's, the same work is done and the same next page follows, and every try counts alike
      // against the address: this step cannot be used to probe the register.
      if (!isPersonNumber(registerNumber)) throw new AppError('REGISTER_NUMBER_INVALID');
      await identity.assertNotLocked(startKeys(request));
      await identity.fail(startKeys(request));
      await flow.identity.personWhoMaySignIn(registerNumber).catch((error: unknown) => {
        if (!(error instanceof AppError) || error.status >= 500) throw error;
      });
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500) throw error;
      const client = await clientName(String(interaction.params.client_id), request.lang);
      return reply.page('modules/identity/views/login-start.njk', { uid, client, registerNumber: typeof body.registerNumber === 'string' ? body.registerNumber.slice(0, 20) : '' }, {
        status: error.status,
        title: request.t('identity.login.title'),
        errors: [{ field: 'registerNumber', message: error.text(request.lang) }],
      });
    }
    await store.startAttempt(ctx.db, uid, registerNumber, new Date((interaction.exp ?? epochNow() + 1800) * 1000));
    return reply.redirect(`/${request.lang}/login/${uid}/methods`, 303);
  });

  const methodChoices = (request: FastifyRequest, attempt: LoginAttempt) =>
    methods
      .filter((method) => method.available(attempt.person, flow))
      .map((method) => ({ id: method.id, label: request.t(method.labelKey), hint: request.t(method.hintKey) }));

  // Step 2: how to prove it.
  page(app, 'GET', '/login/:uid/methods', {}, async (request, reply) => {
    const { uid } = request.params as { uid: string };
    const attempt = await flow.attempt(request, uid);
    const choices = methodChoices(request, attempt);
    return reply.page('modules/identity/views/login-methods.njk', { uid, choices }, { title: request.t('identity.methods.title') });
  });

  page(app, 'POST', '/login/:uid/methods', {}, async (request, reply) => {
    const { uid } = request.params as { uid: string };
    const attempt = await flow.attempt(request, uid);
    const chosen = String(((request.body ?? {}) as Record<string, unknown>).method ?? '');
    const method = methods.find((candidate) => candidate.id === chosen && candidate.available(attempt.person, flow));
    if (!method) {
      const choices = methodChoices(request, attempt);
      return reply.page('modules/identity/views/login-methods.njk', { uid, choices }, { status: 400, title: request.t('identity.methods.title'), errors: [{ field: `method-${choices[0]?.id ?? 'sms'}`, message: request.t('identity.methods.choose') }] });
    }
    if (method.start) {
      try {
        await method.start(request, flow, attempt);
      } catch (error) {
        if (!(error instanceof AppError) || error.status >= 500) throw error;
        const choices = methodChoices(request, attempt);
        return reply.page('modules/identity/views/login-methods.njk', { uid, choices }, { status: error.status, title: request.t('identity.methods.title'), errors: [{ field: `method-${method.id}`, message: error.text(request.lang) }] });
      }
    }
    return reply.redirect(`/${request.lang}/login/${uid}/${method.id}`, 303);
  });

  for (const method of methods) method.register(app, flow);

  async function provenAttempt(request: FastifyRequest, uid: string): Promise<LoginAttempt & { method: string; amr: string[] }> {
    const attempt = await flow.attempt(request, uid);
    const row = await store.findAttempt(ctx.db, uid);
    if (!row?.authenticated_at || !row.method) throw new AppError('LOGIN_EXPIRED');
    return { ...attempt, method: row.method, amr: row.amr ?? [] };
  }

  async function completeLogin(request: FastifyRequest, reply: FastifyReply, uid: string, attempt: LoginAttempt & { method: string; amr: string[] }, chosen?: Representation) {
    const self = await store.ensureAccount(ctx.db, attempt.registerNumber, personKind(attempt.registerNumber));
    let accountId = self.id;
    if (chosen) {
      const subject = await store.ensureAccount(ctx.db, chosen.registerNumber, chosen.kind === 'organisation' ? 'organisation' : 'citizen');
      accountId = accountIdFor(subject.id, { account: self.id, basis: chosen.basis });
    }
    const interaction = await oidc.provider.Interaction.find(uid);
    await store.recordLogin(ctx.db, { registerNumber: attempt.registerNumber, method: attempt.method, outcome: 'success', clientId: interaction ? String(interaction.params.client_id) : null });
    await store.endAttempt(ctx.db, uid);
    return finish(reply, uid, { login: { accountId, amr: attempt.amr, acr: attempt.method === 'signature' ? 'urn:urtuu:loa:high' : 'urn:urtuu:loa:substantial', remember: false } });
  }

  // Step 3: whom do you act for.
  page(app, 'GET', '/login/:uid/acting', {}, async (request, reply) => {
    const { uid } = request.params as { uid: string };
    const attempt = await provenAttempt(request, uid);
    const options = await identity.representations(attempt.person);
    if (options.length === 0) return completeLogin(request, reply, uid, attempt);
    return reply.page('modules/identity/views/login-acting.njk', { uid, options, self: attempt.person }, { title: request.t('identity.acting.title') });
  });

  page(app, 'POST', '/login/:uid/acting', {}, async (request, reply) => {
    const { uid } = request.params as { uid: string };
    const attempt = await provenAttempt(request, uid);
    const chosen = String(((request.body ?? {}) as Record<string, unknown>).actingFor ?? '');
    if (chosen === 'self') return completeLogin(request, reply, uid, attempt);
    // Checked again now, not trusted from the page: a power of attorney may have expired meanwhile.
    const options = await identity.representations(attempt.person);
    const representation = options.find((option) => `${option.basis}:${option.registerNumber}` === chosen);
    if (!representation) {
      return reply.page('modules/identity/views/login-acting.njk', { uid, options, self: attempt.person }, { status: 403, title: request.t('identity.acting.title'), errors: [{ field: 'actingFor', message: new AppError('LOGIN_NOT_REPRESENTED').text(request.lang) }] });
    }
    return completeLogin(request, reply, uid, attempt, representation);
  });

  // Step 4: consent to share registry data with a relying party.
  async function showConsent(request: FastifyRequest, reply: FastifyReply, uid: string, interaction: Awaited<ReturnType<typeof interactionOf>>, client: string, errors: { field: string; message: string }[]) {
    const details = interaction.prompt.details as { missingOIDCScope?: string[] };
    const asked = details.missingOIDCScope ?? [];
    const data = asked.filter(isDataScope).map((scope) => ({ scope, title: DATA_SCOPES[scope]!.title[request.lang], keeper: DATA_SCOPES[scope]!.keeper[request.lang] }));
    const basic = asked.filter((scope) => !isDataScope(scope) && scope !== 'openid');
    return reply.page('modules/identity/views/login-consent.njk', { uid, client, data, basic }, { status: errors.length ? 400 : 200, title: request.t('identity.consent.title', { client }), errors });
  }

  page(app, 'POST', '/login/:uid/consent', {}, async (request, reply) => {
    const { uid } = request.params as { uid: string };
    const interaction = await interactionOf(request, uid);
    if (interaction.prompt.name !== 'consent' || !interaction.session?.accountId) throw new AppError('LOGIN_EXPIRED');
    const body = (request.body ?? {}) as Record<string, unknown>;
    if (body.decision === 'refuse') return finish(reply, uid, { error: 'access_denied', error_description: 'The person did not agree to share this data.' });
    const clientId = String(interaction.params.client_id);
    const accountId = interaction.session.accountId;
    const details = interaction.prompt.details as { missingOIDCScope?: string[] };
    const grant = interaction.grantId ? await oidc.provider.Grant.find(interaction.grantId) : new oidc.provider.Grant({ accountId, clientId });
    if (!grant) throw new AppError('LOGIN_EXPIRED');
    const scopes = details.missingOIDCScope ?? [];
    grant.addOIDCScope(scopes.join(' '));
    const grantId = await grant.save();
    const dataScopes = scopes.filter(isDataScope);
    if (dataScopes.length > 0) {
      const subjectAccount = await store.findAccount(ctx.db, accountId.split('~')[0]!);
      if (subjectAccount && subjectAccount.kind !== 'organisation') {
        const [nameMn, nameEn] = await Promise.all([clientName(clientId, 'mn'), clientName(clientId, 'en')]);
        const consent = await exchange.grantConsent({
          subject: subjectAccount.register_number,
          clientId: options.identitySubsystem,
          services: dataScopes.map((scope) => `${exchange.instance}/${DATA_SCOPES[scope]!.service}`),
          purpose: bilingualPurpose({ mn: `Нэвтрэлт: ${nameMn}`, en: `Sign-in: ${nameEn}` }),
          method: 'portal',
          days: 365,
        });
        await store.insertGrantConsent(ctx.db, { grantId, consentId: consent.id, subject: subjectAccount.register_number, clientId, scopes: dataScopes });
      }
    }
    return finish(reply, uid, { consent: { grantId } });
  });

  page(app, 'POST', '/login/:uid/cancel', {}, async (request, reply) => {
    const { uid } = request.params as { uid: string };
    await interactionOf(request, uid);
    await store.endAttempt(ctx.db, uid);
    return finish(reply, uid, { error: 'access_denied', error_description: 'The person stopped signing in.' });
  });

  return flow;
}
