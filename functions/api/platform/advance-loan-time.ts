import middy from '@middy/core';
import { NoRouteError } from '#core/errors';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { getLoanRecord } from '#store/loans';
import { advanceLoanClock } from '#workflows/repayment';
import { platformLoanView } from '../repayment-views.ts';
import { routes } from './routes.ts';

type Route = typeof routes.advanceLoanTime;

/**
 * POST /v1/sandbox/loans/{id}/advance-time: the loan's test clock moves `days` ahead and every
 * day passed is serviced (OVERDUE, late fees, buckets, reminders and their webhooks), as
 * Stripe's test clocks do for billing. 0 days services today again (which changes nothing).
 */
const advance = async ({ input, httpMethod, path }: ApiEvent<Route>): Promise<ApiResult> => {
  if (input.principal.mode !== 'sandbox') throw new NoRouteError(httpMethod, path, false);
  await getLoanRecord(input.principal, input.params.id);
  await advanceLoanClock(input.principal, input.params.id, input.body.days);
  return { statusCode: 200, body: { data: platformLoanView(await getLoanRecord(input.principal, input.params.id)) } };
};

export const handler = middy(advance).use(http(routes.advanceLoanTime));
