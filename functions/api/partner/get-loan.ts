import middy from '@middy/core';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { getPartnerLoan, loanView } from './loans.ts';
import { routes } from './routes.ts';

type Route = typeof routes.getLoan;

/** GET /api/core/loans/details/{uniqueId}: the loan with its status history, schedule and amounts. */
const getLoan = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const loan = await getPartnerLoan(input.principal, input.params.uniqueId);
  return { statusCode: 200, body: await loanView(loan, input.principal) };
};

export const handler = middy(getLoan).use(http(routes.getLoan));
