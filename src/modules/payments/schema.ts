// The payments module's types and the request schemas its routes validate with.

/** States an invoice can be in; each is the result of the events so far. */
export const INVOICE_STATES = ['open', 'paid', 'refund_requested', 'refunded', 'cancelled', 'expired'] as const;
export type InvoiceState = (typeof INVOICE_STATES)[number];

export const INVOICE_EVENT_KINDS = ['created', 'paid', 'refund_requested', 'refunded', 'cancelled', 'expired'] as const;
export type InvoiceEventKind = (typeof INVOICE_EVENT_KINDS)[number];

/** What may be done to an invoice; which of these a state allows is in service.ts. */
export type InvoiceAction = 'pay' | 'refund' | 'cancel' | 'expire';

export interface InvoiceEvent {
  kind: InvoiceEventKind;
  at: string;
  actorId: string | null;
  reason: string | null;
  providerPaymentId: string | null;
  amountMnt: number | null;
  providerAt: string | null;
}

/** A bank app deep link, as QPay lists them for an invoice. */
export interface BankLink {
  name: string;
  description: string;
  logo: string;
  link: string;
}

export interface Invoice {
  id: string;
  /** Төрийн сангийн нэхэмжлэхийн дугаар: AGENCY-yyyyMMdd-NNNNNNN (see treasuryNumber in service.ts). */
  treasuryNumber: string;
  /** The caller's own reference (an application id, for instance). */
  reference: string;
  /** Register number of the person who pays. */
  payer: string;
  agencyId: string;
  amountMnt: number;
  description: { mn: string; en: string };
  refundable: boolean;
  provider: string;
  /** The provider's invoice, once it has been created there. */
  providerInvoiceId: string | null;
  qrText: string | null;
  bankLinks: BankLink[];
  state: InvoiceState;
  events: InvoiceEvent[];
  createdAt: string;
  expiresAt: string;
  paidAt: string | null;
  providerPaymentId: string | null;
}

export interface CreateInvoiceInput {
  reference: string;
  /** Register number. */
  payer: string;
  agencyId: string;
  amountMnt: number;
  description: { mn: string; en: string };
  refundable: boolean;
  /** The same key always answers with the same invoice, never a second one. */
  idempotencyKey: string;
}

/** One payment as both sides see it; a side that does not know it has nulls. */
export interface ReconciliationLine {
  invoiceId: string | null;
  treasuryNumber: string | null;
  agencyId: string | null;
  providerInvoiceId: string | null;
  providerPaymentId: string | null;
  ourAmountMnt: number | null;
  providerAmountMnt: number | null;
}

export interface ReconciliationReport {
  date: string;
  agencyId: string | null;
  provider: string;
  matched: ReconciliationLine[];
  /** We count these as paid that day; the provider's settlement does not list them. */
  missingAtProvider: ReconciliationLine[];
  /** The provider settled these that day; we have no paid invoice for them that day. */
  missingHere: ReconciliationLine[];
  amountMismatches: ReconciliationLine[];
  totals: { ourMnt: number; providerMnt: number; ourCount: number; providerCount: number };
}

export const DATE_PATTERN = '^[0-9]{4}-[0-9]{2}-[0-9]{2}$';
export const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
/** A real calendar date written yyyy-MM-dd (2026-02-30 is not one). */
export function isCalendarDate(value: unknown): boolean {
  if (typeof value !== 'string' || !new RegExp(DATE_PATTERN).test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

export const invoiceJsonSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    treasuryNumber: { type: 'string' },
    reference: { type: 'string' },
    payer: { type: 'string' },
    agencyId: { type: 'string' },
    amountMnt: { type: 'integer' },
    description: { type: 'object', properties: { mn: { type: 'string' }, en: { type: 'string' } } },
    refundable: { type: 'boolean' },
    provider: { type: 'string' },
    providerInvoiceId: { type: ['string', 'null'] },
    qrText: { type: ['string', 'null'] },
    bankLinks: {
      type: 'array',
      items: { type: 'object', properties: { name: { type: 'string' }, description: { type: 'string' }, logo: { type: 'string' }, link: { type: 'string' } } },
    },
    state: { type: 'string', enum: [...INVOICE_STATES] },
    createdAt: { type: 'string' },
    expiresAt: { type: 'string' },
    paidAt: { type: ['string', 'null'] },
    providerPaymentId: { type: ['string', 'null'] },
    events: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          kind: { type: 'string' },
          at: { type: 'string' },
          actorId: { type: ['string', 'null'] },
          reason: { type: ['string', 'null'] },
          providerPaymentId: { type: ['string', 'null'] },
          amountMnt: { type: ['integer', 'null'] },
          providerAt: { type: ['string', 'null'] },
        },
      },
    },
  },
} as const;

const lineSchema = {
  type: 'object',
  properties: {
    invoiceId: { type: ['string', 'null'] },
    treasuryNumber: { type: ['string', 'null'] },
    agencyId: { type: ['string', 'null'] },
    providerInvoiceId: { type: ['string', 'null'] },
    providerPaymentId: { type: ['string', 'null'] },
    ourAmountMnt: { type: ['integer', 'null'] },
    providerAmountMnt: { type: ['integer', 'null'] },
  },
} as const;

export const reconciliationJsonSchema = {
  type: 'object',
  properties: {
    date: { type: 'string' },
    agencyId: { type: ['string', 'null'] },
    provider: { type: 'string' },
    matched: { type: 'array', items: lineSchema },
    missingAtProvider: { type: 'array', items: lineSchema },
    missingHere: { type: 'array', items: lineSchema },
    amountMismatches: { type: 'array', items: lineSchema },
    totals: {
      type: 'object',
      properties: { ourMnt: { type: 'integer' }, providerMnt: { type: 'integer' }, ourCount: { type: 'integer' }, providerCount: { type: 'integer' } },
    },
  },
} as const;
