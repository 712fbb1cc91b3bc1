// Sign in with an internet bank (federated, as ДАН does): the person picks their bank, signs in
// there, and the bank sends them back with a signed answer naming the account holder. The answer
// proves the person only if it is genuine, fresh, unused, meant for this sign-in, and names the
// register number typed at the start.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../kernel/context.ts';
import { AppError } from '../../../kernel/errors.ts';
import { page } from '../../../web/index.ts';
import { registerBanks, startBankLogin, takeBankLoginState, type BankLoginProvider } from '../banks.ts';
import type { LoginFlow, LoginMethod } from './types.ts';

/** The bank method over the banks `banksFor` gives an app (by default the platform's configured banks). */
export function createBankMethod(banksFor: (app: FastifyInstance, ctx: AppContext) => BankLoginProvider[] = registerBanks): LoginMethod {
  // The banks of each app, for the steps that know their app (start and the pages).
  const banksByApp = new WeakMap<AppContext, BankLoginProvider[]>();

  const banksOf = (flow: LoginFlow): BankLoginProvider[] => {
    const banks = banksByApp.get(flow.ctx) ?? [];
    if (banks.length === 0) throw new AppError('BANK_NOT_AVAILABLE');
    return banks;
  };

  return {
    id: 'bank',
    labelKey: 'identity.bank.label',
    hintKey: 'identity.bank.hint',
    available: (_person, flow) => (banksByApp.get(flow.ctx)?.length ?? 0) > 0,

    async start(request, flow, attempt) {
      banksOf(flow);
      await flow.identity.assertNotLocked(flow.lockKeys(request, attempt.registerNumber, 'bank'));
    },

    register(app, flow) {
      const banks = banksFor(app, flow.ctx);
      banksByApp.set(flow.ctx, banks);
      const { ctx } = flow;

      const show = (request: FastifyRequest, reply: FastifyReply, uid: string, status = 200, errors: { field: string; message: string }[] = []) =>
        reply.page(
          'modules/identity/views/login-bank.njk',
          { uid, banks: banksOf(flow).map((bank) => ({ id: bank.id, name: bank.name[request.lang] })) },
          { status, title: request.t('identity.bank.title'), errors },
        );
      const firstBankField = () => `bank-${banksOf(flow)[0]!.id}`;

      page(app, 'GET', '/login/:uid/bank', {}, async (request, reply) => {
        const { uid } = request.params as { uid: string };
        await flow.attempt(request, uid);
        return show(request, reply, uid);
      });

      // A POST, not a link: choosing a bank stores a state, and only our own form may do that.
      page(app, 'POST', '/login/:uid/bank', {}, async (request, reply) => {
        const { uid } = request.params as { uid: string };
        const attempt = await flow.attempt(request, uid);
        await flow.identity.assertNotLocked(flow.lockKeys(request, attempt.registerNumber, 'bank'));
        const chosen = ((request.body ?? {}) as Record<string, unknown>).bank;
        const bank = banksOf(flow).find((candidate) => candidate.id === chosen);
        if (!bank) return show(request, reply, uid, 400, [{ field: firstBankField(), message: request.t('identity.bank.choose') }]);
        const state = await startBankLogin(ctx.db, uid, bank.id);
        return reply.redirect(bank.authorizationUrl(state, `${ctx.config.baseUrl}/${request.lang}/login/${uid}/bank/callback`), 303);
      });

      // The answer in this address names the account holder: the request is kept out of the access log.
      page(app, 'GET', '/login/:uid/bank/callback', { logLevel: 'warn' }, async (request, reply) => {
        const { uid } = request.params as { uid: string };
        banksOf(flow);
        const attempt = await flow.attempt(request, uid);
        await flow.identity.assertNotLocked(flow.lockKeys(request, attempt.registerNumber, 'bank'));
        // Only single string values: a repeated parameter is not something a bank sends.
        const params = Object.fromEntries(Object.entries((request.query ?? {}) as Record<string, unknown>).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
        try {
          // The state is used up first, whatever the answer: each trip to the bank may come back once.
          const provider = typeof params.state === 'string' ? await takeBankLoginState(ctx.db, uid, params.state) : undefined;
          if (!provider) throw new AppError('BANK_STATE_MISMATCH');
          const bank = banksOf(flow).find((candidate) => candidate.id === provider);
          if (!bank) throw new AppError('BANK_NOT_AVAILABLE');
          const { registerNumber } = await bank.complete(params);
          if (registerNumber !== attempt.registerNumber) throw new AppError('BANK_WRONG_PERSON');
        } catch (error) {
          if (!(error instanceof AppError) || error.status >= 500) throw error;
          // Turning back at the bank proves nothing either way; everything else counts as a failed proof.
          if (error.code !== 'BANK_CANCELLED') await flow.failed(request, attempt, 'bank');
          return show(request, reply, uid, error.status, [{ field: firstBankField(), message: error.text(request.lang) }]);
        }
        return reply.redirect(await flow.authenticated(request, attempt, 'bank', ['fed']), 303);
      });
    },
  };
}

export const bankMethod: LoginMethod = createBankMethod();
