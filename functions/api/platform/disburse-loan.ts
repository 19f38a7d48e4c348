import middy from '@middy/core';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { triggerDisbursement } from '../partner/loan-steps.ts';
import { loanView } from '../partner/loans.ts';
import { routes } from './routes.ts';

type Route = typeof routes.disburseLoanBackOffice;

/** POST /v1/loans/{id}/disburse: the partner API's disbursement step (one transfer; DISBURSED when the bank confirms). */
const disburse = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const loan = await triggerDisbursement(input.principal, input.params.id);
  return { statusCode: 202, body: { data: await loanView(loan) } };
};

export const handler = middy(disburse).use(http(routes.disburseLoanBackOffice));
