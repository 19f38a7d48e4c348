/**
 * Loan terms in the API's vocabulary (POST /v1/loan-quotes, and the partner API's loans, which
 * reuse it: interest_rate + rate_period, fees, method, day_count) priced by the engine: the
 * schedule, the caps of the product and the effective rates. One home, so a quote and a loan
 * with the same terms are the same numbers.
 */
import { ValidationError } from '../errors.ts';
import { assertWithinCaps, PRODUCTS, type Product } from './caps.ts';
import type { IsoDate } from './dates.ts';
import type { DayCount } from './day-count.ts';
import { type EffectiveRates, effectiveRates } from './effective-rate.ts';
import { type Currency, formatMajor, toMinor } from './money.ts';
import { parseDecimal } from './rational.ts';
import {
  annualRate,
  type Frequency,
  generateSchedule,
  type LoanTerms,
  type Method,
  type RatePeriod,
  type Schedule,
} from './schedule.ts';

type Decimal = number | string;

/** A fee as the API takes it (major units, percents), fields named as in the request. */
export interface FeeTerms {
  type: string;
  amount?: Decimal;
  percent?: Decimal;
  tax_percent?: Decimal;
  discount_percent?: Decimal;
  deduct_from_principal?: boolean;
}

export interface PricingTerms {
  principal: Decimal;
  currency: Currency;
  method: Method;
  interest_rate: Decimal;
  rate_period: RatePeriod;
  term: { count: number; frequency: Frequency };
  day_count: DayCount;
  disbursement_date: IsoDate;
  first_repayment_date?: IsoDate;
  fees: FeeTerms[];
  product?: string;
}

export interface Priced {
  schedule: Schedule;
  /** The engine's terms the schedule was generated from (what a loan keeps to re-base it at disbursal). */
  terms: LoanTerms;
  product: Product;
  rates: EffectiveRates | null;
}

/** The default cap configuration: Indonesian consumptive P2P for IDR, none otherwise. */
export const defaultProduct = (currency: Currency) => (currency === 'IDR' ? 'id-p2p-consumptive' : 'unregulated');

/**
 * Prices terms: the schedule, refused (RuleViolationError naming the cap) when it breaks the
 * product's caps, and the effective rates of what the borrower receives and repays.
 */
export function priceLoan(terms: PricingTerms): Priced {
  const currency = terms.currency;
  const productId = terms.product ?? defaultProduct(currency);
  const product = PRODUCTS[productId];
  if (!product) {
    throw new ValidationError([{ field: 'product', message: `must be one of ${Object.keys(PRODUCTS).join(', ')}` }]);
  }
  const engineTerms: LoanTerms = {
    currency,
    principal: toMinor(terms.principal, currency, 'principal'),
    method: terms.method,
    annualRate: annualRate(parseDecimal(terms.interest_rate, 'interest_rate'), terms.rate_period, terms.day_count),
    term: terms.term,
    dayCount: terms.day_count,
    disbursementDate: terms.disbursement_date,
    firstRepaymentDate: terms.first_repayment_date,
    fees: terms.fees.map((f, i) => ({
      type: f.type,
      amount: f.amount === undefined ? undefined : toMinor(f.amount, currency, `fees.${i}.amount`),
      percent: f.percent === undefined ? undefined : parseDecimal(f.percent, `fees.${i}.percent`),
      taxPercent: f.tax_percent === undefined ? undefined : parseDecimal(f.tax_percent, `fees.${i}.tax_percent`),
      discountPercent:
        f.discount_percent === undefined ? undefined : parseDecimal(f.discount_percent, `fees.${i}.discount_percent`),
      deductFromPrincipal: f.deduct_from_principal,
    })),
  };
  const schedule = generateSchedule(engineTerms);
  assertWithinCaps(schedule, product, terms.disbursement_date);
  return { schedule, terms: engineTerms, product, rates: effectiveRates(schedule, terms.disbursement_date) };
}

/**
 * A schedule as a loan keeps it: amounts as exact decimal strings in major units (the
 * application record of either surface, and what its agreement and views read).
 */
export function scheduleAsDecimals(schedule: Schedule) {
  const major = (minor: bigint) => formatMajor(minor, schedule.currency);
  return {
    installments: schedule.installments.map((i) => ({
      number: i.number,
      dueDate: i.dueDate,
      principal: major(i.principal),
      interest: major(i.interest),
      fees: major(i.fees),
      total: major(i.total),
    })),
    totals: {
      principal: major(schedule.totals.principal),
      interest: major(schedule.totals.interest),
      fees: major(schedule.totals.fees),
      total: major(schedule.totals.total),
    },
    upfrontFees: major(schedule.upfrontFees),
    netDisbursed: major(schedule.netDisbursed),
  };
}

/**
 * A schedule in major units at the currency's precision, as JSON numbers (exact decimal text
 * turned into a number for output only; every computation is in minor units).
 */
export function scheduleInMajorUnits(schedule: Schedule) {
  const major = (minor: bigint) => Number(formatMajor(minor, schedule.currency));
  return {
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
    tenor_days: schedule.tenorDays,
  };
}
