// The JSON API of a person's in-app messages: only their own, for the session's register number.
import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import { requireRole } from '../../kernel/auth.ts';
import { AppError } from '../../kernel/errors.ts';
import { inboxOwner } from './pages.ts';
import type { InboxMessage, Messaging } from './service.ts';

const Bilingual = Type.Object({ mn: Type.String(), en: Type.String() });
const InboxMessageSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  title: Bilingual,
  body: Bilingual,
  link: Type.Union([Type.String(), Type.Null()], { description: 'A portal page the message is about, without the language prefix' }),
  purpose: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  readAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });

function json(message: InboxMessage) {
  return { id: message.id, title: message.title, body: message.body, link: message.link, purpose: message.purpose, createdAt: message.createdAt, readAt: message.readAt };
}

export function messagingRoutes(app: FastifyInstance, messaging: Messaging): void {
  const citizen = requireRole('citizen');
  const tags = ['my messages'];

  app.get('/api/v1/messages', {
    schema: {
      tags,
      summary: 'My in-app messages, newest first',
      querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 100 })) }),
      response: { 200: Type.Object({ items: Type.Array(InboxMessageSchema), unread: Type.Integer() }) },
    },
    preHandler: citizen,
  }, async (request, reply) => {
    const owner = inboxOwner(request);
    const { limit } = request.query as { limit?: number };
    const [items, unread] = await Promise.all([messaging.inbox.list(owner, limit ?? 100), messaging.inbox.unreadCount(owner)]);
    reply.header('cache-control', 'private, no-store');
    return { items: items.map(json), unread };
  });

  app.get('/api/v1/messages/unread-count', {
    schema: { tags, summary: 'How many of my messages are unread', response: { 200: Type.Object({ unread: Type.Integer() }) } },
    preHandler: citizen,
  }, async (request, reply) => {
    reply.header('cache-control', 'private, no-store');
    return { unread: await messaging.inbox.unreadCount(inboxOwner(request)) };
  });

  app.get('/api/v1/messages/:id', {
    schema: { tags, summary: 'One of my messages (reading it here does not mark it read)', params: IdParams, response: { 200: InboxMessageSchema } },
    preHandler: citizen,
  }, async (request, reply) => {
    // Another person's message is a 404, as if it did not exist.
    const message = await messaging.inbox.find(inboxOwner(request), (request.params as { id: string }).id);
    if (!message) throw new AppError('MESSAGE_NOT_FOUND');
    reply.header('cache-control', 'private, no-store');
    return json(message);
  });

  app.post('/api/v1/messages/:id/read', {
    schema: { tags, summary: 'Mark one of my messages read', params: IdParams },
    preHandler: citizen,
  }, async (request, reply) => {
    await messaging.inbox.open(inboxOwner(request), (request.params as { id: string }).id);
    return reply.status(204).send();
  });
}
