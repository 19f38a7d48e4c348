import middy from '@middy/core';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { createPartnerLoan, loanView } from './loans.ts';
import { routes } from './routes.ts';

type Route = typeof routes.createBnplLoan;

/**
 * POST /api/core/loans/{userId}/bnpl: an installment (BNPL) loan for an APPROVED borrower,
 * priced by the loan engine within the OJK caps, PENDING with its `bnpl` event, and its
 * workflow started.
 */
const createBnplLoan = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const loan = await createPartnerLoan(input.principal, input.params.id, { type: 'BNPL', body: input.body });
  return { statusCode: 201, body: await loanView(loan) };
};

export const handler = middy(createBnplLoan).use(http(routes.createBnplLoan));
