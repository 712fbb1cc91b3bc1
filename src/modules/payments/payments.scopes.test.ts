// Authorization matrix: every payments route called as every role, including those that must be
// refused. "ok" means the request was allowed (an answer below 400). PUBLIC: the provider's callback
// is authenticated by its signature, not by a session, and the development pay page stands for a
// bank app the payer reaches from their phone without signing in. CITIZEN_ONLY: the payer only;
// another citizen is answered 404 (payments.test.ts). OFFICIALS: each sees their agency's invoices.
import { after, before, describe } from 'node:test';
import { isoDate } from '../../kernel/format.ts';
import { form, testApp, type TestApp } from '../../../test/helpers.ts';
import { CITIZEN_ONLY, OFFICIALS, PUBLIC, coverageTest, matrixTests, type Expectation, type RouteCase } from '../../../test/matrix.ts';
import type { Invoice } from './schema.ts';
import { newInvoice, payOnDevPage, signedCallback } from './test-fixtures.ts';

// The invoice is the state registration agency's: its administrator and supervisor, or a platform administrator.
const REFUNDERS: Expectation = { anonymous: 401, 'dev-citizen': 403, 'dev-police-officer': 403, 'dev-gasr-supervisor': 'ok', 'dev-gasr-admin': 'ok', 'dev-platform-admin': 'ok' };
const RECONCILERS: Expectation = { anonymous: 401, 'dev-citizen': 403, 'dev-police-officer': 403, 'dev-gasr-supervisor': 403, 'dev-gasr-admin': 'ok', 'dev-platform-admin': 'ok' };

describe('payments authorization matrix', () => {
  let app: TestApp;
  let open: Invoice;
  let paid: Invoice;

  before(async () => {
    app = await testApp({ seed: false });
    open = await newInvoice(app);
    paid = await newInvoice(app);
    await payOnDevPage(app, paid);
  });
  after(async () => app.close());

  const paidRefundable = async () => {
    const invoice = await newInvoice(app);
    await payOnDevPage(app, invoice);
    return invoice;
  };

  const ROUTES: RouteCase[] = [
    { name: 'POST /api/v1/payments/callback/development', method: 'POST', url: () => '/api/v1/payments/callback/development', body: () => signedCallback(app, paid), expect: PUBLIC },
    { name: 'GET /api/v1/payments/invoices', method: 'GET', url: () => '/api/v1/payments/invoices', expect: OFFICIALS },
    { name: 'POST /api/v1/payments/invoices/:id/refund', method: 'POST', url: async () => `/api/v1/payments/invoices/${(await paidRefundable()).id}/refund`, body: () => ({ payload: { reason: 'Matrix' } }), expect: REFUNDERS },
    { name: 'GET /api/v1/payments/reconciliation', method: 'GET', url: () => `/api/v1/payments/reconciliation?date=${isoDate(new Date())}`, expect: RECONCILERS },
    { name: 'GET /:lang/pay/:id', method: 'GET', url: () => `/en/pay/${open.id}`, expect: CITIZEN_ONLY },
    { name: 'POST /:lang/pay/:id/check', method: 'POST', url: () => `/en/pay/${open.id}/check`, body: () => form({}, app.csrf), expect: CITIZEN_ONLY },
    { name: 'GET /:lang/my/payments', method: 'GET', url: () => '/en/my/payments', expect: CITIZEN_ONLY },
    // Development only (payments.test.ts shows it is gone without the development sign-in).
    { name: 'POST /:lang/my/payments/test-invoice', method: 'POST', url: () => '/en/my/payments/test-invoice', body: () => form({}, app.csrf), expect: CITIZEN_ONLY },
    { name: 'GET /:lang/admin/payments', method: 'GET', url: () => '/en/admin/payments', expect: OFFICIALS },
    { name: 'GET /:lang/dev-pay/:providerInvoiceId', method: 'GET', url: () => `/en/dev-pay/${open.providerInvoiceId}`, expect: PUBLIC },
    { name: 'POST /:lang/dev-pay/:providerInvoiceId', method: 'POST', url: async () => `/en/dev-pay/${(await newInvoice(app)).providerInvoiceId}`, body: () => form({ bank: 'Khan bank' }, app.csrf), expect: PUBLIC },
  ];

  matrixTests(() => app, ROUTES);
  coverageTest('payments', () => app, ROUTES, (url) => /\/payments|\/pay\/|\/dev-pay\//.test(url));
});
