// The payments service: invoices for state fees, their state derived from an append-only list of
// events, the provider behind an interface, and reconciliation against the provider's settlements.
// Domain rules only: SQL is in store.ts, HTTP in routes.ts and pages.ts.
import type { Principal } from '../../kernel/auth.ts';
import type { AppContext } from '../../kernel/context.ts';
import { AppError } from '../../kernel/errors.ts';
import { isUuid, uuidv7 } from '../../kernel/ids.ts';
import { isPersonNumber } from '../../kernel/person-number.ts';
import { isoDate } from '../../kernel/format.ts';
import { ulaanbaatarDay, type PaymentProvider } from './provider.ts';
import { isCalendarDate, type BankLink, type CreateInvoiceInput, type Invoice, type InvoiceAction, type InvoiceEvent, type InvoiceState, type ReconciliationLine, type ReconciliationReport } from './schema.ts';
import { store, type InvoiceWithEvents } from './store.ts';

/** How long an unpaid invoice stays payable. */
export const INVOICE_LIFETIME_MS = 7 * 24 * 3600 * 1000;

export type PaidListener = (invoice: Invoice) => Promise<void> | void;

export interface Payments {
  /** Creates an invoice (and the provider's invoice); the same idempotencyKey answers the same invoice, never a second one. */
  createInvoice(input: CreateInvoiceInput): Promise<Invoice>;
  /** The invoice; throws PAYMENT_INVOICE_NOT_FOUND when there is none. */
  getInvoice(id: string): Promise<Invoice>;
  findInvoice(id: string): Promise<Invoice | undefined>;
  /** Our invoice behind one of the provider's invoice ids. */
  findInvoiceByProvider(providerInvoiceId: string): Promise<Invoice | undefined>;
  /** A person's invoices, newest first. */
  invoicesOfPayer(registerNumber: string): Promise<Invoice[]>;
  /** An agency's invoices, newest first (the latest 500). */
  invoicesOfAgency(agencyId: string): Promise<Invoice[]>;
  /** Every agency's invoices, newest first (the latest 500), for platform administrators. */
  allInvoices(): Promise<Invoice[]>;
  /** Registers a listener called exactly once per invoice, after the paid event is committed. */
  onPaid(listener: PaidListener): void;
  /** Asks the provider whether the invoice is paid and records it when it is; safe to repeat. */
  checkPayment(invoiceId: string): Promise<Invoice>;
  /** A provider callback: authenticated by the provider, then confirmed with checkPayment. */
  handleCallback(rawBody: string, headers: Record<string, string | string[] | undefined>): Promise<Invoice>;
  /** Returns the money of a paid, refundable invoice (cannot be undone). */
  refund(invoiceId: string, reason: string, actor: Principal | null): Promise<Invoice>;
  /** Withdraws an unpaid invoice. */
  cancel(invoiceId: string, reason: string, actor: Principal | null): Promise<Invoice>;
  /** Marks unpaid invoices past their expiry as expired; answers how many. */
  expireDue(now?: Date): Promise<number>;
  /** Our paid invoices of a day (yyyy-MM-dd, Ulaanbaatar time) against the provider's settlement list. */
  reconcile(date: string, options?: { agencyId?: string | null }): Promise<ReconciliationReport>;
  readonly provider: PaymentProvider;
}

/** What each state allows; the one place these rules live. */
export function allowedActions(state: InvoiceState, refundable: boolean): InvoiceAction[] {
  switch (state) {
    case 'open':
      return ['pay', 'cancel', 'expire'];
    case 'paid':
      return refundable ? ['refund'] : [];
    // A refund whose provider call failed is tried again.
    case 'refund_requested':
      return ['refund'];
    default:
      return [];
  }
}

/** The state after a list of events, oldest first. */
export function deriveState(events: InvoiceEvent[]): InvoiceState {
  let state: InvoiceState = 'open';
  for (const event of events) {
    if (event.kind === 'created') state = 'open';
    else state = event.kind;
  }
  return state;
}

/**
 * Treasury invoice number (Төрийн сангийн нэхэмжлэхийн дугаар). Our assumption, not a published
 * Treasury format: the agency code in capitals, the date of issue in Ulaanbaatar (yyyyMMdd) and a
 * 7-digit number from one database sequence, e.g. GASR-20261202-0000042. The sequence makes it
 * unique across processes; it may have gaps (a number drawn by a request that lost a race).
 */
export function treasuryNumber(agencyId: string, issued: Date, sequence: number): string {
  const agency = agencyId.toUpperCase().replace(/[^A-Z0-9]/g, '') || 'GOV';
  return `${agency}-${isoDate(issued).replaceAll('-', '')}-${String(sequence).padStart(7, '0')}`;
}

function toInvoice(found: InvoiceWithEvents): Invoice {
  const { row, events } = found;
  const paid = [...events].reverse().find((event) => event.kind === 'paid');
  const urls = typeof row.urls === 'string' ? (JSON.parse(row.urls) as BankLink[]) : (row.urls ?? []);
  return {
    id: row.id,
    treasuryNumber: row.treasury_number,
    reference: row.reference,
    payer: row.payer,
    agencyId: row.agency_id,
    amountMnt: Number(row.amount_mnt),
    description: { mn: row.description_mn, en: row.description_en },
    refundable: row.refundable,
    provider: row.provider,
    providerInvoiceId: row.provider_invoice_id,
    qrText: row.qr_text,
    bankLinks: urls,
    state: deriveState(events),
    events,
    createdAt: new Date(row.created_at).toISOString(),
    expiresAt: new Date(row.expires_at).toISOString(),
    paidAt: paid ? (paid.providerAt ?? paid.at) : null,
    providerPaymentId: paid?.providerPaymentId ?? null,
  };
}

function invalid(field: string, detail: string): AppError {
  return new AppError('PAYMENT_INVOICE_INVALID', { detail }, [{ field, message: detail }]);
}

function validate(input: CreateInvoiceInput): void {
  const text = (value: unknown, max: number) => typeof value === 'string' && value.trim().length > 0 && value.length <= max;
  if (!text(input.reference, 200)) throw invalid('reference', 'reference: 1–200 characters');
  if (typeof input.payer !== 'string' || !(isPersonNumber(input.payer) || /^[0-9]{7}$/.test(input.payer))) throw invalid('payer', 'payer: a register number');
  if (typeof input.agencyId !== 'string' || !/^[a-z0-9][a-z0-9-]{0,39}$/.test(input.agencyId)) throw invalid('agencyId', 'agencyId: an agency id');
  if (!Number.isSafeInteger(input.amountMnt) || input.amountMnt < 1 || input.amountMnt > 1_000_000_000_000) throw invalid('amountMnt', 'amountMnt: whole tögrög, at least 1');
  if (!text(input.description?.mn, 500) || !text(input.description?.en, 500)) throw invalid('description', 'description: Mongolian and English, 1–500 characters each');
  if (typeof input.refundable !== 'boolean') throw invalid('refundable', 'refundable: true or false');
  if (!text(input.idempotencyKey, 200)) throw invalid('idempotencyKey', 'idempotencyKey: 1–200 characters');
}

function providerFailed(ctx: AppContext, error: unknown, step: string): AppError {
  if (error instanceof AppError) return error;
  ctx.log.error({ err: error, step }, 'payment provider call failed');
  return new AppError('PAYMENT_PROVIDER_FAILED');
}

export interface PaymentsOptions {
  /** The absolute URL the provider calls when an invoice is paid. */
  callbackUrl: string;
  now?: () => Date;
}

export function createPayments(ctx: AppContext, provider: PaymentProvider, options: PaymentsOptions): Payments {
  const { db } = ctx;
  const listeners: PaidListener[] = [];
  const now = options.now ?? (() => new Date());

  const findInvoice = async (id: string) => {
    if (typeof id !== 'string' || !isUuid(id)) return undefined;
    const found = await store.byId(db, id);
    return found ? toInvoice(found) : undefined;
  };
  const getInvoice = async (id: string) => {
    const invoice = await findInvoice(id);
    if (!invoice) throw new AppError('PAYMENT_INVOICE_NOT_FOUND');
    return invoice;
  };

  const notAllowed = (invoice: { treasuryNumber: string; refundable: boolean }, state: InvoiceState, action: InvoiceAction) =>
    new AppError('PAYMENT_ACTION_NOT_ALLOWED', { number: invoice.treasuryNumber, state, action, allowed: allowedActions(state, invoice.refundable).join(', ') || '—' });

  /** Makes sure the provider has the invoice: heals an invoice whose provider call failed or was cut short. */
  const ensureAtProvider = async (invoice: Invoice): Promise<Invoice> => {
    if (invoice.providerInvoiceId || invoice.state !== 'open') return invoice;
    let answer;
    try {
      answer = await provider.createInvoice({
        senderInvoiceNo: invoice.treasuryNumber,
        senderBranchCode: invoice.agencyId,
        invoiceReceiverCode: invoice.payer,
        description: `${invoice.treasuryNumber} ${invoice.description.mn}`.slice(0, 255),
        amountMnt: invoice.amountMnt,
        callbackUrl: options.callbackUrl,
      });
    } catch (error) {
      throw providerFailed(ctx, error, 'createInvoice');
    }
    await store.insertProviderInvoice(db, invoice.id, provider.name, answer.invoiceId, answer.qrText, answer.urls);
    return getInvoice(invoice.id);
  };

  const notify = async (invoice: Invoice) => {
    for (const listener of listeners) {
      try {
        await listener(invoice);
      } catch (error) {
        // The payment stands; a listener that failed is the listener's to retry (its own records show it).
        ctx.log.error({ err: error, invoiceId: invoice.id }, 'payment listener failed');
      }
    }
  };

  /** Runs `work` with the invoice locked and its state fresh. */
  const locked = <T>(invoiceId: string, work: (tx: Parameters<Parameters<typeof db.transaction>[0]>[0], invoice: Invoice) => Promise<T>) =>
    db.transaction(async (tx) => {
      if (!(await store.lock(tx, invoiceId))) throw new AppError('PAYMENT_INVOICE_NOT_FOUND');
      return work(tx, toInvoice((await store.byId(tx, invoiceId))!));
    });

  const checkPayment = async (invoiceId: string): Promise<Invoice> => {
    const invoice = await getInvoice(invoiceId);
    if (invoice.state !== 'open' || !invoice.providerInvoiceId) return invoice;
    let check;
    try {
      check = await provider.checkPayment(invoice.providerInvoiceId);
    } catch (error) {
      throw providerFailed(ctx, error, 'checkPayment');
    }
    if (!check.paid) return invoice;
    if (check.paidAmountMnt < invoice.amountMnt) {
      ctx.log.warn({ invoiceId, paid: check.paidAmountMnt, due: invoice.amountMnt }, 'provider reports less than the amount due');
      return invoice;
    }
    const payment = check.payments.find((item) => item.status === 'PAID');
    const became = await locked(invoiceId, async (tx, current) => {
      if (current.state !== 'open') {
        // Paid already (a replay or a race lost), or withdrawn: then the money shows in reconciliation.
        if (current.state === 'cancelled' || current.state === 'expired') ctx.log.warn({ invoiceId, state: current.state }, 'provider reports payment of a withdrawn invoice');
        return false;
      }
      return store.appendEvent(tx, invoiceId, { kind: 'paid', providerPaymentId: payment?.paymentId ?? null, amountMnt: check.paidAmountMnt, providerAt: payment?.paidAt ?? null });
    });
    const after = await getInvoice(invoiceId);
    if (became) await notify(after);
    return after;
  };

  const payments: Payments = {
    provider,
    findInvoice,
    getInvoice,

    async findInvoiceByProvider(providerInvoiceId) {
      const found = await store.byProviderInvoice(db, provider.name, providerInvoiceId);
      return found ? toInvoice(found) : undefined;
    },

    async createInvoice(input) {
      validate(input);
      const existing = await store.byIdempotencyKey(db, input.idempotencyKey);
      let invoice: Invoice;
      if (existing) {
        invoice = toInvoice(existing);
      } else {
        const id = uuidv7();
        const issued = now();
        const inserted = await db.transaction(async (tx) => {
          const number = treasuryNumber(input.agencyId, issued, await store.nextSequence(tx));
          const made = await store.insertInvoice(tx, {
            id,
            idempotencyKey: input.idempotencyKey,
            treasuryNumber: number,
            reference: input.reference,
            payer: input.payer,
            agencyId: input.agencyId,
            amountMnt: input.amountMnt,
            descriptionMn: input.description.mn,
            descriptionEn: input.description.en,
            refundable: input.refundable,
            provider: provider.name,
            expiresAt: new Date(issued.getTime() + INVOICE_LIFETIME_MS),
          });
          if (made) await store.appendEvent(tx, id, { kind: 'created' });
          return made;
        });
        // Another request with the same key won the race: answer with its invoice.
        invoice = toInvoice((inserted ? await store.byId(db, id) : await store.byIdempotencyKey(db, input.idempotencyKey))!);
      }
      const same = invoice.payer === input.payer && invoice.agencyId === input.agencyId && invoice.amountMnt === input.amountMnt && invoice.reference === input.reference && invoice.refundable === input.refundable;
      if (!same) throw new AppError('PAYMENT_IDEMPOTENCY_CONFLICT', { number: invoice.treasuryNumber });
      return ensureAtProvider(invoice);
    },

    async invoicesOfPayer(registerNumber) {
      return (await store.byPayer(db, registerNumber)).map(toInvoice);
    },
    async invoicesOfAgency(agencyId) {
      return (await store.byAgency(db, agencyId)).map(toInvoice);
    },
    async allInvoices() {
      return (await store.all(db)).map(toInvoice);
    },

    onPaid(listener) {
      listeners.push(listener);
    },

    checkPayment,

    async handleCallback(rawBody, headers) {
      const callback = provider.verifyCallback(rawBody, headers);
      if (!callback) throw new AppError('PAYMENT_CALLBACK_INVALID');
      const found = await store.byProviderInvoice(db, provider.name, callback.providerInvoiceId);
      if (!found) throw new AppError('PAYMENT_INVOICE_NOT_FOUND');
      return checkPayment(found.row.id);
    },

    async refund(invoiceId, reason, actor) {
      if (typeof reason !== 'string' || !reason.trim() || reason.length > 500) throw new AppError('PAYMENT_REASON_REQUIRED');
      const invoice = await getInvoice(invoiceId);
      const paymentId = await locked(invoiceId, async (tx, current) => {
        if (current.state === 'paid' && !current.refundable) throw new AppError('PAYMENT_NOT_REFUNDABLE', { number: current.treasuryNumber, state: current.state });
        if (!allowedActions(current.state, current.refundable).includes('refund')) throw notAllowed(current, current.state, 'refund');
        await store.appendEvent(tx, invoiceId, { kind: 'refund_requested', actorId: actor?.id ?? null, reason: reason.trim() });
        await ctx.audit.record(tx, actor, { action: 'payments.refund', subjectType: 'invoice', subjectId: invoiceId, details: { treasuryNumber: current.treasuryNumber, amountMnt: current.amountMnt } });
        return current.providerPaymentId;
      });
      if (!paymentId) throw new AppError('PAYMENT_PROVIDER_FAILED');
      let refunded;
      try {
        // The money leaves here; this cannot be undone.
        refunded = await provider.refund(paymentId, `${invoice.treasuryNumber}: ${reason.trim()}`.slice(0, 255));
      } catch (error) {
        // The invoice stays refund_requested, from where the refund may be tried again.
        throw providerFailed(ctx, error, 'refund');
      }
      await store.appendEvent(db, invoiceId, { kind: 'refunded', actorId: actor?.id ?? null, providerPaymentId: paymentId, amountMnt: invoice.amountMnt, providerAt: refunded.refundedAt });
      return getInvoice(invoiceId);
    },

    async cancel(invoiceId, reason, actor) {
      await getInvoice(invoiceId);
      await locked(invoiceId, async (tx, current) => {
        if (!allowedActions(current.state, current.refundable).includes('cancel')) throw notAllowed(current, current.state, 'cancel');
        await store.appendEvent(tx, invoiceId, { kind: 'cancelled', actorId: actor?.id ?? null, reason: reason.trim().slice(0, 500) || null });
      });
      return getInvoice(invoiceId);
    },

    async expireDue(at = now()) {
      let count = 0;
      for (const invoiceId of await store.overdue(db, at)) {
        const expired = await locked(invoiceId, async (tx, current) => current.state === 'open' && store.appendEvent(tx, invoiceId, { kind: 'expired' }));
        if (expired) count += 1;
      }
      return count;
    },

    async reconcile(date, reconcileOptions = {}) {
      if (typeof date !== 'string' || !isCalendarDate(date)) throw new AppError('PAYMENT_DATE_INVALID', { date: String(date).slice(0, 40) });
      const agencyId = reconcileOptions.agencyId ?? null;
      const { from, to } = ulaanbaatarDay(date);
      const ours = await store.paidBetween(db, from, to, agencyId);
      let settled;
      try {
        settled = await provider.settlements(date);
      } catch (error) {
        throw providerFailed(ctx, error, 'settlements');
      }
      if (agencyId) settled = settled.filter((item) => item.senderBranchCode === agencyId);
      const pending = new Map(settled.map((item) => [item.providerInvoiceId, item]));
      const report: ReconciliationReport = {
        date,
        agencyId,
        provider: provider.name,
        matched: [],
        missingAtProvider: [],
        missingHere: [],
        amountMismatches: [],
        totals: { ourMnt: 0, providerMnt: 0, ourCount: ours.length, providerCount: settled.length },
      };
      for (const row of ours) {
        report.totals.ourMnt += row.amount_mnt;
        const item = row.provider_invoice_id ? pending.get(row.provider_invoice_id) : undefined;
        const line: ReconciliationLine = {
          invoiceId: row.id,
          treasuryNumber: row.treasury_number,
          agencyId: row.agency_id,
          providerInvoiceId: row.provider_invoice_id,
          providerPaymentId: item?.paymentId ?? row.provider_payment_id,
          ourAmountMnt: row.amount_mnt,
          providerAmountMnt: item?.amountMnt ?? null,
        };
        if (!item) report.missingAtProvider.push(line);
        else if (item.amountMnt !== row.amount_mnt) report.amountMismatches.push(line);
        else report.matched.push(line);
        if (item) pending.delete(item.providerInvoiceId);
      }
      const known = new Map((await store.byProviderInvoiceIds(db, provider.name, [...pending.keys()])).map((row) => [row.provider_invoice_id, row]));
      for (const item of settled) {
        report.totals.providerMnt += item.amountMnt;
        if (!pending.has(item.providerInvoiceId)) continue;
        const ourInvoice = known.get(item.providerInvoiceId);
        report.missingHere.push({
          invoiceId: ourInvoice?.id ?? null,
          treasuryNumber: ourInvoice?.treasury_number ?? item.senderInvoiceNo,
          agencyId: ourInvoice?.agency_id ?? item.senderBranchCode,
          providerInvoiceId: item.providerInvoiceId,
          providerPaymentId: item.paymentId,
          ourAmountMnt: null,
          providerAmountMnt: item.amountMnt,
        });
      }
      return report;
    },
  };
  return payments;
}
