// Sign in with a one-time code sent by SMS to the mobile number in the population register.
// The code is typed or pasted (WCAG 2.2 accessible authentication: nothing to remember or transcribe
// from memory, autocomplete="one-time-code" lets the phone offer it).
import { AppError } from '../../../kernel/errors.ts';
import { page } from '../../../web/index.ts';
import type { LoginAttempt, LoginMethod } from './types.ts';

/** Where a code may go: the register's mobile of a person who may sign in; nowhere for a child or an unknown number. */
function mobileFor(attempt: LoginAttempt): string | undefined {
  return attempt.refusal ? undefined : attempt.person.mobile;
}

export const smsMethod: LoginMethod = {
  id: 'sms',
  labelKey: 'identity.sms.label',
  hintKey: 'identity.sms.hint',
  // Offered for every number, with or without a mobile in the register: the choices must not tell.
  available: () => true,
  async start(request, flow, attempt) {
    await flow.identity.assertNotLocked(flow.lockKeys(request, attempt.registerNumber, 'sms'));
    await flow.identity.sendCode(attempt.uid, attempt.registerNumber, mobileFor(attempt), request.lang);
  },
  register(app, flow) {
    // The page does not show the number texted: it would tell anyone typing a register number whether it is in the register.
    const show = (request: Parameters<Parameters<typeof page>[4]>[0], reply: Parameters<Parameters<typeof page>[4]>[1], uid: string, status = 200, errors: { field: string; message: string }[] = []) =>
      reply.page('modules/identity/views/login-sms.njk', { uid }, { status, title: request.t('identity.sms.title'), errors });

    page(app, 'GET', '/login/:uid/sms', {}, async (request, reply) => {
      const { uid } = request.params as { uid: string };
      await flow.attempt(request, uid);
      return show(request, reply, uid);
    });

    page(app, 'POST', '/login/:uid/sms/resend', {}, async (request, reply) => {
      const { uid } = request.params as { uid: string };
      const attempt = await flow.attempt(request, uid);
      await flow.identity.assertNotLocked(flow.lockKeys(request, attempt.registerNumber, 'sms'));
      await flow.identity.sendCode(uid, attempt.registerNumber, mobileFor(attempt), request.lang);
      return reply.redirect(`/${request.lang}/login/${uid}/sms`, 303);
    });

    page(app, 'POST', '/login/:uid/sms', {}, async (request, reply) => {
      const { uid } = request.params as { uid: string };
      const attempt = await flow.attempt(request, uid);
      try {
        await flow.identity.assertNotLocked(flow.lockKeys(request, attempt.registerNumber, 'sms'));
        const proven = await flow.identity.checkCode(uid, ((request.body ?? {}) as Record<string, unknown>).code);
        if (proven !== attempt.registerNumber) throw new AppError('LOGIN_CODE_NONE');
      } catch (error) {
        if (!(error instanceof AppError) || error.status >= 500) throw error;
        let shown = error;
        if (error.code !== 'LOGIN_CODE_FORMAT' && error.code !== 'LOGIN_LOCKED') {
          // A wrong code past the free ones is answered with the wait before the next try.
          shown = await flow.failed(request, attempt, 'sms').then(() => error, (slowed: unknown) => {
            if (!(slowed instanceof AppError) || slowed.status >= 500) throw slowed;
            return slowed;
          });
        }
        return show(request, reply, uid, shown.status, [{ field: 'code', message: shown.text(request.lang) }]);
      }
      return reply.redirect(await flow.authenticated(request, attempt, 'sms', ['otp', 'sms']), 303);
    });
  },
};
