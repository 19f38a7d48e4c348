/** Properties every schedule keeps, for random valid terms (fast-check). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays } from '#core/loans/dates';
import { rational } from '#core/loans/rational';
import { generateSchedule, type LoanTerms } from '#core/loans/schedule';

const arbitraryTerms: fc.Arbitrary<LoanTerms> = fc
  .record({
    currency: fc.constantFrom('IDR' as const, 'INR' as const, 'USD' as const),
    principal: fc.bigInt({ min: 1n, max: 10_000_000_000n }),
    method: fc.constantFrom(
      'declining_equal_installment' as const,
      'declining_equal_principal' as const,
      'flat' as const,
      'single_payment' as const,
    ),
    rateBasisPoints: fc.bigInt({ min: 0n, max: 10_000n }),
    count: fc.integer({ min: 1, max: 60 }),
    frequency: fc.constantFrom(
      'daily' as const,
      'weekly' as const,
      'biweekly' as const,
      'semi_monthly' as const,
      'monthly' as const,
    ),
    dayCount: fc.constantFrom('30/360' as const, 'actual/365' as const, 'actual/actual' as const, '364' as const),
    disbursementDay: fc.integer({ min: 0, max: 3000 }),
    brokenDays: fc.option(fc.integer({ min: 1, max: 60 }), { nil: undefined }),
    rounding: fc.constantFrom('half_even' as const, 'half_up' as const),
  })
  .map((r) => {
    const disbursementDate = addDays('2020-01-01', r.disbursementDay);
    return {
      currency: r.currency,
      principal: r.principal,
      method: r.method,
      annualRate: rational(r.rateBasisPoints, 10_000n),
      term: { count: r.count, frequency: r.frequency },
      dayCount: r.dayCount,
      disbursementDate,
      firstRepaymentDate: r.brokenDays ? addDays(disbursementDate, r.brokenDays) : undefined,
      rounding: r.rounding,
    };
  });

describe('every schedule, for random valid terms', () => {
  it('repays exactly the principal, with no negative amount and a falling balance ending at zero', () => {
    fc.assert(
      fc.property(arbitraryTerms, (terms) => {
        const s = generateSchedule(terms);
        expect(s.installments.reduce((sum, i) => sum + i.principal, 0n)).toBe(terms.principal);
        let previous = terms.principal;
        for (const i of s.installments) {
          expect(i.principal >= 0n && i.interest >= 0n && i.fees >= 0n).toBe(true);
          expect(i.total).toBe(i.principal + i.interest + i.fees);
          expect(i.remainingPrincipal <= previous).toBe(true);
          expect(i.dueDate > i.fromDate).toBe(true);
          previous = i.remainingPrincipal;
        }
        expect(previous).toBe(0n);
        expect(s.totals.total).toBe(s.totals.principal + s.totals.interest + s.totals.fees);
      }),
      { numRuns: 500 },
    );
  });

  it('charges no interest at a zero rate, and more interest at a higher rate', () => {
    fc.assert(
      fc.property(arbitraryTerms, (terms) => {
        expect(generateSchedule({ ...terms, annualRate: rational(0n) }).totals.interest).toBe(0n);
        const low = generateSchedule({ ...terms, annualRate: rational(5n, 100n) }).totals.interest;
        const high = generateSchedule({ ...terms, annualRate: rational(25n, 100n) }).totals.interest;
        expect(high >= low).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
