// Authorization matrix: every messaging route called as every role, including those that must be
// refused. "ok" means the request was allowed (2xx or a redirect after a form post).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { form, testApp, type TestApp } from '../../../test/helpers.ts';
import { createMessaging, type MessagingProvider } from './index.ts';

type Outcome = 'ok' | 401 | 403;
const ROLES = ['anonymous', 'dev-citizen', 'dev-police-officer', 'dev-gasr-supervisor', 'dev-gasr-admin', 'dev-platform-admin'] as const;
type Role = (typeof ROLES)[number];

const PUBLIC: Record<Role, Outcome> = { anonymous: 'ok', 'dev-citizen': 'ok', 'dev-police-officer': 'ok', 'dev-gasr-supervisor': 'ok', 'dev-gasr-admin': 'ok', 'dev-platform-admin': 'ok' };
const PLATFORM_ONLY: Record<Role, Outcome> = { anonymous: 401, 'dev-citizen': 403, 'dev-police-officer': 403, 'dev-gasr-supervisor': 403, 'dev-gasr-admin': 403, 'dev-platform-admin': 'ok' };
// Only a person has an inbox; officials and administrators have none (and never see a citizen's).
const CITIZENS: Record<Role, Outcome> = { anonymous: 401, 'dev-citizen': 'ok', 'dev-police-officer': 403, 'dev-gasr-supervisor': 403, 'dev-gasr-admin': 403, 'dev-platform-admin': 403 };
const CITIZEN = 'УБ90051428';

interface RouteCase {
  name: string;
  method: 'GET' | 'POST';
  url: () => Promise<string> | string;
  form?: boolean;
  /** With the development sign-in on (as in development); `devLoginOff` is the production answer. */
  expect: Record<Role, Outcome>;
  devLoginOff?: Record<Role, Outcome>;
}

const failing: MessagingProvider = {
  name: 'failing',
  async deliver() {
    throw new Error('gateway down');
  },
};

/** Builds the route list against one app, whose fixtures each call creates afresh. */
function routes(app: () => TestApp): RouteCase[] {
  const deadLetter = async () => {
    // No retries: the first failure makes a dead letter at once.
    const messaging = createMessaging(app().ctx, { sms: failing }, { retryDelaysMs: [] });
    return messaging.send({ channel: 'sms', to: '99001122', lang: 'mn', body: 'matrix', purpose: 'test.matrix' });
  };
  const citizenMessage = async () => {
    await app().messaging.notify({ template: 'test.matrix', params: {}, purpose: 'test.matrix', recipient: { registerNumber: CITIZEN, lang: 'mn' }, channels: ['inApp'] });
    return (await app().messaging.inbox.list(CITIZEN, 1))[0]!.id;
  };
  return [
    { name: 'GET /:lang/dev/outbox', method: 'GET', url: () => '/en/dev/outbox', expect: PUBLIC, devLoginOff: PLATFORM_ONLY },
    { name: 'POST /:lang/messaging/outbox/:id/retry', method: 'POST', url: async () => `/en/messaging/outbox/${await deadLetter()}/retry`, form: true, expect: PUBLIC, devLoginOff: PLATFORM_ONLY },
    { name: 'GET /:lang/my/messages', method: 'GET', url: () => '/en/my/messages', expect: CITIZENS },
    { name: 'GET /:lang/my/messages/:id', method: 'GET', url: async () => `/en/my/messages/${await citizenMessage()}`, expect: CITIZENS },
    { name: 'POST /:lang/my/messages/read-all', method: 'POST', url: () => '/en/my/messages/read-all', form: true, expect: CITIZENS },
    { name: 'GET /api/v1/messages', method: 'GET', url: () => '/api/v1/messages', expect: CITIZENS },
    { name: 'GET /api/v1/messages/unread-count', method: 'GET', url: () => '/api/v1/messages/unread-count', expect: CITIZENS },
    { name: 'GET /api/v1/messages/:id', method: 'GET', url: async () => `/api/v1/messages/${await citizenMessage()}`, expect: CITIZENS },
    { name: 'POST /api/v1/messages/:id/read', method: 'POST', url: async () => `/api/v1/messages/${await citizenMessage()}/read`, expect: CITIZENS },
  ];
}

async function call(app: TestApp, route: RouteCase, role: Role) {
  const body = route.form ? form({}, app.csrf) : undefined;
  return app.as(role === 'anonymous' ? null : role, { method: route.method, url: await route.url(), ...(body ?? {}) });
}

function check(route: RouteCase, role: Role, expected: Outcome, response: { statusCode: number; body: string }) {
  const got = response.statusCode;
  if (expected === 'ok') assert.ok(got >= 200 && got < 400, `${route.name} as ${role}: expected success, got ${got} ${response.body.slice(0, 300)}`);
  else assert.equal(got, expected, `${route.name} as ${role}: expected ${expected}, got ${got}`);
}

for (const devLogin of [true, false]) {
  describe(`messaging authorization matrix (development sign-in ${devLogin ? 'on' : 'off'})`, () => {
    let app: TestApp;
    before(async () => {
      app = await testApp({ seed: false, devLogin });
      app.messaging.defineTemplates([{ id: 'test.matrix', inApp: { title: { mn: 'Гарчиг', en: 'Title' }, body: { mn: 'Мессеж', en: 'Message' } } }]);
    });
    after(async () => app.close());

    const ROUTES = routes(() => app);
    for (const route of ROUTES) {
      it(route.name, async () => {
        const expected = devLogin ? route.expect : (route.devLoginOff ?? route.expect);
        for (const role of ROLES) check(route, role, expected[role], await call(app, route, role));
      });
    }

    if (devLogin) {
      it('covers every messaging route', () => {
        const covered = new Set(ROUTES.map((route) => route.name));
        const ours = /^\/(api\/v1\/messages(\/|$)|en\/(dev\/outbox|messaging|my\/messages)(\/|$))/;
        const registered = app.routes.filter((route) => route.method !== 'HEAD' && ours.test(route.url));
        assert.ok(registered.length >= ROUTES.length, `found ${registered.length} routes`);
        for (const route of registered) {
          const name = `${route.method} ${route.url.replace(/^\/en/, '/:lang')}`;
          assert.ok(covered.has(name), `${name} is not in the matrix`);
        }
      });
    }
  });
}
