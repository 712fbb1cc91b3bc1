// The development payment provider: a stand-in for QPay v2 that keeps its books in its own tables
// (payments.dev_provider_*), has a page where a person "pays" (/{lang}/dev-pay/{invoiceId}), and
// then calls our callback as QPay would. QPay itself does not sign callbacks; this one signs them
// (HMAC-SHA256 over the body) so that the callback route's check is exercised, but the route still
// confirms with checkPayment, as it must with the real QPay.
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import QRCode from 'qrcode';
import type { Queryable } from '../../kernel/db.ts';
import { ulaanbaatarDay, type PaymentProvider, type ProviderInvoice, type ProviderPaymentCheck, type ProviderSettlement } from './provider.ts';
import type { BankLink } from './schema.ts';

export const DEVELOPMENT_PROVIDER = 'development';
export const SIGNATURE_HEADER = 'x-dev-pay-signature';

/** The banks whose apps QPay lists; in development every link opens our pay page. */
const BANKS: { name: string; description: string }[] = [
  { name: 'Khan bank', description: 'Хаан банк' },
  { name: 'Golomt bank', description: 'Голомт банк' },
  { name: 'Trade and Development bank', description: 'Худалдаа хөгжлийн банк' },
  { name: 'State bank', description: 'Төрийн банк' },
  { name: 'Xac bank', description: 'Хас банк' },
];

/** The callback secret: derived from the platform secret so every process that shares the database agrees on it. */
export function developmentCallbackSecret(sessionSecret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', sessionSecret, 'urtuu', 'payments development provider callback v1', 32));
}

export function signCallback(secret: Buffer, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}

/** Delivers a callback to the merchant; answers the HTTP status it got. */
export type CallbackDelivery = (url: string, body: string, headers: Record<string, string>) => Promise<number>;

export interface DevelopmentProviderOptions {
  db: Queryable;
  sessionSecret: string;
  baseUrl: string;
  deliver: CallbackDelivery;
}

export interface DevelopmentProviderInvoice {
  invoiceId: string;
  senderInvoiceNo: string;
  senderBranchCode: string;
  description: string;
  amountMnt: number;
  callbackUrl: string;
  payment: { paymentId: string; status: 'PAID' | 'REFUNDED'; amountMnt: number; paidAt: string } | null;
}

export interface DevelopmentProvider extends PaymentProvider {
  /** The invoice as the provider's pay page shows it. */
  findInvoice(providerInvoiceId: string): Promise<DevelopmentProviderInvoice | undefined>;
  /** A person pays: the payment is recorded (once) and the callback is sent. Answers the callback's HTTP status. */
  pay(providerInvoiceId: string, wallet: string): Promise<{ paymentId: string; callbackStatus: number }>;
}

interface InvoiceRow {
  invoice_id: string;
  sender_invoice_no: string;
  sender_branch_code: string;
  invoice_description: string;
  amount: number;
  callback_url: string;
  payment_id: string | null;
  payment_status: 'PAID' | 'REFUNDED' | null;
  payment_amount: number | null;
  payment_date: Date | string | null;
}

const iso = (value: Date | string) => new Date(value).toISOString();

export function createDevelopmentProvider(options: DevelopmentProviderOptions): DevelopmentProvider {
  const { db } = options;
  const secret = developmentCallbackSecret(options.sessionSecret);

  const payPagePath = (providerInvoiceId: string, lang: string) => `/${lang}/dev-pay/${encodeURIComponent(providerInvoiceId)}`;

  const answer = async (row: { invoice_id: string }): Promise<ProviderInvoice> => {
    const qrText = `${options.baseUrl}${payPagePath(row.invoice_id, 'mn')}`;
    const qrImage = (await QRCode.toBuffer(qrText, { type: 'png', margin: 1, width: 256 })).toString('base64');
    const urls: BankLink[] = BANKS.map((bank) => ({
      name: bank.name,
      description: bank.description,
      logo: '',
      link: `${payPagePath(row.invoice_id, 'mn')}?bank=${encodeURIComponent(bank.name)}`,
    }));
    return { invoiceId: row.invoice_id, qrText, qrImage, urls };
  };

  const findRow = async (providerInvoiceId: string) => {
    const { rows } = await db.query<InvoiceRow>(
      `SELECT i.invoice_id, i.sender_invoice_no, i.sender_branch_code, i.invoice_description, i.amount, i.callback_url,
              p.payment_id, p.payment_status, p.payment_amount, p.payment_date
         FROM payments.dev_provider_invoices i LEFT JOIN payments.dev_provider_payments p ON p.invoice_id = i.invoice_id
        WHERE i.invoice_id = $1`,
      [providerInvoiceId],
    );
    return rows[0];
  };

  return {
    name: DEVELOPMENT_PROVIDER,
    payPagePath,

    async createInvoice(request) {
      const invoiceId = `DEV-${randomBytes(9).toString('hex').toUpperCase()}`;
      await db.query(
        `INSERT INTO payments.dev_provider_invoices (invoice_id, invoice_code, sender_invoice_no, sender_branch_code, invoice_receiver_code, invoice_description, amount, callback_url)
         VALUES ($1, 'URTUU_INVOICE', $2, $3, $4, $5, $6, $7) ON CONFLICT (sender_invoice_no) DO NOTHING`,
        [invoiceId, request.senderInvoiceNo, request.senderBranchCode, request.invoiceReceiverCode, request.description, request.amountMnt, request.callbackUrl],
      );
      const { rows } = await db.query<{ invoice_id: string }>('SELECT invoice_id FROM payments.dev_provider_invoices WHERE sender_invoice_no = $1', [request.senderInvoiceNo]);
      return answer(rows[0]!);
    },

    async checkPayment(providerInvoiceId): Promise<ProviderPaymentCheck> {
      const row = await findRow(providerInvoiceId);
      if (!row?.payment_id) return { paid: false, paidAmountMnt: 0, payments: [] };
      const payment = { paymentId: row.payment_id, status: row.payment_status!, amountMnt: Number(row.payment_amount), paidAt: iso(row.payment_date!) };
      const paid = payment.status === 'PAID' && payment.amountMnt >= Number(row.amount);
      return { paid, paidAmountMnt: payment.status === 'PAID' ? payment.amountMnt : 0, payments: [payment] };
    },

    async refund(paymentId, note) {
      const { rows } = await db.query<{ refund_date: Date | string }>(
        `UPDATE payments.dev_provider_payments SET payment_status = 'REFUNDED', refund_date = COALESCE(refund_date, now()), refund_note = COALESCE(refund_note, $2)
          WHERE payment_id = $1 RETURNING refund_date`,
        [paymentId, note],
      );
      if (!rows[0]) throw new Error(`development provider: no payment ${paymentId}`);
      return { paymentId, refundedAt: iso(rows[0].refund_date) };
    },

    async settlements(date): Promise<ProviderSettlement[]> {
      const { from, to } = ulaanbaatarDay(date);
      const { rows } = await db.query<{ payment_id: string; invoice_id: string; sender_invoice_no: string; sender_branch_code: string; payment_amount: number; payment_date: Date | string; payment_status: 'PAID' | 'REFUNDED' }>(
        `SELECT p.payment_id, p.invoice_id, i.sender_invoice_no, i.sender_branch_code, p.payment_amount, p.payment_date, p.payment_status
           FROM payments.dev_provider_payments p JOIN payments.dev_provider_invoices i ON i.invoice_id = p.invoice_id
          WHERE p.payment_date >= $1 AND p.payment_date < $2 ORDER BY p.payment_date`,
        [from.toISOString(), to.toISOString()],
      );
      return rows.map((row) => ({
        paymentId: row.payment_id,
        providerInvoiceId: row.invoice_id,
        senderInvoiceNo: row.sender_invoice_no,
        senderBranchCode: row.sender_branch_code,
        amountMnt: Number(row.payment_amount),
        paidAt: iso(row.payment_date),
        status: row.payment_status,
      }));
    },

    verifyCallback(rawBody, headers) {
      const given = headers[SIGNATURE_HEADER];
      if (typeof given !== 'string') return undefined;
      const expected = Buffer.from(signCallback(secret, rawBody));
      const actual = Buffer.from(given);
      if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return undefined;
      try {
        const body = JSON.parse(rawBody) as { invoice_id?: unknown };
        return typeof body.invoice_id === 'string' && body.invoice_id.length > 0 ? { providerInvoiceId: body.invoice_id } : undefined;
      } catch {
        return undefined;
      }
    },

    async findInvoice(providerInvoiceId) {
      const row = await findRow(providerInvoiceId);
      if (!row) return undefined;
      return {
        invoiceId: row.invoice_id,
        senderInvoiceNo: row.sender_invoice_no,
        senderBranchCode: row.sender_branch_code,
        description: row.invoice_description,
        amountMnt: Number(row.amount),
        callbackUrl: row.callback_url,
        payment: row.payment_id ? { paymentId: row.payment_id, status: row.payment_status!, amountMnt: Number(row.payment_amount), paidAt: iso(row.payment_date!) } : null,
      };
    },

    async pay(providerInvoiceId, wallet) {
      const row = await findRow(providerInvoiceId);
      if (!row) throw new Error(`development provider: no invoice ${providerInvoiceId}`);
      // Paying twice is one payment: the bank app would show the invoice as already paid.
      await db.query(
        `INSERT INTO payments.dev_provider_payments (payment_id, invoice_id, payment_status, payment_amount, payment_wallet)
         VALUES ($1, $2, 'PAID', $3, $4) ON CONFLICT (invoice_id) DO NOTHING`,
        [`PAY-${randomBytes(9).toString('hex').toUpperCase()}`, providerInvoiceId, row.amount, wallet.slice(0, 100)],
      );
      const paid = (await findRow(providerInvoiceId))!;
      const body = JSON.stringify({ invoice_id: providerInvoiceId, payment_id: paid.payment_id, payment_status: paid.payment_status, sender_invoice_no: paid.sender_invoice_no });
      const callbackStatus = await options.deliver(row.callback_url, body, { 'content-type': 'application/json', [SIGNATURE_HEADER]: signCallback(secret, body) });
      return { paymentId: paid.payment_id!, callbackStatus };
    },
  };
}
