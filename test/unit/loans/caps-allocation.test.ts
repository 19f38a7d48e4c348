import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RuleViolationError } from '#core/errors';
import { allocatePayment, DEFAULT_ORDER, duesOf, owed, settlementAmount } from '#core/loans/allocation';
import { assertWithinCaps, capRuleFor, lateFee, PRODUCTS } from '#core/loans/caps';
import { effectiveRates } from '#core/loans/effective-rate';
import { rational } from '#core/loans/rational';
import { generateSchedule } from '#core/loans/schedule';
import { terms } from '../../helpers/loans.ts';

const consumptive = PRODUCTS['id-p2p-consumptive']!;

describe('regulatory caps (configuration per product and date)', () => {
  it('picks the tenor-specific rule for a short loan and the general one otherwise', () => {
    expect(capRuleFor(consumptive, '2026-03-01', 90)?.maxDailyBenefitPercent).toEqual(rational(3n, 10n));
    expect(capRuleFor(consumptive, '2026-03-01', 365)?.maxDailyBenefitPercent).toEqual(rational(1n, 10n));
    expect(capRuleFor(consumptive, '2024-06-01', 365)?.maxDailyBenefitPercent).toEqual(rational(3n, 10n));
  });

  it('accepts a 3-month loan at 0.25 %/day flat and refuses a 12-month one at 0.2 %/day, naming the cap', () => {
    const idr = {
      currency: 'IDR' as const,
      principal: 5000000,
      method: 'flat' as const,
      ratePeriod: 'day' as const,
      dayCount: 'actual/365' as const,
      disbursementDate: '2026-02-01',
    };
    const short = generateSchedule(terms({ ...idr, rate: '0.25', term: { count: 3, frequency: 'monthly' } }));
    expect(() => assertWithinCaps(short, consumptive, '2026-02-01')).not.toThrow();
    const long = generateSchedule(terms({ ...idr, rate: '0.2', term: { count: 12, frequency: 'monthly' } }));
    expect(() => assertWithinCaps(long, consumptive, '2026-02-01')).toThrow(RuleViolationError);
    try {
      assertWithinCaps(long, consumptive, '2026-02-01');
    } catch (error) {
      expect((error as RuleViolationError).code).toBe('cap_daily_economic_benefit');
      expect((error as RuleViolationError).message).toContain('0.1 % of the principal per day');
    }
  });

  it('counts fees (not their tax) in the economic benefit', () => {
    const s = generateSchedule(
      terms({
        currency: 'IDR',
        principal: 1000000,
        rate: 0,
        method: 'single_payment',
        dayCount: 'actual/365',
        disbursementDate: '2026-02-01',
        term: { count: 30, frequency: 'daily' },
        fees: [{ type: 'service', amount: 95000n, taxPercent: rational(11n) }],
      }),
    );
    // 95,000 over 30 days on 1,000,000 is 0.317 %/day: above the 0.3 % short-loan cap.
    expect(() => assertWithinCaps(s, consumptive, '2026-02-01')).toThrow(/0.3 % of the principal per day/);
  });

  it('limits late fees so that everything together stays within 100 % of the principal', () => {
    expect(lateFee(100000n, 10, rational(1n, 10n))).toBe(1000n);
    expect(
      lateFee(100000n, 10, rational(1n, 10n), {
        principal: 100000n,
        alreadyCharged: 99500n,
        maxTotalCostPercent: rational(100n),
      }),
    ).toBe(500n);
    expect(lateFee(0n, 10, rational(1n))).toBe(0n);
  });

  it('applies no caps to the unregulated product', () => {
    const s = generateSchedule(terms({ rate: 400 }));
    expect(assertWithinCaps(s, PRODUCTS.unregulated!, '2026-01-01').rule).toBeUndefined();
  });
});

describe('payment allocation', () => {
  const schedule = generateSchedule(
    terms({ principal: 1200, rate: 12, method: 'declining_equal_principal', term: { count: 3, frequency: 'monthly' } }),
  );
  const dues = duesOf(schedule.installments).map((d, i) => (i === 0 ? { ...d, penalty: 500n, fee: 200n } : d));

  it('pays penalties, then fees, then interest, then principal, oldest installment first', () => {
    const { allocations, unallocated } = allocatePayment(dues, 1700n);
    expect(allocations).toEqual([
      { number: 1, component: 'penalty', amount: 500n },
      { number: 1, component: 'fee', amount: 200n },
      { number: 1, component: 'interest', amount: 1000n },
    ]);
    expect(unallocated).toBe(0n);
  });

  it('follows a configured order', () => {
    const { allocations } = allocatePayment(dues, 40000n, ['principal', 'interest', 'fee', 'penalty']);
    expect(allocations[0]).toEqual({ number: 1, component: 'principal', amount: 40000n });
  });

  it('returns an overpayment as unallocated', () => {
    const total = dues.reduce((s, d) => s + owed(d), 0n);
    const result = allocatePayment(dues, total + 999n);
    expect(result.unallocated).toBe(999n);
    expect(result.dues.every((d) => owed(d) === 0n)).toBe(true);
  });

  it('settles early with interest only up to the settlement date', () => {
    // 1200 at 12 %, first period Jan 1 -> Feb 1; settling on Jan 16 (15 days of 30/360): 1200 × 1 % × 15/30 = 6.00.
    const s = settlementAmount(duesOf(schedule.installments), schedule.installments, '2024-01-16', {
      annualRate: rational(12n, 100n),
      dayCount: '30/360',
      method: 'declining_equal_principal',
    });
    expect(s.accruedInterest).toBe(600n);
    expect(s.amount).toBe(120000n + 600n);
    expect(s.waivedInterest).toBe(schedule.totals.interest - 600n);
  });

  it('never loses or invents money, for any payments (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: 0n, max: 200000n }), { maxLength: 6 }), (payments) => {
        let current = dues;
        const before = dues.reduce((s, d) => s + owed(d), 0n);
        let paid = 0n;
        let returned = 0n;
        for (const p of payments) {
          const r = allocatePayment(current, p, DEFAULT_ORDER);
          expect(r.allocations.reduce((s, a) => s + a.amount, 0n) + r.unallocated).toBe(p);
          paid += p;
          returned += r.unallocated;
          current = r.dues;
          expect(current.every((d) => d.penalty >= 0n && d.fee >= 0n && d.interest >= 0n && d.principal >= 0n)).toBe(
            true,
          );
        }
        const after = current.reduce((s, d) => s + owed(d), 0n);
        expect(before - after).toBe(paid - returned);
      }),
    );
  });
});

describe('effective rates', () => {
  it('puts the APR of a 12 %/year monthly EMI loan near 12 % and above it when fees are deducted', () => {
    const plain = generateSchedule(terms({ principal: 10000, rate: 12, dayCount: 'actual/365' }));
    const withFee = generateSchedule(
      terms({
        principal: 10000,
        rate: 12,
        dayCount: 'actual/365',
        fees: [{ type: 'processing', percent: rational(2n), deductFromPrincipal: true }],
      }),
    );
    const a = effectiveRates(plain, '2024-01-01');
    const b = effectiveRates(withFee, '2024-01-01');
    expect(a?.apr).toBeGreaterThan(11.8);
    expect(a?.apr).toBeLessThan(12.2);
    expect(b?.apr).toBeGreaterThan(15);
    expect(a?.effectiveDailyRate).toBeCloseTo((a?.apr ?? 0) / 365, 6);
  });
});
