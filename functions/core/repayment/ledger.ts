/**
 * The loan ledger: what each installment of a disbursed loan has been charged and paid, per
 * component, from disbursement to REPAID. Pure: a ledger and an event (a payment, a day of
 * servicing) in, a new ledger and the changes it made out; storage, webhooks and schedules
 * live elsewhere. The arithmetic is the loan engine's (allocation.ts, schedule.ts), so every
 * amount here equals the engine's to the rupiah/paisa.
 *
 * Money is conserved by construction: every payment adds to `paidTotal` and ends up either
 * allocated to a component (`paid`), kept as `credit`, or later `refunded`, so
 * paidTotal = Σ paid + credit + refunded always holds (the property tests check it).
 *
 * Time: dates are calendar dates in the lender's timezone, supplied by the caller. The ledger's
 * "today" is `servicedThrough`: installment statuses, days past due and the bucket are as of
 * that day. Marking an installment OVERDUE is servicing's job (it emits the change once); a
 * payment only moves installments to PAID or PARTIALLY_PAID (an OVERDUE installment stays
 * OVERDUE until fully paid).
 */
import { ValidationError } from '../errors.ts';
import {
  type Allocation,
  allocatePayment,
  type Component,
  DEFAULT_ORDER,
  type Due,
  settlementAmount,
} from '../loans/allocation.ts';
import { capRuleFor, type Product } from '../loans/caps.ts';
import { addDays, dayNumber, daysBetween, type IsoDate } from '../loans/dates.ts';
import type { DayCount } from '../loans/day-count.ts';
import { type Currency, divRound, type RoundingMode } from '../loans/money.ts';
import { type Rational, rational } from '../loans/rational.ts';
import type { Installment, Method, Schedule } from '../loans/schedule.ts';
import type { ServicingPolicy } from './servicing-policy.ts';

export type { Allocation, Component } from '../loans/allocation.ts';
export { defaultServicingPolicy, type LateFeePolicy, type ServicingPolicy } from './servicing-policy.ts';

export type InstallmentStatus = 'DUE' | 'PARTIALLY_PAID' | 'PAID' | 'OVERDUE';
export type LedgerStatus = 'DISBURSED' | 'REPAID';
export type DelinquencyBucket = 'CURRENT' | '1-30' | '31-60' | '61-90' | '90+';

/** Fineract's common delinquency ranges, as data: [bucket, first day past due, last day or null]. */
export const DELINQUENCY_BUCKETS: readonly (readonly [DelinquencyBucket, number, number | null])[] = [
  ['CURRENT', 0, 0],
  ['1-30', 1, 30],
  ['31-60', 31, 60],
  ['61-90', 61, 90],
  ['90+', 91, null],
];

export interface Components {
  principal: bigint;
  interest: bigint;
  fee: bigint;
  penalty: bigint;
}

export interface LedgerInstallment {
  number: number;
  fromDate: IsoDate;
  dueDate: IsoDate;
  /**
   * Charged so far: the schedule's amounts, plus late fees in `penalty`; an early settlement
   * lowers interest and fees by what it waives (so due - paid is always what is owed).
   */
  due: Components;
  paid: Components;
  status: InstallmentStatus;
  /** The day the installment became fully paid. */
  paidOn?: IsoDate;
  /** Principal still owed after this installment, per the schedule (the settlement's balance). */
  remainingPrincipal: bigint;
}

export interface Ledger {
  loanId: string;
  currency: Currency;
  principal: bigint;
  /** The loan's terms, for settlement quotes (interest to the settlement date). */
  terms: { annualRate: Rational; dayCount: DayCount; method: Method; rounding?: RoundingMode };
  disbursementDate: IsoDate;
  installments: LedgerInstallment[];
  /** Overpayments and payments after REPAID, kept for the borrower (refundable by ops). */
  credit: bigint;
  /** Credit paid back by ops. */
  refunded: bigint;
  /** Every payment received, ever: paidTotal = Σ paid + credit + refunded. */
  paidTotal: bigint;
  lateFeesCharged: bigint;
  lateFeeCapReached: boolean;
  /** From the product's cap rule at disbursement (OJK: interest + fees + late fees <= 100 % of principal). */
  maxTotalCostPercent?: Rational;
  /**
   * Interest + fees (before tax, upfront fees included) as scheduled: what the total-cost cap
   * counts besides late fees, as caps.ts's assertWithinCaps counts the economic benefit.
   */
  costBeforeLateFees: bigint;
  /** The last day servicing has run for (starts at the disbursement date). */
  servicedThrough: IsoDate;
  /** `"<installment>@-<days before>"`: each reminder goes out once. */
  remindersSent: string[];
  status: LedgerStatus;
  /** As of `servicedThrough` (see {@link delinquencyOn} for another day). */
  daysPastDue: number;
  bucket: DelinquencyBucket;
  /** The day the loan became REPAID (early settlement or last payment). */
  settledOn?: IsoDate;
}

export type LedgerChange =
  | { kind: 'installment_paid'; number: number; date: IsoDate }
  | { kind: 'installment_partially_paid'; number: number; date: IsoDate; paid: bigint; remaining: bigint }
  | { kind: 'installment_overdue'; number: number; date: IsoDate; amount: bigint }
  | { kind: 'late_fee'; number: number; date: IsoDate; amount: bigint }
  | { kind: 'late_fee_cap_reached'; date: IsoDate }
  | { kind: 'overdue'; date: IsoDate; daysPastDue: number }
  | { kind: 'bucket_changed'; date: IsoDate; from: DelinquencyBucket; to: DelinquencyBucket }
  | { kind: 'payment_due'; number: number; dueDate: IsoDate; amount: bigint; daysBefore: number; date: IsoDate }
  | { kind: 'credit_added'; amount: bigint; date: IsoDate }
  | { kind: 'settled_early'; date: IsoDate; waivedInterest: bigint; waivedFees: bigint }
  | { kind: 'repaid'; date: IsoDate };

export interface SettlementQuote {
  /** What to pay on `date` to settle the loan (after the credit already held). */
  amount: bigint;
  principal: bigint;
  /** Interest owed to `date`: unpaid interest of installments due by then plus the current period's accrual. */
  accruedInterest: bigint;
  /** Fees owed: those of installments due by then and of the current period. */
  fees: bigint;
  penalties: bigint;
  waivedInterest: bigint;
  waivedFees: bigint;
  /** Credit applied to the quote. */
  credit: bigint;
}

const COMPONENTS: readonly Component[] = ['principal', 'interest', 'fee', 'penalty'];
const zero = (): Components => ({ principal: 0n, interest: 0n, fee: 0n, penalty: 0n });
const sum = (c: Components) => c.principal + c.interest + c.fee + c.penalty;

/** What an installment still owes, per component. */
export function remainingOf(installment: LedgerInstallment): Components {
  const { due, paid } = installment;
  return {
    principal: due.principal - paid.principal,
    interest: due.interest - paid.interest,
    fee: due.fee - paid.fee,
    penalty: due.penalty - paid.penalty,
  };
}
const owedBy = (installment: LedgerInstallment) => sum(remainingOf(installment));

function clone(ledger: Ledger): Ledger {
  return {
    ...ledger,
    terms: { ...ledger.terms },
    installments: ledger.installments.map((i) => ({ ...i, due: { ...i.due }, paid: { ...i.paid } })),
    remindersSent: [...ledger.remindersSent],
  };
}

function checkDate(ledger: Ledger, date: IsoDate, field = 'date'): void {
  dayNumber(date, field);
  if (date < ledger.disbursementDate) {
    throw new ValidationError([{ field, message: 'must not be before the disbursement date' }]);
  }
}

/**
 * A fresh ledger for a disbursed loan: every installment DUE with the schedule's amounts, the
 * total-cost cap taken from the product's rule for the disbursement date and tenor.
 */
export function openLedger(input: {
  loanId: string;
  schedule: Schedule;
  terms: Ledger['terms'];
  disbursementDate: IsoDate;
  product?: Product;
}): Ledger {
  const { schedule, product, disbursementDate } = input;
  dayNumber(disbursementDate, 'disbursement_date');
  const rule = product ? capRuleFor(product, disbursementDate, schedule.tenorDays) : undefined;
  const ledger: Ledger = {
    loanId: input.loanId,
    currency: schedule.currency,
    principal: schedule.principal,
    terms: {
      annualRate: input.terms.annualRate,
      dayCount: input.terms.dayCount,
      method: input.terms.method,
      // Left out rather than undefined, so the ledger equals its storage round trip.
      ...(input.terms.rounding ? { rounding: input.terms.rounding } : {}),
    },
    disbursementDate,
    installments: schedule.installments.map((i) => ({
      number: i.number,
      fromDate: i.fromDate,
      dueDate: i.dueDate,
      due: { principal: i.principal, interest: i.interest, fee: i.fees, penalty: 0n },
      paid: zero(),
      status: 'DUE',
      remainingPrincipal: i.remainingPrincipal,
    })),
    credit: 0n,
    refunded: 0n,
    paidTotal: 0n,
    lateFeesCharged: 0n,
    lateFeeCapReached: false,
    costBeforeLateFees: schedule.totals.interest + schedule.feeCharges.reduce((s, f) => s + f.amount, 0n),
    servicedThrough: disbursementDate,
    remindersSent: [],
    status: 'DISBURSED',
    daysPastDue: 0,
    bucket: 'CURRENT',
  };
  if (rule?.maxTotalCostPercent) ledger.maxTotalCostPercent = rule.maxTotalCostPercent;
  return ledger;
}

/** Everything charged and not yet paid, over all installments (credit not deducted). */
export function outstanding(ledger: Ledger): bigint {
  return ledger.installments.reduce((s, i) => s + owedBy(i), 0n);
}

/** Fineract's ranges: 0 CURRENT, 1-30, 31-60, 61-90, 91 and more 90+. */
export function bucketOf(daysPastDue: number): DelinquencyBucket {
  if (!Number.isInteger(daysPastDue) || daysPastDue < 0)
    throw new RangeError('days past due must be a whole number >= 0');
  for (const [bucket, from, to] of DELINQUENCY_BUCKETS) {
    if (daysPastDue >= from && (to === null || daysPastDue <= to)) return bucket;
  }
  return '90+';
}

/**
 * Days past due on `date`: from the due date of the oldest installment not fully paid whose
 * due date is before `date` (0 if there is none), and its bucket.
 */
export function delinquencyOn(ledger: Ledger, date: IsoDate): { daysPastDue: number; bucket: DelinquencyBucket } {
  const oldest = ledger.installments.find((i) => i.dueDate < date && owedBy(i) > 0n);
  const daysPastDue = oldest ? daysBetween(oldest.dueDate, date) : 0;
  return { daysPastDue, bucket: bucketOf(daysPastDue) };
}

/**
 * What is due on or before `date` (overdue plus due that day), net of credit: the amount a VA
 * or QRIS is made for. If nothing is due yet, the next installment's remaining amount; 0 once
 * REPAID.
 */
export function amountDue(ledger: Ledger, date: IsoDate): bigint {
  if (ledger.status === 'REPAID') return 0n;
  let due = ledger.installments.filter((i) => i.dueDate <= date).reduce((s, i) => s + owedBy(i), 0n);
  if (due === 0n) {
    const next = ledger.installments.find((i) => owedBy(i) > 0n);
    due = next ? owedBy(next) : 0n;
  }
  return due > ledger.credit ? due - ledger.credit : 0n;
}

/** The engine's view of an installment as the ledger has charged it (for settlementAmount). */
function engineInstallment(i: LedgerInstallment): Installment {
  return {
    number: i.number,
    fromDate: i.fromDate,
    dueDate: i.dueDate,
    principal: i.due.principal,
    interest: i.due.interest,
    fees: i.due.fee,
    total: sum(i.due) - i.due.penalty,
    remainingPrincipal: i.remainingPrincipal,
  };
}

function dueOf(i: LedgerInstallment): Due {
  return { number: i.number, dueDate: i.dueDate, ...remainingOf(i) };
}

/**
 * Waives, in place, what settling on `date` does not charge: allocation.ts's settlementAmount
 * per installment (interest of the current period only to `date`, future interest and fees
 * waived). Lowers `due`, never below `paid` (interest already prepaid is kept, as the engine does).
 */
function waiveForSettlement(ledger: Ledger, date: IsoDate): { waivedInterest: bigint; waivedFees: bigint } {
  let waivedInterest = 0n;
  let waivedFees = 0n;
  for (const i of ledger.installments) {
    if (i.dueDate <= date || owedBy(i) === 0n) continue;
    const s = settlementAmount([dueOf(i)], [engineInstallment(i)], date, ledger.terms);
    i.due.interest -= s.waivedInterest;
    i.due.fee -= s.waivedFees;
    waivedInterest += s.waivedInterest;
    waivedFees += s.waivedFees;
  }
  return { waivedInterest, waivedFees };
}

/**
 * What settles the loan on `date`: everything due by then (penalties included), the principal
 * not yet due, and interest for the current period only up to `date`; future interest and fees
 * are waived. The credit already held is applied. Zero once REPAID.
 */
export function settlementQuote(ledger: Ledger, date: IsoDate): SettlementQuote {
  checkDate(ledger, date);
  const settled = clone(ledger);
  const waived =
    ledger.status === 'REPAID' ? { waivedInterest: 0n, waivedFees: 0n } : waiveForSettlement(settled, date);
  const left = settled.installments.map(remainingOf).reduce((a, r) => {
    for (const c of COMPONENTS) a[c] += r[c];
    return a;
  }, zero());
  const gross = sum(left);
  const credit = ledger.credit < gross ? ledger.credit : gross;
  return {
    amount: gross - credit,
    principal: left.principal,
    accruedInterest: left.interest,
    fees: left.fee,
    penalties: left.penalty,
    ...waived,
    credit,
  };
}

/** Moves fully paid installments to PAID and the loan to REPAID when nothing is owed, with their changes. */
function settleStatuses(ledger: Ledger, date: IsoDate, changes: LedgerChange[]): void {
  for (const i of ledger.installments) {
    if (i.status !== 'PAID' && owedBy(i) === 0n) {
      i.status = 'PAID';
      i.paidOn = date;
      changes.push({ kind: 'installment_paid', number: i.number, date });
    }
  }
  if (ledger.status !== 'REPAID' && outstanding(ledger) === 0n) {
    ledger.status = 'REPAID';
    ledger.settledOn = date;
    changes.push({ kind: 'repaid', date });
  }
}

/** Recomputes days past due and the bucket as of `servicedThrough`, reporting a bucket move on `date`. */
function refreshDelinquency(ledger: Ledger, date: IsoDate, changes: LedgerChange[]): void {
  const { daysPastDue, bucket } =
    ledger.status === 'REPAID'
      ? { daysPastDue: 0, bucket: 'CURRENT' as const }
      : delinquencyOn(ledger, ledger.servicedThrough);
  if (ledger.daysPastDue === 0 && daysPastDue > 0) changes.push({ kind: 'overdue', date, daysPastDue });
  if (bucket !== ledger.bucket) changes.push({ kind: 'bucket_changed', date, from: ledger.bucket, to: bucket });
  ledger.daysPastDue = daysPastDue;
  ledger.bucket = bucket;
}

/**
 * Applies a payment received on `date`.
 *
 * - After REPAID, the whole payment is kept as credit.
 * - Credit already held is added to the payment (it only arises once nothing is owed, so in
 *   practice it is never waiting while something is due: no separate "apply credit" step).
 * - Early settlement: if the payment plus credit covers {@link settlementQuote} on `date` while
 *   some installment falls due after `date`, the loan is settled: the waived interest and fees
 *   lower `due` first, then the payment is allocated and the rest is credit.
 * - Otherwise allocation.ts's allocatePayment: the order given (default penalties -> fees ->
 *   interest -> principal), oldest installment first, each component in turn; a payment larger
 *   than the current installment pays the next one ahead (its scheduled interest included, as
 *   the engine does; only a full settlement waives future interest).
 * - What nothing is owed for is credit.
 *
 * Late fees already charged are not reversed by a payment dated earlier than servicing ran.
 */
export function applyPayment(
  ledger: Ledger,
  payment: { amount: bigint; date: IsoDate; order?: Component[] },
): { ledger: Ledger; allocations: Allocation[]; toCredit: bigint; changes: LedgerChange[] } {
  if (payment.amount <= 0n) throw new ValidationError([{ field: 'amount', message: 'must be greater than zero' }]);
  checkDate(ledger, payment.date);
  const { date } = payment;
  const next = clone(ledger);
  const changes: LedgerChange[] = [];
  next.paidTotal += payment.amount;
  if (next.status === 'REPAID') {
    next.credit += payment.amount;
    changes.push({ kind: 'credit_added', amount: payment.amount, date });
    return { ledger: next, allocations: [], toCredit: payment.amount, changes };
  }

  const heldCredit = next.credit;
  const available = payment.amount + heldCredit;
  next.credit = 0n;
  const early = next.installments.some((i) => i.dueDate > date && owedBy(i) > 0n);
  if (early && available >= settlementQuote(ledger, date).amount + heldCredit) {
    const waived = waiveForSettlement(next, date);
    changes.push({ kind: 'settled_early', date, ...waived });
  }

  const { allocations, unallocated } = allocatePayment(
    next.installments.map(dueOf),
    available,
    payment.order ?? DEFAULT_ORDER,
  );
  const paidNow = new Map<number, bigint>();
  for (const a of allocations) {
    const installment = next.installments.find((i) => i.number === a.number);
    if (!installment) throw new Error(`allocation to unknown installment ${a.number}`);
    installment.paid[a.component] += a.amount;
    paidNow.set(a.number, (paidNow.get(a.number) ?? 0n) + a.amount);
  }
  next.credit = unallocated;
  for (const i of next.installments) {
    const paid = paidNow.get(i.number);
    if (paid === undefined || owedBy(i) === 0n) continue;
    if (i.status !== 'OVERDUE') i.status = 'PARTIALLY_PAID';
    changes.push({ kind: 'installment_partially_paid', number: i.number, date, paid, remaining: owedBy(i) });
  }
  settleStatuses(next, date, changes);
  const toCredit = unallocated > heldCredit ? unallocated - heldCredit : 0n;
  if (toCredit > 0n) changes.push({ kind: 'credit_added', amount: toCredit, date });
  refreshDelinquency(next, date, changes);
  return { ledger: next, allocations, toCredit, changes };
}

/** The late-fee ceiling in minor units, or undefined when the product has no total-cost cap. */
function lateFeeLimit(ledger: Ledger): bigint | undefined {
  const cap = ledger.maxTotalCostPercent;
  if (!cap) return undefined;
  // Truncated, as caps.ts's lateFee(): the cap is a ceiling, rounding must not pass it.
  return (ledger.principal * cap.num) / (cap.den * 100n) - ledger.costBeforeLateFees;
}

/**
 * One day of servicing, in place: OVERDUE marking, delinquency, late fees, reminders.
 *
 * Late fees: on each day D, every overdue installment more than `graceDays` past due is charged
 * percentPerDay of what it still owes in principal + interest + fees (penalties never earn
 * penalties), rounded half-even per installment per day, on the amount owed when the day is
 * serviced. Oldest installment first, each fee clipped to the room the total-cost cap leaves;
 * once a fee is clipped accrual stops for good and the loan says so (`late_fee_cap_reached`).
 */
function serviceDay(ledger: Ledger, day: IsoDate, policy: ServicingPolicy, changes: LedgerChange[]): void {
  ledger.servicedThrough = day;
  if (ledger.status === 'REPAID') return;
  for (const i of ledger.installments) {
    if (i.dueDate < day && i.status !== 'OVERDUE' && owedBy(i) > 0n) {
      i.status = 'OVERDUE';
      changes.push({ kind: 'installment_overdue', number: i.number, date: day, amount: owedBy(i) });
    }
  }
  refreshDelinquency(ledger, day, changes);

  const rate = policy.lateFee.percentPerDay;
  if (rate.num > 0n && !ledger.lateFeeCapReached) {
    const limit = lateFeeLimit(ledger);
    for (const i of ledger.installments) {
      if (i.status !== 'OVERDUE' || daysBetween(i.dueDate, day) <= policy.lateFee.graceDays) continue;
      const r = remainingOf(i);
      const base = r.principal + r.interest + r.fee;
      let fee = divRound(base * rate.num, rate.den * 100n, 'half_even');
      if (fee === 0n) continue;
      let capped = false;
      if (limit !== undefined) {
        const room = limit - ledger.lateFeesCharged;
        if (fee > room) {
          fee = room > 0n ? room : 0n;
          capped = true;
        }
      }
      if (fee > 0n) {
        i.due.penalty += fee;
        ledger.lateFeesCharged += fee;
        changes.push({ kind: 'late_fee', number: i.number, date: day, amount: fee });
      }
      if (capped) {
        ledger.lateFeeCapReached = true;
        changes.push({ kind: 'late_fee_cap_reached', date: day });
        break;
      }
    }
  }

  for (const i of ledger.installments) {
    const owed = owedBy(i);
    if (owed === 0n) continue;
    const before = daysBetween(day, i.dueDate);
    for (const n of policy.reminderDaysBefore) {
      const key = `${i.number}@-${n}`;
      if (before !== n || ledger.remindersSent.includes(key)) continue;
      ledger.remindersSent.push(key);
      changes.push({
        kind: 'payment_due',
        number: i.number,
        dueDate: i.dueDate,
        amount: owed,
        daysBefore: n,
        date: day,
      });
    }
  }
}

/**
 * Runs servicing for every day from servicedThrough + 1 to `date`, in order; a date on or
 * before servicedThrough changes nothing. Each change is emitted on the one day it happens, so
 * re-running a day is a no-op and one call to D equals day-by-day calls up to D.
 */
export function serviceThrough(
  ledger: Ledger,
  date: IsoDate,
  policy: ServicingPolicy,
): { ledger: Ledger; changes: LedgerChange[] } {
  dayNumber(date);
  if (date <= ledger.servicedThrough) return { ledger, changes: [] };
  const next = clone(ledger);
  const changes: LedgerChange[] = [];
  for (let day = addDays(next.servicedThrough, 1); day <= date; day = addDays(day, 1)) {
    serviceDay(next, day, policy, changes);
  }
  return { ledger: next, changes };
}

/**
 * The first date after servicedThrough on which servicing has work: a reminder not yet sent,
 * the day after a due date (OVERDUE), every day late fees accrue (overdue, past grace, cap not
 * reached), a bucket boundary (31, 61, 91 days past due). Null when REPAID or nothing is left.
 * Days in between change nothing, so a scheduler may sleep until then.
 */
export function nextServiceDate(ledger: Ledger, policy: ServicingPolicy): IsoDate | null {
  if (ledger.status === 'REPAID') return null;
  const after = ledger.servicedThrough;
  const tomorrow = addDays(after, 1);
  const candidates: IsoDate[] = [];
  const accrues = policy.lateFee.percentPerDay.num > 0n && !ledger.lateFeeCapReached;
  for (const i of ledger.installments) {
    if (owedBy(i) === 0n) continue;
    for (const n of policy.reminderDaysBefore) {
      const d = addDays(i.dueDate, -n);
      if (d > after && !ledger.remindersSent.includes(`${i.number}@-${n}`)) candidates.push(d);
    }
    const overdueOn = addDays(i.dueDate, 1);
    if (i.status !== 'OVERDUE' && overdueOn > after) candidates.push(overdueOn);
    if (accrues) {
      const firstFee = addDays(i.dueDate, policy.lateFee.graceDays + 1);
      candidates.push(firstFee > after ? firstFee : tomorrow);
    }
  }
  const oldest = ledger.installments.find((i) => owedBy(i) > 0n);
  if (oldest) {
    for (const [, from] of DELINQUENCY_BUCKETS) {
      const d = addDays(oldest.dueDate, from);
      if (from > 0 && d > after) candidates.push(d);
    }
  }
  candidates.sort();
  return candidates[0] ?? null;
}

/** Pays `amount` of the borrower's credit back (ops): never more than the credit held. */
export function refundCredit(ledger: Ledger, amount: bigint): Ledger {
  if (amount <= 0n) throw new ValidationError([{ field: 'amount', message: 'must be greater than zero' }]);
  if (amount > ledger.credit) {
    throw new ValidationError([{ field: 'amount', message: `must not exceed the credit of ${ledger.credit}` }]);
  }
  const next = clone(ledger);
  next.credit -= amount;
  next.refunded += amount;
  return next;
}

// --- Storage form: JSON-safe, bigints as decimal strings, rationals as "num/den". ---

const ratText = (r: Rational) => `${r.num}/${r.den}`;
const compText = (c: Components) => ({
  principal: c.principal.toString(),
  interest: c.interest.toString(),
  fee: c.fee.toString(),
  penalty: c.penalty.toString(),
});

/** The ledger as a plain JSON-safe record (for DynamoDB): optional fields are left out, never undefined. */
export function ledgerToItem(ledger: Ledger): Record<string, unknown> {
  const terms: Record<string, unknown> = {
    annualRate: ratText(ledger.terms.annualRate),
    dayCount: ledger.terms.dayCount,
    method: ledger.terms.method,
  };
  if (ledger.terms.rounding) terms.rounding = ledger.terms.rounding;
  const item: Record<string, unknown> = {
    loanId: ledger.loanId,
    currency: ledger.currency,
    principal: ledger.principal.toString(),
    terms,
    disbursementDate: ledger.disbursementDate,
    installments: ledger.installments.map((i) => {
      const out: Record<string, unknown> = {
        number: i.number,
        fromDate: i.fromDate,
        dueDate: i.dueDate,
        due: compText(i.due),
        paid: compText(i.paid),
        status: i.status,
        remainingPrincipal: i.remainingPrincipal.toString(),
      };
      if (i.paidOn) out.paidOn = i.paidOn;
      return out;
    }),
    credit: ledger.credit.toString(),
    refunded: ledger.refunded.toString(),
    paidTotal: ledger.paidTotal.toString(),
    lateFeesCharged: ledger.lateFeesCharged.toString(),
    lateFeeCapReached: ledger.lateFeeCapReached,
    costBeforeLateFees: ledger.costBeforeLateFees.toString(),
    servicedThrough: ledger.servicedThrough,
    remindersSent: [...ledger.remindersSent],
    status: ledger.status,
    daysPastDue: ledger.daysPastDue,
    bucket: ledger.bucket,
  };
  if (ledger.maxTotalCostPercent) item.maxTotalCostPercent = ratText(ledger.maxTotalCostPercent);
  if (ledger.settledOn) item.settledOn = ledger.settledOn;
  return item;
}

function fail(field: string): never {
  throw new Error(`ledger item: ${field} is missing or malformed`);
}
function obj(v: unknown, field: string): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : fail(field);
}
function text(v: unknown, field: string): string {
  return typeof v === 'string' ? v : fail(field);
}
function int(v: unknown, field: string): number {
  // DynamoDB's document client may hand numbers back as strings or numbers.
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) ? n : fail(field);
}
function big(v: unknown, field: string): bigint {
  const s = typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : v;
  return typeof s === 'string' && /^-?\d+$/.test(s) ? BigInt(s) : fail(field);
}
function rat(v: unknown, field: string): Rational {
  const m = /^(-?\d+)\/(\d+)$/.exec(text(v, field));
  return m?.[1] && m[2] && m[2] !== '0' ? rational(BigInt(m[1]), BigInt(m[2])) : fail(field);
}
function oneOf<T extends string>(v: unknown, values: readonly T[], field: string): T {
  return typeof v === 'string' && (values as readonly string[]).includes(v) ? (v as T) : fail(field);
}
function comps(v: unknown, field: string): Components {
  const o = obj(v, field);
  return {
    principal: big(o.principal, `${field}.principal`),
    interest: big(o.interest, `${field}.interest`),
    fee: big(o.fee, `${field}.fee`),
    penalty: big(o.penalty, `${field}.penalty`),
  };
}

/** The ledger back from {@link ledgerToItem}'s form; a malformed item is an error, never a guess. */
export function ledgerFromItem(item: Record<string, unknown>): Ledger {
  const terms = obj(item.terms, 'terms');
  const installments = Array.isArray(item.installments) ? item.installments : fail('installments');
  const reminders = Array.isArray(item.remindersSent) ? item.remindersSent : fail('remindersSent');
  const ledger: Ledger = {
    loanId: text(item.loanId, 'loanId'),
    currency: oneOf(item.currency, ['IDR', 'INR', 'USD'] as const, 'currency'),
    principal: big(item.principal, 'principal'),
    terms: {
      annualRate: rat(terms.annualRate, 'terms.annualRate'),
      dayCount: oneOf(terms.dayCount, ['30/360', 'actual/365', 'actual/actual', '364'] as const, 'terms.dayCount'),
      method: oneOf(
        terms.method,
        ['declining_equal_installment', 'declining_equal_principal', 'flat', 'single_payment'] as const,
        'terms.method',
      ),
    },
    disbursementDate: text(item.disbursementDate, 'disbursementDate'),
    installments: installments.map((raw, k) => {
      const i = obj(raw, `installments.${k}`);
      const out: LedgerInstallment = {
        number: int(i.number, `installments.${k}.number`),
        fromDate: text(i.fromDate, `installments.${k}.fromDate`),
        dueDate: text(i.dueDate, `installments.${k}.dueDate`),
        due: comps(i.due, `installments.${k}.due`),
        paid: comps(i.paid, `installments.${k}.paid`),
        status: oneOf(i.status, ['DUE', 'PARTIALLY_PAID', 'PAID', 'OVERDUE'] as const, `installments.${k}.status`),
        remainingPrincipal: big(i.remainingPrincipal, `installments.${k}.remainingPrincipal`),
      };
      if (i.paidOn !== undefined) out.paidOn = text(i.paidOn, `installments.${k}.paidOn`);
      return out;
    }),
    credit: big(item.credit, 'credit'),
    refunded: big(item.refunded, 'refunded'),
    paidTotal: big(item.paidTotal, 'paidTotal'),
    lateFeesCharged: big(item.lateFeesCharged, 'lateFeesCharged'),
    lateFeeCapReached: typeof item.lateFeeCapReached === 'boolean' ? item.lateFeeCapReached : fail('lateFeeCapReached'),
    costBeforeLateFees: big(item.costBeforeLateFees, 'costBeforeLateFees'),
    servicedThrough: text(item.servicedThrough, 'servicedThrough'),
    remindersSent: reminders.map((r, k) => text(r, `remindersSent.${k}`)),
    status: oneOf(item.status, ['DISBURSED', 'REPAID'] as const, 'status'),
    daysPastDue: int(item.daysPastDue, 'daysPastDue'),
    bucket: oneOf(item.bucket, ['CURRENT', '1-30', '31-60', '61-90', '90+'] as const, 'bucket'),
  };
  if (terms.rounding !== undefined) {
    ledger.terms.rounding = oneOf(terms.rounding, ['half_even', 'half_up', 'down', 'up'] as const, 'terms.rounding');
  }
  if (item.maxTotalCostPercent !== undefined)
    ledger.maxTotalCostPercent = rat(item.maxTotalCostPercent, 'maxTotalCostPercent');
  if (item.settledOn !== undefined) ledger.settledOn = text(item.settledOn, 'settledOn');
  return ledger;
}
