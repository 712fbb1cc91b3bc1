// Helpers for the payments tests: invoices for the development citizen, paid through the
// development provider's page or with a callback signed as the provider signs it.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { form, type TestApp } from '../../../test/helpers.ts';
import { SIGNATURE_HEADER, developmentCallbackSecret, signCallback } from './development-provider.ts';
import type { CreateInvoiceInput, Invoice } from './schema.ts';

/** The development citizen's register number (dev-sign-in.ts). */
export const PAYER = 'УБ90051428';

export async function newInvoice(app: TestApp, overrides: Partial<CreateInvoiceInput> = {}): Promise<Invoice> {
  return app.payments.createInvoice({
    reference: `application-${randomUUID()}`,
    payer: PAYER,
    agencyId: 'gasr',
    amountMnt: 18_300,
    description: { mn: 'Иргэний үнэмлэх нөхөн олгох хураамж', en: 'Fee for replacing an identity card' },
    refundable: true,
    idempotencyKey: randomUUID(),
    ...overrides,
  });
}

/** Pays as a person would: opens the development pay page and presses "Pay". */
export async function payOnDevPage(app: TestApp, invoice: Invoice): Promise<void> {
  const path = `/en/dev-pay/${invoice.providerInvoiceId}`;
  const shown = await app.as(null, { method: 'GET', url: path });
  assert.equal(shown.statusCode, 200, shown.body.slice(0, 300));
  const paid = await app.as(null, { method: 'POST', url: path, ...form({ bank: 'Khan bank' }, app.csrf) });
  assert.equal(paid.statusCode, 303, paid.body.slice(0, 300));
}

/** Records a payment in the provider's books without sending its callback (a callback lost on the way). */
export async function payAtProviderOnly(app: TestApp, invoice: Invoice, amount = invoice.amountMnt): Promise<void> {
  await app.ctx.db.query(
    `INSERT INTO payments.dev_provider_payments (payment_id, invoice_id, payment_status, payment_amount, payment_wallet) VALUES ($1, $2, 'PAID', $3, 'test')`,
    [`PAY-${randomUUID()}`, invoice.providerInvoiceId, amount],
  );
}

/** A callback body and headers as the development provider sends them; `secret` overrides the signing secret. */
export function signedCallback(app: TestApp, invoice: Invoice, secret?: string): { payload: string; headers: Record<string, string> } {
  const payload = JSON.stringify({ invoice_id: invoice.providerInvoiceId, payment_status: 'PAID', sender_invoice_no: invoice.treasuryNumber });
  return { payload, headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signCallback(developmentCallbackSecret(secret ?? app.config.sessionSecret), payload) } };
}

export async function paidEvents(app: TestApp, invoiceId: string): Promise<number> {
  const { rows } = await app.ctx.db.query<{ count: number }>(`SELECT count(*)::int AS count FROM payments.invoice_events WHERE invoice_id = $1 AND kind = 'paid'`, [invoiceId]);
  return Number(rows[0]!.count);
}
