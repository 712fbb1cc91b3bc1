// SQL for the payments module's own tables (the development provider's are in development-provider.ts).
import type { Queryable } from '../../kernel/db.ts';
import type { BankLink, InvoiceEvent, InvoiceEventKind } from './schema.ts';

export interface InvoiceRow {
  id: string;
  idempotency_key: string;
  treasury_number: string;
  reference: string;
  payer: string;
  agency_id: string;
  amount_mnt: number;
  description_mn: string;
  description_en: string;
  refundable: boolean;
  provider: string;
  created_at: Date | string;
  expires_at: Date | string;
  provider_invoice_id: string | null;
  qr_text: string | null;
  urls: BankLink[] | string | null;
}

interface EventRow {
  invoice_id: string;
  kind: InvoiceEventKind;
  at: Date | string;
  actor_id: string | null;
  reason: string | null;
  provider_payment_id: string | null;
  amount_mnt: number | null;
  provider_at: Date | string | null;
}

export interface InvoiceWithEvents {
  row: InvoiceRow;
  events: InvoiceEvent[];
}

const iso = (value: Date | string) => new Date(value).toISOString();

const INVOICE_COLUMNS = `i.id, i.idempotency_key, i.treasury_number, i.reference, i.payer, i.agency_id, i.amount_mnt, i.description_mn, i.description_en,
  i.refundable, i.provider, i.created_at, i.expires_at, p.provider_invoice_id, p.qr_text, p.urls`;

/** The invoices matching a fixed filter (never built from input), newest first, with their events. */
async function select(db: Queryable, where: string, params: unknown[], limit = 500): Promise<InvoiceWithEvents[]> {
  const { rows } = await db.query<InvoiceRow>(
    `SELECT ${INVOICE_COLUMNS} FROM payments.invoices i LEFT JOIN payments.provider_invoices p ON p.invoice_id = i.id
      WHERE ${where} ORDER BY i.created_at DESC, i.treasury_number DESC LIMIT ${Number(limit)}`,
    params,
  );
  if (rows.length === 0) return [];
  const { rows: events } = await db.query<EventRow>(
    `SELECT e.invoice_id, e.kind, e.at, e.actor_id, e.reason, e.provider_payment_id, e.amount_mnt, e.provider_at
       FROM payments.invoice_events e
      WHERE e.invoice_id IN (SELECT i.id FROM payments.invoices i WHERE ${where} ORDER BY i.created_at DESC, i.treasury_number DESC LIMIT ${Number(limit)})
      ORDER BY e.id`,
    params,
  );
  const byInvoice = new Map<string, InvoiceEvent[]>();
  for (const event of events) {
    const list = byInvoice.get(event.invoice_id) ?? [];
    list.push({
      kind: event.kind,
      at: iso(event.at),
      actorId: event.actor_id,
      reason: event.reason,
      providerPaymentId: event.provider_payment_id,
      amountMnt: event.amount_mnt === null ? null : Number(event.amount_mnt),
      providerAt: event.provider_at === null ? null : iso(event.provider_at),
    });
    byInvoice.set(event.invoice_id, list);
  }
  return rows.map((row) => ({ row, events: byInvoice.get(row.id) ?? [] }));
}

export const store = {
  async byId(db: Queryable, id: string) {
    return (await select(db, 'i.id = $1', [id]))[0];
  },
  async byIdempotencyKey(db: Queryable, key: string) {
    return (await select(db, 'i.idempotency_key = $1', [key]))[0];
  },
  async byProviderInvoice(db: Queryable, provider: string, providerInvoiceId: string) {
    return (await select(db, 'i.id = (SELECT invoice_id FROM payments.provider_invoices WHERE provider = $1 AND provider_invoice_id = $2)', [provider, providerInvoiceId]))[0];
  },
  async byPayer(db: Queryable, payer: string) {
    return select(db, 'i.payer = $1', [payer]);
  },
  async byAgency(db: Queryable, agencyId: string) {
    return select(db, 'i.agency_id = $1', [agencyId]);
  },
  async all(db: Queryable) {
    return select(db, 'true', []);
  },

  /** Open invoices past their expiry. */
  async overdue(db: Queryable, now: Date): Promise<string[]> {
    const { rows } = await db.query<{ id: string }>(
      `SELECT i.id FROM payments.invoices i WHERE i.expires_at < $1
          AND NOT EXISTS (SELECT 1 FROM payments.invoice_events e WHERE e.invoice_id = i.id AND e.kind <> 'created')`,
      [now.toISOString()],
    );
    return rows.map((row) => row.id);
  },

  async nextSequence(db: Queryable): Promise<number> {
    const { rows } = await db.query<{ value: number }>(`SELECT nextval('payments.treasury_number_seq') AS value`);
    return Number(rows[0]!.value);
  },

  /** Inserts the invoice unless its idempotency key is taken; true when this call inserted it. */
  async insertInvoice(db: Queryable, invoice: { id: string; idempotencyKey: string; treasuryNumber: string; reference: string; payer: string; agencyId: string; amountMnt: number; descriptionMn: string; descriptionEn: string; refundable: boolean; provider: string; expiresAt: Date }): Promise<boolean> {
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO payments.invoices (id, idempotency_key, treasury_number, reference, payer, agency_id, amount_mnt, description_mn, description_en, refundable, provider, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`,
      [invoice.id, invoice.idempotencyKey, invoice.treasuryNumber, invoice.reference, invoice.payer, invoice.agencyId, invoice.amountMnt, invoice.descriptionMn, invoice.descriptionEn, invoice.refundable, invoice.provider, invoice.expiresAt.toISOString()],
    );
    return rows.length === 1;
  },

  async insertProviderInvoice(db: Queryable, invoiceId: string, provider: string, providerInvoiceId: string, qrText: string, urls: BankLink[]): Promise<void> {
    await db.query(
      `INSERT INTO payments.provider_invoices (invoice_id, provider, provider_invoice_id, qr_text, urls) VALUES ($1, $2, $3, $4, $5::jsonb) ON CONFLICT (invoice_id) DO NOTHING`,
      [invoiceId, provider, providerInvoiceId, qrText, JSON.stringify(urls)],
    );
  },

  /** Locks the invoice row until the transaction ends, so that two actions on one invoice take turns. */
  async lock(db: Queryable, invoiceId: string): Promise<boolean> {
    const { rows } = await db.query('SELECT id FROM payments.invoices WHERE id = $1 FOR UPDATE', [invoiceId]);
    return rows.length === 1;
  },

  /**
   * Appends an event. Kinds that happen once per invoice are guarded by a unique index: a second
   * insert does nothing and answers false.
   */
  async appendEvent(db: Queryable, invoiceId: string, event: { kind: InvoiceEventKind; actorId?: string | null; reason?: string | null; providerPaymentId?: string | null; amountMnt?: number | null; providerAt?: string | null }): Promise<boolean> {
    const once = event.kind !== 'refund_requested';
    const { rows } = await db.query(
      `INSERT INTO payments.invoice_events (invoice_id, kind, actor_id, reason, provider_payment_id, amount_mnt, provider_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ${once ? `ON CONFLICT (invoice_id, kind) WHERE kind IN ('created', 'paid', 'refunded', 'cancelled', 'expired') DO NOTHING` : ''} RETURNING id`,
      [invoiceId, event.kind, event.actorId ?? null, event.reason ?? null, event.providerPaymentId ?? null, event.amountMnt ?? null, event.providerAt ?? null],
    );
    return rows.length === 1;
  },

  /** Invoices whose payment the provider dated on a day (UTC range), optionally of one agency. */
  async paidBetween(db: Queryable, from: Date, to: Date, agencyId: string | null) {
    const { rows } = await db.query<{ id: string; treasury_number: string; agency_id: string; provider_invoice_id: string | null; provider_payment_id: string | null; amount_mnt: number }>(
      `SELECT i.id, i.treasury_number, i.agency_id, p.provider_invoice_id, e.provider_payment_id, i.amount_mnt
         FROM payments.invoice_events e
         JOIN payments.invoices i ON i.id = e.invoice_id
         LEFT JOIN payments.provider_invoices p ON p.invoice_id = i.id
        WHERE e.kind = 'paid' AND COALESCE(e.provider_at, e.at) >= $1 AND COALESCE(e.provider_at, e.at) < $2 AND ($3::text IS NULL OR i.agency_id = $3)
        ORDER BY i.treasury_number`,
      [from.toISOString(), to.toISOString(), agencyId],
    );
    return rows.map((row) => ({ ...row, amount_mnt: Number(row.amount_mnt) }));
  },

  /** Our invoices for provider invoice ids, to name what the provider settled. */
  async byProviderInvoiceIds(db: Queryable, provider: string, ids: string[]) {
    if (ids.length === 0) return [];
    const placeholders = ids.map((_, index) => `$${index + 2}`).join(', ');
    const { rows } = await db.query<{ id: string; treasury_number: string; agency_id: string; provider_invoice_id: string }>(
      `SELECT i.id, i.treasury_number, i.agency_id, p.provider_invoice_id FROM payments.provider_invoices p JOIN payments.invoices i ON i.id = p.invoice_id
        WHERE p.provider = $1 AND p.provider_invoice_id IN (${placeholders})`,
      [provider, ...ids],
    );
    return rows;
  },
};
