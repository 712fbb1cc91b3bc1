// Messaging: SMS, e-mail and in-app messages to people, from bilingual templates, behind a provider
// interface per channel. Every SMS and e-mail passes through the outbox and is retried until it is
// delivered or becomes a dead letter. The development providers deliver nothing: the outbox page
// at /{lang}/dev/outbox is where the messages are read. Sending is a step that cannot be undone.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { AppContext, ModuleManifest } from '../../kernel/context.ts';
import type { Messages } from '../../kernel/i18n.ts';
import { messagingPages } from './pages.ts';
import { messagingRoutes } from './routes.ts';
import { createMessaging, type Messaging, type MessagingOptions, type MessagingProviders } from './service.ts';

export {
  RETRY_DELAYS_MS,
  createMessaging,
  developmentEmailProvider,
  developmentProvider,
  type DeliveryWorker,
  type Inbox,
  type InboxMessage,
  type InboxMessageId,
  type MessageId,
  type Messaging,
  type MessagingOptions,
  type MessagingProvider,
  type MessagingProviders,
  type Notification,
  type NotifyResult,
  type OutboxEntry,
  type OutgoingMessage,
  type Recipient,
  type WorkerRun,
} from './service.ts';
export type { OutboxStatus } from './store.ts';
export { CHANNELS, TemplateError, type Bilingual, type Channel, type MessageTemplate, type RenderedMessage, type TemplateErrorCode, type TemplateParams } from './templates.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const messages = (lang: string) => JSON.parse(readFileSync(path.join(here, 'locales', `${lang}.json`), 'utf8')) as Messages;

export const messagingManifest: ModuleManifest = {
  name: 'messaging',
  migrationsDir: path.join(here, 'migrations'),
  messages: { mn: messages('mn'), en: messages('en') },
};

export interface RegisterMessagingOptions extends MessagingOptions {
  providers?: MessagingProviders;
  /** Run the delivery worker in this process; on by default except in tests, which call runOnce(). */
  worker?: boolean;
  /** How often the worker looks for due messages. */
  workerIntervalMs?: number;
}

/** Registers the outbox and inbox pages and the inbox API, and starts the delivery worker. */
export async function registerMessaging(app: FastifyInstance, ctx: AppContext, options: RegisterMessagingOptions = {}): Promise<Messaging> {
  const { providers, worker, workerIntervalMs, ...serviceOptions } = options;
  const messaging = createMessaging(ctx, providers, serviceOptions);
  messagingPages(app, ctx, messaging);
  messagingRoutes(app, messaging);
  if (worker ?? ctx.config.env !== 'test') {
    // Every process runs a worker; SKIP LOCKED keeps them from delivering one message twice.
    app.addHook('onReady', async () => messaging.worker.start(workerIntervalMs));
  }
  // Stopped before the database closes, so no batch is cut off half-written.
  app.addHook('onClose', async () => messaging.worker.stop());
  return messaging;
}
