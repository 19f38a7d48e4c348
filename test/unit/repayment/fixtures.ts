/** Loans for the ledger tests: a 4-installment weekly BNPL and a single-payment loan, with overrides. */
import { PRODUCTS } from '#core/loans/caps';
import { type Rational, rational } from '#core/loans/rational';
import { generateSchedule, type LoanTerms } from '#core/loans/schedule';
import { type Ledger, openLedger, type ServicingPolicy } from '#core/repayment/ledger';

/** Rp1,000,000 over 4 weekly installments at 36 % a year (declining, actual/365) with a 2 % platform fee spread over them. */
export function bnplTerms(overrides: Partial<LoanTerms> = {}): LoanTerms {
  return {
    currency: 'IDR',
    principal: 1_000_000n,
    method: 'declining_equal_installment',
    annualRate: rational(36n, 100n),
    term: { count: 4, frequency: 'weekly' },
    dayCount: 'actual/365',
    disbursementDate: '2026-03-02',
    fees: [{ type: 'platform', percent: rational(2n) }],
    ...overrides,
  };
}

/** Rp2,000,000 for one month at 24 % a year, repaid in one payment on 2026-02-01. */
export function singleTerms(overrides: Partial<LoanTerms> = {}): LoanTerms {
  return {
    currency: 'IDR',
    principal: 2_000_000n,
    method: 'single_payment',
    annualRate: rational(24n, 100n),
    term: { count: 1, frequency: 'monthly' },
    dayCount: 'actual/365',
    disbursementDate: '2026-01-01',
    ...overrides,
  };
}

export function ledgerFor(
  terms: LoanTerms,
  productId: string | null = 'id-p2p-consumptive',
  loanId = 'loan_1',
): Ledger {
  const schedule = generateSchedule(terms);
  const product = productId ? PRODUCTS[productId] : undefined;
  return openLedger({
    loanId,
    schedule,
    terms: { annualRate: terms.annualRate, dayCount: terms.dayCount, method: terms.method, rounding: terms.rounding },
    disbursementDate: terms.disbursementDate,
    ...(product ? { product } : {}),
  });
}

export function policy(
  percentPerDay: Rational = rational(1n, 10n),
  graceDays = 1,
  reminderDaysBefore = [3, 1, 0],
): ServicingPolicy {
  return {
    lateFee: { percentPerDay, graceDays },
    reminderDaysBefore,
    order: ['penalty', 'fee', 'interest', 'principal'],
  };
}
