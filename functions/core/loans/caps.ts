/**
 * Regulatory caps as configuration. OJK's P2P rules (SEOJK 19/SEOJK.06/2023, DOMAIN.md) cap
 * the economic benefit (interest + fees, excluding late fees, stamp duty and tax) per day,
 * and interest + fees + late fees together at 100 % of the principal. Sources disagree on
 * details, so the numbers live here as data per product and date, never in the arithmetic.
 */
import { RuleViolationError } from '../errors.ts';
import type { IsoDate } from './dates.ts';
import { type Rational, rational } from './rational.ts';
import type { Schedule } from './schedule.ts';

export interface CapRule {
  /** First disbursement date the rule applies to. */
  from: IsoDate;
  /** Applies only to loans whose tenor is at most this many days (a more specific rule wins). */
  maxTenorDays?: number;
  /** Percent of the principal per day: interest + fees (no tax, no late fees). */
  maxDailyBenefitPercent?: Rational;
  /** Percent of the principal: interest + fees + late fees over the loan's life. */
  maxTotalCostPercent?: Rational;
}

export interface Product {
  id: string;
  description: string;
  caps: CapRule[];
}

const pct = (num: bigint, den = 1n) => rational(num, den);

export const PRODUCTS: Record<string, Product> = {
  'id-p2p-consumptive': {
    id: 'id-p2p-consumptive',
    description: 'Indonesian P2P consumptive lending (SEOJK 19/SEOJK.06/2023 as amended)',
    caps: [
      { from: '2024-01-01', maxDailyBenefitPercent: pct(3n, 10n), maxTotalCostPercent: pct(100n) },
      { from: '2025-01-01', maxDailyBenefitPercent: pct(2n, 10n), maxTotalCostPercent: pct(100n) },
      // January 2025 adjustment: loans under six months keep 0.3 %.
      { from: '2025-01-01', maxTenorDays: 182, maxDailyBenefitPercent: pct(3n, 10n), maxTotalCostPercent: pct(100n) },
      { from: '2026-01-01', maxDailyBenefitPercent: pct(1n, 10n), maxTotalCostPercent: pct(100n) },
      { from: '2026-01-01', maxTenorDays: 182, maxDailyBenefitPercent: pct(3n, 10n), maxTotalCostPercent: pct(100n) },
    ],
  },
  'id-p2p-productive': {
    id: 'id-p2p-productive',
    description: 'Indonesian P2P productive lending',
    caps: [
      { from: '2024-01-01', maxDailyBenefitPercent: pct(1n, 10n), maxTotalCostPercent: pct(100n) },
      { from: '2026-01-01', maxDailyBenefitPercent: pct(67n, 1000n), maxTotalCostPercent: pct(100n) },
    ],
  },
  unregulated: { id: 'unregulated', description: 'No caps (lender policy only)', caps: [] },
};

/** The rule in force for a disbursement date and tenor: the latest `from`, the tenor-specific one first. */
export function capRuleFor(product: Product, disbursementDate: IsoDate, tenorDays: number): CapRule | undefined {
  const candidates = product.caps.filter(
    (c) => c.from <= disbursementDate && (c.maxTenorDays === undefined || tenorDays <= c.maxTenorDays),
  );
  candidates.sort((a, b) => (a.from === b.from ? (a.maxTenorDays === undefined ? 1 : -1) : a.from < b.from ? 1 : -1));
  return candidates[0];
}

export interface CapCheck {
  /** Interest + fees before tax, minor units. */
  economicBenefit: bigint;
  rule?: CapRule;
}

/** Refuses a schedule that breaks the product's caps, naming the cap. */
export function assertWithinCaps(schedule: Schedule, product: Product, disbursementDate: IsoDate): CapCheck {
  const fees = schedule.feeCharges.reduce((s, f) => s + f.amount, 0n);
  const benefit = schedule.totals.interest + fees;
  const rule = capRuleFor(product, disbursementDate, schedule.tenorDays);
  if (!rule) return { economicBenefit: benefit };
  const days = BigInt(Math.max(1, schedule.tenorDays));
  const principal = schedule.principal;
  // benefit / principal / days <= cap% / 100, compared exactly by cross-multiplication.
  const daily = rule.maxDailyBenefitPercent;
  if (daily && benefit * 100n * daily.den > daily.num * principal * days) {
    const message = `interest + fees exceed the cap of ${fmt(daily)} % of the principal per day (${product.id}, rule from ${rule.from})`;
    throw new RuleViolationError('cap_daily_economic_benefit', `The loan breaks a regulatory cap: ${message}`, [
      { field: 'interest_rate', message },
    ]);
  }
  const total = rule.maxTotalCostPercent;
  if (total && benefit * 100n * total.den > total.num * principal) {
    const message = `interest + fees exceed the cap of ${fmt(total)} % of the principal (${product.id}, rule from ${rule.from})`;
    throw new RuleViolationError('cap_total_cost', `The loan breaks a regulatory cap: ${message}`, [
      { field: 'interest_rate', message },
    ]);
  }
  return { economicBenefit: benefit, rule };
}

function fmt(r: Rational): string {
  const whole = r.num / r.den;
  const rem = r.num % r.den;
  if (rem === 0n) return whole.toString();
  const digits = (rem * 1_000_000n) / r.den;
  return `${whole}.${digits.toString().padStart(6, '0').replace(/0+$/, '')}`;
}

/**
 * Late fee for `daysLate` days on an overdue amount at `percentPerDay`, limited so that
 * interest + fees + late fees never pass the total-cost cap (`alreadyCharged` counts what the
 * loan has cost so far, late fees included).
 */
export function lateFee(
  overdue: bigint,
  daysLate: number,
  percentPerDay: Rational,
  cap?: { principal: bigint; alreadyCharged: bigint; maxTotalCostPercent?: Rational },
): bigint {
  if (overdue <= 0n || daysLate <= 0) return 0n;
  const fee = (overdue * percentPerDay.num * BigInt(daysLate)) / (percentPerDay.den * 100n);
  if (!cap?.maxTotalCostPercent) return fee;
  const limit = (cap.principal * cap.maxTotalCostPercent.num) / (cap.maxTotalCostPercent.den * 100n);
  const room = limit - cap.alreadyCharged;
  return room <= 0n ? 0n : fee > room ? room : fee;
}
