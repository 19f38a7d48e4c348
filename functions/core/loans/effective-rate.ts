/**
 * Effective rates from the cash flows the borrower sees: what is received (net of upfront
 * fees) and each installment on its date. These are rates shown to people, so plain floating
 * point is fine here; money never passes through this file.
 */
import { daysBetween, type IsoDate } from './dates.ts';
import type { Schedule } from './schedule.ts';

/** The daily rate d with Σ flow_i / (1 + d)^days_i = 0 (an IRR), by bisection; null when there is none. */
export function effectiveDailyRate(flows: readonly { days: number; amount: number }[]): number | null {
  const npv = (d: number) => flows.reduce((s, f) => s + f.amount / (1 + d) ** f.days, 0);
  let lo = -0.99;
  let hi = 1;
  if (Math.sign(npv(lo)) === Math.sign(npv(hi))) return null;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (Math.sign(npv(mid)) === Math.sign(npv(lo))) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

export interface EffectiveRates {
  /** Annual percentage rate: the daily rate × 365, in percent. */
  apr: number;
  /** Effective annual rate, compounded daily, in percent. */
  effectiveAnnualRate: number;
  /** Effective cost per day, in percent. */
  effectiveDailyRate: number;
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

export function effectiveRates(schedule: Schedule, disbursementDate: IsoDate): EffectiveRates | null {
  const flows = [
    { days: 0, amount: Number(schedule.netDisbursed) },
    ...schedule.installments.map((i) => ({ days: daysBetween(disbursementDate, i.dueDate), amount: -Number(i.total) })),
  ];
  const d = effectiveDailyRate(flows);
  if (d === null) return null;
  return {
    apr: round6(d * 365 * 100),
    effectiveAnnualRate: round6(((1 + d) ** 365 - 1) * 100),
    effectiveDailyRate: round6(d * 100),
  };
}
