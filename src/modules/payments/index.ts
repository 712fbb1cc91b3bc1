// Payments: invoices for state fees, paid through a provider behind an interface (modelled on QPay
// v2). The development provider keeps its own books and has a page where a person pays; a real
// provider plugs in as another PaymentProvider. Other modules use the Payments service only.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { AppContext, ModuleManifest } from '../../kernel/context.ts';
import type { Messages } from '../../kernel/i18n.ts';
import { createDevelopmentProvider, type DevelopmentProvider } from './development-provider.ts';
import { paymentPages } from './pages.ts';
import type { PaymentProvider } from './provider.ts';
import { paymentRoutes } from './routes.ts';
import { createPayments, type Payments } from './service.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const messages = (lang: string) => JSON.parse(readFileSync(path.join(here, 'locales', `${lang}.json`), 'utf8')) as Messages;

export const paymentsManifest: ModuleManifest = {
  name: 'payments',
  migrationsDir: path.join(here, 'migrations'),
  messages: { mn: messages('mn'), en: messages('en') },
};

export interface PaymentsModuleOptions {
  /** A real provider; without one the development provider is used. */
  provider?: PaymentProvider;
}

/** Creates the payments service and registers its callback, API and pages. */
export async function registerPayments(app: FastifyInstance, ctx: AppContext, options: PaymentsModuleOptions = {}): Promise<Payments> {
  let devProvider: DevelopmentProvider | undefined;
  const provider =
    options.provider ??
    (devProvider = createDevelopmentProvider({
      db: ctx.db,
      sessionSecret: ctx.config.sessionSecret,
      baseUrl: ctx.config.baseUrl,
      // The callback goes through our own HTTP stack in-process: the public base URL may not be
      // reachable from inside (a proxy in front, a test server that never listens).
      async deliver(url, body, headers) {
        const response = await app.inject({ method: 'POST', url: new URL(url).pathname, payload: body, headers });
        return response.statusCode;
      },
    }));
  const payments = createPayments(ctx, provider, { callbackUrl: `${ctx.config.baseUrl}/api/v1/payments/callback/${provider.name}` });
  await paymentRoutes(app, payments);
  await paymentPages(app, ctx, payments, devProvider);
  return payments;
}

export { DEVELOPMENT_PROVIDER, SIGNATURE_HEADER, developmentCallbackSecret, signCallback, type DevelopmentProvider } from './development-provider.ts';
export type { PaymentProvider, ProviderInvoice, ProviderInvoiceRequest, ProviderPayment, ProviderPaymentCheck, ProviderRefund, ProviderSettlement } from './provider.ts';
export type { BankLink, CreateInvoiceInput, Invoice, InvoiceEvent, InvoiceEventKind, InvoiceState, ReconciliationLine, ReconciliationReport } from './schema.ts';
export { allowedActions, treasuryNumber, type PaidListener, type Payments } from './service.ts';
