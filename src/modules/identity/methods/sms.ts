// Sign in with a one-time code sent by SMS to the mobile number in the population register.
// The code is typed or pasted (WCAG 2.2 accessible authentication: nothing to remember or transcribe
// from memory, autocomplete="one-time-code" lets the phone offer it).
import { AppError } from '../../../kernel/errors.ts';
import { page } from '../../../web/index.ts';
import { maskMobile } from '../service.ts';
import type { LoginMethod } from './types.ts';

export const smsMethod: LoginMethod = {
  id: 'sms',
  labelKey: 'identity.sms.label',
  hintKey: 'identity.sms.hint',
  available: (person) => Boolean(person.mobile),
  async start(request, flow, attempt) {
    await flow.identity.assertNotLocked(flow.lockKeys(request, attempt.registerNumber));
    await flow.identity.sendCode(attempt.uid, attempt.person, request.lang);
  },
  register(app, flow) {
    const show = (request: Parameters<Parameters<typeof page>[4]>[0], reply: Parameters<Parameters<typeof page>[4]>[1], uid: string, sentTo: string, status = 200, errors: { field: string; message: string }[] = []) =>
      reply.page('modules/identity/views/login-sms.njk', { uid, sentTo }, { status, title: request.t('identity.sms.title'), errors });

    page(app, 'GET', '/login/:uid/sms', {}, async (request, reply) => {
      const { uid } = request.params as { uid: string };
      const attempt = await flow.attempt(request, uid);
      const mobile = attempt.person.mobile;
      if (!mobile) throw new AppError('LOGIN_NO_MOBILE');
      return show(request, reply, uid, maskMobile(mobile));
    });

    page(app, 'POST', '/login/:uid/sms/resend', {}, async (request, reply) => {
      const { uid } = request.params as { uid: string };
      const attempt = await flow.attempt(request, uid);
      await flow.identity.assertNotLocked(flow.lockKeys(request, attempt.registerNumber));
      await flow.identity.sendCode(uid, attempt.person, request.lang);
      return reply.redirect(`/${request.lang}/login/${uid}/sms`, 303);
    });

    page(app, 'POST', '/login/:uid/sms', {}, async (request, reply) => {
      const { uid } = request.params as { uid: string };
      const attempt = await flow.attempt(request, uid);
      await flow.identity.assertNotLocked(flow.lockKeys(request, attempt.registerNumber));
      const sentTo = maskMobile(attempt.person.mobile ?? '');
      try {
        const proven = await flow.identity.checkCode(uid, ((request.body ?? {}) as Record<string, unknown>).code);
        if (proven !== attempt.registerNumber) throw new AppError('LOGIN_CODE_NONE');
      } catch (error) {
        if (!(error instanceof AppError) || error.status >= 500) throw error;
        if (error.code !== 'LOGIN_CODE_FORMAT') await flow.failed(request, attempt, 'sms');
        return show(request, reply, uid, sentTo, error.status, [{ field: 'code', message: error.text(request.lang) }]);
      }
      return reply.redirect(await flow.authenticated(request, attempt, 'sms', ['otp', 'sms']), 303);
    });
  },
};
