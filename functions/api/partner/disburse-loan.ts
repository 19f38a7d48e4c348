import middy from '@middy/core';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { triggerDisbursement } from './loan-steps.ts';
import { loanView } from './loans.ts';
import { routes } from './routes.ts';

type Route = typeof routes.disburseLoan;

/** POST /api/core/loans/{id}/disbursement: one transfer to the borrower's account; DISBURSED when the bank confirms. */
const disburseLoan = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const loan = await triggerDisbursement(input.principal, input.params.id);
  return { statusCode: 202, body: await loanView(loan) };
};

export const handler = middy(disburseLoan).use(http(routes.disburseLoan));
