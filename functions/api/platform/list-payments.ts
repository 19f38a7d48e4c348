import middy from '@middy/core';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { listPayments } from '#store/payments';
import { paymentView } from '../repayment-views.ts';
import { routes } from './routes.ts';

type Route = typeof routes.listPayments;

/** GET /v1/payments: payments applied, newest first, filtered by loan, channel or status. */
const list = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const { limit, offset, loan_id, channel, status } = input.query;
  const page = await listPayments(input.principal, {
    limit,
    offset,
    ...(loan_id ? { loanId: loan_id } : {}),
    ...(channel ? { channel } : {}),
    ...(status ? { status } : {}),
  });
  return { statusCode: 200, body: { data: page.items.map(paymentView), meta: { total: page.total, limit, offset } } };
};

export const handler = middy(list).use(http(routes.listPayments));
