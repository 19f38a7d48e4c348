/**
 * The borrower app's loan submission priced by the loan engine (borrower-app-api.txt item 16):
 * the chosen tenor's flat monthly rate on the requested amount, the product's service fee
 * repaid with the installments, and the promo as a discount on that fee. Pure: the product and
 * the request in, the engine's terms and schedule out.
 *
 * The spec's example: 8,000,000 at 2 % flat a month for 12 months is 1,920,000 interest;
 * + 150,000 service fee - 100,000 promo = 9,970,000 to repay.
 *
 * Choices where the spec is silent: the fee is not deducted from the disbursement (the total
 * to repay includes it, so it is repaid in the installments, spread evenly, the last absorbing
 * the rounding); the promo discounts the service fee and never more than it (a promo worth
 * more than the fee leaves the fee at zero, the interest untouched); day count 30/360, so a
 * month is exactly one monthly rate whatever its length.
 */

import type { FieldIssue } from '../errors.ts';
import { assertWithinCaps, PRODUCTS } from '../loans/caps.ts';
import type { IsoDate } from '../loans/dates.ts';
import { defaultProduct } from '../loans/pricing.ts';
import { parseDecimal, rational } from '../loans/rational.ts';
import { annualRate, generateSchedule, type LoanTerms, type Schedule } from '../loans/schedule.ts';
import type { AppProduct, AppPromo, AppTenor } from './products.ts';
import { appValidation, fieldMessage as m } from './text.ts';

export interface SubmissionRequest {
  requestedAmount: number;
  tenorId: number;
  promoId?: number | null;
}

export interface SubmissionQuote {
  tenor: AppTenor;
  promo: AppPromo | null;
  principal: bigint;
  interest: bigint;
  serviceFee: bigint;
  /** What the promo took off the service fee (at most the fee). */
  promoDiscount: bigint;
  /** Principal + interest + service fee - promo: what the borrower repays. */
  totalRepayment: bigint;
  terms: LoanTerms;
  schedule: Schedule;
  /** The cap configuration that priced it (late fees and servicing read it later). */
  capProduct: string;
}

/** The fee's discount as an exact percent of the fee (100 000 of 150 000 is 200/3 %). */
const discountPercent = (discount: bigint, fee: bigint) => rational(discount * 100n, fee);

/**
 * Prices a submission, or refuses it naming the field: an unknown tenor, an unknown or expired
 * promo, an amount under the product's minimum. `today` is the disbursement date the schedule
 * starts from (re-based on the real disbursal day when the loan is disbursed).
 */
export function quoteSubmission(product: AppProduct, request: SubmissionRequest, today: IsoDate): SubmissionQuote {
  const issues: FieldIssue[] = [];
  const tenor = product.tenors.find((t) => t.id === request.tenorId);
  if (!tenor) {
    issues.push({
      field: 'tenor_months_id',
      value: request.tenorId,
      message: m('Tenor tidak ditemukan.', 'Tenor not found (see GET /api/v1/loan/tenors).'),
    });
  }
  let promo: AppPromo | null = null;
  if (request.promoId !== undefined && request.promoId !== null) {
    promo = product.promos.find((p) => p.id === request.promoId) ?? null;
    if (!promo) {
      issues.push({
        field: 'promo_id',
        value: request.promoId,
        message: m('Promo tidak ditemukan.', 'Promo not found.'),
      });
    } else if (promo.validUntil < today) {
      issues.push({
        field: 'promo_id',
        value: request.promoId,
        message: m('Promo sudah tidak berlaku.', 'The promo has expired.'),
      });
    }
  }
  const principal = BigInt(request.requestedAmount);
  if (principal < product.minAmount) {
    issues.push({
      field: 'requested_amount',
      value: request.requestedAmount,
      message: m(`Jumlah pinjaman minimal ${product.minAmount}.`, `The amount must be at least ${product.minAmount}.`),
    });
  }
  if (issues.length || !tenor) throw appValidation(issues);

  const fee = product.serviceFee;
  const promoDiscount = promo ? (promo.discount > fee ? fee : promo.discount) : 0n;
  const terms: LoanTerms = {
    currency: product.currency,
    principal,
    method: 'flat',
    annualRate: annualRate(parseDecimal(tenor.monthlyRatePercent, 'interest_rate'), 'month', '30/360'),
    term: { count: tenor.months, frequency: 'monthly' },
    dayCount: '30/360',
    disbursementDate: today,
    fees:
      fee > 0n
        ? [
            {
              type: 'service_fee',
              amount: fee,
              ...(promoDiscount > 0n ? { discountPercent: discountPercent(promoDiscount, fee) } : {}),
            },
          ]
        : [],
  };
  const schedule = generateSchedule(terms);
  const capProduct = defaultProduct(product.currency);
  const caps = PRODUCTS[capProduct];
  if (caps) assertWithinCaps(schedule, caps, today);
  return {
    tenor,
    promo: promoDiscount > 0n ? promo : null,
    principal,
    interest: schedule.totals.interest,
    serviceFee: fee,
    promoDiscount,
    totalRepayment: schedule.totals.total,
    terms,
    schedule,
    capProduct,
  };
}
