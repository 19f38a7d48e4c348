import middy from '@middy/core';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { initiateSigning } from '../partner/loan-steps.ts';
import { loanView } from '../partner/loans.ts';
import { routes } from './routes.ts';

type Route = typeof routes.approveLoan;

/**
 * POST /v1/loans/{id}/approve: the lender's approval of a PENDING partner loan is sending its
 * agreement for signing, the partner API's POST /api/core/loans/signing/initiate (the same
 * step, same workflow wait): PENDING -> SIGNING, and ACTIVE once the borrower signs.
 */
const approve = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const loan = await initiateSigning(input.principal, input.params.id);
  return { statusCode: 200, body: { data: await loanView(loan) } };
};

export const handler = middy(approve).use(http(routes.approveLoan));
