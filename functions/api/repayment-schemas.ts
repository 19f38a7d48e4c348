/**
 * Schemas of servicing and collection, shared by the partner API (the guide's repayment
 * endpoints) and the platform API (/v1/loans, /v1/payments, the sandbox gateway and clock).
 * Amounts are JSON numbers in major units at the currency's precision (rupiah), as every other
 * amount the two surfaces answer.
 */
import * as z from 'zod';
import { BANK_CODES } from '#core/repayment/virtual-accounts';

const amount = z.number().describe('Major units (rupiah): exact at the currency precision');
const decimal = z.union([z.number(), z.string().regex(/^\d+(\.\d+)?$/, 'must be a decimal number')]);

/** Any serviced loan: a partner loan's loanUniqueId or a journey application id. */
export const servicedLoanParams = z.object({
  id: z.string().regex(/^(loan|app)_[0-9a-z]{26}$/, 'is not a loan id (loan_… or app_…)'),
});

export const virtualAccountBody = z.object({
  bank_code: z.enum(BANK_CODES).describe('The bank the VA is opened at'),
});

export const virtualAccountView = z.object({
  va_number: z.string().describe('The digits the borrower pays to (bank prefix + customer number)'),
  bank_code: z.enum(BANK_CODES),
  amount: amount.describe('What is due now (closed amount)'),
  expires_at: z.string(),
  partner_service_id: z
    .string()
    .describe("SNAP BI partnerServiceId: the bank's prefix, 8 characters left-padded with spaces"),
  customer_no: z.string().describe('SNAP BI customerNo'),
  loanUniqueId: z.string(),
});

export const qrisView = z.object({
  qr_string: z
    .string()
    .describe('Dynamic QRIS (EMVCo merchant-presented): tag 54 the amount, 62.01 our reference, 63 the CRC'),
  qr_image_url: z.string().describe('PNG of the QR, a presigned link valid until expires_at'),
  amount,
  expires_at: z.string(),
  loanUniqueId: z.string(),
});

export const paymentLinkView = z.object({
  url: z.string().describe('The hosted payment page (works on a phone); what is due is shown when opened'),
  amount,
  expires_at: z.string(),
  loanUniqueId: z.string(),
});

const components = z.object({ principal: amount, interest: amount, fee: amount, penalty: amount });

export const repaymentView = z.object({
  status: z.enum(['DISBURSED', 'REPAID']),
  outstanding: amount.describe('Everything charged and not yet paid'),
  amount_due: amount.describe('Due today (overdue included), or the next installment when nothing is due yet'),
  days_past_due: z.number().int(),
  delinquency_bucket: z.enum(['CURRENT', '1-30', '31-60', '61-90', '90+']),
  credit: amount.describe('Overpayments kept for the borrower (refundable by ops)'),
  refunded: amount,
  paid_total: amount,
  late_fees_charged: amount,
  late_fee_cap_reached: z
    .boolean()
    .describe('The total-cost cap (interest + fees + late fees <= 100 % of principal) stopped late fees'),
  serviced_through: z.string().describe("The last day servicing ran for, on the loan's clock"),
  today: z.string().describe("The loan's today (the sandbox clock moves it)"),
  settled_on: z.string().nullable(),
  installments: z.array(
    z.object({
      number: z.number().int(),
      due_date: z.string(),
      status: z.enum(['DUE', 'PARTIALLY_PAID', 'PAID', 'OVERDUE']),
      due: components,
      paid: components,
      outstanding: amount,
      paid_on: z.string().nullable(),
    }),
  ),
});

export const platformLoanView = repaymentView.extend({
  id: z.string(),
  borrower_id: z.string(),
  origin: z.enum(['journey', 'partner', 'app']),
  type: z.enum(['SINGLE_PAYMENT', 'BNPL', 'INSTALLMENT']),
  reference: z.string().nullable(),
  product: z.string(),
  currency: z.string(),
  principal: amount,
  disbursement_date: z.string(),
  disbursed_at: z.string(),
  clock_offset_days: z.number().int().describe("Sandbox: days this loan's clock runs ahead"),
});

export const listLoansQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).default(0),
  status: z.enum(['DISBURSED', 'REPAID']).optional(),
  delinquency_bucket: z.enum(['CURRENT', '1-30', '31-60', '61-90', '90+']).optional(),
  borrower_id: z
    .string()
    .regex(/^bor_[0-9a-z]{26}$/, 'is not a borrower id')
    .optional(),
});

export const paymentView = z.object({
  id: z.string(),
  loan_id: z.string(),
  borrower_id: z.string(),
  status: z.enum(['APPLIED']),
  channel: z.enum(['virtual_account', 'qris', 'payment_link', 'cash', 'bank_transfer']),
  provider: z.enum(['sandbox', 'xendit', 'midtrans', 'manual']),
  provider_payment_id: z.string(),
  currency: z.string(),
  amount,
  to_credit: amount.describe("The part that went to the borrower's credit"),
  applied_on: z.string(),
  received_at: z.string(),
  reference: z.string().nullable(),
  allocations: z.array(z.object({ installment: z.number().int(), component: z.string(), amount })),
});

export const listPaymentsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).default(0),
  loan_id: servicedLoanParams.shape.id.optional(),
  channel: z.enum(['virtual_account', 'qris', 'payment_link', 'cash', 'bank_transfer']).optional(),
  status: z.enum(['APPLIED']).optional(),
});

export const manualPaymentBody = z.object({
  amount: decimal.describe('Major units (rupiah)'),
  method: z.enum(['cash', 'bank_transfer']),
  reference: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .describe('The receipt or transfer reference: a second payment with the same reference is the same payment'),
});

export const settlementQuoteBody = z.object({
  date: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
    .optional()
    .describe("The settlement date on the loan's clock (default: its today)"),
});

export const settlementQuoteView = z.object({
  loan_id: z.string(),
  date: z.string(),
  amount: amount.describe('What settles the loan on the date, after the credit held'),
  principal: amount,
  accrued_interest: amount.describe('Interest to the date only'),
  fees: amount,
  penalties: amount,
  waived_interest: amount,
  waived_fees: amount,
  credit: amount,
});

export const refundBody = z.object({
  amount: decimal,
  reason: z.string().trim().min(1).max(500),
});

export const paymentExceptionView = z.object({
  id: z.string(),
  reason: z.string(),
  message: z.string(),
  provider: z.string(),
  provider_payment_id: z.string(),
  channel: z.string(),
  amount,
  currency: z.string(),
  reference: z.string().nullable(),
  received_at: z.string(),
  status: z.string(),
});

export const sandboxPaymentBody = z.object({
  channel: z.enum(['virtual_account', 'qris', 'payment_link']),
  va_number: z.string().max(40).optional(),
  qr_string: z.string().max(512).optional(),
  url: z.string().max(2048).optional(),
  amount: decimal.describe('Rupiah. Magic last three digits: 991 late callback, 992 duplicated, 993 out of order'),
});

export const sandboxPaymentView = z.object({
  id: z.string(),
  status: z.literal('PENDING'),
  callbacks: z.number().int(),
  callback_url: z.string(),
});

export const sandboxGatewayView = z.object({
  account_id: z.string(),
  secret: z.string(),
  callback_url: z.string(),
  signature_header: z.string(),
  account_header: z.string(),
});

export const advanceTimeBody = z.object({
  days: z.number().int().min(0).max(730).describe("Days to move the loan's clock forward (0 services today again)"),
});

export const gatewayParams = z.object({
  provider: z.string().regex(/^[a-z]{2,20}$/, 'is not a gateway name'),
});

export const gatewayAck = z.object({
  received: z.literal(true),
  outcome: z.enum(['applied', 'duplicate', 'ignored', 'exception']),
});

export const paymentLinkParams = z.object({
  token: z.string().regex(/^pl_[A-Za-z0-9_-]{20,40}$/, 'is not a payment link'),
});
