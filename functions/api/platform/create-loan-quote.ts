import middy from '@middy/core';
import { priceLoan, scheduleInMajorUnits } from '#core/loans/pricing';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { routes } from './routes.ts';

type Route = typeof routes.createLoanQuote;

/** POST /v1/loan-quotes: the loan engine over HTTP. Nothing is stored. */
const createLoanQuote = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const { schedule, product, rates } = priceLoan(input.body);
  const { installments, totals, upfront_fees, fee_charges, net_disbursed, tenor_days } = scheduleInMajorUnits(schedule);
  return {
    statusCode: 200,
    body: {
      data: {
        installments,
        totals,
        upfront_fees,
        fee_charges,
        net_disbursed,
        apr: rates?.apr ?? null,
        effective_annual_rate: rates?.effectiveAnnualRate ?? null,
        effective_daily_rate: rates?.effectiveDailyRate ?? null,
        tenor_days,
        product: product.id,
      },
    },
  };
};

export const handler = middy(createLoanQuote).use(http(routes.createLoanQuote));
