import { describe, expect, it } from 'vitest';
import { ValidationError } from '#core/errors';
import { allocatePayment, settlementAmount } from '#core/loans/allocation';
import { addDays } from '#core/loans/dates';
import { divRound } from '#core/loans/money';
import { rational } from '#core/loans/rational';
import {
  amountDue,
  applyPayment,
  bucketOf,
  defaultServicingPolicy,
  delinquencyOn,
  type Ledger,
  type LedgerChange,
  ledgerFromItem,
  ledgerToItem,
  nextServiceDate,
  outstanding,
  refundCredit,
  remainingOf,
  serviceThrough,
  settlementQuote,
} from '#core/repayment/ledger';
import { bnplTerms, ledgerFor, policy, singleTerms } from './fixtures.ts';

const owedOf = (l: Ledger, n: number) => {
  const r = remainingOf(l.installments[n - 1]!);
  return r.principal + r.interest + r.fee + r.penalty;
};
const kinds = (changes: LedgerChange[]) => changes.map((c) => c.kind);
/** Pays every installment exactly on its due date. */
function payOnTime(l: Ledger, upTo = l.installments.length): Ledger {
  let ledger = l;
  for (const i of l.installments.slice(0, upTo)) {
    ledger = applyPayment(ledger, { amount: owedOf(ledger, i.number), date: i.dueDate }).ledger;
  }
  return ledger;
}

describe('openLedger', () => {
  it('starts every installment DUE with the schedule amounts and takes the total-cost cap from the product', () => {
    const l = ledgerFor(bnplTerms());
    expect(l.installments.map((i) => i.dueDate)).toEqual(['2026-03-09', '2026-03-16', '2026-03-23', '2026-03-30']);
    expect(l.installments.every((i) => i.status === 'DUE')).toBe(true);
    expect(l.installments.reduce((s, i) => s + i.due.principal, 0n)).toBe(1_000_000n);
    // 2 % platform fee, spread: 20,000 over 4 installments.
    expect(l.installments.map((i) => i.due.fee)).toEqual([5000n, 5000n, 5000n, 5000n]);
    expect(l.maxTotalCostPercent).toEqual(rational(100n));
    expect(l).toMatchObject({ status: 'DISBURSED', servicedThrough: '2026-03-02', daysPastDue: 0, bucket: 'CURRENT' });
    expect(ledgerFor(bnplTerms(), 'unregulated').maxTotalCostPercent).toBeUndefined();
  });
});

describe('applyPayment', () => {
  it('allocates penalties -> fees -> interest -> principal, oldest installment first', () => {
    // Overdue and charged late fees: installment 1 has a penalty to pay first.
    let l = serviceThrough(ledgerFor(bnplTerms()), '2026-03-13', policy()).ledger;
    const first = l.installments[0]!;
    expect(first.due.penalty).toBeGreaterThan(0n);
    const amount = first.due.penalty + first.due.fee + 100n;
    const result = applyPayment(l, { amount, date: '2026-03-13' });
    expect(result.allocations).toEqual([
      { number: 1, component: 'penalty', amount: first.due.penalty },
      { number: 1, component: 'fee', amount: 5000n },
      { number: 1, component: 'interest', amount: 100n },
    ]);
    // The same split as the engine's allocatePayment on the remaining dues.
    const dues = l.installments.map((i) => ({ number: i.number, dueDate: i.dueDate, ...remainingOf(i) }));
    expect(result.allocations).toEqual(allocatePayment(dues, amount).allocations);
    l = result.ledger;
    expect(l.installments[0]!.status).toBe('OVERDUE');
    expect(result.changes).toEqual([
      { kind: 'installment_partially_paid', number: 1, date: '2026-03-13', paid: amount, remaining: owedOf(l, 1) },
    ]);
  });

  it('follows a configured order (principal first) and then the next installment', () => {
    const l = ledgerFor(bnplTerms());
    const one = l.installments[0]!;
    const amount = one.due.principal + one.due.interest + one.due.fee + 10n;
    const { allocations, ledger } = applyPayment(l, {
      amount,
      date: '2026-03-05',
      order: ['principal', 'interest', 'fee', 'penalty'],
    });
    expect(allocations.map((a) => `${a.number}:${a.component}`)).toEqual([
      '1:principal',
      '1:interest',
      '1:fee',
      '2:principal',
    ]);
    expect(allocations.at(-1)!.amount).toBe(10n);
    expect(ledger.installments[0]).toMatchObject({ status: 'PAID', paidOn: '2026-03-05' });
    expect(ledger.installments[1]!.status).toBe('PARTIALLY_PAID');
  });

  it('marks a partial payment PARTIALLY_PAID and keeps the rest owed', () => {
    const l = ledgerFor(bnplTerms());
    const total = owedOf(l, 1);
    const { ledger, changes } = applyPayment(l, { amount: 100_000n, date: '2026-03-09' });
    expect(ledger.installments[0]!.status).toBe('PARTIALLY_PAID');
    expect(changes).toEqual([
      {
        kind: 'installment_partially_paid',
        number: 1,
        date: '2026-03-09',
        paid: 100_000n,
        remaining: total - 100_000n,
      },
    ]);
    expect(amountDue(ledger, '2026-03-09')).toBe(total - 100_000n);
    expect(outstanding(ledger)).toBe(outstanding(l) - 100_000n);
  });

  it('keeps an overpayment as credit and the loan REPAID', () => {
    let l = payOnTime(ledgerFor(bnplTerms()), 3);
    const last = owedOf(l, 4);
    const result = applyPayment(l, { amount: last + 5000n, date: '2026-03-30' });
    l = result.ledger;
    expect(result.toCredit).toBe(5000n);
    expect(l).toMatchObject({ status: 'REPAID', credit: 5000n, settledOn: '2026-03-30' });
    expect(kinds(result.changes)).toEqual(['installment_paid', 'repaid', 'credit_added']);
    expect(l.paidTotal).toBe(
      1_000_000n + l.installments.reduce((s, i) => s + i.paid.interest + i.paid.fee, 0n) + 5000n,
    );
    expect(amountDue(l, '2026-03-30')).toBe(0n);
  });

  it('keeps a payment after REPAID as credit, refundable by ops up to the credit', () => {
    const repaid = payOnTime(ledgerFor(bnplTerms()));
    expect(repaid.status).toBe('REPAID');
    const result = applyPayment(repaid, { amount: 25_000n, date: '2026-04-02' });
    expect(result).toMatchObject({ allocations: [], toCredit: 25_000n });
    expect(result.changes).toEqual([{ kind: 'credit_added', amount: 25_000n, date: '2026-04-02' }]);
    expect(() => refundCredit(result.ledger, 25_001n)).toThrow(ValidationError);
    const refunded = refundCredit(result.ledger, 20_000n);
    expect(refunded).toMatchObject({ credit: 5000n, refunded: 20_000n, paidTotal: result.ledger.paidTotal });
  });

  it('refuses a zero payment and one dated before disbursement', () => {
    const l = ledgerFor(bnplTerms());
    expect(() => applyPayment(l, { amount: 0n, date: '2026-03-05' })).toThrow(ValidationError);
    expect(() => applyPayment(l, { amount: 10n, date: '2026-03-01' })).toThrow(ValidationError);
  });
});

describe('early settlement', () => {
  it('charges a single-payment loan interest to the settlement date only (hand computation)', () => {
    const l = ledgerFor(singleTerms());
    // Scheduled: 2,000,000 × 24 % × 31/365 = 40,767.12 -> 40,767.
    expect(l.installments[0]!.due.interest).toBe(40_767n);
    // Settling on 11 January: 10 of 31 days, 40,767 × 10/31 = 13,150.6 -> 13,151
    // (and 2,000,000 × 24 % × 10/365 = 13,150.68 agrees).
    const quote = settlementQuote(l, '2026-01-11');
    expect(quote).toEqual({
      amount: 2_013_151n,
      principal: 2_000_000n,
      accruedInterest: 13_151n,
      fees: 0n,
      penalties: 0n,
      waivedInterest: 40_767n - 13_151n,
      waivedFees: 0n,
      credit: 0n,
    });
    const result = applyPayment(l, { amount: 2_015_000n, date: '2026-01-11' });
    expect(kinds(result.changes)).toEqual(['settled_early', 'installment_paid', 'repaid', 'credit_added']);
    expect(result.changes[0]).toEqual({
      kind: 'settled_early',
      date: '2026-01-11',
      waivedInterest: 27_616n,
      waivedFees: 0n,
    });
    expect(result.ledger).toMatchObject({ status: 'REPAID', credit: 2_015_000n - 2_013_151n, settledOn: '2026-01-11' });
    expect(result.ledger.installments[0]!.due.interest).toBe(13_151n);
    expect(outstanding(result.ledger)).toBe(0n);
  });

  it('settles a BNPL mid-period: current interest to the day on the balance, current fee, future ones waived', () => {
    const paid1 = payOnTime(ledgerFor(bnplTerms()), 1);
    const [, two, three, four] = paid1.installments;
    // Balance after installment 1, for the 3 days from 9 to 12 March, at 36 % a year over 365 days.
    const balance = 1_000_000n - paid1.installments[0]!.due.principal;
    const accrued = divRound(balance * 36n * 3n, 100n * 365n);
    const quote = settlementQuote(paid1, '2026-03-12');
    expect(quote.principal).toBe(balance);
    expect(quote.accruedInterest).toBe(accrued);
    expect(quote.fees).toBe(5000n);
    expect(quote.waivedInterest).toBe(two!.due.interest - accrued + three!.due.interest + four!.due.interest);
    expect(quote.waivedFees).toBe(10_000n);
    expect(quote.amount).toBe(balance + accrued + 5000n);
    // The engine's own settlementAmount agrees.
    const dues = paid1.installments.map((i) => ({ number: i.number, dueDate: i.dueDate, ...remainingOf(i) }));
    const schedule = paid1.installments.map((i) => ({
      number: i.number,
      fromDate: i.fromDate,
      dueDate: i.dueDate,
      principal: i.due.principal,
      interest: i.due.interest,
      fees: i.due.fee,
      total: 0n,
      remainingPrincipal: i.remainingPrincipal,
    }));
    expect(settlementAmount(dues, schedule, '2026-03-12', paid1.terms).amount).toBe(quote.amount);

    // One rupiah short is an ordinary (partial) payment; the quote settles.
    const short = applyPayment(paid1, { amount: quote.amount - 1n, date: '2026-03-12' });
    expect(short.ledger.status).toBe('DISBURSED');
    expect(kinds(short.changes)).not.toContain('settled_early');
    const settled = applyPayment(paid1, { amount: quote.amount, date: '2026-03-12' });
    expect(settled.ledger.status).toBe('REPAID');
    expect(settled.toCredit).toBe(0n);
    expect(settled.ledger.installments.map((i) => i.status)).toEqual(['PAID', 'PAID', 'PAID', 'PAID']);
    expect(settled.ledger.installments[3]!.due).toMatchObject({ interest: 0n, fee: 0n });
  });

  it('includes overdue installments and their late fees in the quote, and quotes zero once REPAID', () => {
    const late = serviceThrough(ledgerFor(bnplTerms()), '2026-03-12', policy()).ledger;
    const quote = settlementQuote(late, '2026-03-12');
    expect(quote.penalties).toBe(late.lateFeesCharged);
    expect(quote.penalties).toBeGreaterThan(0n);
    const repaid = applyPayment(late, { amount: quote.amount, date: '2026-03-12' }).ledger;
    expect(repaid.status).toBe('REPAID');
    expect(settlementQuote(repaid, '2026-03-20').amount).toBe(0n);
  });
});

describe('serviceThrough: overdue, late fees, buckets', () => {
  it('marks an unpaid installment OVERDUE the day after its due date and charges 0.1 %/day after one day of grace', () => {
    const l = ledgerFor(bnplTerms());
    const owed1 = owedOf(l, 1);
    const { ledger, changes } = serviceThrough(l, '2026-03-12', defaultServicingPolicy('id-p2p-consumptive'));
    // Day 1 past due (10 March): overdue, no fee (grace). Days 2 and 3: 0.1 % of principal + interest + fee.
    const day2 = divRound(owed1, 1000n);
    const day3 = divRound(owed1, 1000n); // penalties earn no penalty: the base is unchanged
    const noReminders = changes.filter((c) => c.kind !== 'payment_due');
    expect(noReminders).toEqual([
      { kind: 'installment_overdue', number: 1, date: '2026-03-10', amount: owed1 },
      { kind: 'overdue', date: '2026-03-10', daysPastDue: 1 },
      { kind: 'bucket_changed', date: '2026-03-10', from: 'CURRENT', to: '1-30' },
      { kind: 'late_fee', number: 1, date: '2026-03-11', amount: day2 },
      { kind: 'late_fee', number: 1, date: '2026-03-12', amount: day3 },
    ]);
    expect(ledger).toMatchObject({ daysPastDue: 3, bucket: '1-30', lateFeesCharged: day2 + day3 });
    expect(ledger.installments.map((i) => i.status)).toEqual(['OVERDUE', 'DUE', 'DUE', 'DUE']);
    expect(amountDue(ledger, '2026-03-12')).toBe(owed1 + day2 + day3);
  });

  it('charges nothing during the grace period and starts the day after it', () => {
    const l = ledgerFor(bnplTerms());
    const grace3 = policy(rational(1n, 10n), 3);
    const during = serviceThrough(l, '2026-03-12', grace3);
    expect(during.ledger.lateFeesCharged).toBe(0n);
    const after = serviceThrough(during.ledger, '2026-03-13', grace3);
    expect(after.changes.filter((c) => c.kind === 'late_fee')).toEqual([
      { kind: 'late_fee', number: 1, date: '2026-03-13', amount: divRound(owedOf(l, 1), 1000n) },
    ]);
  });

  it('stops late fees at the total-cost cap, says so once, and leaves the rest of the loan owed', () => {
    const l = ledgerFor(bnplTerms());
    const steep = policy(rational(5n), 0); // 5 %/day: reaches the 100 % cap within weeks
    const { ledger, changes } = serviceThrough(l, '2026-06-30', steep);
    const limit = 1_000_000n - l.costBeforeLateFees;
    expect(ledger.lateFeesCharged).toBe(limit);
    expect(ledger.installments.reduce((s, i) => s + i.due.penalty, 0n)).toBe(limit);
    expect(ledger.lateFeeCapReached).toBe(true);
    expect(changes.filter((c) => c.kind === 'late_fee_cap_reached')).toHaveLength(1);
    const capDay = changes.find((c) => c.kind === 'late_fee_cap_reached')!.date;
    expect(changes.filter((c) => c.kind === 'late_fee' && c.date > capDay)).toEqual([]);
    const later = serviceThrough(ledger, '2026-08-31', steep);
    expect(later.changes.filter((c) => c.kind === 'late_fee')).toEqual([]);
    expect(later.ledger.lateFeesCharged).toBe(limit);
    // Without a cap rule (unregulated), the same policy keeps charging.
    const uncapped = serviceThrough(ledgerFor(bnplTerms(), 'unregulated'), '2026-06-30', steep).ledger;
    expect(uncapped.lateFeesCharged).toBeGreaterThan(limit);
  });

  it('moves the bucket at 1, 31, 61 and 91 days past due and keeps an OVERDUE installment OVERDUE until paid', () => {
    const l = ledgerFor(singleTerms(), 'id-p2p-consumptive');
    const due = l.installments[0]!.dueDate;
    const p = policy(rational(0n), 0, []);
    const seen: Record<number, [number, string]> = {};
    let ledger = l;
    const moves: LedgerChange[] = [];
    for (const dpd of [0, 1, 30, 31, 60, 61, 90, 91]) {
      const r = serviceThrough(ledger, addDays(due, dpd), p);
      ledger = r.ledger;
      moves.push(...r.changes.filter((c) => c.kind === 'bucket_changed'));
      seen[dpd] = [ledger.daysPastDue, ledger.bucket];
    }
    expect(seen).toEqual({
      0: [0, 'CURRENT'],
      1: [1, '1-30'],
      30: [30, '1-30'],
      31: [31, '31-60'],
      60: [60, '31-60'],
      61: [61, '61-90'],
      90: [90, '61-90'],
      91: [91, '90+'],
    });
    expect(moves.map((c) => (c.kind === 'bucket_changed' ? `${c.from}>${c.to}` : ''))).toEqual([
      'CURRENT>1-30',
      '1-30>31-60',
      '31-60>61-90',
      '61-90>90+',
    ]);
    const part = applyPayment(ledger, { amount: 1000n, date: addDays(due, 91) });
    expect(part.ledger.installments[0]!.status).toBe('OVERDUE');
    const rest = applyPayment(part.ledger, { amount: owedOf(part.ledger, 1), date: addDays(due, 91) });
    expect(rest.ledger).toMatchObject({ status: 'REPAID', daysPastDue: 0, bucket: 'CURRENT' });
    expect(rest.changes).toContainEqual({ kind: 'bucket_changed', date: addDays(due, 91), from: '90+', to: 'CURRENT' });
  });

  it('bucketOf follows the ranges and delinquencyOn reads another day', () => {
    expect([0, 1, 30, 31, 60, 61, 90, 91, 400].map(bucketOf)).toEqual([
      'CURRENT',
      '1-30',
      '1-30',
      '31-60',
      '31-60',
      '61-90',
      '61-90',
      '90+',
      '90+',
    ]);
    expect(() => bucketOf(-1)).toThrow(RangeError);
    expect(delinquencyOn(ledgerFor(singleTerms()), '2026-03-05')).toEqual({ daysPastDue: 32, bucket: '31-60' });
  });

  it('sends each reminder once, and none for a paid installment', () => {
    const l = payOnTime(ledgerFor(bnplTerms()), 1);
    const first = serviceThrough(l, '2026-03-16', policy());
    const reminders = first.changes.filter((c) => c.kind === 'payment_due');
    // Installment 1 was paid on 9 March, before servicing ran: no reminders for it.
    expect(reminders.map((c) => (c.kind === 'payment_due' ? `${c.number}@-${c.daysBefore}:${c.date}` : ''))).toEqual([
      '2@-3:2026-03-13',
      '2@-1:2026-03-15',
      '2@-0:2026-03-16',
    ]);
    expect(reminders[0]).toMatchObject({ dueDate: '2026-03-16', amount: owedOf(l, 2) });
    expect(serviceThrough(first.ledger, '2026-03-16', policy()).changes).toEqual([]);
    expect(serviceThrough(first.ledger, '2026-03-10', policy()).changes).toEqual([]);
  });

  it('gives the same ledger and changes day by day as in one call, and re-running a day changes nothing', () => {
    const start = applyPayment(ledgerFor(bnplTerms()), { amount: 120_000n, date: '2026-03-08' }).ledger;
    const p = defaultServicingPolicy('id-p2p-consumptive');
    const oneShot = serviceThrough(start, '2026-07-15', p);
    let ledger = start;
    const changes: LedgerChange[] = [];
    for (let day = '2026-03-03'; day <= '2026-07-15'; day = addDays(day, 1)) {
      const r = serviceThrough(ledger, day, p);
      ledger = r.ledger;
      changes.push(...r.changes);
      // Re-running the same day: no change at all.
      const again = serviceThrough(ledger, day, p);
      expect(again.changes).toEqual([]);
      expect(again.ledger).toEqual(ledger);
    }
    expect(ledger).toEqual(oneShot.ledger);
    expect(changes).toEqual(oneShot.changes);
    expect(kinds(changes)).toContain('late_fee');
  });
});

describe('nextServiceDate', () => {
  it('names the first reminder, then the day after a due date, then every day of late-fee accrual, and null once REPAID', () => {
    const p = policy();
    const l = ledgerFor(bnplTerms());
    expect(nextServiceDate(l, p)).toBe('2026-03-06');
    const afterDue = serviceThrough(l, '2026-03-09', p).ledger;
    expect(nextServiceDate(afterDue, p)).toBe('2026-03-10');
    const overdue = serviceThrough(afterDue, '2026-03-10', p).ledger;
    expect(nextServiceDate(overdue, p)).toBe('2026-03-11');
    const accruing = serviceThrough(overdue, '2026-03-11', p).ledger;
    expect(nextServiceDate(accruing, p)).toBe('2026-03-12');
    // No late fee policy: only reminders and bucket boundaries are work.
    const none = policy(rational(0n), 0, []);
    const quiet = serviceThrough(l, '2026-03-10', none).ledger;
    expect(nextServiceDate(quiet, none)).toBe('2026-03-17'); // installment 2 becomes overdue
    expect(nextServiceDate(payOnTime(l), p)).toBeNull();
  });
});

describe('amountDue and credit', () => {
  it('asks for the next installment before anything is due, and for everything due by the date after', () => {
    const l = ledgerFor(bnplTerms());
    expect(amountDue(l, '2026-03-03')).toBe(owedOf(l, 1));
    expect(amountDue(l, '2026-03-16')).toBe(owedOf(l, 1) + owedOf(l, 2));
  });

  it('adds credit held to the next payment (credit only arises once nothing is owed, so this is the safety net)', () => {
    const held = { ...ledgerFor(bnplTerms()), credit: 1000n, paidTotal: 1000n };
    expect(amountDue(held, '2026-03-09')).toBe(owedOf(held, 1) - 1000n);
    const r = applyPayment(held, { amount: 500n, date: '2026-03-05' });
    expect(r.allocations.reduce((s, a) => s + a.amount, 0n)).toBe(1500n);
    expect(r).toMatchObject({ toCredit: 0n, ledger: { credit: 0n, paidTotal: 1500n } });
  });
});

describe('defaultServicingPolicy', () => {
  it('configures OJK-compliant late fees per product and refuses an unknown product', () => {
    const consumptive = defaultServicingPolicy('id-p2p-consumptive');
    expect(consumptive).toEqual({
      lateFee: { percentPerDay: rational(1n, 10n), graceDays: 1 },
      reminderDaysBefore: [3, 1, 0],
      order: ['penalty', 'fee', 'interest', 'principal'],
    });
    expect(defaultServicingPolicy('id-p2p-productive').lateFee.percentPerDay).toEqual(rational(67n, 1000n));
    consumptive.reminderDaysBefore.push(7);
    expect(defaultServicingPolicy('id-p2p-consumptive').reminderDaysBefore).toEqual([3, 1, 0]);
    expect(() => defaultServicingPolicy('nope')).toThrow(ValidationError);
  });
});

describe('storage form', () => {
  it('round-trips through JSON (bigints as strings, rationals as num/den)', () => {
    let l = serviceThrough(ledgerFor(bnplTerms({ rounding: 'half_up' })), '2026-03-20', policy()).ledger;
    l = applyPayment(l, { amount: 50_000n, date: '2026-03-20' }).ledger;
    const settled = applyPayment(l, { amount: 2_000_000n, date: '2026-03-20' }).ledger;
    for (const ledger of [l, settled, refundCredit(settled, 1n)]) {
      const item = ledgerToItem(ledger);
      const json = JSON.parse(JSON.stringify(item));
      expect(json).toEqual(item);
      expect(ledgerFromItem(json)).toEqual(ledger);
    }
    expect(ledgerToItem(l).maxTotalCostPercent).toBe('100/1');
    expect(() => ledgerFromItem({ ...ledgerToItem(l), credit: 1.5 })).toThrow(/credit/);
  });
});
