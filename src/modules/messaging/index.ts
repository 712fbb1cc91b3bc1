// Messaging: SMS and e-mail to people, behind a provider interface. The development provider
// keeps messages in an outbox that a person can watch at /{lang}/dev/outbox; a real SMS gateway or
// mail server plugs in as another provider. Sending is a step that cannot be undone.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { AppContext, ModuleManifest } from '../../kernel/context.ts';
import { AppError } from '../../kernel/errors.ts';
import type { Lang, Messages } from '../../kernel/i18n.ts';
import { page } from '../../web/index.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const messages = (lang: string) => JSON.parse(readFileSync(path.join(here, 'locales', `${lang}.json`), 'utf8')) as Messages;

export const messagingManifest: ModuleManifest = {
  name: 'messaging',
  migrationsDir: path.join(here, 'migrations'),
  messages: { mn: messages('mn'), en: messages('en') },
};

export interface OutgoingMessage {
  channel: 'sms' | 'email';
  /** An 8-digit Mongolian mobile number, or an e-mail address. */
  to: string;
  lang: Lang;
  subject?: string;
  body: string;
  /** Why it is sent, for the outbox (e.g. "exchange.consent-code"). */
  purpose: string;
}

/** Delivers a message; throws when it could not. */
export interface MessagingProvider {
  readonly name: string;
  deliver(message: OutgoingMessage): Promise<void>;
}

export interface OutboxEntry {
  id: string;
  channel: string;
  recipient: string;
  lang: string;
  subject: string | null;
  body: string;
  purpose: string;
  provider: string;
  status: string;
  createdAt: string;
}

export interface Messaging {
  /** Sends a message now (cannot be undone) and keeps a copy in the outbox. */
  send(message: OutgoingMessage): Promise<string>;
  outbox(limit?: number): Promise<OutboxEntry[]>;
}

/** The development provider: delivers nothing, the outbox is where the message is read. */
export const developmentProvider: MessagingProvider = {
  name: 'development',
  async deliver() {},
};

export function createMessaging(ctx: AppContext, provider: MessagingProvider = developmentProvider): Messaging {
  return {
    async send(message) {
      const { rows } = await ctx.db.query<{ id: string }>(
        `INSERT INTO messaging.outbox (channel, recipient, lang, subject, body, purpose, provider, status) VALUES ($1, $2, $3, $4, $5, $6, $7, 'queued') RETURNING id`,
        [message.channel, message.to, message.lang, message.subject ?? null, message.body, message.purpose, provider.name],
      );
      const id = rows[0]!.id;
      try {
        await provider.deliver(message);
        await ctx.db.query(`UPDATE messaging.outbox SET status = 'sent', sent_at = now() WHERE id = $1`, [id]);
      } catch (error) {
        await ctx.db.query(`UPDATE messaging.outbox SET status = 'failed' WHERE id = $1`, [id]);
        throw error;
      }
      return id;
    },
    async outbox(limit = 100) {
      const { rows } = await ctx.db.query<{ id: string; channel: string; recipient: string; lang: string; subject: string | null; body: string; purpose: string; provider: string; status: string; created_at: Date }>(
        'SELECT id, channel, recipient, lang, subject, body, purpose, provider, status, created_at FROM messaging.outbox ORDER BY created_at DESC LIMIT $1',
        [limit],
      );
      return rows.map((row) => ({ id: row.id, channel: row.channel, recipient: row.recipient, lang: row.lang, subject: row.subject, body: row.body, purpose: row.purpose, provider: row.provider, status: row.status, createdAt: new Date(row.created_at).toISOString() }));
    },
  };
}

/** The outbox page: open in development (the dev sign-in is on) and to platform administrators. */
export async function registerMessaging(app: FastifyInstance, ctx: AppContext): Promise<Messaging> {
  const messaging = createMessaging(ctx);
  page(app, 'GET', '/dev/outbox', {}, async (request, reply) => {
    const admin = request.principal?.roles.includes('platform-admin') ?? false;
    if (!ctx.config.devLogin && !admin) throw new AppError(request.principal ? 'FORBIDDEN' : 'UNAUTHENTICATED');
    return reply.page('modules/messaging/views/outbox.njk', { entries: await messaging.outbox() }, { title: request.t('messaging.outbox.title') });
  });
  return messaging;
}
