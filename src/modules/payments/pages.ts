// Pages: the citizen's invoice (QR code, bank links, "I have paid — check"), the citizen's list of
// payments, the back office's invoices and reconciliation, and the development provider's pay page.
// Every action is a plain form post.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import { hasRole, requireCitizen, requireRole } from '../../kernel/auth.ts';
import type { AppContext } from '../../kernel/context.ts';
import { AppError, type FieldError } from '../../kernel/errors.ts';
import { formatMnt, isoDate } from '../../kernel/format.ts';
import type { Lang } from '../../kernel/i18n.ts';
import { page } from '../../web/index.ts';
import type { DevelopmentProvider } from './development-provider.ts';
import { OFFICIAL_ROLES, invoicesFor, reconciliationAgency } from './routes.ts';
import { isCalendarDate, type Invoice, type ReconciliationReport } from './schema.ts';
import type { Payments } from './service.ts';

const VIEWS = 'modules/payments/views';

function escapeAttribute(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The QR code as inline SVG: a few kilobytes, no image request, sharp at any size. */
async function qrSvg(text: string, label: string): Promise<string> {
  const svg = await QRCode.toString(text, { type: 'svg', margin: 2, width: 240, errorCorrectionLevel: 'M' });
  return svg.replace('<svg ', `<svg role="img" aria-label="${escapeAttribute(label)}" focusable="false" `);
}

/** An invoice as the templates show it. */
function invoiceView(invoice: Invoice, lang: Lang, t: FastifyRequest['t']) {
  return {
    ...invoice,
    amount: formatMnt(invoice.amountMnt),
    descriptionText: invoice.description[lang],
    stateText: t(`payments.states.${invoice.state}`),
    stateColour: { open: 'yellow', paid: 'green', refund_requested: 'purple', refunded: 'blue', cancelled: 'grey', expired: 'grey' }[invoice.state],
  };
}

function reportView(report: ReconciliationReport) {
  const sum = (lines: ReconciliationReport['matched'], side: 'ourAmountMnt' | 'providerAmountMnt') => lines.reduce((total, line) => total + (line[side] ?? 0), 0);
  return {
    ...report,
    figures: [
      { key: 'matched', count: report.matched.length, amount: formatMnt(sum(report.matched, 'ourAmountMnt')) },
      { key: 'missingAtProvider', count: report.missingAtProvider.length, amount: formatMnt(sum(report.missingAtProvider, 'ourAmountMnt')) },
      { key: 'missingHere', count: report.missingHere.length, amount: formatMnt(sum(report.missingHere, 'providerAmountMnt')) },
      { key: 'amountMismatches', count: report.amountMismatches.length, amount: formatMnt(sum(report.amountMismatches, 'providerAmountMnt')) },
    ],
    problems: [
      ...report.missingAtProvider.map((line) => ({ ...line, kind: 'missingAtProvider' })),
      ...report.missingHere.map((line) => ({ ...line, kind: 'missingHere' })),
      ...report.amountMismatches.map((line) => ({ ...line, kind: 'amountMismatches' })),
    ].map((line) => ({ ...line, ours: line.ourAmountMnt === null ? '—' : formatMnt(line.ourAmountMnt), theirs: line.providerAmountMnt === null ? '—' : formatMnt(line.providerAmountMnt) })),
    ourTotal: formatMnt(report.totals.ourMnt),
    providerTotal: formatMnt(report.totals.providerMnt),
  };
}

export async function paymentPages(app: FastifyInstance, ctx: AppContext, payments: Payments, devProvider: DevelopmentProvider | undefined): Promise<void> {
  const citizen = (request: FastifyRequest): string => requireCitizen(request.principal).registerNumber;
  /** The payer's own invoice; anyone else's is answered as if it did not exist. */
  const ownInvoice = async (request: FastifyRequest): Promise<Invoice> => {
    const registerNumber = citizen(request);
    const invoice = await payments.findInvoice((request.params as { id: string }).id);
    if (!invoice || invoice.payer !== registerNumber) throw new AppError('PAYMENT_INVOICE_NOT_FOUND');
    return invoice;
  };
  const devPayAvailable = () => Boolean(devProvider && ctx.config.devLogin);

  page(app, 'GET', '/pay/:id', {}, async (request, reply) => {
    const invoice = await ownInvoice(request);
    const lang = request.lang;
    const checked = (request.query as { checked?: string }).checked === '1';
    const payable = invoice.state === 'open' && invoice.qrText !== null;
    return reply.page(`${VIEWS}/pay.njk`, {
      invoice: invoiceView(invoice, lang, request.t),
      payable,
      checked,
      qr: payable ? await qrSvg(invoice.qrText!, request.t('payments.pay.qrLabel', { number: invoice.treasuryNumber })) : null,
      devPayPath: payable && devPayAvailable() && invoice.providerInvoiceId ? devProvider!.payPagePath!(invoice.providerInvoiceId, lang) : null,
    }, { title: request.t('payments.pay.title') });
  });

  page(app, 'POST', '/pay/:id/check', {}, async (request, reply) => {
    const invoice = await ownInvoice(request);
    await payments.checkPayment(invoice.id);
    return reply.redirect(`/${request.lang}/pay/${invoice.id}?checked=1`, 303);
  });

  page(app, 'GET', '/my/payments', {}, async (request, reply) => {
    const registerNumber = citizen(request);
    const invoices = (await payments.invoicesOfPayer(registerNumber)).map((invoice) => invoiceView(invoice, request.lang, request.t));
    return reply.page(`${VIEWS}/my-payments.njk`, { invoices, devPay: devPayAvailable() }, { title: request.t('payments.my.title') });
  });

  // In development a person can make themself an invoice, to try paying before any service charges fees.
  page(app, 'POST', '/my/payments/test-invoice', {}, async (request, reply) => {
    const registerNumber = citizen(request);
    if (!devPayAvailable()) throw new AppError('NOT_FOUND');
    const invoice = await payments.createInvoice({
      reference: `development-${randomUUID()}`,
      payer: registerNumber,
      agencyId: 'gasr',
      amountMnt: 1_000,
      description: { mn: 'Туршилтын нэхэмжлэх (хөгжүүлэлт)', en: 'Test invoice (development)' },
      refundable: true,
      idempotencyKey: randomUUID(),
    });
    return reply.redirect(`/${request.lang}/pay/${invoice.id}`, 303);
  });

  page(app, 'GET', '/admin/payments', { preHandler: requireRole(...OFFICIAL_ROLES) }, async (request, reply) => {
    const principal = request.principal!;
    const query = request.query as { date?: unknown; agency?: unknown };
    const agency = typeof query.agency === 'string' && /^[a-z0-9][a-z0-9-]{0,39}$/.test(query.agency) ? query.agency : undefined;
    const { agencyId, invoices } = await invoicesFor(payments, principal, agency);
    const date = typeof query.date === 'string' && query.date !== '' ? query.date : isoDate(new Date());
    const errors: FieldError[] = [];
    let report = null;
    if (hasRole(principal, ['platform-admin', 'agency-admin'])) {
      if (isCalendarDate(date)) report = reportView(await payments.reconcile(date, { agencyId: reconciliationAgency(principal, agencyId ?? undefined) }));
      else errors.push({ field: 'date', message: new AppError('PAYMENT_DATE_INVALID', { date: date.slice(0, 40) }).text(request.lang) });
    }
    return reply.page(`${VIEWS}/admin.njk`, {
      invoices: invoices.map((invoice) => invoiceView(invoice, request.lang, request.t)),
      agencyId,
      date: date.slice(0, 40),
      report,
      mayReconcile: hasRole(principal, ['platform-admin', 'agency-admin']),
    }, { title: request.t('payments.admin.title'), errors, status: errors.length ? 400 : 200 });
  });

  // The development provider's page: what a bank app would show after scanning the QR code.
  const devInvoice = async (request: FastifyRequest) => {
    if (!devPayAvailable()) throw new AppError('NOT_FOUND');
    const found = await devProvider!.findInvoice((request.params as { providerInvoiceId: string }).providerInvoiceId);
    if (!found) throw new AppError('NOT_FOUND');
    return found;
  };

  page(app, 'GET', '/dev-pay/:providerInvoiceId', {}, async (request, reply) => {
    const found = await devInvoice(request);
    const query = request.query as { bank?: unknown; paid?: unknown };
    const ours = await payments.findInvoiceByProvider(found.invoiceId);
    return reply.page(`${VIEWS}/dev-pay.njk`, {
      found: { ...found, amount: formatMnt(found.amountMnt) },
      bank: typeof query.bank === 'string' ? query.bank.slice(0, 60) : '',
      justPaid: query.paid === '1',
      invoicePath: ours ? `/${request.lang}/pay/${ours.id}` : null,
    }, { title: request.t('payments.devPay.title') });
  });

  page(app, 'POST', '/dev-pay/:providerInvoiceId', {}, async (request, reply) => {
    const found = await devInvoice(request);
    const bank = (request.body as { bank?: unknown } | undefined)?.bank;
    const wallet = typeof bank === 'string' && bank ? bank : 'development';
    const { callbackStatus } = await devProvider!.pay(found.invoiceId, wallet);
    if (callbackStatus >= 300) request.log.warn({ callbackStatus }, 'development provider: callback refused');
    return reply.redirect(`/${request.lang}/dev-pay/${encodeURIComponent(found.invoiceId)}?paid=1`, 303);
  });
}
