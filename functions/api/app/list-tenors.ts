import middy from '@middy/core';
import { type AppTenor, appProducts, chooseProduct } from '#core/app/products';
import { appErrors, OK } from '#core/app/text';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { caller, ok } from './common.ts';
import { routes } from './routes.ts';

type Route = typeof routes.appListTenors;

/** The spec's tenor shape: interest_rate is the flat monthly percent (configured as an exact decimal string). */
export const tenorView = (t: AppTenor) => ({
  id: t.id,
  month: t.months,
  label: t.label,
  interest_rate: Number(t.monthlyRatePercent),
});

/** GET /api/v1/loan/tenors: the product's tenors (the only product when product_id is omitted). */
const listTenors = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const { tenant } = caller(input.principal);
  const product = chooseProduct(appProducts(tenant.mode), input.query.product_id);
  if (!product) throw appErrors.productNotFound(input.query.product_id);
  return ok(input.headers, OK.tenors, { tenor_list: product.tenors.map(tenorView) });
};

export const handler = middy(listTenors).use(http(routes.appListTenors));
