import middy from '@middy/core';
import { appProducts } from '#core/app/products';
import { OK } from '#core/app/text';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { caller, ok } from './common.ts';
import { routes } from './routes.ts';

type Route = typeof routes.appPaymentMethods;

/** GET /api/v1/payments/methods (item 17): the products' payment methods, each once (by id). */
const paymentMethods = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const { tenant } = caller(input.principal);
  const seen = new Map<number, ReturnType<typeof appProducts>[number]['paymentMethods'][number]>();
  for (const product of appProducts(tenant.mode)) for (const m of product.paymentMethods) seen.set(m.id, m);
  return ok(input.headers, OK.paymentMethods, {
    payment_methods: [...seen.values()].map((m) => ({
      id: m.id,
      code: m.code,
      name: m.name,
      category: m.category,
      fee: Number(m.fee),
    })),
  });
};

export const handler = middy(paymentMethods).use(http(routes.appPaymentMethods));
