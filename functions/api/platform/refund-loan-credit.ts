import middy from '@middy/core';
import { toMinor } from '#core/loans/money';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { getLoanRecord } from '#store/loans';
import { refundLoanCredit } from '#workflows/repayment';
import { platformLoanView } from '../repayment-views.ts';
import { routes } from './routes.ts';

type Route = typeof routes.refundLoanCredit;

/** POST /v1/loans/{id}/refunds: ops pay a borrower's credit (an overpayment) back; the ledger records it. */
const refund = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const record = await getLoanRecord(input.principal, input.params.id);
  const after = await refundLoanCredit(
    input.principal,
    record.loanId,
    toMinor(input.body.amount, record.ledger.currency, 'amount'),
    input.principal.credentialId,
  );
  return { statusCode: 201, body: { data: platformLoanView(after) } };
};

export const handler = middy(refund).use(http(routes.refundLoanCredit));
