// The seam between our invoices and whoever moves the money. Modelled on QPay v2 (Mongolia's QR
// payment system): an invoice has a QR text and bank app deep links; the provider calls our
// callback URL when it is paid, and we confirm with "payment check" because the callback is only a hint.
import type { BankLink } from './schema.ts';

export interface ProviderInvoiceRequest {
  /** Our invoice number at the provider (QPay sender_invoice_no): the treasury number. */
  senderInvoiceNo: string;
  /** QPay sender_branch_code: the agency, so that settlements can be split by agency. */
  senderBranchCode: string;
  /** QPay invoice_receiver_code: the payer's register number. */
  invoiceReceiverCode: string;
  description: string;
  amountMnt: number;
  callbackUrl: string;
}

export interface ProviderInvoice {
  invoiceId: string;
  qrText: string;
  /** Base64 PNG of the QR code, as QPay sends it (we draw our own SVG from qrText). */
  qrImage: string;
  urls: BankLink[];
}

export interface ProviderPayment {
  paymentId: string;
  status: 'PAID' | 'REFUNDED';
  amountMnt: number;
  paidAt: string;
}

export interface ProviderPaymentCheck {
  /** True when a payment covers the invoice and has not been refunded. */
  paid: boolean;
  paidAmountMnt: number;
  payments: ProviderPayment[];
}

export interface ProviderRefund {
  paymentId: string;
  refundedAt: string;
}

/** One payment in the provider's settlement list for a day. */
export interface ProviderSettlement {
  paymentId: string;
  providerInvoiceId: string;
  senderInvoiceNo: string;
  senderBranchCode: string;
  amountMnt: number;
  paidAt: string;
  status: 'PAID' | 'REFUNDED';
}

export interface PaymentProvider {
  /** Also the last segment of the callback route: /api/v1/payments/callback/{name}. */
  readonly name: string;
  /** Creates the invoice at the provider; asking again with the same senderInvoiceNo gives the same invoice. */
  createInvoice(request: ProviderInvoiceRequest): Promise<ProviderInvoice>;
  /** Asks the provider whether the invoice has been paid (QPay "payment check"). */
  checkPayment(providerInvoiceId: string): Promise<ProviderPaymentCheck>;
  /** Returns the money to the payer; cannot be undone. */
  refund(paymentId: string, note: string): Promise<ProviderRefund>;
  /** The payments the provider settled on a day (yyyy-MM-dd, Ulaanbaatar time). */
  settlements(date: string): Promise<ProviderSettlement[]>;
  /** The provider invoice a callback is about, or undefined when the callback is not authentic. */
  verifyCallback(rawBody: string, headers: Record<string, string | string[] | undefined>): { providerInvoiceId: string } | undefined;
  /** Where a person can pay by hand (the development provider only). */
  payPagePath?(providerInvoiceId: string, lang: string): string;
}

/** Mongolia has kept UTC+8 all year since 2017, so a day in Ulaanbaatar is a fixed UTC range. */
export function ulaanbaatarDay(date: string): { from: Date; to: Date } {
  const from = new Date(`${date}T00:00:00+08:00`);
  return { from, to: new Date(from.getTime() + 24 * 3600 * 1000) };
}
