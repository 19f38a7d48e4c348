/**
 * The loan engine: every repayment schedule in lendstack is computed here. Pure: terms in,
 * schedule out. Money is bigint minor units; rates are exact rationals; each rounding is
 * explicit (half-even by default, as Fineract) and the last installment absorbs what rounding
 * left, so principal parts always sum to the principal exactly.
 */
import { ValidationError } from '../errors.ts';
import { addDays, addMonths, daysBetween, type IsoDate } from './dates.ts';
import { type DayCount, yearFraction, yearLength } from './day-count.ts';
import { type Currency, divRound, type RoundingMode, splitEvenly } from './money.ts';
import { FIXED_SCALE, fix, mul, mulFixed30, type Rational, rational, toFixed30 } from './rational.ts';

export type Method = 'declining_equal_installment' | 'declining_equal_principal' | 'flat' | 'single_payment';
export type Frequency = 'daily' | 'weekly' | 'biweekly' | 'semi_monthly' | 'monthly';
export type RatePeriod = 'year' | 'month' | 'day';

export interface FeeSpec {
  type: string;
  /** Fixed amount, minor units. */
  amount?: bigint;
  /** Percent of the principal (e.g. 2.75). */
  percent?: Rational;
  /** Tax on the fee in percent (GST 18 in India, PPN in Indonesia): a parameter, not a constant. */
  taxPercent?: Rational;
  /** Promo discount on the fee, in percent of the fee. */
  discountPercent?: Rational;
  /** Deducted from the amount disbursed (upfront), or else spread over the installments. */
  deductFromPrincipal?: boolean;
}

export interface LoanTerms {
  currency: Currency;
  principal: bigint;
  method: Method;
  /** Interest per year as a fraction (0.12 for 12 %): see {@link annualRate}. */
  annualRate: Rational;
  term: { count: number; frequency: Frequency };
  dayCount: DayCount;
  disbursementDate: IsoDate;
  /** A first due date other than one period after disbursement: the broken first period is charged for its actual length. */
  firstRepaymentDate?: IsoDate;
  fees?: FeeSpec[];
  rounding?: RoundingMode;
}

export interface Installment {
  number: number;
  fromDate: IsoDate;
  dueDate: IsoDate;
  principal: bigint;
  interest: bigint;
  fees: bigint;
  total: bigint;
  /** Principal still owed after this installment is paid. */
  remainingPrincipal: bigint;
}

export interface FeeCharge {
  type: string;
  amount: bigint;
  tax: bigint;
  discount: bigint;
  upfront: boolean;
}

export interface Schedule {
  currency: Currency;
  principal: bigint;
  installments: Installment[];
  totals: { principal: bigint; interest: bigint; fees: bigint; total: bigint };
  feeCharges: FeeCharge[];
  /** Fees and their tax taken from the disbursement. */
  upfrontFees: bigint;
  netDisbursed: bigint;
  /** Days from disbursement to the last due date. */
  tenorDays: number;
}

/** A quoted rate (percent per year, month or day) as a yearly fraction under the day count. */
export function annualRate(percent: Rational, period: RatePeriod, dayCount: DayCount): Rational {
  const fraction = mul(percent, rational(1n, 100n));
  if (period === 'year') return fraction;
  if (period === 'month') return mul(fraction, rational(12n));
  return mul(fraction, rational(yearLength(dayCount)));
}

/** Due dates for `count` periods; monthly dates keep the anchor's day (31 Jan -> 29 Feb -> 31 Mar). */
export function dueDates(
  terms: Pick<LoanTerms, 'term' | 'disbursementDate' | 'firstRepaymentDate' | 'method'>,
): IsoDate[] {
  const { count, frequency } = terms.term;
  const step = (from: IsoDate, k: number): IsoDate => {
    switch (frequency) {
      case 'daily':
        return addDays(from, k);
      case 'weekly':
        return addDays(from, 7 * k);
      case 'biweekly':
        return addDays(from, 14 * k);
      case 'monthly':
        return addMonths(from, k);
      case 'semi_monthly':
        return k % 2 === 0 ? addMonths(from, k / 2) : addDays(addMonths(from, (k - 1) / 2), 15);
    }
  };
  if (terms.method === 'single_payment') {
    return [terms.firstRepaymentDate ?? step(terms.disbursementDate, count)];
  }
  const anchor = terms.firstRepaymentDate ?? step(terms.disbursementDate, 1);
  return Array.from({ length: count }, (_, i) => step(anchor, i));
}

function validate(terms: LoanTerms): void {
  const issues: { field: string; message: string }[] = [];
  if (terms.principal <= 0n) issues.push({ field: 'principal', message: 'must be greater than zero' });
  if (!Number.isInteger(terms.term.count) || terms.term.count < 1 || terms.term.count > 1200) {
    issues.push({ field: 'term.count', message: 'must be a whole number from 1 to 1200' });
  }
  if (terms.annualRate.num < 0n) issues.push({ field: 'interest_rate', message: 'must not be negative' });
  if (terms.firstRepaymentDate && daysBetween(terms.disbursementDate, terms.firstRepaymentDate) <= 0) {
    issues.push({ field: 'first_repayment_date', message: 'must be after the disbursement date' });
  }
  if (issues.length) throw new ValidationError(issues);
}

/** Fee amounts, discounts and tax, and which are taken upfront. */
export function chargeFees(principal: bigint, fees: readonly FeeSpec[], rounding: RoundingMode): FeeCharge[] {
  return fees.map((fee, i) => {
    const base =
      fee.amount ?? (fee.percent ? divRound(principal * fee.percent.num, fee.percent.den * 100n, rounding) : 0n);
    if (base < 0n) throw new ValidationError([{ field: `fees.${i}`, message: 'must not be negative' }]);
    const discount = fee.discountPercent
      ? divRound(base * fee.discountPercent.num, fee.discountPercent.den * 100n, rounding)
      : 0n;
    const amount = base - (discount > base ? base : discount);
    const tax = fee.taxPercent ? divRound(amount * fee.taxPercent.num, fee.taxPercent.den * 100n, rounding) : 0n;
    return { type: fee.type, amount, tax, discount: base - amount, upfront: Boolean(fee.deductFromPrincipal) };
  });
}

/** Interest on `balance` for a period at rate `r` (already the period's fraction), rounded to minor units. */
const interestOn = (balance: bigint, r: Rational, mode: RoundingMode) => divRound(balance * r.num, r.den, mode);

/**
 * The equal installment for varying period rates (Fineract's progressive EMI): the installment E
 * that brings the balance to zero, B_k = B_{k-1}(1 + r_k) - E, is P·Π(1 + r_k) / S_n with
 * S_1 = 1 and S_k = 1 + S_{k-1}(1 + r_k). With equal rates this is P·r / (1 - (1 + r)^-n).
 */
export function equalInstallment(principal: bigint, rates: readonly Rational[], mode: RoundingMode): bigint {
  if (rates.every((r) => r.num === 0n)) return divRound(principal, BigInt(rates.length), mode);
  let product = FIXED_SCALE;
  let s = FIXED_SCALE;
  rates.forEach((r, k) => {
    const growth = FIXED_SCALE + toFixed30(r);
    product = mulFixed30(product, growth);
    if (k > 0) s = FIXED_SCALE + mulFixed30(s, growth);
  });
  // E = P · product / s, all three at the same scale.
  return divRound(principal * product, s, mode);
}

export function generateSchedule(terms: LoanTerms): Schedule {
  validate(terms);
  const mode = terms.rounding ?? 'half_even';
  const dates = dueDates(terms);
  const n = dates.length;
  const froms = [terms.disbursementDate, ...dates.slice(0, -1)];
  const rates = dates.map((due, i) =>
    fix(mul(terms.annualRate, yearFraction(froms[i] as IsoDate, due, terms.dayCount))),
  );

  // Principal and interest per period, by method.
  const principalParts: bigint[] = [];
  const interestParts: bigint[] = [];
  let balance = terms.principal;
  if (terms.method === 'declining_equal_installment') {
    const emi = equalInstallment(terms.principal, rates, mode);
    rates.forEach((r, i) => {
      const interest = interestOn(balance, r, mode);
      let principal = i === n - 1 ? balance : emi - interest;
      if (principal < 0n) principal = 0n;
      if (principal > balance) principal = balance;
      principalParts.push(principal);
      interestParts.push(interest);
      balance -= principal;
    });
  } else if (terms.method === 'declining_equal_principal') {
    const shares = splitEvenly(terms.principal, n, mode);
    rates.forEach((r, i) => {
      interestParts.push(interestOn(balance, r, mode));
      const principal = shares[i] ?? 0n;
      principalParts.push(principal);
      balance -= principal;
    });
  } else {
    // flat and single payment: interest on the original principal for every period.
    principalParts.push(...splitEvenly(terms.principal, n, mode));
    for (const r of rates) interestParts.push(interestOn(terms.principal, r, mode));
  }

  const feeCharges = chargeFees(terms.principal, terms.fees ?? [], mode);
  const upfrontFees = feeCharges.filter((f) => f.upfront).reduce((s, f) => s + f.amount + f.tax, 0n);
  const scheduledFees = feeCharges.filter((f) => !f.upfront).reduce((s, f) => s + f.amount + f.tax, 0n);
  const feeParts = splitEvenly(scheduledFees, n, mode);
  if (upfrontFees >= terms.principal) {
    throw new ValidationError([{ field: 'fees', message: 'fees deducted upfront must be less than the principal' }]);
  }

  let remaining = terms.principal;
  const installments: Installment[] = dates.map((dueDate, i) => {
    const principal = principalParts[i] ?? 0n;
    const interest = interestParts[i] ?? 0n;
    const fees = feeParts[i] ?? 0n;
    remaining -= principal;
    return {
      number: i + 1,
      fromDate: froms[i] as IsoDate,
      dueDate,
      principal,
      interest,
      fees,
      total: principal + interest + fees,
      remainingPrincipal: remaining,
    };
  });
  const sum = (key: 'principal' | 'interest' | 'fees' | 'total') => installments.reduce((s, x) => s + x[key], 0n);
  return {
    currency: terms.currency,
    principal: terms.principal,
    installments,
    totals: { principal: sum('principal'), interest: sum('interest'), fees: sum('fees'), total: sum('total') },
    feeCharges,
    upfrontFees,
    netDisbursed: terms.principal - upfrontFees,
    tenorDays: daysBetween(terms.disbursementDate, dates[n - 1] as IsoDate),
  };
}
