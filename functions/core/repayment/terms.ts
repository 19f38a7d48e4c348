/**
 * A loan's engine terms as a loan item keeps them, so the schedule can be computed again from
 * the same terms: at disbursal, on the day money actually went out (a loan signed on Monday and
 * disbursed on Thursday owes from Thursday), whichever surface created it. Rationals and money
 * are stored as exact strings ("num/den", minor units), never floats. Pure.
 */
import type { IsoDate } from '../loans/dates.ts';
import { addDays, daysBetween } from '../loans/dates.ts';
import { type Rational, rational } from '../loans/rational.ts';
import { type FeeSpec, generateSchedule, type LoanTerms, type Schedule } from '../loans/schedule.ts';

export interface StoredFee {
  type: string;
  amount?: string;
  percent?: string;
  taxPercent?: string;
  discountPercent?: string;
  deductFromPrincipal?: boolean;
}

/** LoanTerms in JSON-safe form. */
export interface StoredTerms {
  currency: LoanTerms['currency'];
  principal: string;
  method: LoanTerms['method'];
  annualRate: string;
  term: LoanTerms['term'];
  dayCount: LoanTerms['dayCount'];
  disbursementDate: IsoDate;
  firstRepaymentDate?: IsoDate;
  fees?: StoredFee[];
  rounding?: LoanTerms['rounding'];
  /** The product whose caps priced it (late-fee cap and servicing policy come from it). */
  product?: string;
}

const ratio = (r: Rational) => `${r.num}/${r.den}`;

export function parseRatio(text: string): Rational {
  const [num, den = '1'] = text.split('/');
  return rational(BigInt(num ?? '0'), BigInt(den));
}

export function storeTerms(terms: LoanTerms, product?: string): StoredTerms {
  const fee = (f: FeeSpec): StoredFee => ({
    type: f.type,
    ...(f.amount !== undefined ? { amount: f.amount.toString() } : {}),
    ...(f.percent ? { percent: ratio(f.percent) } : {}),
    ...(f.taxPercent ? { taxPercent: ratio(f.taxPercent) } : {}),
    ...(f.discountPercent ? { discountPercent: ratio(f.discountPercent) } : {}),
    ...(f.deductFromPrincipal ? { deductFromPrincipal: true } : {}),
  });
  return {
    currency: terms.currency,
    principal: terms.principal.toString(),
    method: terms.method,
    annualRate: ratio(terms.annualRate),
    term: terms.term,
    dayCount: terms.dayCount,
    disbursementDate: terms.disbursementDate,
    ...(terms.firstRepaymentDate ? { firstRepaymentDate: terms.firstRepaymentDate } : {}),
    ...(terms.fees?.length ? { fees: terms.fees.map(fee) } : {}),
    ...(terms.rounding ? { rounding: terms.rounding } : {}),
    ...(product ? { product } : {}),
  };
}

export function loadTerms(stored: StoredTerms): LoanTerms {
  return {
    currency: stored.currency,
    principal: BigInt(stored.principal),
    method: stored.method,
    annualRate: parseRatio(stored.annualRate),
    term: stored.term,
    dayCount: stored.dayCount,
    disbursementDate: stored.disbursementDate,
    ...(stored.firstRepaymentDate ? { firstRepaymentDate: stored.firstRepaymentDate } : {}),
    fees: (stored.fees ?? []).map((f) => ({
      type: f.type,
      ...(f.amount !== undefined ? { amount: BigInt(f.amount) } : {}),
      ...(f.percent ? { percent: parseRatio(f.percent) } : {}),
      ...(f.taxPercent ? { taxPercent: parseRatio(f.taxPercent) } : {}),
      ...(f.discountPercent ? { discountPercent: parseRatio(f.discountPercent) } : {}),
      ...(f.deductFromPrincipal ? { deductFromPrincipal: true } : {}),
    })),
    ...(stored.rounding ? { rounding: stored.rounding } : {}),
  };
}

/**
 * The schedule from the day the money went out: the same terms, every date moved by the days
 * between the priced start and the disbursal (a first repayment date the borrower chose moves
 * with it, so the first period keeps its length). Amounts stay those the borrower accepted
 * unless the day count makes the period lengths differ, which the engine then prices exactly.
 */
export function rebasedSchedule(stored: StoredTerms, disbursedOn: IsoDate): { terms: LoanTerms; schedule: Schedule } {
  const terms = loadTerms(stored);
  const shift = daysBetween(terms.disbursementDate, disbursedOn);
  const moved: LoanTerms = {
    ...terms,
    disbursementDate: disbursedOn,
    ...(terms.firstRepaymentDate ? { firstRepaymentDate: addDays(terms.firstRepaymentDate, shift) } : {}),
  };
  return { terms: moved, schedule: generateSchedule(moved) };
}
