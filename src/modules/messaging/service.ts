// Messaging: messages to people by SMS, e-mail and in the portal's inbox. Every SMS and e-mail goes
// through the outbox: it is written there first and then delivered by a provider, at once for
// send() and by the delivery worker otherwise; a failed delivery is retried with growing delays and
// becomes a dead letter after the last attempt. Delivering is the step that cannot be undone: once
// a provider has accepted a message, the person may have read it.
import type { Principal } from '../../kernel/auth.ts';
import type { AppContext } from '../../kernel/context.ts';
import type { Queryable } from '../../kernel/db.ts';
import { AppError } from '../../kernel/errors.ts';
import type { Lang } from '../../kernel/i18n.ts';
import type { Brand } from '../../kernel/ids.ts';
import { isUuid, uuidv7 } from '../../kernel/ids.ts';
import * as store from './store.ts';
import type { InboxRow, OutboxRow, OutboxStatus } from './store.ts';
import { TemplateRegistry, renderTemplate, type Channel, type MessageTemplate, type RenderedMessage, type TemplateParams } from './templates.ts';

export type MessageId = Brand<string, 'MessageId'>;
export type InboxMessageId = Brand<string, 'InboxMessageId'>;

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

/** The providers per channel; a channel without one uses its development provider. */
export interface MessagingProviders {
  sms?: MessagingProvider;
  email?: MessagingProvider;
}

/** The development SMS provider: delivers nothing, the outbox is where the message is read. */
export const developmentProvider: MessagingProvider = {
  name: 'development',
  async deliver() {},
};

/** The development e-mail provider: delivers nothing either; the outbox page shows the e-mail. */
export const developmentEmailProvider: MessagingProvider = {
  name: 'development-email',
  async deliver() {},
};

/** The inbox is our own table: an in-app message is delivered when it is written. */
const INBOX_PROVIDER = 'inbox';

export interface OutboxEntry {
  id: MessageId;
  channel: Channel;
  recipient: string;
  lang: Lang;
  subject: string | null;
  body: string;
  purpose: string;
  template: string | null;
  provider: string;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  deadAt: string | null;
  createdAt: string;
  sentAt: string | null;
}

export interface Recipient {
  /** The person's register number: where in-app messages go. */
  registerNumber?: string;
  mobile?: string;
  email?: string;
  /** The language the SMS and e-mail are written in. */
  lang: Lang;
}

export interface Notification {
  template: string;
  params: TemplateParams;
  recipient: Recipient;
  channels: Channel[];
  /** Why it is sent, for the outbox (e.g. "applications.status-changed"). */
  purpose: string;
  /** A portal page the in-app message links to, without the language prefix: "/my/applications/42". */
  link?: string;
}

export interface NotifyResult {
  /** One message per channel that had an address. */
  messages: { channel: Channel; id: MessageId }[];
  /** Channels left out because the recipient has no address for them. */
  skipped: Channel[];
}

export interface InboxMessage {
  id: InboxMessageId;
  title: Record<Lang, string>;
  body: Record<Lang, string>;
  link: string | null;
  purpose: string;
  template: string | null;
  createdAt: string;
  readAt: string | null;
}

export interface Inbox {
  /** A person's in-app messages, newest first. */
  list(registerNumber: string, limit?: number): Promise<InboxMessage[]>;
  unreadCount(registerNumber: string): Promise<number>;
  /** One of the person's messages; undefined for another person's (or no such) message. */
  find(registerNumber: string, id: string): Promise<InboxMessage | undefined>;
  /** Opens one of the person's messages, marking it read; MESSAGE_NOT_FOUND for anyone else's. */
  open(registerNumber: string, id: string): Promise<InboxMessage>;
  /** Marks all the person's messages read; answers how many were unread. */
  markAllRead(registerNumber: string): Promise<number>;
}

export interface WorkerRun {
  claimed: number;
  sent: number;
  retried: number;
  dead: number;
}

/** Delivers what is due in the outbox. Runs on a timer in the process; tests call runOnce(). */
export interface DeliveryWorker {
  /** Claims and delivers one batch of due messages. */
  runOnce(): Promise<WorkerRun>;
  /** Runs on a timer that does not keep the process alive. */
  start(intervalMs?: number): void;
  /** Stops the timer and waits for a batch under way. */
  stop(): Promise<void>;
  readonly running: boolean;
}

export interface Messaging {
  /**
   * Writes the message to the outbox and delivers it now (cannot be undone). A failed delivery is
   * left in the outbox for the worker to retry, not thrown: the message is not lost.
   */
  send(message: OutgoingMessage): Promise<MessageId>;
  /**
   * Renders a template in the recipient's language and queues one message per channel (in-app ones
   * are in the inbox at once). Pass the caller's transaction to queue them only if it commits.
   */
  notify(notification: Notification, tx?: Queryable): Promise<NotifyResult>;
  /** Adds templates (at start, from each module's code). */
  defineTemplates(templates: MessageTemplate[]): void;
  /** Renders a template for one channel and language; throws TemplateError for a bad call. */
  render(templateId: string, channel: Channel, lang: Lang, params: TemplateParams): RenderedMessage;
  /** The newest messages in the outbox, optionally only those with one status. */
  outbox(limit?: number, status?: OutboxStatus): Promise<OutboxEntry[]>;
  /** How many messages the outbox holds per status. */
  outboxCounts(): Promise<Record<OutboxStatus, number>>;
  findOutboxEntry(id: string): Promise<OutboxEntry | undefined>;
  /** Puts a dead letter back in the queue and tries it at once (delivery cannot be undone). */
  retryNow(id: string, actor: Principal | null, requestId?: string): Promise<OutboxEntry>;
  inbox: Inbox;
  worker: DeliveryWorker;
}

export interface MessagingOptions {
  /** The clock; tests pass a fake one to drive retries without waiting. */
  now?: () => Date;
  /** Delay before each retry; after the last one the next failure makes a dead letter. */
  retryDelaysMs?: number[];
  /** How long a claimed message belongs to its worker before another may take it. */
  leaseMs?: number;
  /** Messages claimed per worker run. */
  batchSize?: number;
}

/** 30 s, 2 min, 10 min, 1 h, 6 h: six attempts in about seven hours. */
export const RETRY_DELAYS_MS = [30_000, 120_000, 600_000, 3_600_000, 21_600_000];
const DEFAULT_INTERVAL_MS = 5_000;
const MOBILE = /^[0-9]{8}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function iso(value: Date | string | null): string | null {
  return value === null ? null : new Date(value).toISOString();
}

function toEntry(row: OutboxRow): OutboxEntry {
  return {
    id: row.id as MessageId,
    channel: row.channel,
    recipient: row.recipient,
    lang: row.lang,
    subject: row.subject,
    body: row.body,
    purpose: row.purpose,
    template: row.template,
    provider: row.provider,
    status: row.status,
    attempts: Number(row.attempts),
    nextAttemptAt: row.status === 'queued' ? iso(row.next_attempt_at) : null,
    lastError: row.last_error,
    deadAt: iso(row.dead_at),
    createdAt: new Date(row.created_at).toISOString(),
    sentAt: iso(row.sent_at),
  };
}

function toInboxMessage(row: InboxRow): InboxMessage {
  return {
    id: row.id as InboxMessageId,
    title: { mn: row.title_mn, en: row.title_en },
    body: { mn: row.body_mn, en: row.body_en },
    link: row.link,
    purpose: row.purpose,
    template: row.template,
    createdAt: new Date(row.created_at).toISOString(),
    readAt: iso(row.read_at),
  };
}

/** A provider's error text, short; kept for operators, never logged (it may name the recipient). */
function errorSummary(error: unknown): string {
  const text = error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}` : String(error);
  return text.slice(0, 500) || 'delivery failed';
}

function checkAddress(channel: 'sms' | 'email', address: string): void {
  if (!(channel === 'sms' ? MOBILE : EMAIL).test(address) || address.length > 254) {
    throw new AppError('MESSAGE_ADDRESS_INVALID', { channel: channel === 'sms' ? 'SMS' : 'e-mail' });
  }
}

/** Creates the messaging service; the providers are chosen per channel. */
export function createMessaging(ctx: AppContext, providers: MessagingProviders = {}, options: MessagingOptions = {}): Messaging {
  const now = options.now ?? (() => new Date());
  const delays = options.retryDelaysMs ?? RETRY_DELAYS_MS;
  const maxAttempts = delays.length + 1;
  const leaseMs = options.leaseMs ?? 5 * 60_000;
  const batchSize = options.batchSize ?? 20;
  const templates = new TemplateRegistry();
  const providerFor = (channel: 'sms' | 'email'): MessagingProvider =>
    channel === 'sms' ? (providers.sms ?? developmentProvider) : (providers.email ?? developmentEmailProvider);
  const later = (from: Date, ms: number) => new Date(from.getTime() + ms);
  const deliveries = ctx.metrics.counter('messaging_deliveries_total', 'Delivery attempts of SMS and e-mail by outcome (sent, retry, dead)', ['channel', 'outcome']);

  /** One attempt at a message this worker has claimed; records the outcome. */
  async function attempt(row: OutboxRow): Promise<'sent' | 'retried' | 'dead'> {
    const channel = row.channel as 'sms' | 'email';
    const provider = providerFor(channel);
    const attemptNo = Number(row.attempts);
    try {
      // Cannot be undone: once the provider has it, the message is on its way to the person.
      await provider.deliver({ channel, to: row.recipient, lang: row.lang, ...(row.subject !== null ? { subject: row.subject } : {}), body: row.body, purpose: row.purpose });
    } catch (error) {
      const summary = errorSummary(error);
      const at = now();
      if (attemptNo >= maxAttempts) {
        await store.markDead(ctx.db, row.id, attemptNo, provider.name, at, summary);
        deliveries.inc({ channel, outcome: 'dead' });
        ctx.log.warn({ messageId: row.id, attempts: attemptNo, provider: provider.name }, 'message became a dead letter');
        return 'dead';
      }
      await store.markRetry(ctx.db, row.id, attemptNo, provider.name, later(at, delays[attemptNo - 1]!), summary);
      deliveries.inc({ channel, outcome: 'retry' });
      ctx.log.warn({ messageId: row.id, attempts: attemptNo, provider: provider.name }, 'message delivery failed; will retry');
      return 'retried';
    }
    await store.markSent(ctx.db, row.id, attemptNo, provider.name, now());
    deliveries.inc({ channel, outcome: 'sent' });
    return 'sent';
  }

  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<WorkerRun> | undefined;

  const worker: DeliveryWorker = {
    async runOnce() {
      const at = now();
      const claimed = await store.claimDue(ctx.db, at, later(at, leaseMs), batchSize);
      const run: WorkerRun = { claimed: claimed.length, sent: 0, retried: 0, dead: 0 };
      for (const row of claimed) run[await attempt(row)] += 1;
      return run;
    },
    start(intervalMs = DEFAULT_INTERVAL_MS) {
      if (timer) return;
      timer = setInterval(() => {
        // A slow provider must not pile up runs: the next tick waits for this one.
        if (inFlight) return;
        inFlight = worker
          .runOnce()
          .catch((error: unknown) => {
            ctx.log.error({ err: error }, 'message delivery worker failed');
            return { claimed: 0, sent: 0, retried: 0, dead: 0 };
          })
          .finally(() => {
            inFlight = undefined;
          });
      }, intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await inFlight;
    },
    get running() {
      return timer !== undefined;
    },
  };

  async function findEntry(id: string): Promise<OutboxEntry | undefined> {
    if (!isUuid(id)) return undefined;
    const row = await store.findOutbox(ctx.db, id);
    return row ? toEntry(row) : undefined;
  }

  const inbox: Inbox = {
    async list(registerNumber, limit = 100) {
      return (await store.listInbox(ctx.db, registerNumber, limit)).map(toInboxMessage);
    },
    unreadCount: (registerNumber) => store.countUnread(ctx.db, registerNumber),
    async find(registerNumber, id) {
      if (!isUuid(id)) return undefined;
      const row = await store.findInbox(ctx.db, registerNumber, id);
      return row ? toInboxMessage(row) : undefined;
    },
    async open(registerNumber, id) {
      // Another person's message is answered as no message at all: its existence is not told.
      const row = isUuid(id) ? await store.markInboxRead(ctx.db, registerNumber, id, now()) : undefined;
      if (!row) throw new AppError('MESSAGE_NOT_FOUND');
      return toInboxMessage(row);
    },
    markAllRead: (registerNumber) => store.markAllInboxRead(ctx.db, registerNumber, now()),
  };

  return {
    async send(message) {
      checkAddress(message.channel, message.to);
      const provider = providerFor(message.channel);
      const at = now();
      const id = uuidv7(at.getTime());
      // Written first and claimed by this call (one attempt under a lease), so the worker leaves it
      // alone while it is delivered here, and takes it over if this process dies mid-way.
      await store.insertOutbox(ctx.db, {
        id, channel: message.channel, recipient: message.to, lang: message.lang, subject: message.subject ?? null, body: message.body,
        purpose: message.purpose, provider: provider.name, template: null, status: 'sending', attempts: 1, nextAttemptAt: at, lockedUntil: later(at, leaseMs), sentAt: null,
      });
      const row = await store.findOutbox(ctx.db, id);
      await attempt(row!);
      return id as MessageId;
    },

    async notify(notification, tx) {
      const { recipient, channels } = notification;
      const compiled = templates.get(notification.template);
      if (notification.link !== undefined && (!notification.link.startsWith('/') || notification.link.startsWith('//') || /[\s\\]/.test(notification.link))) {
        throw new AppError('VALIDATION_FAILED', { detail: 'link must be a path of the portal' });
      }
      // Render everything before writing anything: a template error leaves no half-sent notification.
      const planned: { channel: Channel; address: string; rendered: RenderedMessage; other?: RenderedMessage }[] = [];
      const skipped: Channel[] = [];
      for (const channel of [...new Set(channels)]) {
        const address = channel === 'sms' ? recipient.mobile : channel === 'email' ? recipient.email : recipient.registerNumber;
        if (!address) {
          skipped.push(channel);
          continue;
        }
        if (channel !== 'inApp') checkAddress(channel, address);
        const rendered = renderTemplate(compiled, channel, recipient.lang, notification.params);
        const other = channel === 'inApp' ? renderTemplate(compiled, channel, recipient.lang === 'mn' ? 'en' : 'mn', notification.params) : undefined;
        planned.push({ channel, address, rendered, ...(other ? { other } : {}) });
      }
      if (planned.length === 0) throw new AppError('MESSAGE_NO_RECIPIENT', { channels: channels.join(', ') });
      const at = now();
      const write = async (db: Queryable) => {
        const messages: NotifyResult['messages'] = [];
        for (const { channel, address, rendered, other } of planned) {
          const id = uuidv7(at.getTime());
          const inApp = channel === 'inApp';
          await store.insertOutbox(db, {
            id, channel, recipient: address, lang: recipient.lang, subject: rendered.subject ?? null, body: rendered.body, purpose: notification.purpose,
            provider: inApp ? INBOX_PROVIDER : providerFor(channel).name, template: notification.template,
            status: inApp ? 'sent' : 'queued', attempts: inApp ? 1 : 0, nextAttemptAt: at, lockedUntil: null, sentAt: inApp ? at : null,
          });
          if (inApp) {
            const both = { [rendered.lang]: rendered, [other!.lang]: other! } as Record<Lang, RenderedMessage>;
            await store.insertInbox(db, {
              id: uuidv7(at.getTime()), registerNumber: address, outboxId: id, template: notification.template, purpose: notification.purpose,
              title: { mn: both.mn.subject ?? '', en: both.en.subject ?? '' }, body: { mn: both.mn.body, en: both.en.body }, link: notification.link ?? null,
            });
          }
          messages.push({ channel, id: id as MessageId });
        }
        return messages;
      };
      const messages = tx ? await write(tx) : await ctx.db.transaction(write);
      return { messages, skipped };
    },

    defineTemplates(list) {
      templates.define(list);
    },

    render(templateId, channel, lang, params) {
      return renderTemplate(templates.get(templateId), channel, lang, params);
    },

    async outbox(limit = 100, status) {
      return (await store.listOutbox(ctx.db, limit, status)).map(toEntry);
    },

    outboxCounts: () => store.countByStatus(ctx.db),

    findOutboxEntry: findEntry,

    async retryNow(id, actor, requestId) {
      const entry = await findEntry(id);
      if (!entry) throw new AppError('MESSAGE_NOT_FOUND');
      const at = now();
      const requeued = await ctx.db.transaction(async (tx) => {
        const row = await store.requeueDead(tx, id, at);
        if (!row) return undefined;
        await ctx.audit.record(tx, actor, { action: 'messaging.retry', subjectType: 'message', subjectId: id, details: { attemptsBefore: entry.attempts } }, requestId);
        return row;
      });
      if (!requeued) throw new AppError('MESSAGE_NOT_DEAD', { status: entry.status });
      const claimed = await store.claimOne(ctx.db, id, at, later(at, leaseMs));
      if (claimed) await attempt(claimed);
      return (await findEntry(id))!;
    },

    inbox,
    worker,
  };
}
