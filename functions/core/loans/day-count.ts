/**
 * Day-count conventions: how much of a year lies between two dates, exactly (a rational).
 * 30/360 reproduces Fineract's DAYS_360 + DAYS_30 (every whole month is 1/12 of a year).
 */
import { daysBetween, daysInMonth, type IsoDate, isLeap, parts } from './dates.ts';
import { add, type Rational, rational, ZERO } from './rational.ts';

export type DayCount = '30/360' | 'actual/365' | 'actual/actual' | '364';

/**
 * Days between two dates under 30/360, European ISDA flavour (30E/360 ISDA): every month
 * counts 30 days and a month's last day counts as the 30th, so whole months anchored on a
 * month end (31 Jan -> 29 Feb -> 31 Mar) are exactly 30 days each, as a loan schedule expects.
 */
export function days360(from: IsoDate, to: IsoDate): number {
  const a = parts(from);
  const b = parts(to);
  const d1 = a.d === daysInMonth(a.y, a.m) ? 30 : a.d;
  const d2 = b.d === daysInMonth(b.y, b.m) ? 30 : b.d;
  return (b.y - a.y) * 360 + (b.m - a.m) * 30 + (d2 - d1);
}

/** The year fraction from `from` to `to`. actual/actual is ISDA: each calendar year's days over its own length. */
export function yearFraction(from: IsoDate, to: IsoDate, convention: DayCount): Rational {
  switch (convention) {
    case '30/360':
      return rational(BigInt(days360(from, to)), 360n);
    case 'actual/365':
      return rational(BigInt(daysBetween(from, to)), 365n);
    case '364':
      return rational(BigInt(daysBetween(from, to)), 364n);
    case 'actual/actual': {
      let total = ZERO;
      let cursor = from;
      while (cursor < to) {
        const year = parts(cursor).y;
        const yearEnd = `${String(year + 1).padStart(4, '0')}-01-01`;
        const end = yearEnd < to ? yearEnd : to;
        total = add(total, rational(BigInt(daysBetween(cursor, end)), isLeap(year) ? 366n : 365n));
        cursor = end;
      }
      return total;
    }
  }
}

/** Days in a year under the convention, for turning a daily rate into a yearly one. */
export function yearLength(convention: DayCount): bigint {
  return convention === '30/360' ? 360n : convention === '364' ? 364n : 365n;
}
