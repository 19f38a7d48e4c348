/** What servicing answers: the ledger of a loan, a payment, an exception (schemas in repayment-schemas.ts). */
import { formatMajor } from '#core/loans/money';
import { amountDue, type Ledger, outstanding, remainingOf } from '#core/repayment/ledger';
import type { CollectionChannel } from '#store/collection-channels';
import { type LoanRecord, loanToday } from '#store/loans';
import type { Payment, PaymentException } from '#store/payments';

const major = (minor: bigint, currency: Ledger['currency']) => Number(formatMajor(minor, currency));

/** The ledger as the partner's loan details and the platform's loan show it. */
export function repaymentView(record: LoanRecord) {
  const l = record.ledger;
  const m = (minor: bigint) => major(minor, l.currency);
  const comp = (c: Ledger['installments'][number]['due']) => ({
    principal: m(c.principal),
    interest: m(c.interest),
    fee: m(c.fee),
    penalty: m(c.penalty),
  });
  const today = loanToday(record);
  return {
    status: l.status,
    outstanding: m(outstanding(l)),
    amount_due: m(amountDue(l, today)),
    days_past_due: l.daysPastDue,
    delinquency_bucket: l.bucket,
    credit: m(l.credit),
    refunded: m(l.refunded),
    paid_total: m(l.paidTotal),
    late_fees_charged: m(l.lateFeesCharged),
    late_fee_cap_reached: l.lateFeeCapReached,
    serviced_through: l.servicedThrough,
    today,
    settled_on: l.settledOn ?? null,
    installments: l.installments.map((i) => {
      const left = remainingOf(i);
      return {
        number: i.number,
        due_date: i.dueDate,
        status: i.status,
        due: comp(i.due),
        paid: comp(i.paid),
        outstanding: m(left.principal + left.interest + left.fee + left.penalty),
        paid_on: i.paidOn ?? null,
      };
    }),
  };
}

export function platformLoanView(record: LoanRecord) {
  const l = record.ledger;
  return {
    id: record.loanId,
    borrower_id: record.borrowerId,
    origin: record.origin,
    type: record.kind,
    reference: record.reference ?? null,
    product: record.product,
    currency: l.currency,
    principal: major(l.principal, l.currency),
    disbursement_date: l.disbursementDate,
    disbursed_at: record.disbursedAt,
    clock_offset_days: record.clockOffsetDays,
    ...repaymentView(record),
  };
}

export function paymentView(p: Payment) {
  return {
    id: p.paymentId,
    loan_id: p.loanId,
    borrower_id: p.borrowerId,
    status: p.status,
    channel: p.channel,
    provider: p.provider,
    provider_payment_id: p.providerPaymentId,
    currency: p.currency,
    amount: Number(p.amount),
    to_credit: Number(p.toCredit),
    applied_on: p.appliedOn,
    received_at: p.receivedAt,
    reference: p.reference ?? null,
    allocations: p.allocations.map((a) => ({
      installment: a.installment,
      component: a.component,
      amount: Number(a.amount),
    })),
  };
}

export function exceptionView(e: PaymentException) {
  return {
    id: e.exceptionId,
    reason: e.reason,
    message: e.message,
    provider: e.provider,
    provider_payment_id: e.providerPaymentId,
    channel: e.channel,
    amount: Number(e.amount),
    currency: e.currency,
    reference: e.reference ?? null,
    received_at: e.receivedAt,
    status: e.status,
  };
}

export function channelAmount(c: CollectionChannel) {
  return { amount: Number(c.amount), expires_at: c.expiresAt, loanUniqueId: c.loanId };
}
