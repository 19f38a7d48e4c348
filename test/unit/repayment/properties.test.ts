/** Properties of the ledger for random loans, payments and service dates (fast-check): money is never created or lost. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays } from '#core/loans/dates';
import { rational } from '#core/loans/rational';
import { generateSchedule, type LoanTerms } from '#core/loans/schedule';
import {
  applyPayment,
  type Ledger,
  type LedgerChange,
  nextServiceDate,
  outstanding,
  refundCredit,
  remainingOf,
  type ServicingPolicy,
  serviceThrough,
  settlementQuote,
} from '#core/repayment/ledger';
import { ledgerFor, policy } from './fixtures.ts';

const arbitraryTerms: fc.Arbitrary<LoanTerms> = fc
  .record({
    currency: fc.constantFrom('IDR' as const, 'INR' as const),
    principal: fc.bigInt({ min: 1000n, max: 100_000_000n }),
    method: fc.constantFrom(
      'declining_equal_installment' as const,
      'declining_equal_principal' as const,
      'flat' as const,
      'single_payment' as const,
    ),
    rateBasisPoints: fc.bigInt({ min: 0n, max: 6_000n }),
    count: fc.integer({ min: 1, max: 6 }),
    frequency: fc.constantFrom('daily' as const, 'weekly' as const, 'biweekly' as const, 'monthly' as const),
    dayCount: fc.constantFrom('30/360' as const, 'actual/365' as const, 'actual/actual' as const),
    disbursementDay: fc.integer({ min: 0, max: 700 }),
    feePercent: fc.option(fc.bigInt({ min: 1n, max: 500n }), { nil: undefined }),
    rounding: fc.constantFrom('half_even' as const, 'half_up' as const),
  })
  .map((t) => ({
    currency: t.currency,
    principal: t.principal,
    method: t.method,
    annualRate: rational(t.rateBasisPoints, 10_000n),
    term: { count: t.count, frequency: t.frequency },
    dayCount: t.dayCount,
    disbursementDate: addDays('2025-06-01', t.disbursementDay),
    rounding: t.rounding,
    ...(t.feePercent ? { fees: [{ type: 'service', percent: rational(t.feePercent, 100n) }] } : {}),
  }));

const arbitraryPolicy: fc.Arbitrary<ServicingPolicy> = fc
  .record({
    permille: fc.constantFrom(0n, 1n, 3n, 50n), // 0, 0.1, 0.3 and 5 % a day
    grace: fc.integer({ min: 0, max: 4 }),
    reminders: fc.subarray([7, 3, 1, 0]),
  })
  .map((p) => policy(rational(p.permille, 10n), p.grace, p.reminders));

type Op =
  | { kind: 'pay'; day: number; share: number }
  | { kind: 'service'; day: number }
  | { kind: 'refund'; share: number };

const arbitraryOps: fc.Arbitrary<Op[]> = fc.array(
  fc.oneof(
    fc.record({
      kind: fc.constant('pay' as const),
      day: fc.integer({ min: 0, max: 250 }),
      share: fc.integer({ min: 1, max: 1200 }),
    }),
    fc.record({ kind: fc.constant('service' as const), day: fc.integer({ min: 0, max: 250 }) }),
    fc.record({ kind: fc.constant('refund' as const), share: fc.integer({ min: 1, max: 1000 }) }),
  ),
  { maxLength: 10 },
);

const sumPaid = (l: Ledger) =>
  l.installments.reduce((s, i) => s + i.paid.principal + i.paid.interest + i.paid.fee + i.paid.penalty, 0n);

function checkInvariants(l: Ledger): void {
  expect(l.paidTotal).toBe(sumPaid(l) + l.credit + l.refunded);
  expect(l.credit).toBeGreaterThanOrEqual(0n);
  for (const i of l.installments) {
    const r = remainingOf(i);
    for (const c of ['principal', 'interest', 'fee', 'penalty'] as const) {
      expect(i.paid[c]).toBeGreaterThanOrEqual(0n);
      expect(r[c]).toBeGreaterThanOrEqual(0n);
    }
    expect(i.status === 'PAID').toBe(r.principal + r.interest + r.fee + r.penalty === 0n);
  }
  // Principal is never waived: what the borrower owes or paid in principal is the loan's principal.
  expect(l.installments.reduce((s, i) => s + i.due.principal, 0n)).toBe(l.principal);
  expect(outstanding(l)).toBeGreaterThanOrEqual(0n);
  expect(l.status === 'REPAID').toBe(outstanding(l) === 0n);
  expect(l.lateFeesCharged).toBe(l.installments.reduce((s, i) => s + i.due.penalty, 0n));
  const cap = l.maxTotalCostPercent;
  if (cap) {
    const limit = (l.principal * cap.num) / (cap.den * 100n);
    if (l.costBeforeLateFees <= limit) expect(l.costBeforeLateFees + l.lateFeesCharged).toBeLessThanOrEqual(limit);
    else expect(l.lateFeesCharged).toBe(0n);
  }
}

describe('ledger properties', () => {
  it('never creates or loses money over random payments, servicing and refunds', () => {
    // What the random runs reached: the property must cover settlement, the cap, credit and refunds.
    const reached = { settled_early: 0, late_fee_cap_reached: 0, credit_added: 0, repaid: 0, overdue: 0, refund: 0 };
    const count = (changes: LedgerChange[]) => {
      for (const c of changes) if (c.kind in reached) reached[c.kind as keyof typeof reached]++;
    };
    fc.assert(
      fc.property(
        arbitraryTerms,
        arbitraryPolicy,
        fc.constantFrom('id-p2p-consumptive', 'unregulated', null),
        arbitraryOps,
        (terms, p, product, ops) => {
          let l = ledgerFor(terms, product);
          const total = generateSchedule(terms).totals.total;
          checkInvariants(l);
          for (const op of ops) {
            if (op.kind === 'pay') {
              const amount = (total * BigInt(op.share)) / 1000n || 1n;
              const date = addDays(l.disbursementDate, op.day);
              const before = l;
              const quote = settlementQuote(before, date);
              const r = applyPayment(before, { amount, date, order: p.order });
              l = r.ledger;
              count(r.changes);
              const allocated = r.allocations.reduce((s, a) => s + a.amount, 0n);
              // Every unit of the payment (and of credit held) is allocated or is credit.
              expect(allocated + l.credit).toBe(amount + before.credit);
              expect(sumPaid(l) - sumPaid(before)).toBe(allocated);
              // Paying at least the settlement quote always settles the loan.
              if (amount >= quote.amount && before.status === 'DISBURSED') expect(l.status).toBe('REPAID');
            } else if (op.kind === 'service') {
              const date = addDays(l.disbursementDate, op.day);
              const r = serviceThrough(l, date, p);
              l = r.ledger;
              count(r.changes);
            } else if (l.credit > 0n) {
              reached.refund++;
              l = refundCredit(l, (l.credit * BigInt(op.share)) / 1000n || 1n);
            }
            checkInvariants(l);
          }
        },
      ),
      { numRuns: 250 },
    );
    for (const [what, n] of Object.entries(reached)) expect(n, what).toBeGreaterThan(0);
  });

  it('gives the same ledger and changes for one call as for any split into smaller calls', () => {
    fc.assert(
      fc.property(
        arbitraryTerms,
        arbitraryPolicy,
        fc.integer({ min: 1, max: 200 }),
        fc.array(fc.integer({ min: 0, max: 200 }), { maxLength: 6 }),
        (terms, p, to, cuts) => {
          const start = ledgerFor(terms);
          const end = addDays(start.disbursementDate, to);
          const oneShot = serviceThrough(start, end, p);
          let l = start;
          const changes: LedgerChange[] = [];
          for (const cut of [...cuts.sort((a, b) => a - b), to]) {
            const r = serviceThrough(l, addDays(start.disbursementDate, Math.min(cut, to)), p);
            l = r.ledger;
            changes.push(...r.changes);
          }
          expect(l).toEqual(oneShot.ledger);
          expect(changes).toEqual(oneShot.changes);
          expect(serviceThrough(l, end, p).changes).toEqual([]);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('finds nothing to do before nextServiceDate', () => {
    fc.assert(
      fc.property(arbitraryTerms, arbitraryPolicy, fc.integer({ min: 0, max: 120 }), (terms, p, from) => {
        let l = serviceThrough(ledgerFor(terms), addDays(terms.disbursementDate, from), p).ledger;
        for (let k = 0; k < 6; k++) {
          const next = nextServiceDate(l, p);
          if (next === null) {
            // Nothing left: a quarter of servicing later still changes nothing.
            expect(serviceThrough(l, addDays(l.servicedThrough, 90), p).changes).toEqual([]);
            return;
          }
          expect(next > l.servicedThrough).toBe(true);
          const quiet = serviceThrough(l, addDays(next, -1), p);
          expect(quiet.changes).toEqual([]);
          l = serviceThrough(quiet.ledger, next, p).ledger;
        }
      }),
      { numRuns: 150 },
    );
  });
});
