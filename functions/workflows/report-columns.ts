/**
 * The columns of each report type: the header name and where each cell comes from. Amounts are
 * what the API shows for them (major units, e.g. rupiah), written as exact decimal text from
 * the integer minor units, never through a float; dates are ISO 8601 (`YYYY-MM-DD`, instants
 * in UTC as the API gives them). Ids and names are the API's (`loan_id` is `GET /v1/loans`'s `id`).
 */
import { formatMajor } from '#core/loans/money';
import { type Ledger, outstanding, remainingOf } from '#core/repayment/ledger';
import type { Column } from '#core/reports/csv';
import type { LoanRecord } from '#store/loans';
import type { Payment } from '#store/payments';
import type { Delivery, WebhookEndpoint } from '#store/webhooks';

const money = (minor: bigint, l: Ledger) => formatMajor(minor, l.currency);
const unpaid = (l: Ledger) => l.installments.filter((i) => i.status !== 'PAID');
const overdue = (l: Ledger) => l.installments.filter((i) => i.status === 'OVERDUE');

/** The oldest overdue installment's due date: the day the loan went past due (delinquency's range date). */
export const overdueSince = (l: Ledger): string | null => overdue(l)[0]?.dueDate ?? null;

export const loanBookColumns: readonly Column<LoanRecord>[] = [
  { name: 'loan_id', value: (r) => r.loanId },
  { name: 'borrower_id', value: (r) => r.borrowerId },
  { name: 'origin', value: (r) => r.origin },
  { name: 'type', value: (r) => r.kind },
  { name: 'product', value: (r) => r.product },
  { name: 'reference', value: (r) => r.reference },
  { name: 'currency', value: (r) => r.ledger.currency },
  { name: 'principal', value: (r) => money(r.ledger.principal, r.ledger) },
  { name: 'outstanding', value: (r) => money(outstanding(r.ledger), r.ledger) },
  { name: 'paid_total', value: (r) => money(r.ledger.paidTotal, r.ledger) },
  { name: 'credit', value: (r) => money(r.ledger.credit, r.ledger) },
  { name: 'late_fees_charged', value: (r) => money(r.ledger.lateFeesCharged, r.ledger) },
  { name: 'status', value: (r) => r.ledger.status },
  { name: 'days_past_due', value: (r) => r.ledger.daysPastDue },
  { name: 'delinquency_bucket', value: (r) => r.ledger.bucket },
  { name: 'installments', value: (r) => r.ledger.installments.length },
  { name: 'installments_paid', value: (r) => r.ledger.installments.length - unpaid(r.ledger).length },
  { name: 'next_due_date', value: (r) => unpaid(r.ledger)[0]?.dueDate },
  { name: 'maturity_date', value: (r) => r.ledger.installments.at(-1)?.dueDate },
  { name: 'disbursement_date', value: (r) => r.ledger.disbursementDate },
  { name: 'disbursed_at', value: (r) => r.disbursedAt },
  { name: 'settled_on', value: (r) => r.ledger.settledOn },
];

export const paymentColumns: readonly Column<Payment>[] = [
  { name: 'payment_id', value: (p) => p.paymentId },
  { name: 'loan_id', value: (p) => p.loanId },
  { name: 'borrower_id', value: (p) => p.borrowerId },
  { name: 'status', value: (p) => p.status },
  { name: 'channel', value: (p) => p.channel },
  { name: 'provider', value: (p) => p.provider },
  { name: 'provider_payment_id', value: (p) => p.providerPaymentId },
  { name: 'reference', value: (p) => p.reference },
  { name: 'currency', value: (p) => p.currency },
  { name: 'amount', value: (p) => p.amount },
  { name: 'to_credit', value: (p) => p.toCredit },
  { name: 'applied_on', value: (p) => p.appliedOn },
  { name: 'paid_at', value: (p) => p.receivedAt },
];

/** What is overdue of one component across the loan's OVERDUE installments. */
const overdueOf = (l: Ledger, component: 'principal' | 'interest' | 'fee' | 'penalty') =>
  money(
    overdue(l).reduce((sum, i) => sum + remainingOf(i)[component], 0n),
    l,
  );

export const delinquencyColumns: readonly Column<LoanRecord>[] = [
  { name: 'delinquency_bucket', value: (r) => r.ledger.bucket },
  { name: 'loan_id', value: (r) => r.loanId },
  { name: 'borrower_id', value: (r) => r.borrowerId },
  { name: 'type', value: (r) => r.kind },
  { name: 'product', value: (r) => r.product },
  { name: 'currency', value: (r) => r.ledger.currency },
  { name: 'days_past_due', value: (r) => r.ledger.daysPastDue },
  { name: 'overdue_since', value: (r) => overdueSince(r.ledger) },
  { name: 'overdue_installments', value: (r) => overdue(r.ledger).length },
  { name: 'overdue_principal', value: (r) => overdueOf(r.ledger, 'principal') },
  { name: 'overdue_interest', value: (r) => overdueOf(r.ledger, 'interest') },
  { name: 'overdue_fee', value: (r) => overdueOf(r.ledger, 'fee') },
  { name: 'overdue_penalty', value: (r) => overdueOf(r.ledger, 'penalty') },
  {
    name: 'overdue_amount',
    value: (r) =>
      money(
        overdue(r.ledger).reduce((sum, i) => {
          const left = remainingOf(i);
          return sum + left.principal + left.interest + left.fee + left.penalty;
        }, 0n),
        r.ledger,
      ),
  },
  { name: 'outstanding', value: (r) => money(outstanding(r.ledger), r.ledger) },
  { name: 'principal', value: (r) => money(r.ledger.principal, r.ledger) },
  { name: 'disbursed_at', value: (r) => r.disbursedAt },
];

/** A delivery with the endpoint it went to. */
export type DeliveryRow = Delivery & { endpoint: Pick<WebhookEndpoint, 'endpointId' | 'url'> };

export const webhookDeliveryColumns: readonly Column<DeliveryRow>[] = [
  { name: 'delivery_id', value: (d) => d.deliveryId },
  { name: 'event_id', value: (d) => d.eventId },
  { name: 'event_type', value: (d) => d.eventType },
  { name: 'endpoint_id', value: (d) => d.endpointId },
  { name: 'endpoint_url', value: (d) => d.url || d.endpoint.url },
  { name: 'status', value: (d) => d.status },
  { name: 'attempts', value: (d) => d.attempts },
  { name: 'last_status_code', value: (d) => d.lastStatusCode },
  { name: 'last_error', value: (d) => d.lastError },
  { name: 'delivered', value: (d) => d.status === 'DELIVERED' },
  { name: 'dead', value: (d) => d.status === 'DEAD' },
  { name: 'created_at', value: (d) => d.createdAt },
  { name: 'updated_at', value: (d) => d.updatedAt },
];
