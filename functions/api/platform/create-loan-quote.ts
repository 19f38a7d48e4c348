import middy from '@middy/core';
import { ValidationError } from '#core/errors';
import { assertWithinCaps, PRODUCTS } from '#core/loans/caps';
import { effectiveRates } from '#core/loans/effective-rate';
import { type Currency, formatMajor, toMinor } from '#core/loans/money';
import { parseDecimal } from '#core/loans/rational';
import { annualRate, generateSchedule } from '#core/loans/schedule';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { routes } from './routes.ts';

type Route = typeof routes.createLoanQuote;

/** POST /v1/loan-quotes: the loan engine over HTTP. Nothing is stored. */
const createLoanQuote = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const body = input.body;
  const currency = body.currency as Currency;
  const productId = body.product ?? (currency === 'IDR' ? 'id-p2p-consumptive' : 'unregulated');
  const product = PRODUCTS[productId];
  if (!product) {
    throw new ValidationError([{ field: 'product', message: `must be one of ${Object.keys(PRODUCTS).join(', ')}` }]);
  }
  const schedule = generateSchedule({
    currency,
    principal: toMinor(body.principal, currency, 'principal'),
    method: body.method,
    annualRate: annualRate(parseDecimal(body.interest_rate, 'interest_rate'), body.rate_period, body.day_count),
    term: body.term,
    dayCount: body.day_count,
    disbursementDate: body.disbursement_date,
    firstRepaymentDate: body.first_repayment_date,
    fees: body.fees.map((f, i) => ({
      type: f.type,
      amount: f.amount === undefined ? undefined : toMinor(f.amount, currency, `fees.${i}.amount`),
      percent: f.percent === undefined ? undefined : parseDecimal(f.percent, `fees.${i}.percent`),
      taxPercent: f.tax_percent === undefined ? undefined : parseDecimal(f.tax_percent, `fees.${i}.tax_percent`),
      discountPercent:
        f.discount_percent === undefined ? undefined : parseDecimal(f.discount_percent, `fees.${i}.discount_percent`),
      deductFromPrincipal: f.deduct_from_principal,
    })),
  });
  assertWithinCaps(schedule, product, body.disbursement_date);
  const rates = effectiveRates(schedule, body.disbursement_date);
  // Exact decimal text -> JSON number: for output only; every computation above is in minor units.
  const major = (minor: bigint) => Number(formatMajor(minor, currency));
  return {
    statusCode: 200,
    body: {
      data: {
        installments: schedule.installments.map((i) => ({
          number: i.number,
          due_date: i.dueDate,
          principal: major(i.principal),
          interest: major(i.interest),
          fees: major(i.fees),
          total: major(i.total),
          remaining_principal: major(i.remainingPrincipal),
        })),
        totals: {
          principal: major(schedule.totals.principal),
          interest: major(schedule.totals.interest),
          fees: major(schedule.totals.fees),
          total: major(schedule.totals.total),
        },
        upfront_fees: major(schedule.upfrontFees),
        fee_charges: schedule.feeCharges.map((f) => ({
          type: f.type,
          amount: major(f.amount),
          tax: major(f.tax),
          discount: major(f.discount),
          upfront: f.upfront,
        })),
        net_disbursed: major(schedule.netDisbursed),
        apr: rates?.apr ?? null,
        effective_annual_rate: rates?.effectiveAnnualRate ?? null,
        effective_daily_rate: rates?.effectiveDailyRate ?? null,
        tenor_days: schedule.tenorDays,
        product: product.id,
      },
    },
  };
};

export const handler = middy(createLoanQuote).use(http(routes.createLoanQuote));
