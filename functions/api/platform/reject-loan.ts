import middy from '@middy/core';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { rejectLoan } from '../partner/loan-steps.ts';
import { loanView } from '../partner/loans.ts';
import { routes } from './routes.ts';

type Route = typeof routes.rejectLoanBackOffice;

/** POST /v1/loans/{id}/reject: the partner API's reject step (REJECTED before disbursement, the workflow's wait failed). */
const reject = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const loan = await rejectLoan(input.principal, input.params.id, input.body.reason);
  return { statusCode: 200, body: { data: await loanView(loan) } };
};

export const handler = middy(reject).use(http(routes.rejectLoanBackOffice));
