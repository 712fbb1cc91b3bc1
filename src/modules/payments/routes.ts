// The payments JSON API: the provider's callback, and invoices, refunds and reconciliation for officials.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { hasRole, requireRole, type Principal } from '../../kernel/auth.ts';
import { AppError } from '../../kernel/errors.ts';
import { DATE_PATTERN, UUID_PATTERN, invoiceJsonSchema, reconciliationJsonSchema, type Invoice } from './schema.ts';
import type { Payments } from './service.ts';

export const OFFICIAL_ROLES = ['platform-admin', 'agency-admin', 'supervisor', 'officer'] as const;
export const REFUND_ROLES = ['platform-admin', 'agency-admin', 'supervisor'] as const;
export const RECONCILE_ROLES = ['platform-admin', 'agency-admin'] as const;


/** The invoices an official may list: platform administrators any agency's (or all), staff their own agency's. */
export async function invoicesFor(payments: Payments, principal: Principal, agency: string | undefined): Promise<{ agencyId: string | null; invoices: Invoice[] }> {
  if (hasRole(principal, ['platform-admin'])) {
    return agency ? { agencyId: agency, invoices: await payments.invoicesOfAgency(agency) } : { agencyId: null, invoices: await payments.allInvoices() };
  }
  if (!principal.agencyId) throw new AppError('FORBIDDEN');
  if (agency && agency !== principal.agencyId) throw new AppError('FORBIDDEN_OTHER_AGENCY');
  return { agencyId: principal.agencyId, invoices: await payments.invoicesOfAgency(principal.agencyId) };
}

/** The agency whose reconciliation an official may see: any (or all) for platform administrators, their own for agency administrators. */
export function reconciliationAgency(principal: Principal, agency: string | undefined): string | null {
  if (hasRole(principal, ['platform-admin'])) return agency || null;
  if (!principal.agencyId || !hasRole(principal, ['agency-admin'])) throw new AppError('FORBIDDEN');
  if (agency && agency !== principal.agencyId) throw new AppError('FORBIDDEN_OTHER_AGENCY');
  return principal.agencyId;
}

/** May this official refund this invoice: platform administrators any, agency administrators and supervisors their agency's. */
export function mayRefund(principal: Principal, invoice: Invoice): boolean {
  return hasRole(principal, ['platform-admin']) || (hasRole(principal, ['agency-admin', 'supervisor']) && principal.agencyId === invoice.agencyId);
}

const agencyQuery = { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,39}$', description: 'Agency id' } as const;

export async function paymentRoutes(app: FastifyInstance, payments: Payments): Promise<void> {
  await app.register(async (scope) => {
    // The signature covers the body's exact bytes, so the body is kept as it came.
    scope.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: 64 * 1024 }, (request, body, done) => {
      (request as FastifyRequest & { rawBody?: string }).rawBody = body as string;
      try {
        done(null, body === '' ? {} : JSON.parse(body as string));
      } catch {
        done(Object.assign(new Error('malformed JSON'), { statusCode: 400 }), undefined);
      }
    });
    scope.post(`/api/v1/payments/callback/${payments.provider.name}`, {
      config: { csrf: false },
      schema: {
        tags: ['payments'],
        summary: `Payment notification from the "${payments.provider.name}" provider`,
        description: 'Called by the payment provider when an invoice is paid. The signature is checked, then the payment is confirmed with the provider before the invoice is marked paid. Repeating a notification changes nothing.',
        response: { 200: { type: 'object', properties: { invoiceId: { type: 'string' }, state: { type: 'string' } } } },
      },
    }, async (request) => {
      const raw = (request as FastifyRequest & { rawBody?: string }).rawBody ?? '';
      const invoice = await payments.handleCallback(raw, request.headers);
      return { invoiceId: invoice.id, state: invoice.state };
    });
  });

  app.get('/api/v1/payments/invoices', {
    preHandler: requireRole(...OFFICIAL_ROLES),
    schema: {
      tags: ['payments'],
      summary: 'Invoices: agency staff see their agency’s, platform administrators any agency’s (or all)',
      querystring: { type: 'object', properties: { agency: agencyQuery, lang: { type: 'string', enum: ['mn', 'en'] } }, additionalProperties: false },
      response: { 200: { type: 'object', properties: { agencyId: { type: ['string', 'null'] }, invoices: { type: 'array', items: invoiceJsonSchema } } } },
    },
  }, async (request) => invoicesFor(payments, request.principal!, (request.query as { agency?: string }).agency));

  app.post('/api/v1/payments/invoices/:id/refund', {
    preHandler: requireRole(...REFUND_ROLES),
    schema: {
      tags: ['payments'],
      summary: 'Refund a paid, refundable invoice (the money goes back to the payer; this cannot be undone)',
      params: { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: UUID_PATTERN } } },
      body: { type: 'object', required: ['reason'], properties: { reason: { type: 'string', minLength: 1, maxLength: 500 } } },
      response: { 200: invoiceJsonSchema },
    },
  }, async (request) => {
    const { id } = request.params as { id: string };
    const invoice = await payments.findInvoice(id);
    // Another agency's invoice is answered as if there were none.
    if (!invoice || !mayRefund(request.principal!, invoice)) throw new AppError('PAYMENT_INVOICE_NOT_FOUND');
    return payments.refund(id, (request.body as { reason: string }).reason, request.principal);
  });

  app.get('/api/v1/payments/reconciliation', {
    preHandler: requireRole(...RECONCILE_ROLES),
    schema: {
      tags: ['payments'],
      summary: 'Our paid invoices of a day against the provider’s settlement list',
      querystring: {
        type: 'object',
        required: ['date'],
        properties: { date: { type: 'string', pattern: DATE_PATTERN, description: 'yyyy-MM-dd, Ulaanbaatar time' }, agency: agencyQuery, lang: { type: 'string', enum: ['mn', 'en'] } },
        additionalProperties: false,
      },
      response: { 200: reconciliationJsonSchema },
    },
  }, async (request) => {
    const query = request.query as { date: string; agency?: string };
    return payments.reconcile(query.date, { agencyId: reconciliationAgency(request.principal!, query.agency) });
  });
}
