/**
 * Applying payments to a schedule: in a configurable component order (default penalties ->
 * fees -> interest -> principal), oldest due installment first. Money is conserved: what is
 * paid is either allocated or returned as unallocated, never lost or invented.
 */
import type { IsoDate } from './dates.ts';
import { daysBetween } from './dates.ts';
import { type DayCount, yearFraction } from './day-count.ts';
import { divRound, type RoundingMode } from './money.ts';
import { fix, mul, type Rational } from './rational.ts';
import type { Installment } from './schedule.ts';

export type Component = 'penalty' | 'fee' | 'interest' | 'principal';
export const DEFAULT_ORDER: readonly Component[] = ['penalty', 'fee', 'interest', 'principal'];

/** What an installment still owes, per component. */
export interface Due {
  number: number;
  dueDate: IsoDate;
  penalty: bigint;
  fee: bigint;
  interest: bigint;
  principal: bigint;
}

export interface Allocation {
  number: number;
  component: Component;
  amount: bigint;
}

export const owed = (d: Due) => d.penalty + d.fee + d.interest + d.principal;

/** The dues of a fresh schedule. */
export function duesOf(installments: readonly Installment[]): Due[] {
  return installments.map((i) => ({
    number: i.number,
    dueDate: i.dueDate,
    penalty: 0n,
    fee: i.fees,
    interest: i.interest,
    principal: i.principal,
  }));
}

/**
 * Applies `amount` oldest installment first, each installment's components in `order`.
 * Returns the new dues, what went where, and what is left over (an overpayment).
 */
export function allocatePayment(
  dues: readonly Due[],
  amount: bigint,
  order: readonly Component[] = DEFAULT_ORDER,
): { dues: Due[]; allocations: Allocation[]; unallocated: bigint } {
  if (amount < 0n) throw new RangeError('payment must not be negative');
  let left = amount;
  const allocations: Allocation[] = [];
  const next = [...dues]
    .sort((a, b) => (a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : a.number - b.number))
    .map((d) => ({ ...d }));
  for (const due of next) {
    for (const component of order) {
      if (left === 0n) break;
      const take = due[component] < left ? due[component] : left;
      if (take > 0n) {
        due[component] -= take;
        left -= take;
        allocations.push({ number: due.number, component, amount: take });
      }
    }
  }
  next.sort((a, b) => a.number - b.number);
  return { dues: next, allocations, unallocated: left };
}

/**
 * What settles the loan on `date`: everything due by then, plus the principal not yet due,
 * plus interest for the current period only up to `date` (future interest and fees are
 * waived). The borrower's early-settlement quote.
 */
export function settlementAmount(
  dues: readonly Due[],
  installments: readonly Installment[],
  date: IsoDate,
  terms: { annualRate: Rational; dayCount: DayCount; method: string; rounding?: RoundingMode },
): { amount: bigint; accruedInterest: bigint; waivedInterest: bigint; waivedFees: bigint } {
  let amount = 0n;
  let accrued = 0n;
  let waivedInterest = 0n;
  let waivedFees = 0n;
  for (const due of dues) {
    const installment = installments.find((i) => i.number === due.number);
    if (!installment || due.dueDate <= date) {
      amount += owed(due);
      continue;
    }
    amount += due.principal;
    if (installment.fromDate < date && daysBetween(installment.fromDate, date) > 0) {
      // The current period: interest accrues to `date` on the balance it was charged on.
      const balance = installment.remainingPrincipal + installment.principal;
      const base = terms.method === 'flat' || terms.method === 'single_payment' ? undefined : balance;
      const r = fix(mul(terms.annualRate, yearFraction(installment.fromDate, date, terms.dayCount)));
      const full = installment.interest;
      const pro =
        base === undefined
          ? divRound(
              full * BigInt(daysBetween(installment.fromDate, date)),
              BigInt(daysBetween(installment.fromDate, installment.dueDate)),
              terms.rounding,
            )
          : divRound(base * r.num, r.den, terms.rounding);
      const paidInterest = full - due.interest;
      const accruedHere =
        pro > paidInterest ? (pro - paidInterest < due.interest ? pro - paidInterest : due.interest) : 0n;
      accrued += accruedHere;
      amount += accruedHere + due.penalty + due.fee;
      waivedInterest += due.interest - accruedHere;
    } else {
      waivedInterest += due.interest;
      waivedFees += due.fee;
    }
  }
  return { amount, accruedInterest: accrued, waivedInterest, waivedFees };
}
