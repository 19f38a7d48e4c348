import middy from '@middy/core';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { listPaymentExceptions } from '#store/payments';
import { exceptionView } from '../repayment-views.ts';
import { routes } from './routes.ts';

type Route = typeof routes.listPaymentExceptions;

/** GET /v1/payment-exceptions: verified payments that matched no loan, kept for ops. */
const list = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const { limit, offset } = input.query;
  const page = await listPaymentExceptions(input.principal, { limit, offset });
  return { statusCode: 200, body: { data: page.items.map(exceptionView), meta: { total: page.total, limit, offset } } };
};

export const handler = middy(list).use(http(routes.listPaymentExceptions));
