// Development sign-in: pick a role and act as it, beside the national login. It exists so every
// role can be tried without registry data and staff records, and it is off unless DEV_LOGIN=true (or `npm start`'s
// demo mode); it refuses to run with NODE_ENV=production (see config.ts).
import type { FastifyInstance } from 'fastify';
import { SESSION_COOKIE, encodeSession, type Principal } from '../kernel/auth.ts';
import type { AppContext } from '../kernel/context.ts';
import { AppError } from '../kernel/errors.ts';
import { safeReturnTo } from '../kernel/return-to.ts';
import { page } from './page.ts';

/** The method recorded for a development sign-in's session. */
export const DEV_SESSION_METHOD = 'development';

/**
 * Where a development sign-in is recorded as a session, so that signing out (or ending it from
 * "my sign-ins") ends the cookie too, not only the browser's copy of it. The identity module keeps
 * sessions and provides this; without it the development sign-in refuses to sign anyone in.
 */
export interface SignInSessions {
  open(principal: Principal, method: string): Promise<string>;
}

declare module 'fastify' {
  interface FastifyInstance {
    signInSessions?: SignInSessions;
  }
}

/** The people one can be in development. Agency ids refer to the catalogue's seed agencies. */
export const DEV_PERSONAS: Principal[] = [
  { id: 'dev-platform-admin', name: 'Б.Болормаа', kind: 'official', roles: ['platform-admin'], agencyId: null },
  { id: 'dev-gasr-admin', name: 'Д.Ганбат', kind: 'official', roles: ['agency-admin'], agencyId: 'gasr' },
  { id: 'dev-gasr-supervisor', name: 'С.Оюунаа', kind: 'official', roles: ['supervisor'], agencyId: 'gasr' },
  { id: 'dev-police-officer', name: 'Э.Тэмүүлэн', kind: 'official', roles: ['officer'], agencyId: 'police' },
  // The first person the population generator makes, so her registry data exists.
  { id: 'dev-citizen', name: 'Н.Сарангэрэл', kind: 'citizen', roles: ['citizen'], agencyId: null, registerNumber: 'УБ90051428' },
];

export function registerDevSignIn(app: FastifyInstance, ctx: AppContext): void {
  const secure = ctx.config.baseUrl.startsWith('https:');

  // Without the development sign-in, "sign in" is the national login.
  page(app, 'GET', '/sign-in', {}, async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    if (!ctx.config.devLogin) {
      const returnTo = safeReturnTo(query.returnTo, ctx.config.baseUrl);
      return reply.redirect(`/${request.lang}/sign-in/national${returnTo ? `?returnTo=${encodeURIComponent(returnTo)}` : ''}`, 303);
    }
    return reply.page(
      'web/views/dev-sign-in.njk',
      { personas: DEV_PERSONAS, returnTo: safeReturnTo(query.returnTo, ctx.config.baseUrl) ?? '' },
      { title: request.t('devSignIn.title') },
    );
  });

  page(app, 'POST', '/sign-in', {}, async (request, reply) => {
    if (!ctx.config.devLogin) throw new AppError('DEV_LOGIN_DISABLED');
    const body = (request.body ?? {}) as Record<string, unknown>;
    const persona = DEV_PERSONAS.find((candidate) => candidate.id === body.persona);
    if (!persona) {
      return reply.page(
        'web/views/dev-sign-in.njk',
        { personas: DEV_PERSONAS, returnTo: safeReturnTo(body.returnTo, ctx.config.baseUrl) ?? '' },
        {
          status: 400,
          title: request.t('devSignIn.title'),
          errors: [{ field: `persona-${DEV_PERSONAS[0]?.id}`, message: request.t('devSignIn.choose') }],
        },
      );
    }
    if (!app.signInSessions) throw new AppError('DEV_LOGIN_DISABLED');
    const sessionId = await app.signInSessions.open(persona, DEV_SESSION_METHOD);
    reply.setCookie(SESSION_COOKIE, encodeSession(ctx.config.sessionSecret, { ...persona, sessionId }), {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure,
    });
    const fallback = persona.kind === 'official' ? `/${request.lang}/admin` : `/${request.lang}`;
    return reply.redirect(safeReturnTo(body.returnTo, ctx.config.baseUrl) ?? fallback, 303);
  });

}
