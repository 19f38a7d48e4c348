/**
 * Servicing and collection on the ledger (#core/repayment/ledger), for every surface's loan:
 * opening the ledger at disbursal, applying a payment (gateway callback, sandbox page, ops),
 * servicing a loan through a day (the daily run, the sandbox clock), and the Step Functions
 * tasks of statemachines/servicing.asl.json. Every write is one transaction on the ledger's
 * version with its payment, events and counters (#store/loans saveLoanRecord): a duplicate or a
 * concurrent writer changes nothing twice.
 */
import { ConflictError, NotFoundError, ValidationError } from '#core/errors';
import { PRODUCTS } from '#core/loans/caps';
import { addDays, type IsoDate } from '#core/loans/dates';
import { formatMajor } from '#core/loans/money';
import { defaultProduct } from '#core/loans/pricing';
import type { Schedule } from '#core/loans/schedule';
import {
  applyPayment,
  type Ledger,
  type LedgerChange,
  openLedger,
  outstanding,
  refundCredit,
  serviceThrough,
} from '#core/repayment/ledger';
import { rebasedSchedule } from '#core/repayment/terms';
import type { Tenant } from '#core/tenant';
import { logger } from '#http/logger';
import { countMetric } from '#http/metrics';
import { releaseLimitItem } from '#store/app-limits';
import { getApplication, isAppLoan, type LoanApplication, repaidItem } from '#store/applications';
import { cancelledConditions } from '#store/keys';
import { lifecycleChange } from '#store/loan-events';
import {
  dueForService,
  getLoanRecord,
  jakartaToday,
  type LoanKind,
  type LoanRecord,
  ledgerEvents,
  loanToday,
  newLoanRecord,
  openLoanItems,
  policyOf,
  SERVICING_SHARDS,
  StaleLedgerError,
  saveLoanRecord,
  type TransactItem,
} from '#store/loans';
import { type DomainEvent, newEvent } from '#store/outbox';
import {
  findByProviderRef,
  getPayment,
  newPaymentId,
  type Payment,
  type PaymentChannel,
  type PaymentProvider,
  paymentItems,
} from '#store/payments';

/** How many times a write that lost a race to another writer is redone from a fresh read. */
const MAX_RACES = 8;

// ----------------------------------------------------------------------------- disbursal

/**
 * The ledger a disbursal opens, as transaction items for the DISBURSED change, and the
 * schedule from the disbursal day (the application's schedule is replaced by it). Null for an
 * application older than servicing (no engine terms kept): it is disbursed without a ledger.
 */
export function ledgerForDisbursal(
  tenant: Tenant,
  app: LoanApplication,
  disbursedAt: string,
): { items: TransactItem[]; record: LoanRecord; schedule: Schedule } | null {
  if (!app.engineTerms) {
    logger.warn('loan disbursed without engine terms: no ledger', { applicationId: app.applicationId });
    return null;
  }
  const disbursedOn = jakartaToday(Date.parse(disbursedAt));
  const { terms, schedule } = rebasedSchedule(app.engineTerms, disbursedOn);
  const productId = app.engineTerms.product ?? defaultProduct(terms.currency);
  const ledger = openLedger({
    loanId: app.applicationId,
    schedule,
    terms: {
      annualRate: terms.annualRate,
      dayCount: terms.dayCount,
      method: terms.method,
      ...(terms.rounding ? { rounding: terms.rounding } : {}),
    },
    disbursementDate: disbursedOn,
    product: PRODUCTS[productId],
  });
  const kind: LoanKind = app.partner?.type ?? (schedule.installments.length > 1 ? 'INSTALLMENT' : 'SINGLE_PAYMENT');
  const record = newLoanRecord({
    loanId: app.applicationId,
    borrowerId: app.borrowerId,
    origin: app.origin ?? 'journey',
    kind,
    reference: app.partner?.referenceId ?? app.customerId,
    product: productId,
    disbursedAt,
    ledger,
  });
  return { items: openLoanItems(tenant, record), record, schedule };
}

// ----------------------------------------------------------------------------- payments

export interface IncomingPayment {
  provider: PaymentProvider;
  providerPaymentId: string;
  channel: PaymentChannel;
  /** Minor units. */
  amount: bigint;
  currency: string;
  reference?: string;
  recordedBy?: string;
  receivedAt?: string;
  /**
   * A payment instruction this payment may pay (the borrower app's), decided afresh on each
   * try from what is stored then, so the instruction is paid at most once whichever path
   * reports the money (#workflows/app-payments).
   */
  instruction?: () => Promise<InstructionStep>;
}

/** What a payment does to the payment instruction it may pay. */
export type InstructionStep =
  /** Applied, with these items (the instruction marked PAID by it) in the same transaction: their conditions guard it. */
  | { kind: 'pays'; items: (payment: Payment) => TransactItem[] }
  /**
   * The instruction was paid already, by this money: nothing is applied, and the ledger payment
   * that paid it is answered. `bind` is written first (false: another request came first, decide again).
   */
  | { kind: 'paid'; paymentId: string; bind?: () => Promise<boolean> }
  /** No instruction is concerned: applied as any payment. */
  | { kind: 'none' };

export interface AppliedPayment {
  payment: Payment;
  /** True when this provider id was applied before, or the instruction it pays was paid already: nothing changed now. */
  duplicate: boolean;
}

/** The lifecycle's REPAID change (item + event) when a ledger change settles the loan. */
async function repaidChange(tenant: Tenant, record: LoanRecord, changes: LedgerChange[]) {
  if (!changes.some((c) => c.kind === 'repaid')) return null;
  const app = await getApplication(tenant, record.loanId);
  const { event, history } = lifecycleChange(tenant, app, { status: 'REPAID' }, () =>
    newEvent(tenant, 'loan', 'REPAID', {
      applicationId: app.applicationId,
      customerID: app.customerId,
      loanUniqueId: app.applicationId,
      userId: app.borrowerId,
    }),
  );
  // A borrower app loan repaid in full gives its principal back to the user's limit, in the
  // same transaction as REPAID (conditional on DISBURSED, so once).
  const release = isAppLoan(app) ? [releaseLimitItem(tenant, app.borrowerId, BigInt(app.app.reserved))] : [];
  return { items: [repaidItem(tenant, app, history), ...release], event };
}

const money = (minor: bigint, currency: string) => formatMajor(minor, currency as Ledger['currency']);

/**
 * Applies a payment to a loan once per provider id: the ledger's allocation, the payment
 * record, the provider-id claim, the `payment_gateway` event and the ledger's own events (and
 * REPAID) in one transaction. The same provider id again (a duplicate callback, 20 at once)
 * answers the payment as first recorded. With `instruction`, a borrower-app payment instruction
 * is marked PAID in that same transaction, or, paid already, nothing is applied and the payment
 * that paid it is answered.
 */
export async function applyIncomingPayment(
  tenant: Tenant,
  loanId: string,
  incoming: IncomingPayment,
): Promise<AppliedPayment> {
  if (incoming.amount <= 0n) throw new ValidationError([{ field: 'amount', message: 'must be greater than zero' }]);
  for (let race = 0; race < MAX_RACES; race++) {
    const seen = await findByProviderRef(incoming.provider, incoming.providerPaymentId);
    if (seen) return { payment: seen.payment, duplicate: true };
    const step: InstructionStep = (await incoming.instruction?.()) ?? { kind: 'none' };
    if (step.kind === 'paid') {
      if (step.bind && !(await step.bind())) continue;
      return { payment: await getPayment(tenant, step.paymentId), duplicate: true };
    }
    const record = await getLoanRecord(tenant, loanId);
    if (incoming.currency !== record.ledger.currency) {
      throw new ValidationError([
        { field: 'currency', message: `must be ${record.ledger.currency}, the loan's currency` },
      ]);
    }
    const date = loanToday(record);
    // The loan is serviced through today first, so the payment meets today's dues and fees.
    const serviced = serviceThrough(record.ledger, date, policyOf(record));
    const result = applyPayment(serviced.ledger, { amount: incoming.amount, date, order: policyOf(record).order });
    const changes = [...serviced.changes, ...result.changes];
    const receivedAt = incoming.receivedAt ?? new Date().toISOString();
    const payment: Payment = {
      paymentId: newPaymentId(),
      loanId,
      borrowerId: record.borrowerId,
      provider: incoming.provider,
      providerPaymentId: incoming.providerPaymentId,
      channel: incoming.channel,
      currency: record.ledger.currency,
      amount: money(incoming.amount, record.ledger.currency),
      status: 'APPLIED',
      appliedOn: date,
      receivedAt,
      allocations: result.allocations.map((a) => ({
        installment: a.number,
        component: a.component,
        amount: money(a.amount, record.ledger.currency),
      })),
      toCredit: money(result.toCredit, record.ledger.currency),
      ...(incoming.reference ? { reference: incoming.reference } : {}),
      ...(incoming.recordedBy ? { recordedBy: incoming.recordedBy } : {}),
    };
    const paymentEvent = newEvent(tenant, 'payment_gateway', 'PAID', {
      payment_id: payment.paymentId,
      loanUniqueId: loanId,
      userId: record.borrowerId,
      channel: payment.channel,
      provider: payment.provider,
      amount: Number(payment.amount),
      to_credit: Number(payment.toCredit),
      outstanding: Number(money(outstanding(result.ledger), record.ledger.currency)),
      ...(payment.reference ? { reference: payment.reference } : {}),
    });
    const repaid = await repaidChange(tenant, record, changes);
    const events: DomainEvent[] = [paymentEvent, ...ledgerEvents(tenant, record, changes)];
    if (repaid) events.push(repaid.event);
    const claims = paymentItems(tenant, payment);
    const instructionItems = step.kind === 'pays' ? step.items(payment) : [];
    try {
      await saveLoanRecord(tenant, record, result.ledger, {
        events,
        also: [...claims, ...instructionItems, ...(repaid ? repaid.items : [])],
        now: receivedAt,
      });
      countMetric('PaymentsApplied', payment.channel);
      logger.info('payment applied', {
        loanId,
        paymentId: payment.paymentId,
        provider: payment.provider,
        channel: payment.channel,
        toCredit: payment.toCredit,
        status: result.ledger.status,
      });
      return { payment, duplicate: false };
    } catch (error) {
      if (error instanceof StaleLedgerError) continue;
      const failed = cancelledConditions(error);
      // Index 1 is the provider-id claim: another request applied this payment first.
      if (failed?.[1]) continue;
      // The instruction's items follow the payment's: another path paid the instruction first.
      const first = 1 + claims.length;
      if (failed?.slice(first, first + instructionItems.length).some(Boolean)) continue;
      throw error;
    }
  }
  throw new ConflictError('ledger_busy', 'The loan is being updated by many payments at once: retry');
}

/** Ops pay back a borrower's credit (an overpayment): the ledger's credit goes down by `amount`. */
export async function refundLoanCredit(tenant: Tenant, loanId: string, amount: bigint, by: string) {
  for (let race = 0; race < MAX_RACES; race++) {
    const record = await getLoanRecord(tenant, loanId);
    const ledger = refundCredit(record.ledger, amount);
    const event = newEvent(tenant, record.kind === 'BNPL' ? 'bnpl' : 'loan', 'CREDIT_REFUNDED', {
      loanUniqueId: loanId,
      userId: record.borrowerId,
      amount: Number(money(amount, ledger.currency)),
      refunded_by: by,
    });
    try {
      return await saveLoanRecord(tenant, record, ledger, { events: [event] });
    } catch (error) {
      if (error instanceof StaleLedgerError) continue;
      throw error;
    }
  }
  throw new ConflictError('ledger_busy', 'The loan is being updated: retry');
}

// ----------------------------------------------------------------------------- servicing

/** Most events one servicing transaction carries (DynamoDB allows 100 items per transaction). */
const EVENTS_PER_WRITE = 60;

export interface ServiceResult {
  loanId: string;
  changes: number;
  writes: number;
  status: string;
}

/**
 * Services one loan through `through` (its own clock's today by default): each day's changes
 * once. Days are taken in runs that fit one transaction, each written on the ledger's version;
 * a loan serviced through the day already changes nothing and writes nothing.
 */
export async function serviceLoan(
  tenant: Tenant,
  loanId: string,
  options: { through?: IsoDate; realDate?: IsoDate; clockOffsetDays?: number; advanceDays?: number } = {},
): Promise<ServiceResult> {
  let writes = 0;
  let changed = 0;
  let clockMoved = options.clockOffsetDays !== undefined || options.advanceDays !== undefined;
  let record = await getLoanRecord(tenant, loanId);
  // A move of the clock (advanceDays) is relative to the clock as read: after a lost race it is
  // taken again from the clock as it is now, so concurrent moves add up instead of one undoing another.
  const offsetOf = (r: LoanRecord) => options.clockOffsetDays ?? r.clockOffsetDays + (options.advanceDays ?? 0);
  const targetOf = (o: number) =>
    options.through ?? (options.realDate ? addDays(options.realDate, o) : loanToday({ clockOffsetDays: o }));
  let offset = offsetOf(record);
  let target = targetOf(offset);
  let races = 0;
  while (record.ledger.servicedThrough < target || clockMoved) {
    // One day at a time until a transaction's worth of events, then write.
    let ledger = record.ledger;
    const changes: LedgerChange[] = [];
    const policy = policyOf(record);
    let eventful = 0;
    while (ledger.servicedThrough < target) {
      const step = serviceThrough(ledger, addDays(ledger.servicedThrough, 1), policy);
      ledger = step.ledger;
      changes.push(...step.changes);
      eventful += step.changes.filter((c) => !SILENT_CHANGES.has(c.kind)).length;
      if (eventful >= EVENTS_PER_WRITE) break;
    }
    const repaid = await repaidChange(tenant, record, changes);
    const events = ledgerEvents(tenant, record, changes);
    if (repaid) events.push(repaid.event);
    try {
      record = await saveLoanRecord(tenant, record, ledger, {
        events,
        also: repaid ? repaid.items : [],
        // Written with the move only: a later write (or the daily run's) keeps the clock as it is
        // now, which a concurrent move may have taken further.
        ...(clockMoved ? { clockOffsetDays: offset } : {}),
      });
      writes += 1;
      changed += changes.length;
      clockMoved = false;
    } catch (error) {
      // Only a lost race counts against the limit, never the writes a long catch-up needs.
      if (!(error instanceof StaleLedgerError) || ++races >= MAX_RACES) {
        if (error instanceof StaleLedgerError) break;
        throw error;
      }
      record = await getLoanRecord(tenant, loanId);
      if (clockMoved) {
        offset = offsetOf(record);
        target = targetOf(offset);
      }
    }
  }
  if (races >= MAX_RACES) throw new ConflictError('ledger_busy', 'The loan is being updated: retry');
  return { loanId, changes: changed, writes, status: record.ledger.status };
}

/** Changes that write no event (ledgerEvents): they do not count towards a transaction's size. */
const SILENT_CHANGES = new Set<LedgerChange['kind']>(['late_fee', 'credit_added', 'repaid']);

/** Sandbox test clock: moves the loan's clock `days` ahead and services every day passed. */
export async function advanceLoanClock(tenant: Tenant, loanId: string, days: number): Promise<ServiceResult> {
  if (tenant.mode !== 'sandbox') throw new NotFoundError('loan', loanId);
  return serviceLoan(tenant, loanId, { advanceDays: days });
}

// ----------------------------------------------------------------------------- servicing workflow tasks

export interface ServicingRunInput {
  /** The real date the run services through (default: today in Jakarta). */
  date?: IsoDate;
  shard?: number;
  cursor?: Record<string, unknown> | null;
  /** Loans per page (default 100): a Task's work stays well inside its timeout. */
  pageSize?: number;
}

/** First task: the run's date and its shards (the Map iterates them). */
export const planRun = async (input: { date?: IsoDate; time?: string; pageSize?: number }) => {
  const date = input.date ?? jakartaToday(input.time ? Date.parse(input.time) : Date.now());
  const pageSize = input.pageSize ?? 100;
  return {
    date,
    shards: Array.from({ length: SERVICING_SHARDS }, (_, shard) => ({ date, shard, cursor: null, pageSize })),
  };
};

/**
 * One page of one shard: the loans whose next work is due on or before the run's date, each
 * serviced through its own clock's day. Returns the cursor of the next page (null: shard done)
 * and the counts the run sums.
 */
export const serviceShardPage = async (
  input: Required<Pick<ServicingRunInput, 'date' | 'shard'>> & ServicingRunInput,
) => {
  const page = await dueForService(input.shard, input.date, input.cursor ?? undefined, input.pageSize ?? 100);
  let changes = 0;
  let writes = 0;
  let failed = 0;
  for (const loan of page.loans) {
    const tenant: Tenant = { partnerId: loan.partnerId, mode: loan.mode };
    try {
      const result = await serviceLoan(tenant, loan.loanId, { realDate: input.date });
      changes += result.changes;
      writes += result.writes;
    } catch (error) {
      failed += 1;
      logger.error('servicing a loan failed', { loanId: loan.loanId, error: (error as Error).message });
    }
  }
  logger.info('servicing page', {
    shard: input.shard,
    date: input.date,
    loans: page.loans.length,
    changes,
    writes,
    failed,
  });
  return {
    date: input.date,
    shard: input.shard,
    cursor: page.next ?? null,
    more: page.next !== undefined,
    pageSize: input.pageSize ?? 100,
    loans: page.loans.length,
    changes,
    writes,
    failed,
  };
};
