// Flow: an application's state fee is collected before the agency starts. Serves rule 2 (state
// derived from actions: "paid" is an action of the request) and the fee rules (an invoice per
// application, a refund of a rejected one). Joins payments and applications.
import type { ApplicationsModule, FeeCollector } from '../modules/applications/index.ts';
import type { Payments } from '../modules/payments/index.ts';

/** States of an invoice that mean the fee was paid (a refund later does not undo the payment). */
const PAID_STATES = ['paid', 'refund_requested', 'refunded'];

/** The applications module's fee collector, made of the payments module (a refund cannot be undone). */
export function applicationFees(payments: Pick<Payments, 'createInvoice' | 'refund' | 'checkPayment'>): FeeCollector {
  return {
    invoice: (input) => payments.createInvoice(input),
    async refund(invoiceId, reason, actor) {
      await payments.refund(invoiceId, reason, actor);
    },
    isPaid: async (invoiceId) => PAID_STATES.includes((await payments.checkPayment(invoiceId)).state),
  };
}

/** A paid fee lets the agency start on the application. */
export function startApplicationsWhenPaid(payments: Pick<Payments, 'onPaid'>, applications: Pick<ApplicationsModule, 'submissions'>): void {
  payments.onPaid((invoice) => applications.submissions.paid(invoice.reference, invoice.id));
}
