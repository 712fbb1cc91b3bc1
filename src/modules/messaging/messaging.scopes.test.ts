// Authorization matrix: every messaging route called as every role, including those that must be
// refused. "ok" means the request was allowed (2xx or a redirect after a form post).
import { after, before, describe } from 'node:test';
import { form, testApp, type TestApp } from '../../../test/helpers.ts';
import { CITIZEN_ONLY, PLATFORM_ONLY, PUBLIC, coverageTest, matrixTests, type Expectation, type RouteCase } from '../../../test/matrix.ts';
import { createMessaging, type MessagingProvider } from './index.ts';

// Only a person has an inbox; officials and administrators have none (and never see a citizen's).
const CITIZENS = CITIZEN_ONLY;
const CITIZEN = 'УБ90051428';

/** A row whose `expect` holds with the development sign-in on (as in development); `devLoginOff` is the production answer. */
interface MessagingRoute extends RouteCase {
  devLoginOff?: Expectation;
}

const failing: MessagingProvider = {
  name: 'failing',
  async deliver() {
    throw new Error('gateway down');
  },
};

/** Builds the route list against one app, whose fixtures each call creates afresh. */
function routes(app: () => TestApp): MessagingRoute[] {
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
    { name: 'POST /:lang/messaging/outbox/:id/retry', method: 'POST', url: async () => `/en/messaging/outbox/${await deadLetter()}/retry`, body: () => form({}, app().csrf), expect: PUBLIC, devLoginOff: PLATFORM_ONLY },
    { name: 'GET /:lang/my/messages', method: 'GET', url: () => '/en/my/messages', expect: CITIZENS },
    { name: 'GET /:lang/my/messages/:id', method: 'GET', url: async () => `/en/my/messages/${await citizenMessage()}`, expect: CITIZENS },
    { name: 'POST /:lang/my/messages/read-all', method: 'POST', url: () => '/en/my/messages/read-all', body: () => form({}, app().csrf), expect: CITIZENS },
    { name: 'GET /api/v1/messages', method: 'GET', url: () => '/api/v1/messages', expect: CITIZENS },
    { name: 'GET /api/v1/messages/unread-count', method: 'GET', url: () => '/api/v1/messages/unread-count', expect: CITIZENS },
    { name: 'GET /api/v1/messages/:id', method: 'GET', url: async () => `/api/v1/messages/${await citizenMessage()}`, expect: CITIZENS },
    { name: 'POST /api/v1/messages/:id/read', method: 'POST', url: async () => `/api/v1/messages/${await citizenMessage()}/read`, expect: CITIZENS },
  ];
}

for (const devLogin of [true, false]) {
  describe(`messaging authorization matrix (development sign-in ${devLogin ? 'on' : 'off'})`, () => {
    let app: TestApp;
    before(async () => {
      app = await testApp({ seed: false, devLogin });
      app.messaging.defineTemplates([{ id: 'test.matrix', inApp: { title: { mn: 'Гарчиг', en: 'Title' }, body: { mn: 'Мессеж', en: 'Message' } } }]);
    });
    after(async () => app.close());

    const ROUTES = routes(() => app).map((route) => ({ ...route, expect: devLogin ? route.expect : (route.devLoginOff ?? route.expect) }));
    matrixTests(() => app, ROUTES);
    const ours = /^\/(api\/v1\/messages(\/|$)|en\/(dev\/outbox|messaging|my\/messages)(\/|$))/;
    if (devLogin) coverageTest('messaging', () => app, ROUTES, (url) => ours.test(url), { atLeast: ROUTES.length });
  });
}
