import middy from '@middy/core';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { rejectLoan } from './loan-steps.ts';
import { loanView } from './loans.ts';
import { routes } from './routes.ts';

type Route = typeof routes.rejectLoan;

/** POST /api/core/loans/{id}/reject: REJECTED before disbursement, with the partner's reason. */
const rejectLoanHandler = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const loan = await rejectLoan(input.principal, input.params.id, input.body.reason);
  return { statusCode: 200, body: await loanView(loan) };
};

export const handler = middy(rejectLoanHandler).use(http(routes.rejectLoan));
