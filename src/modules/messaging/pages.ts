// Pages: the outbox for operators (every message, its status and attempts, dead letters with a
// "retry now" button) and a citizen's inbox. Plain links and form posts; no JavaScript needed.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { guard, hasRole, requireRole } from '../../kernel/auth.ts';
import type { AppContext } from '../../kernel/context.ts';
import { AppError } from '../../kernel/errors.ts';
import { page } from '../../web/index.ts';
import type { Messaging, OutboxEntry } from './service.ts';
import { OUTBOX_STATUSES } from './store.ts';

const OUTBOX_VIEW = 'modules/messaging/views/outbox.njk';
const INBOX_VIEW = 'modules/messaging/views/inbox.njk';
const MESSAGE_VIEW = 'modules/messaging/views/message.njk';

/** The outbox shows people's numbers and codes: open in development, otherwise to platform administrators. */
export function outboxGuard(ctx: AppContext) {
  return guard((request) => {
    if (ctx.config.devLogin || hasRole(request.principal, ['platform-admin'])) return;
    throw new AppError(request.principal ? 'FORBIDDEN' : 'UNAUTHENTICATED');
  }, 'platform-admin (anyone in development)');
}

/** The register number whose inbox this session reads: a citizen's own, or whom they act for. */
export function inboxOwner(request: FastifyRequest): string {
  const registerNumber = request.principal?.registerNumber;
  if (!registerNumber) throw new AppError('FORBIDDEN');
  return registerNumber;
}

/** A retry waiting for its time reads differently from a message never tried. */
function statusKey(entry: OutboxEntry): string {
  return entry.status === 'queued' && entry.attempts > 0 ? 'retrying' : entry.status;
}

export function messagingPages(app: FastifyInstance, ctx: AppContext, messaging: Messaging): void {
  const operators = outboxGuard(ctx);
  const citizen = requireRole('citizen');

  page(app, 'GET', '/dev/outbox', {
    preHandler: operators,
    schema: {
      querystring: {
        type: 'object',
        properties: { status: { type: 'string', enum: [...OUTBOX_STATUSES] }, retried: { type: 'string', maxLength: 64 } },
      },
    },
  }, async (request, reply) => {
    const query = request.query as { status?: (typeof OUTBOX_STATUSES)[number]; retried?: string };
    const [entries, counts] = await Promise.all([messaging.outbox(200, query.status), messaging.outboxCounts()]);
    return reply.page(
      OUTBOX_VIEW,
      { entries: entries.map((entry) => ({ ...entry, statusKey: statusKey(entry) })), counts, status: query.status ?? '', retried: Boolean(query.retried) },
      { title: request.t('messaging.outbox.title') },
    );
  });

  // Sending again cannot be undone: if an earlier attempt did reach the person, they get it twice.
  page(app, 'POST', '/messaging/outbox/:id/retry', { preHandler: operators }, async (request, reply) => {
    const { id } = request.params as { id: string };
    await messaging.retryNow(id, request.principal, request.id);
    return reply.redirect(`/${request.lang}/dev/outbox?retried=${encodeURIComponent(id)}`, 303);
  });

  page(app, 'GET', '/my/messages', { preHandler: citizen }, async (request, reply) => {
    const owner = inboxOwner(request);
    const [messages, unread] = await Promise.all([messaging.inbox.list(owner), messaging.inbox.unreadCount(owner)]);
    reply.header('cache-control', 'private, no-store');
    return reply.page(INBOX_VIEW, { messages, unread }, { title: request.t('messaging.inbox.title') });
  });

  // Opening a message marks it read, as in any mail reader; a link is all it takes.
  page(app, 'GET', '/my/messages/:id', { preHandler: citizen }, async (request, reply) => {
    const owner = inboxOwner(request);
    const message = await messaging.inbox.open(owner, (request.params as { id: string }).id);
    const paragraphs = message.body[request.lang].split(/\n\s*\n/).map((text) => text.trim()).filter(Boolean);
    reply.header('cache-control', 'private, no-store');
    return reply.page(MESSAGE_VIEW, { message, paragraphs }, { title: message.title[request.lang] });
  });

  page(app, 'POST', '/my/messages/read-all', { preHandler: citizen }, async (request, reply) => {
    await messaging.inbox.markAllRead(inboxOwner(request));
    return reply.redirect(`/${request.lang}/my/messages`, 303);
  });
}
