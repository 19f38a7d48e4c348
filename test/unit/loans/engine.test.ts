import { describe, expect, it } from 'vitest';
import { ValidationError } from '#core/errors';
import { addMonths } from '#core/loans/dates';
import { days360, yearFraction } from '#core/loans/day-count';
import { divRound, formatMajor, splitEvenly, toMinor } from '#core/loans/money';
import { parseDecimal, rational } from '#core/loans/rational';
import { dueDates, generateSchedule } from '#core/loans/schedule';
import { rows, terms } from '../../helpers/loans.ts';

describe('money', () => {
  it('parses major units exactly per currency precision and refuses extra decimals', () => {
    expect(toMinor('17.25', 'USD')).toBe(1725n);
    expect(toMinor(17.25, 'USD')).toBe(1725n);
    expect(toMinor(10000000, 'IDR')).toBe(10000000n);
    expect(() => toMinor('0.5', 'IDR')).toThrow(ValidationError);
    try {
      toMinor('1.001', 'USD', 'principal');
      expect.unreachable();
    } catch (error) {
      expect((error as ValidationError).details).toEqual([
        { field: 'principal', message: 'has more than 2 decimal places for USD' },
      ]);
    }
  });

  it('rounds half-even by default and half-up when asked', () => {
    expect([divRound(5n, 2n), divRound(7n, 2n), divRound(-5n, 2n)]).toEqual([2n, 4n, -2n]);
    expect(divRound(5n, 2n, 'half_up')).toBe(3n);
  });

  it('splits evenly with the last share absorbing the remainder', () => {
    expect(splitEvenly(10000000n, 6)).toEqual([1666667n, 1666667n, 1666667n, 1666667n, 1666667n, 1666665n]);
    // Found by the property test: rounding 3/5 up would leave the last share at -1.
    expect(splitEvenly(3n, 5)).toEqual([0n, 0n, 0n, 0n, 3n]);
  });

  it('formats minor units back to exact major text', () => {
    expect(formatMajor(1725n, 'USD')).toBe('17.25');
    expect(formatMajor(5n, 'INR')).toBe('0.05');
    expect(formatMajor(10000000n, 'IDR')).toBe('10000000');
  });
});

describe('dates and day counts', () => {
  it('keeps the anchor day through short months: 31 Jan -> 29 Feb -> 31 Mar -> 30 Apr', () => {
    expect([1, 2, 3].map((k) => addMonths('2024-01-31', k))).toEqual(['2024-02-29', '2024-03-31', '2024-04-30']);
    expect(addMonths('2025-01-31', 1)).toBe('2025-02-28');
  });

  it('counts 30/360 as 30 days a month, month ends included', () => {
    expect(days360('2024-01-01', '2024-02-01')).toBe(30);
    expect(days360('2024-01-31', '2024-02-29')).toBe(30);
    expect(days360('2024-02-29', '2024-03-31')).toBe(30);
    expect(days360('2024-01-15', '2024-07-15')).toBe(180);
  });

  it('splits actual/actual by calendar year (ISDA)', () => {
    expect(yearFraction('2023-12-12', '2024-01-12', 'actual/actual')).toEqual(
      rational(20n * 366n + 11n * 365n, 365n * 366n),
    );
    expect(yearFraction('2024-01-01', '2024-01-08', '364')).toEqual(rational(7n, 364n));
  });

  it('generates weekly, biweekly, semi-monthly and daily due dates', () => {
    const base = { disbursementDate: '2026-01-15', method: 'declining_equal_installment' as const };
    expect(dueDates({ ...base, term: { count: 3, frequency: 'weekly' } })).toEqual([
      '2026-01-22',
      '2026-01-29',
      '2026-02-05',
    ]);
    expect(dueDates({ ...base, term: { count: 2, frequency: 'biweekly' } })).toEqual(['2026-01-29', '2026-02-12']);
    expect(dueDates({ ...base, term: { count: 4, frequency: 'semi_monthly' } })).toEqual([
      '2026-01-30',
      '2026-02-14',
      '2026-02-28',
      '2026-03-15',
    ]);
    expect(dueDates({ ...base, method: 'single_payment', term: { count: 30, frequency: 'daily' } })).toEqual([
      '2026-02-14',
    ]);
  });
});

describe('methods', () => {
  it('flat: "2.5 % per month" on the original principal every month, principal split evenly', () => {
    const s = generateSchedule(
      terms({
        currency: 'IDR',
        principal: 10000000,
        rate: '2.5',
        ratePeriod: 'month',
        method: 'flat',
        term: { count: 6, frequency: 'monthly' },
      }),
    );
    expect(s.installments.map((i) => i.interest)).toEqual(Array(6).fill(250000n));
    expect(s.installments.map((i) => i.principal)).toEqual([
      1666667n,
      1666667n,
      1666667n,
      1666667n,
      1666667n,
      1666665n,
    ]);
    expect(s.totals.total).toBe(11500000n);
  });

  it('equal principal: interest on the declining balance', () => {
    const s = generateSchedule(
      terms({
        principal: 1200,
        rate: 12,
        method: 'declining_equal_principal',
        term: { count: 12, frequency: 'monthly' },
      }),
    );
    expect(rows(s)[0]).toEqual(['2024-02-01', '100.00', '12.00', '112.00', '1100.00']);
    expect(rows(s)[11]).toEqual(['2025-01-01', '100.00', '1.00', '101.00', '0.00']);
  });

  it('single payment: principal + interest for the actual days at maturity', () => {
    const s = generateSchedule(
      terms({
        currency: 'IDR',
        principal: 1000000,
        rate: '0.1',
        ratePeriod: 'day',
        dayCount: 'actual/365',
        method: 'single_payment',
        term: { count: 30, frequency: 'daily' },
      }),
    );
    expect(s.installments).toHaveLength(1);
    expect(s.installments[0]).toMatchObject({
      dueDate: '2024-01-31',
      principal: 1000000n,
      interest: 30000n,
      total: 1030000n,
    });
  });

  it('charges a broken first period for its actual length', () => {
    const regular = generateSchedule(
      terms({
        principal: 1000,
        rate: 12,
        dayCount: 'actual/365',
        disbursementDate: '2026-01-15',
        term: { count: 3, frequency: 'monthly' },
      }),
    );
    const broken = generateSchedule(
      terms({
        principal: 1000,
        rate: 12,
        dayCount: 'actual/365',
        disbursementDate: '2026-01-15',
        firstRepaymentDate: '2026-03-01',
        term: { count: 3, frequency: 'monthly' },
      }),
    );
    expect(broken.installments.map((i) => i.dueDate)).toEqual(['2026-03-01', '2026-04-01', '2026-05-01']);
    // 45 days against 31: 1000 × 12 % × 45/365 = 14.79.
    expect(broken.installments[0]?.interest).toBe(1479n);
    expect(regular.installments[0]?.interest).toBe(1019n);
  });

  it('refuses a first repayment date on or before disbursement, naming the field', () => {
    expect(() => generateSchedule(terms({ firstRepaymentDate: '2024-01-01' }))).toThrow(ValidationError);
  });
});

describe('fees', () => {
  it('deducts a 2.75 % processing fee with 18 % GST from the disbursement', () => {
    const s = generateSchedule(
      terms({
        currency: 'INR',
        principal: 100000,
        rate: 18,
        fees: [
          {
            type: 'processing',
            percent: parseDecimal('2.75', 'p'),
            taxPercent: parseDecimal(18, 't'),
            deductFromPrincipal: true,
          },
        ],
      }),
    );
    expect(s.feeCharges).toEqual([{ type: 'processing', amount: 275000n, tax: 49500n, discount: 0n, upfront: true }]);
    expect(formatMajor(s.netDisbursed, 'INR')).toBe('96755.00');
    expect(s.totals.fees).toBe(0n);
  });

  it('spreads a fixed fee over the installments, with a promo discount', () => {
    const s = generateSchedule(
      terms({
        currency: 'IDR',
        principal: 3000000,
        rate: 12,
        term: { count: 3, frequency: 'monthly' },
        fees: [{ type: 'service', amount: 150000n, discountPercent: parseDecimal(10, 'd') }],
      }),
    );
    expect(s.feeCharges[0]).toMatchObject({ amount: 135000n, discount: 15000n });
    expect(s.installments.map((i) => i.fees)).toEqual([45000n, 45000n, 45000n]);
    expect(s.netDisbursed).toBe(3000000n);
  });
});
