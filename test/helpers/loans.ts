import { type Currency, formatMajor, toMinor } from '#core/loans/money';
import { parseDecimal } from '#core/loans/rational';
import { annualRate, type LoanTerms, type Schedule } from '#core/loans/schedule';

/** Loan terms from quote-like inputs (major units, percent), with overrides. */
export function terms(
  overrides: Partial<Omit<LoanTerms, 'principal' | 'annualRate'>> & {
    principal?: string | number;
    rate?: string | number;
    ratePeriod?: 'year' | 'month' | 'day';
  } = {},
): LoanTerms {
  const { principal = 100, rate = 7, ratePeriod = 'year', ...rest } = overrides;
  const currency: Currency = rest.currency ?? 'USD';
  const dayCount = rest.dayCount ?? '30/360';
  return {
    currency,
    method: 'declining_equal_installment',
    term: { count: 12, frequency: 'monthly' },
    disbursementDate: '2024-01-01',
    ...rest,
    dayCount,
    principal: toMinor(principal, currency),
    annualRate: annualRate(parseDecimal(rate, 'rate'), ratePeriod, dayCount),
  };
}

/** A schedule as rows of major-unit strings, easy to compare with published tables. */
export function rows(schedule: Schedule) {
  const f = (x: bigint) => formatMajor(x, schedule.currency);
  return schedule.installments.map((i) => [
    i.dueDate,
    f(i.principal),
    f(i.interest),
    f(i.total),
    f(i.remainingPrincipal),
  ]);
}
