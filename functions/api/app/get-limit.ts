import middy from '@middy/core';
import { appErrors, OK } from '#core/app/text';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { findCreditLimit } from '#store/app-limits';
import { caller, ok } from './common.ts';
import { routes } from './routes.ts';

type Route = typeof routes.appGetLimit;

/** IDR has no minor unit in practice: the stored integer string is rupiah, exact below 2^53. */
const rupiah = (amount: string | undefined) => (amount === undefined ? null : Number(amount));

/** GET /api/v1/loan/limit: LIMIT_NOT_FOUND before any application, then its status and amounts. */
const getLimit = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const { tenant, user } = caller(input.principal);
  const limit = await findCreditLimit(tenant, user.userId);
  if (!limit) throw appErrors.limitNotFound();
  return ok(input.headers, OK.limit, {
    total_limit: rupiah(limit.totalLimit),
    available_limit: rupiah(limit.availableLimit),
    currency: limit.currency,
    status: limit.status,
    is_active: limit.status === 'APPROVED',
  });
};

export const handler = middy(getLimit).use(http(routes.appGetLimit));
