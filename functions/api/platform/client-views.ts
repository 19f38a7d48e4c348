import type { Borrower } from '#core/borrowers';
import { formatMajor } from '#core/loans/money';
import type { BorrowerDocument } from '#store/borrowers';
import { kycStatusOf } from '#store/clients';
import type { LoanRecord } from '#store/loans';
import { userView } from '../partner/views.ts';

/** A client in a list: the partner API's borrower view under the platform's `id`, without documents or loans. */
export function clientListItem(b: Borrower) {
  const { userId: _u, documents: _d, ...rest } = userView(b, []);
  return { id: b.borrowerId, ...rest, kyc_status: kycStatusOf(b) };
}

/** A client with its KYC, credit score, documents and serviced loans. */
export function clientView(b: Borrower, documents: BorrowerDocument[], loans: LoanRecord[]) {
  const { userId: _u, ...rest } = userView(b, documents);
  return {
    id: b.borrowerId,
    ...rest,
    kyc_status: kycStatusOf(b),
    loans: loans.map((r) => ({
      id: r.loanId,
      status: r.ledger.status,
      type: r.kind,
      origin: r.origin,
      currency: r.ledger.currency,
      principal: Number(formatMajor(r.ledger.principal, r.ledger.currency)),
      delinquency_bucket: r.ledger.bucket,
      disbursed_at: r.disbursedAt,
    })),
  };
}
