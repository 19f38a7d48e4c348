/**
 * How a product's loans are serviced after disbursement: the late fee, its grace period, the
 * reminder days and the payment allocation order. Configuration per product (DOMAIN.md: caps
 * and their numbers are data, never constants in the arithmetic); the ledger takes a policy,
 * it never looks one up itself.
 */
import { ValidationError } from '../errors.ts';
import { type Component, DEFAULT_ORDER } from '../loans/allocation.ts';
import { PRODUCTS } from '../loans/caps.ts';
import { type Rational, rational } from '../loans/rational.ts';

export interface LateFeePolicy {
  /** Percent of the overdue amount (principal + interest + fees, never penalties) per day, e.g. 1/10 for 0.1 %. */
  percentPerDay: Rational;
  /** Days past due without a late fee: the first fee is charged on day `graceDays + 1` past due. */
  graceDays: number;
}

export interface ServicingPolicy {
  lateFee: LateFeePolicy;
  /** Days before a due date on which a `payment_due` reminder goes out (0 = on the due date). */
  reminderDaysBefore: number[];
  /** The allocation order for payments (penalties -> fees -> interest -> principal by default). */
  order: Component[];
}

/**
 * Reminders three days and one day before, and on the due date: enough notice for a salary
 * earner to move money, and the last one when a VA/QRIS payment still lands in time.
 */
const REMINDERS = [3, 1, 0];

/**
 * One day of grace for every default: a bank transfer or VA payment made late on the due date
 * can settle the next morning, and a borrower should not pay a late fee for the bank's clock.
 * (OJK mandates no grace period; a lender may configure more.)
 */
const GRACE_DAYS = 1;

const POLICIES: Record<string, ServicingPolicy> = {
  // OJK (SEOJK 19/SEOJK.06/2023) caps the late fee for consumptive P2P at the same daily rate as
  // the economic benefit: 0.3 % (2024), 0.2 % (2025), 0.1 % from 2026. 0.1 % is compliant in
  // every year, so it is the default; the 100 % total-cost cap comes from the product's cap rule.
  'id-p2p-consumptive': {
    lateFee: { percentPerDay: rational(1n, 10n), graceDays: GRACE_DAYS },
    reminderDaysBefore: REMINDERS,
    order: [...DEFAULT_ORDER],
  },
  // Productive P2P: 0.1 % (2024-25), 0.067 % from 2026; the lower one is compliant throughout.
  'id-p2p-productive': {
    lateFee: { percentPerDay: rational(67n, 1000n), graceDays: GRACE_DAYS },
    reminderDaysBefore: REMINDERS,
    order: [...DEFAULT_ORDER],
  },
  // No regulator: a conservative 0.1 % per day as the lender's starting point. Without a cap
  // rule nothing bounds the total, so a lender running this product should set its own.
  unregulated: {
    lateFee: { percentPerDay: rational(1n, 10n), graceDays: GRACE_DAYS },
    reminderDaysBefore: REMINDERS,
    order: [...DEFAULT_ORDER],
  },
};

/** The servicing policy of a product (a fresh copy: callers may adjust it). */
export function defaultServicingPolicy(productId: string): ServicingPolicy {
  const policy = POLICIES[productId];
  if (!policy || !PRODUCTS[productId]) {
    throw new ValidationError([{ field: 'product', message: `must be one of ${Object.keys(POLICIES).join(', ')}` }]);
  }
  return {
    lateFee: { ...policy.lateFee },
    reminderDaysBefore: [...policy.reminderDaysBefore],
    order: [...policy.order],
  };
}
