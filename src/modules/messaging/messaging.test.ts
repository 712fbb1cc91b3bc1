// Messaging: templates in both languages, the outbox with retries and dead letters (driven with a
// fake clock, never by waiting), workers that never deliver a message twice, and the inbox.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { form, testApp, type TestApp } from '../../../test/helpers.ts';
import type { Principal } from '../../kernel/auth.ts';
import { AppError } from '../../kernel/errors.ts';
import { createMessaging, RETRY_DELAYS_MS, TemplateError, type MessageTemplate, type Messaging, type MessagingProvider, type OutgoingMessage } from './index.ts';

const CITIZEN = 'УБ90051428';
const OTHER_CITIZEN: Principal = { id: 'other-citizen', name: 'Б.Бат', kind: 'citizen', roles: ['citizen'], agencyId: null, registerNumber: 'УБ88010112' };

const STATUS_CHANGED: MessageTemplate = {
  id: 'test.status-changed',
  sms: { mn: 'Таны {service} өргөдөл {status} төлөвт орлоо. Дугаар: {number}', en: 'Your {service} application is now {status}. Number: {number}' },
  email: {
    subject: { mn: 'Өргөдөл {number}: {status}', en: 'Application {number}: {status}' },
    body: { mn: 'Сайн байна уу. Таны {service} өргөдөл {status} төлөвт орлоо.', en: 'Hello. Your {service} application is now {status}.' },
  },
  inApp: {
    title: { mn: 'Өргөдөл {number}: {status}', en: 'Application {number}: {status}' },
    body: { mn: 'Таны {service} өргөдөл {status} төлөвт орлоо.\n\nДэлгэрэнгүйг өргөдлийн хуудаснаас харна уу.', en: 'Your {service} application is now {status}.\n\nSee the application page for details.' },
  },
};
const PARAMS = { service: 'passport', status: 'approved', number: 42 };

/** A clock the test moves by hand. */
function fakeClock(start = Date.now()) {
  let at = start;
  return { now: () => new Date(at), advance: (ms: number) => void (at += ms) };
}

/** A provider that fails its first `failures` deliveries, then delivers; it counts per body. */
function flakyProvider(failures: number): MessagingProvider & { calls: number; delivered: OutgoingMessage[] } {
  const provider = {
    name: 'flaky',
    calls: 0,
    delivered: [] as OutgoingMessage[],
    async deliver(message: OutgoingMessage) {
      provider.calls += 1;
      if (provider.calls <= failures) throw new Error(`gateway unavailable (${provider.calls})`);
      provider.delivered.push(message);
    },
  };
  return provider;
}

async function outboxRow(app: TestApp, id: string) {
  const { rows } = await app.ctx.db.query<{ status: string; attempts: number; last_error: string | null; next_attempt_at: Date; provider: string }>(
    'SELECT status, attempts, last_error, next_attempt_at, provider FROM messaging.outbox WHERE id = $1', [id],
  );
  return rows[0]!;
}

describe('messaging', () => {
  let app: TestApp;

  before(async () => {
    app = await testApp({ seed: false });
    app.messaging.defineTemplates([STATUS_CHANGED]);
  });
  after(async () => app.close());
  // Workers claim whatever is due in the shared database: each test starts with nothing due.
  beforeEach(async () => {
    await app.ctx.db.query(`UPDATE messaging.outbox SET status = 'sent', locked_until = NULL WHERE status IN ('queued', 'sending')`);
  });

  /** A messaging service with its own providers and clock, beside the app's. */
  function service(providers: Parameters<typeof createMessaging>[1], options: Parameters<typeof createMessaging>[2] = {}): Messaging {
    const messaging = createMessaging(app.ctx, providers, options);
    messaging.defineTemplates([STATUS_CHANGED]);
    return messaging;
  }

  describe('templates', () => {
    it('renders every channel in Mongolian and in English', () => {
      assert.deepEqual(app.messaging.render('test.status-changed', 'sms', 'mn', PARAMS), { channel: 'sms', lang: 'mn', body: 'Таны passport өргөдөл approved төлөвт орлоо. Дугаар: 42' });
      assert.deepEqual(app.messaging.render('test.status-changed', 'sms', 'en', PARAMS), { channel: 'sms', lang: 'en', body: 'Your passport application is now approved. Number: 42' });
      const email = app.messaging.render('test.status-changed', 'email', 'en', PARAMS);
      assert.equal(email.subject, 'Application 42: approved');
      assert.equal(email.body, 'Hello. Your passport application is now approved.');
      const inApp = app.messaging.render('test.status-changed', 'inApp', 'mn', PARAMS);
      assert.equal(inApp.subject, 'Өргөдөл 42: approved');
    });

    it('refuses a missing parameter, an unknown one, an unknown template and a missing channel', () => {
      const code = (work: () => unknown) => {
        try {
          work();
        } catch (error) {
          assert.ok(error instanceof TemplateError, String(error));
          return error.code;
        }
        return 'no error';
      };
      assert.equal(code(() => app.messaging.render('test.status-changed', 'sms', 'mn', { service: 'passport', status: 'approved' })), 'TEMPLATE_PARAM_MISSING');
      assert.equal(code(() => app.messaging.render('test.status-changed', 'email', 'en', { ...PARAMS, nmuber: 42 })), 'TEMPLATE_PARAM_UNKNOWN');
      assert.equal(code(() => app.messaging.render('test.no-such', 'sms', 'mn', {})), 'TEMPLATE_UNKNOWN');
      app.messaging.defineTemplates([{ id: 'test.sms-only', sms: { mn: 'Код {code}', en: 'Code {code}' } }]);
      assert.equal(code(() => app.messaging.render('test.sms-only', 'email', 'en', { code: 1 })), 'TEMPLATE_CHANNEL_MISSING');
    });

    it('refuses a template whose languages use different placeholders, or an id defined twice', () => {
      assert.throws(() => app.messaging.defineTemplates([{ id: 'test.mismatch', sms: { mn: 'Сайн байна уу {name}', en: 'Hello {nmae}' } }]), (error: unknown) => error instanceof TemplateError && error.code === 'TEMPLATE_INVALID');
      assert.throws(() => app.messaging.defineTemplates([{ id: 'test.no-english', sms: { mn: 'Сайн байна уу', en: '' } }]), TemplateError);
      assert.throws(() => app.messaging.defineTemplates([STATUS_CHANGED]), /defined twice/);
    });
  });

  describe('notify', () => {
    it('queues one message per channel in the recipient’s language; the in-app one is in the inbox at once', async () => {
      const result = await app.messaging.notify({
        template: 'test.status-changed', params: PARAMS, purpose: 'test.notify',
        recipient: { registerNumber: CITIZEN, mobile: '99112233', email: 'saraa@example.mn', lang: 'en' },
        channels: ['sms', 'email', 'inApp'], link: '/my/applications/42',
      });
      assert.deepEqual(result.messages.map((message) => message.channel), ['sms', 'email', 'inApp']);
      assert.deepEqual(result.skipped, []);
      const rows = await Promise.all(result.messages.map(async (message) => ({ ...(await app.messaging.findOutboxEntry(message.id))! })));
      assert.deepEqual(rows.map((row) => [row.channel, row.recipient, row.status, row.lang]), [
        ['sms', '99112233', 'queued', 'en'],
        ['email', 'saraa@example.mn', 'queued', 'en'],
        ['inApp', CITIZEN, 'sent', 'en'],
      ]);
      assert.equal(rows[0]!.body, 'Your passport application is now approved. Number: 42');
      assert.equal(rows[1]!.subject, 'Application 42: approved');
      const [message] = await app.messaging.inbox.list(CITIZEN, 1);
      assert.equal(message?.title.en, 'Application 42: approved');
      assert.equal(message?.title.mn, 'Өргөдөл 42: approved');
      assert.equal(message?.link, '/my/applications/42');
      // The worker delivers the queued ones with the development providers.
      const run = await app.messaging.worker.runOnce();
      assert.equal(run.sent, 2);
      assert.equal((await app.messaging.findOutboxEntry(result.messages[1]!.id))?.provider, 'development-email');
    });

    it('leaves out channels the person has no address for, and refuses when none is left', async () => {
      const result = await app.messaging.notify({ template: 'test.status-changed', params: PARAMS, purpose: 'test.notify', recipient: { mobile: '99112233', lang: 'mn' }, channels: ['sms', 'email', 'inApp'] });
      assert.deepEqual(result.messages.map((message) => message.channel), ['sms']);
      assert.deepEqual(result.skipped, ['email', 'inApp']);
      await assert.rejects(
        app.messaging.notify({ template: 'test.status-changed', params: PARAMS, purpose: 'test.notify', recipient: { lang: 'mn' }, channels: ['email'] }),
        (error: unknown) => error instanceof AppError && error.code === 'MESSAGE_NO_RECIPIENT' && error.status === 400,
      );
      await assert.rejects(
        app.messaging.notify({ template: 'test.status-changed', params: PARAMS, purpose: 'test.notify', recipient: { mobile: '+976 9911', lang: 'mn' }, channels: ['sms'] }),
        (error: unknown) => error instanceof AppError && error.code === 'MESSAGE_ADDRESS_INVALID' && /8 оронтой/.test(error.text('mn')),
      );
    });

    it('writes nothing when a template cannot be rendered, or when the caller’s transaction rolls back', async () => {
      const before = (await app.messaging.outboxCounts()).queued + (await app.messaging.outboxCounts()).sent;
      await assert.rejects(
        app.messaging.notify({ template: 'test.status-changed', params: { service: 'x' }, purpose: 'test.notify', recipient: { registerNumber: CITIZEN, mobile: '99112233', lang: 'mn' }, channels: ['inApp', 'sms'] }),
        TemplateError,
      );
      await assert.rejects(app.ctx.db.transaction(async (tx) => {
        await app.messaging.notify({ template: 'test.status-changed', params: PARAMS, purpose: 'test.notify', recipient: { registerNumber: CITIZEN, mobile: '99112233', lang: 'mn' }, channels: ['inApp', 'sms'] }, tx);
        throw new Error('the status change failed');
      }), /status change failed/);
      const counts = await app.messaging.outboxCounts();
      assert.equal(counts.queued + counts.sent, before);
    });
  });

  describe('delivery with retries', () => {
    it('send() delivers at once and keeps the columns the login tests read', async () => {
      const id = await app.messaging.send({ channel: 'sms', to: '99001122', lang: 'mn', body: 'Таны код 123456', purpose: 'test.code' });
      const { rows } = await app.ctx.db.query<{ body: string; status: string; attempts: number; created_at: Date }>(
        `SELECT body, status, attempts, created_at FROM messaging.outbox WHERE recipient = $1 AND purpose = 'test.code' ORDER BY created_at DESC LIMIT 1`, ['99001122'],
      );
      assert.equal(rows[0]?.body, 'Таны код 123456');
      assert.equal(rows[0]?.status, 'sent');
      assert.equal(rows[0]?.attempts, 1);
      assert.equal((await app.messaging.outbox(1))[0]?.id, id);
    });

    it('send() keeps a failed message for the worker instead of losing it', async () => {
      const clock = fakeClock();
      const provider = flakyProvider(1);
      const messaging = service({ sms: provider }, { now: clock.now });
      const id = await messaging.send({ channel: 'sms', to: '99001122', lang: 'en', body: 'Your code is 654321', purpose: 'test.code' });
      const row = await outboxRow(app, id);
      assert.equal(row.status, 'queued');
      assert.equal(row.attempts, 1);
      assert.match(row.last_error ?? '', /gateway unavailable/);
      assert.equal(new Date(row.next_attempt_at).getTime(), clock.now().getTime() + RETRY_DELAYS_MS[0]!);
      clock.advance(RETRY_DELAYS_MS[0]!);
      assert.equal((await messaging.worker.runOnce()).sent, 1);
      assert.equal((await outboxRow(app, id)).status, 'sent');
    });

    it('a provider that fails twice then succeeds delivers on the third attempt', async () => {
      const clock = fakeClock();
      const provider = flakyProvider(2);
      const messaging = service({ sms: provider }, { now: clock.now });
      const { messages: [queued] } = await messaging.notify({ template: 'test.status-changed', params: PARAMS, purpose: 'test.retry', recipient: { mobile: '99112233', lang: 'mn' }, channels: ['sms'] });
      const id = queued!.id;

      assert.deepEqual(await messaging.worker.runOnce(), { claimed: 1, sent: 0, retried: 1, dead: 0 });
      assert.equal((await outboxRow(app, id)).attempts, 1);
      // Not due yet: nothing is claimed until the first delay has passed.
      clock.advance(RETRY_DELAYS_MS[0]! - 1000);
      assert.equal((await messaging.worker.runOnce()).claimed, 0);
      clock.advance(1000);
      assert.deepEqual(await messaging.worker.runOnce(), { claimed: 1, sent: 0, retried: 1, dead: 0 });
      const second = await outboxRow(app, id);
      assert.equal(second.attempts, 2);
      assert.equal(new Date(second.next_attempt_at).getTime(), clock.now().getTime() + RETRY_DELAYS_MS[1]!);
      clock.advance(RETRY_DELAYS_MS[1]!);
      assert.deepEqual(await messaging.worker.runOnce(), { claimed: 1, sent: 1, retried: 0, dead: 0 });

      const done = await outboxRow(app, id);
      assert.equal(done.status, 'sent');
      assert.equal(done.attempts, 3);
      assert.equal(done.last_error, null);
      assert.equal(provider.calls, 3);
      assert.equal(provider.delivered.length, 1);
      assert.equal(provider.delivered[0]?.body, 'Таны passport өргөдөл approved төлөвт орлоо. Дугаар: 42');
    });

    it('a provider that always fails makes a dead letter after the last attempt; "retry now" queues it again', async () => {
      const clock = fakeClock();
      const provider = flakyProvider(Number.POSITIVE_INFINITY);
      const messaging = service({ email: provider }, { now: clock.now });
      const { messages: [queued] } = await messaging.notify({ template: 'test.status-changed', params: PARAMS, purpose: 'test.dead', recipient: { email: 'saraa@example.mn', lang: 'en' }, channels: ['email'] });
      const id = queued!.id;

      for (const delay of RETRY_DELAYS_MS) {
        assert.equal((await messaging.worker.runOnce()).retried, 1);
        clock.advance(delay);
      }
      assert.deepEqual(await messaging.worker.runOnce(), { claimed: 1, sent: 0, retried: 0, dead: 1 });
      const dead = await messaging.findOutboxEntry(id);
      assert.equal(dead?.status, 'dead');
      assert.equal(dead?.attempts, RETRY_DELAYS_MS.length + 1);
      assert.match(dead?.lastError ?? '', /gateway unavailable \(6\)/);
      // A dead letter is not tried again by the worker, however long one waits.
      clock.advance(24 * 3600_000);
      assert.equal((await messaging.worker.runOnce()).claimed, 0);
      assert.ok((await messaging.outbox(50, 'dead')).some((entry) => entry.id === id));

      // Retry now: queued again with a fresh series of attempts; this one attempt fails too.
      const retried = await messaging.retryNow(id, null);
      assert.equal(retried.status, 'queued');
      assert.equal(retried.attempts, 1);
      assert.equal(provider.calls, RETRY_DELAYS_MS.length + 2);
      await assert.rejects(messaging.retryNow(id, null), (error: unknown) => error instanceof AppError && error.code === 'MESSAGE_NOT_DEAD' && error.status === 409);
      await assert.rejects(messaging.retryNow('not-a-message', null), (error: unknown) => error instanceof AppError && error.code === 'MESSAGE_NOT_FOUND');
    });

    it('the outbox page shows status, attempts and last error, lists dead letters and sends one again', async () => {
      const failing = service({ sms: flakyProvider(Number.POSITIVE_INFINITY) }, { retryDelaysMs: [] });
      const id = await failing.send({ channel: 'sms', to: '99887766', lang: 'en', body: 'Dead letter body 777', purpose: 'test.dead-page' });
      assert.equal((await failing.findOutboxEntry(id))?.status, 'dead');

      const page = await app.as('dev-platform-admin', { method: 'GET', url: '/en/dev/outbox?status=dead' });
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Dead letter body 777/);
      assert.match(page.body, /gateway unavailable/);
      assert.match(page.body, new RegExp(`action="/en/messaging/outbox/${id}/retry"`));
      assert.match(page.body, /Retry now/);
      const all = await app.as('dev-platform-admin', { method: 'GET', url: '/mn/dev/outbox' });
      assert.match(all.body, /Dead letter body 777/);
      assert.match(all.body, /Хүргэгдээгүй/);
      assert.equal((await app.as('dev-platform-admin', { method: 'GET', url: '/en/dev/outbox?status=lost' })).statusCode, 400);

      // Without the form token the retry is refused.
      const forged = await app.as('dev-platform-admin', { method: 'POST', url: `/en/messaging/outbox/${id}/retry`, ...form({}) });
      assert.equal(forged.statusCode, 403);
      const retried = await app.as('dev-platform-admin', { method: 'POST', url: `/en/messaging/outbox/${id}/retry`, ...form({}, app.csrf) });
      assert.equal(retried.statusCode, 303);
      assert.equal(retried.headers.location, `/en/dev/outbox?retried=${id}`);
      // The app's development provider delivers it at once.
      assert.equal((await app.messaging.findOutboxEntry(id))?.status, 'sent');
      const audit = await app.ctx.audit.forSubject('message', id);
      assert.equal(audit[0]?.action, 'messaging.retry');
      assert.equal(audit[0]?.actorId, 'dev-platform-admin');
      const again = await app.as('dev-platform-admin', { method: 'POST', url: `/en/messaging/outbox/${id}/retry`, ...form({}, app.csrf) });
      assert.equal(again.statusCode, 409);
      const missing = await app.as('dev-platform-admin', { method: 'POST', url: '/en/messaging/outbox/00000000-0000-4000-8000-000000000000/retry', ...form({}, app.csrf) });
      assert.equal(missing.statusCode, 404);
    });

    it('two workers running at once deliver each message once', async () => {
      const deliveries = new Map<string, number>();
      const counting = (name: string): MessagingProvider => ({
        name,
        async deliver(message) {
          // Yield, so the two workers' batches really interleave.
          await new Promise((resolve) => setImmediate(resolve));
          deliveries.set(message.body, (deliveries.get(message.body) ?? 0) + 1);
        },
      });
      const first = service({ sms: counting('first') }, { batchSize: 7 });
      const second = service({ sms: counting('second') }, { batchSize: 7 });
      const total = 40;
      for (let n = 0; n < total; n += 1) {
        await first.notify({ template: 'test.status-changed', params: { ...PARAMS, number: 1000 + n }, purpose: 'test.race', recipient: { mobile: '99112233', lang: 'en' }, channels: ['sms'] });
      }
      let claimed = 0;
      for (;;) {
        const runs = await Promise.all([first.worker.runOnce(), second.worker.runOnce(), first.worker.runOnce(), second.worker.runOnce()]);
        const round = runs.reduce((sum, run) => sum + run.claimed, 0);
        if (round === 0) break;
        claimed += round;
      }
      assert.equal(claimed, total);
      assert.equal(deliveries.size, total);
      assert.ok([...deliveries.values()].every((count) => count === 1), JSON.stringify([...deliveries]));
    });

    it('a message whose worker died mid-delivery is taken over when its lease runs out', async () => {
      const clock = fakeClock();
      const provider = flakyProvider(0);
      const messaging = service({ sms: provider }, { now: clock.now, leaseMs: 60_000 });
      const { messages: [queued] } = await messaging.notify({ template: 'test.status-changed', params: PARAMS, purpose: 'test.lease', recipient: { mobile: '99112233', lang: 'en' }, channels: ['sms'] });
      // As if a worker had claimed it and then died.
      await app.ctx.db.query(`UPDATE messaging.outbox SET status = 'sending', attempts = 1, locked_until = $2 WHERE id = $1`, [queued!.id, new Date(clock.now().getTime() + 60_000)]);
      assert.equal((await messaging.worker.runOnce()).claimed, 0);
      clock.advance(60_000);
      assert.equal((await messaging.worker.runOnce()).sent, 1);
      assert.equal((await outboxRow(app, queued!.id)).attempts, 2);
    });

    it('the worker runs on a timer that stops', async () => {
      const messaging = service({});
      assert.equal(app.messaging.worker.running, false, 'tests drive the worker themselves');
      messaging.worker.start(60_000);
      assert.equal(messaging.worker.running, true);
      await messaging.worker.stop();
      assert.equal(messaging.worker.running, false);
    });
  });

  describe('the inbox', () => {
    let mine: string;

    before(async () => {
      await app.messaging.notify({ template: 'test.status-changed', params: { ...PARAMS, number: 7 }, purpose: 'test.inbox', recipient: { registerNumber: CITIZEN, lang: 'mn' }, channels: ['inApp'], link: '/my/applications/7' });
      await app.messaging.notify({ template: 'test.status-changed', params: { ...PARAMS, number: 8 }, purpose: 'test.inbox', recipient: { registerNumber: CITIZEN, lang: 'mn' }, channels: ['inApp'] });
      await app.messaging.notify({ template: 'test.status-changed', params: { ...PARAMS, number: 9 }, purpose: 'test.inbox', recipient: { registerNumber: OTHER_CITIZEN.registerNumber!, lang: 'en' }, channels: ['inApp'] });
      await app.messaging.inbox.markAllRead(CITIZEN);
      const { messages: [message] } = await app.messaging.notify({ template: 'test.status-changed', params: { ...PARAMS, number: 10 }, purpose: 'test.inbox', recipient: { registerNumber: CITIZEN, lang: 'mn' }, channels: ['inApp'], link: '/my/applications/10' });
      mine = (await app.messaging.inbox.list(CITIZEN, 1))[0]!.id;
      assert.ok(message);
    });

    it('lists the person’s messages newest first, unread marked, in the page’s language', async () => {
      const page = await app.as('dev-citizen', { method: 'GET', url: '/en/my/messages' });
      assert.equal(page.statusCode, 200);
      const order = ['Application 10', 'Application 8', 'Application 7'].map((title) => page.body.indexOf(title));
      assert.ok(order.every((at) => at > 0) && order[0]! < order[1]! && order[1]! < order[2]!, String(order));
      assert.doesNotMatch(page.body, /Application 9/);
      assert.match(page.body, /You have 1 unread message\./);
      assert.match(page.body, /govuk-tag--blue">New</);
      assert.match(page.body, /action="\/en\/my\/messages\/read-all"/);
      const mn = await app.as('dev-citizen', { method: 'GET', url: '/mn/my/messages' });
      assert.match(mn.body, /Өргөдөл 10: approved/);
      assert.match(mn.body, /Шинэ/);

      const api = await app.as('dev-citizen', { method: 'GET', url: '/api/v1/messages' });
      assert.equal(api.statusCode, 200);
      const body = api.json<{ items: { id: string; title: { en: string }; readAt: string | null }[]; unread: number }>();
      assert.equal(body.unread, 1);
      assert.deepEqual(body.items.slice(0, 3).map((item) => item.title.en), ['Application 10: approved', 'Application 8: approved', 'Application 7: approved']);
      assert.equal(body.items[0]?.readAt, null);
    });

    it('opening a message marks it read', async () => {
      const count = async () => (await app.as('dev-citizen', { method: 'GET', url: '/api/v1/messages/unread-count' })).json<{ unread: number }>().unread;
      assert.equal(await count(), 1);
      // The API's read does not change it.
      assert.equal((await app.as('dev-citizen', { method: 'GET', url: `/api/v1/messages/${mine}` })).json<{ readAt: string | null }>().readAt, null);
      const opened = await app.as('dev-citizen', { method: 'GET', url: `/en/my/messages/${mine}` });
      assert.equal(opened.statusCode, 200);
      assert.match(opened.body, /Application 10: approved/);
      assert.match(opened.body, /<p class="govuk-body">See the application page for details\.<\/p>/);
      assert.match(opened.body, /href="\/en\/my\/applications\/10"/);
      assert.equal(await count(), 0);
      const list = await app.as('dev-citizen', { method: 'GET', url: '/en/my/messages' });
      assert.doesNotMatch(list.body, /govuk-tag--blue">New</);
      assert.doesNotMatch(list.body, /read-all/);
    });

    it('marks all read with a form, and through the API one at a time', async () => {
      await app.messaging.notify({ template: 'test.status-changed', params: { ...PARAMS, number: 11 }, purpose: 'test.inbox', recipient: { registerNumber: CITIZEN, lang: 'mn' }, channels: ['inApp'] });
      await app.messaging.notify({ template: 'test.status-changed', params: { ...PARAMS, number: 12 }, purpose: 'test.inbox', recipient: { registerNumber: CITIZEN, lang: 'mn' }, channels: ['inApp'] });
      assert.equal(await app.messaging.inbox.unreadCount(CITIZEN), 2);
      const [newest] = await app.messaging.inbox.list(CITIZEN, 1);
      assert.equal((await app.as('dev-citizen', { method: 'POST', url: `/api/v1/messages/${newest!.id}/read` })).statusCode, 204);
      assert.equal(await app.messaging.inbox.unreadCount(CITIZEN), 1);
      const done = await app.as('dev-citizen', { method: 'POST', url: '/en/my/messages/read-all', ...form({}, app.csrf) });
      assert.equal(done.statusCode, 303);
      assert.equal(done.headers.location, '/en/my/messages');
      assert.equal(await app.messaging.inbox.unreadCount(CITIZEN), 0);
    });

    it('never shows a person another person’s message: 404, not 403', async () => {
      for (const url of [`/en/my/messages/${mine}`, `/api/v1/messages/${mine}`, '/en/my/messages/not-a-uuid', '/api/v1/messages/00000000-0000-4000-8000-000000000000']) {
        const response = await app.as(OTHER_CITIZEN, { method: 'GET', url });
        assert.equal(response.statusCode, 404, `${url}: ${response.statusCode}`);
      }
      assert.equal((await app.as(OTHER_CITIZEN, { method: 'POST', url: `/api/v1/messages/${mine}/read` })).statusCode, 404);
      const theirs = (await app.as(OTHER_CITIZEN, { method: 'GET', url: '/api/v1/messages' })).json<{ items: { id: string; title: { en: string } }[] }>();
      assert.deepEqual(theirs.items.map((item) => item.title.en), ['Application 9: approved']);
      const problem = (await app.as(OTHER_CITIZEN, { method: 'GET', url: `/api/v1/messages/${mine}?lang=mn` })).json<{ code: string; detail: string }>();
      assert.equal(problem.code, 'MESSAGE_NOT_FOUND');
      assert.equal(problem.detail, 'Ийм мессеж олдсонгүй.');
    });
  });
});
