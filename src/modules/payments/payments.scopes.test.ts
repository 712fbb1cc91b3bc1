// Authorization matrix: every payments route called as every role, including those that must be
// refused. "ok" means the request was allowed (2xx, or a 303 after a form post).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isoDate } from '../../kernel/format.ts';
import { form, testApp, type TestApp } from '../../../test/helpers.ts';
import type { Invoice } from './schema.ts';
import { newInvoice, payOnDevPage, signedCallback } from './test-fixtures.ts';

type Outcome = 'ok' | 401 | 403;
const ROLES = ['anonymous', 'dev-citizen', 'dev-police-officer', 'dev-gasr-supervisor', 'dev-gasr-admin', 'dev-platform-admin'] as const;
type Role = (typeof ROLES)[number];

// The provider's callback is authenticated by its signature, not by a session; the development
// pay page stands for a bank app, which the payer reaches from their phone without signing in.
const PUBLIC: Record<Role, Outcome> = { anonymous: 'ok', 'dev-citizen': 'ok', 'dev-police-officer': 'ok', 'dev-gasr-supervisor': 'ok', 'dev-gasr-admin': 'ok', 'dev-platform-admin': 'ok' };
// The payer only; another citizen is answered 404 (payments.test.ts).
const CITIZEN_ONLY: Record<Role, Outcome> = { anonymous: 401, 'dev-citizen': 'ok', 'dev-police-officer': 403, 'dev-gasr-supervisor': 403, 'dev-gasr-admin': 403, 'dev-platform-admin': 403 };
// Any agency's staff see their own agency's invoices.
const OFFICIALS: Record<Role, Outcome> = { anonymous: 401, 'dev-citizen': 403, 'dev-police-officer': 'ok', 'dev-gasr-supervisor': 'ok', 'dev-gasr-admin': 'ok', 'dev-platform-admin': 'ok' };
// The invoice is the state registration agency's: its administrator and supervisor, or a platform administrator.
const REFUNDERS: Record<Role, Outcome> = { anonymous: 401, 'dev-citizen': 403, 'dev-police-officer': 403, 'dev-gasr-supervisor': 'ok', 'dev-gasr-admin': 'ok', 'dev-platform-admin': 'ok' };
const RECONCILERS: Record<Role, Outcome> = { anonymous: 401, 'dev-citizen': 403, 'dev-police-officer': 403, 'dev-gasr-supervisor': 403, 'dev-gasr-admin': 'ok', 'dev-platform-admin': 'ok' };

interface RouteCase {
  name: string;
  method: 'GET' | 'POST';
  url: () => string | Promise<string>;
  body?: () => { payload: string | object; headers?: Record<string, string> };
  expect: Record<Role, Outcome>;
}

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
    { name: 'GET /en/pay/:id', method: 'GET', url: () => `/en/pay/${open.id}`, expect: CITIZEN_ONLY },
    { name: 'POST /en/pay/:id/check', method: 'POST', url: () => `/en/pay/${open.id}/check`, body: () => form({}, app.csrf), expect: CITIZEN_ONLY },
    { name: 'GET /en/my/payments', method: 'GET', url: () => '/en/my/payments', expect: CITIZEN_ONLY },
    // Development only (payments.test.ts shows it is gone without the development sign-in).
    { name: 'POST /en/my/payments/test-invoice', method: 'POST', url: () => '/en/my/payments/test-invoice', body: () => form({}, app.csrf), expect: CITIZEN_ONLY },
    { name: 'GET /en/admin/payments', method: 'GET', url: () => '/en/admin/payments', expect: OFFICIALS },
    { name: 'GET /en/dev-pay/:providerInvoiceId', method: 'GET', url: () => `/en/dev-pay/${open.providerInvoiceId}`, expect: PUBLIC },
    { name: 'POST /en/dev-pay/:providerInvoiceId', method: 'POST', url: async () => `/en/dev-pay/${(await newInvoice(app)).providerInvoiceId}`, body: () => form({ bank: 'Khan bank' }, app.csrf), expect: PUBLIC },
  ];

  for (const route of ROUTES) {
    it(route.name, async () => {
      for (const role of ROLES) {
        const body = route.body?.();
        const response = await app.as(role === 'anonymous' ? null : role, { method: route.method, url: await route.url(), ...(body ? { payload: body.payload, ...(body.headers ? { headers: body.headers } : {}) } : {}) });
        const expected = route.expect[role];
        const actual: Outcome | number = response.statusCode < 300 || (route.method === 'POST' && response.statusCode === 303) ? 'ok' : response.statusCode;
        assert.equal(actual, expected, `${route.name} as ${role}: ${response.statusCode} ${response.body.slice(0, 200)}`);
      }
    });
  }

  it('covers every payments route', () => {
    const covered = new Set(ROUTES.map((route) => route.name.replace(/^(\w+) \/en/, '$1 /:lang')));
    const ours = app.routes.filter((route) => route.method !== 'HEAD' && /\/payments|\/pay\/|\/dev-pay\//.test(route.url) && !route.url.startsWith('/mn'));
    assert.ok(ours.length >= ROUTES.length);
    for (const route of ours) {
      const name = `${route.method} ${route.url.replace(/^\/en/, '/:lang')}`;
      assert.ok(covered.has(name), `${name} is not in the matrix`);
    }
  });
});
