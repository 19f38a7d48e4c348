import middy from '@middy/core';
import { appProducts } from '#core/app/products';
import { OK } from '#core/app/text';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { caller, ok } from './common.ts';
import { tenorView } from './list-tenors.ts';
import { routes } from './routes.ts';

type Route = typeof routes.appListProducts;

/** GET /api/v1/loan/products: the products, their tenors, fee and promos (amounts in rupiah). */
const listProducts = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const { tenant } = caller(input.principal);
  const products = appProducts(tenant.mode).map((p) => ({
    product_id: p.productId,
    title: p.title,
    currency: p.currency,
    service_fee_amount: Number(p.serviceFee),
    min_amount: Number(p.minAmount),
    tenor_list: p.tenors.map(tenorView),
    promos: p.promos.map((promo) => ({
      promo_id: promo.id,
      promo_code: promo.code,
      promo_discount_amount: Number(promo.discount),
    })),
  }));
  return ok(input.headers, OK.products, { products });
};

export const handler = middy(listProducts).use(http(routes.appListProducts));
