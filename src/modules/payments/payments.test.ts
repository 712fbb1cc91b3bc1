// The payments module end to end: idempotent invoices, paying through the development provider,
// callbacks (replayed, forged, concurrent), refunds, privacy of invoices and reconciliation.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Principal } from '../../kernel/auth.ts';
import { AppError } from '../../kernel/errors.ts';
import { formatMnt, isoDate } from '../../kernel/format.ts';
import { form, testApp, type TestApp } from '../../../test/helpers.ts';
import type { Invoice } from './schema.ts';
import { newInvoice, paidEvents, payAtProviderOnly, payOnDevPage, signedCallback } from './test-fixtures.ts';

const ANOTHER_CITIZEN: Principal = { id: 'other-citizen', name: 'Б.Бат', kind: 'citizen', roles: ['citizen'], agencyId: null, registerNumber: 'УБ85010112' };

describe('payments', () => {
  let app: TestApp;
  const paid: Invoice[] = [];

  before(async () => {
    app = await testApp({ seed: false });
    app.payments.onPaid((invoice) => {
      paid.push(invoice);
    });
  });
  after(async () => app.close());

  const timesPaid = (invoice: Invoice) => paid.filter((item) => item.id === invoice.id).length;

  it('creates one invoice per idempotency key, with a treasury number and the provider’s QR', async () => {
    const key = randomUUID();
    const input = { reference: 'application-1', payer: 'УБ90051428', agencyId: 'gasr', amountMnt: 18_300, description: { mn: 'Хураамж', en: 'Fee' }, refundable: true, idempotencyKey: key };
    const [first, second] = await Promise.all([app.payments.createInvoice(input), app.payments.createInvoice(input)]);
    const third = await app.payments.createInvoice(input);
    assert.equal(first!.id, second!.id);
    assert.equal(first!.id, third.id);
    assert.equal(first!.treasuryNumber, third.treasuryNumber);
    assert.match(third.treasuryNumber, /^GASR-\d{8}-\d{7}$/);
    assert.equal(third.state, 'open');
    assert.deepEqual(third.events.map((event) => event.kind), ['created']);
    assert.ok(third.providerInvoiceId);
    assert.ok(third.qrText?.includes(`/dev-pay/${third.providerInvoiceId}`));
    assert.ok(third.bankLinks.length > 0);
    const { rows } = await app.ctx.db.query<{ count: number }>(`SELECT count(*)::int AS count FROM payments.invoices WHERE idempotency_key = $1`, [key]);
    assert.equal(Number(rows[0]!.count), 1);
    const { rows: atProvider } = await app.ctx.db.query<{ count: number }>(`SELECT count(*)::int AS count FROM payments.dev_provider_invoices WHERE sender_invoice_no = $1`, [third.treasuryNumber]);
    assert.equal(Number(atProvider[0]!.count), 1);

    // The same key with other details is a mistake, not a new invoice.
    await assert.rejects(app.payments.createInvoice({ ...input, amountMnt: 1 }), (error: unknown) => error instanceof AppError && error.code === 'PAYMENT_IDEMPOTENCY_CONFLICT');
    await assert.rejects(app.payments.createInvoice({ ...input, idempotencyKey: randomUUID(), amountMnt: 0 }), (error: unknown) => error instanceof AppError && error.code === 'PAYMENT_INVOICE_INVALID');
    await assert.rejects(app.payments.createInvoice({ ...input, idempotencyKey: randomUUID(), payer: 'nobody' }), (error: unknown) => error instanceof AppError && error.code === 'PAYMENT_INVOICE_INVALID');
  });

  it('shows the payer the amount, treasury number, QR code and bank links, and takes payment through the development page', async () => {
    const invoice = await newInvoice(app);
    const page = await app.as('dev-citizen', { method: 'GET', url: `/en/pay/${invoice.id}` });
    assert.equal(page.statusCode, 200);
    assert.ok(page.body.includes('18,300₮'));
    assert.ok(page.body.includes(invoice.treasuryNumber));
    assert.ok(page.body.includes('<svg role="img"'));
    assert.ok(page.body.includes(`/en/dev-pay/${invoice.providerInvoiceId}`));
    assert.ok(page.body.includes('Хаан банк'));
    assert.ok(page.body.includes('Fee for replacing an identity card'));
    const mn = await app.as('dev-citizen', { method: 'GET', url: `/mn/pay/${invoice.id}` });
    assert.ok(mn.body.includes('Төрийн сангийн нэхэмжлэхийн дугаар'));

    // Before paying, "check" finds nothing and says so.
    const early = await app.as('dev-citizen', { method: 'POST', url: `/en/pay/${invoice.id}/check`, ...form({}, app.csrf) });
    assert.equal(early.statusCode, 303);
    const notYet = await app.as('dev-citizen', { method: 'GET', url: early.headers.location as string });
    assert.ok(notYet.body.includes('has not arrived yet'));

    await payOnDevPage(app, invoice);
    const after = await app.payments.getInvoice(invoice.id);
    assert.equal(after.state, 'paid');
    assert.ok(after.paidAt);
    assert.ok(after.providerPaymentId);
    assert.equal(timesPaid(invoice), 1);
    const done = await app.as('dev-citizen', { method: 'GET', url: `/en/pay/${invoice.id}` });
    assert.ok(done.body.includes('Payment received'));
    const devPage = await app.as(null, { method: 'GET', url: `/en/dev-pay/${invoice.providerInvoiceId}?bank=Khan%20bank` });
    assert.ok(devPage.body.includes(`/en/pay/${invoice.id}`));
    // What is being paid, one row each: amount, description, treasury number and the bank chosen.
    const rows = [...devPage.body.matchAll(/<div class="govuk-summary-list__row">\s*<dt class="govuk-summary-list__key">\s*([^<]*?)\s*<\/dt>\s*<dd class="govuk-summary-list__value">\s*([^<]*?)\s*<\/dd>/g)].map((match) => [match[1], match[2]]);
    assert.deepEqual(rows.map(([key]) => key), ['Amount to pay', 'What it is for', 'Treasury invoice number', 'Bank']);
    assert.equal(rows[0]![1], formatMnt(invoice.amountMnt));
    assert.equal(rows[2]![1], invoice.treasuryNumber);
    assert.equal(rows[3]![1], 'Khan bank');

    const made = await app.as('dev-citizen', { method: 'POST', url: '/en/my/payments/test-invoice', ...form({}, app.csrf) });
    assert.equal(made.statusCode, 303);
    assert.match(String(made.headers.location), /^\/en\/pay\/[0-9a-f-]{36}$/);
    const mine = await app.as('dev-citizen', { method: 'GET', url: '/en/my/payments' });
    assert.equal(mine.statusCode, 200);
    assert.ok(mine.body.includes(invoice.treasuryNumber));
  });

  it('"I have paid — check" finds a payment whose callback never came', async () => {
    const invoice = await newInvoice(app);
    await payAtProviderOnly(app, invoice);
    const checked = await app.as('dev-citizen', { method: 'POST', url: `/en/pay/${invoice.id}/check`, ...form({}, app.csrf) });
    assert.equal(checked.statusCode, 303);
    assert.equal((await app.payments.getInvoice(invoice.id)).state, 'paid');
    assert.equal(timesPaid(invoice), 1);
  });

  it('treats a replayed callback as done: 200, no second paid event, listeners not called again', async () => {
    const invoice = await newInvoice(app);
    await payOnDevPage(app, invoice);
    for (let round = 0; round < 3; round += 1) {
      const replay = await app.as(null, { method: 'POST', url: '/api/v1/payments/callback/development', ...signedCallback(app, invoice) });
      assert.equal(replay.statusCode, 200, replay.body);
      assert.equal(replay.json().state, 'paid');
    }
    assert.equal(await paidEvents(app, invoice.id), 1);
    assert.equal(timesPaid(invoice), 1);
  });

  it('refuses a forged callback with a problem and changes nothing', async () => {
    const invoice = await newInvoice(app);
    // Paid at the provider, so a callback that got through would mark it paid.
    await payAtProviderOnly(app, invoice);
    const forged = await app.as(null, { method: 'POST', url: '/api/v1/payments/callback/development', ...signedCallback(app, invoice, 'not the platform secret') });
    assert.equal(forged.statusCode, 401);
    assert.match(String(forged.headers['content-type']), /application\/problem\+json/);
    assert.equal(forged.json().code, 'PAYMENT_CALLBACK_INVALID');
    const unsigned = await app.as(null, { method: 'POST', url: '/api/v1/payments/callback/development', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ invoice_id: invoice.providerInvoiceId }) });
    assert.equal(unsigned.statusCode, 401);
    // A valid signature over another body does not carry over.
    const signed = signedCallback(app, invoice);
    const tampered = await app.as(null, { method: 'POST', url: '/api/v1/payments/callback/development', headers: signed.headers, payload: signed.payload.replace('PAID', 'PAYD') });
    assert.equal(tampered.statusCode, 401);
    const malformed = await app.as(null, { method: 'POST', url: '/api/v1/payments/callback/development', headers: { 'content-type': 'application/json' }, payload: '{not json' });
    assert.equal(malformed.statusCode, 400);
    assert.equal((await app.payments.getInvoice(invoice.id)).state, 'open');
    assert.equal(await paidEvents(app, invoice.id), 0);
    assert.equal(timesPaid(invoice), 0);
  });

  it('records one paid event when callbacks arrive at once', async () => {
    const invoice = await newInvoice(app);
    await payAtProviderOnly(app, invoice);
    const answers = await Promise.all(Array.from({ length: 6 }, () => app.as(null, { method: 'POST', url: '/api/v1/payments/callback/development', ...signedCallback(app, invoice) })));
    for (const answer of answers) assert.equal(answer.statusCode, 200, answer.body);
    assert.equal(await paidEvents(app, invoice.id), 1);
    assert.equal(timesPaid(invoice), 1);
    // The service called directly, concurrently, also records it once.
    const other = await newInvoice(app);
    await payAtProviderOnly(app, other);
    await Promise.all(Array.from({ length: 6 }, () => app.payments.checkPayment(other.id)));
    assert.equal(await paidEvents(app, other.id), 1);
    assert.equal(timesPaid(other), 1);
  });

  it('refunds a paid, refundable invoice through the provider', async () => {
    const invoice = await newInvoice(app);
    await payOnDevPage(app, invoice);
    const refund = await app.as('dev-gasr-admin', { method: 'POST', url: `/api/v1/payments/invoices/${invoice.id}/refund`, payload: { reason: 'Service not provided' } });
    assert.equal(refund.statusCode, 200, refund.body);
    assert.equal(refund.json().state, 'refunded');
    const after = await app.payments.getInvoice(invoice.id);
    assert.deepEqual(after.events.map((event) => event.kind), ['created', 'paid', 'refund_requested', 'refunded']);
    assert.equal(after.events[2]!.actorId, 'dev-gasr-admin');
    const { rows } = await app.ctx.db.query<{ payment_status: string }>('SELECT payment_status FROM payments.dev_provider_payments WHERE invoice_id = $1', [invoice.providerInvoiceId]);
    assert.equal(rows[0]!.payment_status, 'REFUNDED');

    // Refunded once; a second refund names the state and that nothing is allowed in it.
    const again = await app.as('dev-gasr-admin', { method: 'POST', url: `/api/v1/payments/invoices/${invoice.id}/refund?lang=en`, payload: { reason: 'again' } });
    assert.equal(again.statusCode, 409);
    assert.equal(again.json().code, 'PAYMENT_ACTION_NOT_ALLOWED');
    assert.match(again.json().detail, /"refunded"/);
  });

  it('refuses to refund a non-refundable fee, and an unpaid invoice, with named errors', async () => {
    const fee = await newInvoice(app, { refundable: false });
    await payOnDevPage(app, fee);
    const refused = await app.as('dev-platform-admin', { method: 'POST', url: `/api/v1/payments/invoices/${fee.id}/refund?lang=en`, payload: { reason: 'Asked by the citizen' } });
    assert.equal(refused.statusCode, 409);
    assert.equal(refused.json().code, 'PAYMENT_NOT_REFUNDABLE');
    await assert.rejects(app.payments.refund(fee.id, 'reason', null), (error: unknown) => error instanceof AppError && error.code === 'PAYMENT_NOT_REFUNDABLE');
    assert.equal((await app.payments.getInvoice(fee.id)).state, 'paid');

    const unpaid = await newInvoice(app);
    const mn = await app.as('dev-platform-admin', { method: 'POST', url: `/api/v1/payments/invoices/${unpaid.id}/refund?lang=mn`, payload: { reason: 'Шалтгаан' } });
    assert.equal(mn.statusCode, 409);
    assert.equal(mn.json().code, 'PAYMENT_ACTION_NOT_ALLOWED');
    assert.match(mn.json().detail, /"open" төлөвт/);
    assert.match(mn.json().detail, /pay, cancel, expire/);

    const cancelled = await app.payments.cancel(unpaid.id, 'Application withdrawn', null);
    assert.equal(cancelled.state, 'cancelled');
    await assert.rejects(app.payments.cancel(unpaid.id, 'again', null), (error: unknown) => error instanceof AppError && error.code === 'PAYMENT_ACTION_NOT_ALLOWED');
  });

  it('answers bad input with a clear 4xx', async () => {
    const invoice = await newInvoice(app);
    const noReason = await app.as('dev-gasr-admin', { method: 'POST', url: `/api/v1/payments/invoices/${invoice.id}/refund`, payload: {} });
    assert.equal(noReason.statusCode, 400);
    assert.equal(noReason.json().code, 'VALIDATION_FAILED');
    const badId = await app.as('dev-gasr-admin', { method: 'POST', url: '/api/v1/payments/invoices/not-an-id/refund', payload: { reason: 'x' } });
    assert.equal(badId.statusCode, 400);
    const unknown = await app.as('dev-gasr-admin', { method: 'POST', url: `/api/v1/payments/invoices/${randomUUID()}/refund`, payload: { reason: 'x' } });
    assert.equal(unknown.statusCode, 404);
    const badDate = await app.as('dev-platform-admin', { method: 'GET', url: '/api/v1/payments/reconciliation?date=2026-02-30&lang=en' });
    assert.equal(badDate.statusCode, 400);
    assert.equal(badDate.json().code, 'PAYMENT_DATE_INVALID');
    const notDate = await app.as('dev-platform-admin', { method: 'GET', url: '/api/v1/payments/reconciliation?date=yesterday' });
    assert.equal(notDate.statusCode, 400);
    const noDate = await app.as('dev-platform-admin', { method: 'GET', url: '/api/v1/payments/reconciliation' });
    assert.equal(noDate.statusCode, 400);
    const page = await app.as('dev-platform-admin', { method: 'GET', url: '/en/admin/payments?date=2026-13-01' });
    assert.equal(page.statusCode, 400);
    assert.ok(page.body.includes('govuk-error-summary'));
    assert.ok(page.body.includes('is not a date'));
    const strange = await app.as('dev-citizen', { method: 'GET', url: '/en/pay/%E0%A4%A' });
    assert.ok(strange.statusCode >= 400 && strange.statusCode < 500);
    const noPage = await app.as('dev-citizen', { method: 'GET', url: '/en/pay/not-an-id' });
    assert.equal(noPage.statusCode, 404);
    const noDev = await app.as(null, { method: 'GET', url: '/en/dev-pay/DEV-NOPE' });
    assert.equal(noDev.statusCode, 404);
    const otherAgency = await app.as('dev-gasr-admin', { method: 'GET', url: '/api/v1/payments/invoices?agency=police' });
    assert.equal(otherAgency.statusCode, 403);
  });

  it('shows an invoice only to its payer: another citizen gets 404, as if it did not exist', async () => {
    const invoice = await newInvoice(app);
    const view = await app.as(ANOTHER_CITIZEN, { method: 'GET', url: `/en/pay/${invoice.id}` });
    assert.equal(view.statusCode, 404);
    const check = await app.as(ANOTHER_CITIZEN, { method: 'POST', url: `/en/pay/${invoice.id}/check`, ...form({}, app.csrf) });
    assert.equal(check.statusCode, 404);
    const list = await app.as(ANOTHER_CITIZEN, { method: 'GET', url: '/en/my/payments' });
    assert.equal(list.statusCode, 200);
    assert.ok(!list.body.includes(invoice.treasuryNumber));
    // Officials of another agency do not see it in their list either.
    const police = await app.as('dev-police-officer', { method: 'GET', url: '/api/v1/payments/invoices' });
    assert.ok(!(police.json().invoices as Invoice[]).some((item) => item.id === invoice.id));
    const gasr = await app.as('dev-gasr-supervisor', { method: 'GET', url: '/api/v1/payments/invoices' });
    assert.ok((gasr.json().invoices as Invoice[]).some((item) => item.id === invoice.id));
  });

  it('reconciles a day against the provider’s settlements and finds what differs', async () => {
    const matched = await newInvoice(app, { agencyId: 'police', amountMnt: 5_000 });
    const mismatched = await newInvoice(app, { agencyId: 'police', amountMnt: 7_000 });
    const lost = await newInvoice(app, { agencyId: 'police', amountMnt: 9_000 });
    await payOnDevPage(app, matched);
    await payOnDevPage(app, mismatched);
    // The provider's books disagree on one amount, and hold a payment whose callback never came.
    await app.ctx.db.query('UPDATE payments.dev_provider_payments SET payment_amount = 6500 WHERE invoice_id = $1', [mismatched.providerInvoiceId]);
    await payAtProviderOnly(app, lost);
    const today = isoDate(new Date());
    const report = await app.payments.reconcile(today, { agencyId: 'police' });
    assert.deepEqual(report.matched.map((line) => line.invoiceId), [matched.id]);
    assert.deepEqual(report.amountMismatches.map((line) => [line.invoiceId, line.ourAmountMnt, line.providerAmountMnt]), [[mismatched.id, 7_000, 6_500]]);
    assert.deepEqual(report.missingHere.map((line) => line.invoiceId), [lost.id]);
    assert.deepEqual(report.missingAtProvider, []);

    // A payment we recorded that the provider no longer lists.
    await app.ctx.db.query('UPDATE payments.dev_provider_payments SET payment_date = payment_date - interval \'3 days\' WHERE invoice_id = $1', [matched.providerInvoiceId]);
    const later = await app.payments.reconcile(today, { agencyId: 'police' });
    assert.deepEqual(later.missingAtProvider.map((line) => line.invoiceId), [matched.id]);

    // Through the API: the platform administrator for any agency; an agency administrator only their own.
    const api = await app.as('dev-platform-admin', { method: 'GET', url: `/api/v1/payments/reconciliation?date=${today}&agency=police` });
    assert.equal(api.statusCode, 200);
    assert.equal(api.json().amountMismatches.length, 1);
    const own = await app.as('dev-gasr-admin', { method: 'GET', url: `/api/v1/payments/reconciliation?date=${today}` });
    assert.equal(own.statusCode, 200);
    assert.equal(own.json().agencyId, 'gasr');
    assert.ok(!(own.json().matched as { agencyId: string }[]).some((line) => line.agencyId === 'police'));
    const notOwn = await app.as('dev-gasr-admin', { method: 'GET', url: `/api/v1/payments/reconciliation?date=${today}&agency=police` });
    assert.equal(notOwn.statusCode, 403);

    const page = await app.as('dev-platform-admin', { method: 'GET', url: `/en/admin/payments?agency=police&date=${today}` });
    assert.equal(page.statusCode, 200);
    assert.ok(page.body.includes('Amount mismatch'));
    assert.ok(page.body.includes(mismatched.treasuryNumber));
    assert.ok(page.body.includes('<caption'));
  });

  it('expires unpaid invoices past their time', async () => {
    const invoice = await newInvoice(app);
    const count = await app.payments.expireDue(new Date(Date.now() + 8 * 24 * 3600 * 1000));
    assert.ok(count >= 1);
    assert.equal((await app.payments.getInvoice(invoice.id)).state, 'expired');
  });
});

describe('payments without the development sign-in', () => {
  let app: TestApp;
  before(async () => {
    app = await testApp({ seed: false, devLogin: false });
  });
  after(async () => app.close());

  it('has no development pay page: nobody can fake a payment', async () => {
    const invoice = await newInvoice(app);
    const page = await app.as(null, { method: 'GET', url: `/en/dev-pay/${invoice.providerInvoiceId}` });
    assert.equal(page.statusCode, 404);
    const pay = await app.as(null, { method: 'POST', url: `/en/dev-pay/${invoice.providerInvoiceId}`, ...form({}, app.csrf) });
    assert.equal(pay.statusCode, 404);
    const test = await app.as('dev-citizen', { method: 'POST', url: '/en/my/payments/test-invoice', ...form({}, app.csrf) });
    assert.equal(test.statusCode, 404);
  });
});
