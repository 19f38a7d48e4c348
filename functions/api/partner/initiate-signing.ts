import middy from '@middy/core';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { initiateSigning } from './loan-steps.ts';
import { loanView } from './loans.ts';
import { routes } from './routes.ts';

type Route = typeof routes.initiateLoanSigning;

/** POST /api/core/loans/signing/initiate: PENDING -> SIGNING; the borrower's signature makes it ACTIVE. */
const initiateLoanSigning = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const loan = await initiateSigning(input.principal, input.body.loanUniqueId);
  return { statusCode: 200, body: await loanView(loan) };
};

export const handler = middy(initiateLoanSigning).use(http(routes.initiateLoanSigning));
