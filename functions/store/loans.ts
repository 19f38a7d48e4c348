/**
 * Serviced loans: the ledger of every disbursed loan (journey, partner or app), beside its
 * application (`T#…#APP#<loanId>` / `LEDGER`). Every change to a ledger (a payment, a day of
 * servicing, a clock move) is one conditional write on the ledger's `version`, with its events
 * and counters in the same transaction: a retried or concurrent writer that read an older
 * version changes nothing and reads again.
 *
 * The servicing index (gsi2, sparse) holds each open ledger under `SVC#<shard>` with the real
 * date its next work falls on, so the daily run reads only the loans that need work.
 */
import { createHash } from 'node:crypto';
import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { NotFoundError } from '#core/errors';
import { addDays, type IsoDate } from '#core/loans/dates';
import { formatMajor } from '#core/loans/money';
import {
  type DelinquencyBucket,
  defaultServicingPolicy,
  type Ledger,
  type LedgerChange,
  ledgerFromItem,
  ledgerToItem,
  nextServiceDate,
  outstanding,
  type ServicingPolicy,
} from '#core/repayment/ledger';
import type { Tenant } from '#core/tenant';
import { ddb, tableName } from './client.ts';
import { collectionPage, collectionRange } from './collection-page.ts';
import { cancelledConditions, expiryFor, tenantKey } from './keys.ts';
import { type DomainEvent, newEvent, outboxPut } from './outbox.ts';

export type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

export type LoanOrigin = 'journey' | 'partner' | 'app';
export type LoanKind = 'SINGLE_PAYMENT' | 'BNPL' | 'INSTALLMENT';

/** A serviced loan: its ledger and what the servicing and the views need besides. */
export interface LoanRecord {
  loanId: string;
  borrowerId: string;
  origin: LoanOrigin;
  kind: LoanKind;
  /** The partner's reference_id (partner loans) or the journey's customerID. */
  reference?: string;
  product: string;
  /** Sandbox test clock: days this loan's clock runs ahead of the real one (0 in live mode). */
  clockOffsetDays: number;
  /** Optimistic concurrency: every write requires the version it read and adds one. */
  version: number;
  disbursedAt: string;
  updatedAt: string;
  ledger: Ledger;
  /** The loan-clock date servicing next has work, or null (REPAID, nothing left). */
  nextServiceOn: IsoDate | null;
}

const SHARDS = 16;
export const SERVICING_SHARDS = SHARDS;

export const ledgerKey = (t: Tenant, loanId: string) => ({ pk: tenantKey(t, 'APP', loanId), sk: 'LEDGER' });
const countersKey = (t: Tenant, kind: 'LOANS' | 'PAYMENTS') => ({ pk: tenantKey(t, 'COUNTERS'), sk: kind });
const borrowerCounterKey = (t: Tenant, borrowerId: string) => ({
  pk: tenantKey(t, 'BOR', borrowerId),
  sk: 'COUNTER#LOANS',
});

/** Today in Asia/Jakarta (UTC+7, no daylight saving): the lender's calendar. */
export const jakartaToday = (now = Date.now()): IsoDate => new Date(now + 7 * 3600_000).toISOString().slice(0, 10);

/** The loan's own today: the real Jakarta date plus its sandbox clock offset. */
export const loanToday = (record: Pick<LoanRecord, 'clockOffsetDays'>, now = Date.now()): IsoDate =>
  addDays(jakartaToday(now), record.clockOffsetDays);

export const policyOf = (record: Pick<LoanRecord, 'product'>): ServicingPolicy =>
  defaultServicingPolicy(record.product);

const shardOf = (loanId: string) => createHash('sha256').update(loanId).digest().readUInt16BE(0) % SHARDS;

/** The servicing index's keys for a loan whose next work falls on `next` (loan clock), or none. */
function serviceIndex(t: Tenant, record: Pick<LoanRecord, 'loanId' | 'clockOffsetDays'>, next: IsoDate | null) {
  if (!next) return null;
  const real = addDays(next, -record.clockOffsetDays);
  return { gsi2pk: `SVC#${shardOf(record.loanId)}`, gsi2sk: `${real}#${ledgerKey(t, record.loanId).pk}` };
}

function toItem(t: Tenant, record: LoanRecord) {
  const index = serviceIndex(t, record, record.nextServiceOn);
  return {
    ...ledgerKey(t, record.loanId),
    loanId: record.loanId,
    borrowerId: record.borrowerId,
    origin: record.origin,
    kind: record.kind,
    ...(record.reference ? { reference: record.reference } : {}),
    product: record.product,
    clockOffsetDays: record.clockOffsetDays,
    version: record.version,
    disbursedAt: record.disbursedAt,
    updatedAt: record.updatedAt,
    ledger: ledgerToItem(record.ledger),
    nextServiceOn: record.nextServiceOn,
    // Flat copies for filters and lists.
    status: record.ledger.status,
    bucket: record.ledger.bucket,
    outstanding: outstanding(record.ledger).toString(),
    partnerId: t.partnerId,
    mode: t.mode,
    gsi1pk: tenantKey(t, 'LOANS'),
    gsi1sk: `${record.disbursedAt}#${record.loanId}`,
    ...(index ?? {}),
    expiresAt: expiryFor(t.mode),
  };
}

function fromItem(item: Record<string, unknown>): LoanRecord {
  return {
    loanId: String(item.loanId),
    borrowerId: String(item.borrowerId),
    origin: item.origin as LoanOrigin,
    kind: item.kind as LoanKind,
    ...(item.reference ? { reference: String(item.reference) } : {}),
    product: String(item.product),
    clockOffsetDays: Number(item.clockOffsetDays ?? 0),
    version: Number(item.version),
    disbursedAt: String(item.disbursedAt),
    updatedAt: String(item.updatedAt),
    ledger: ledgerFromItem(item.ledger as Record<string, unknown>),
    nextServiceOn: (item.nextServiceOn as IsoDate | null) ?? null,
  };
}

/** A fresh record for a ledger opened at disbursal. */
export function newLoanRecord(input: Omit<LoanRecord, 'version' | 'updatedAt' | 'nextServiceOn' | 'clockOffsetDays'>) {
  const record: LoanRecord = {
    ...input,
    clockOffsetDays: 0,
    version: 1,
    updatedAt: input.disbursedAt,
    nextServiceOn: null,
  };
  record.nextServiceOn = nextServiceDate(record.ledger, policyOf(record));
  return record;
}

/**
 * The transaction items that open a loan's ledger, to be written with the DISBURSED change:
 * the ledger (once: a retried disbursal finds it) and the tenant's loan counters.
 */
export function openLoanItems(t: Tenant, record: LoanRecord): TransactItem[] {
  const table = tableName();
  return [
    { Put: { TableName: table, Item: toItem(t, record), ConditionExpression: 'attribute_not_exists(pk)' } },
    counterUpdate(t, 'LOANS', {
      total: 1,
      [`status_${record.ledger.status}`]: 1,
      [`bucket_${record.ledger.bucket}`]: 1,
    }),
    {
      Update: {
        TableName: table,
        Key: borrowerCounterKey(t, record.borrowerId),
        UpdateExpression: 'ADD #total :one',
        ExpressionAttributeNames: { '#total': 'total' },
        ExpressionAttributeValues: { ':one': 1 },
      },
    },
  ];
}

/** ADD deltas to a counters item (attributes named `total`, `status_X`, `bucket_Y`, `channel_Z`). */
export function counterUpdate(t: Tenant, kind: 'LOANS' | 'PAYMENTS', deltas: Record<string, number>): TransactItem {
  const entries = Object.entries(deltas).filter(([, d]) => d !== 0);
  const names: Record<string, string> = {};
  const values: Record<string, number> = {};
  const adds = entries.map(([name, delta], i) => {
    names[`#c${i}`] = name;
    values[`:c${i}`] = delta;
    return `#c${i} :c${i}`;
  });
  return {
    Update: {
      TableName: tableName(),
      Key: countersKey(t, kind),
      UpdateExpression: adds.length ? `ADD ${adds.join(', ')}` : 'SET #touched = :touched',
      ExpressionAttributeNames: adds.length ? names : { '#touched': 'touchedAt' },
      ExpressionAttributeValues: adds.length ? values : { ':touched': new Date().toISOString() },
    },
  };
}

export async function findLoanRecord(t: Tenant, loanId: string): Promise<LoanRecord | null> {
  const { Item } = await ddb.send(
    new GetCommand({ TableName: tableName(), Key: ledgerKey(t, loanId), ConsistentRead: true }),
  );
  return Item ? fromItem(Item) : null;
}

export async function getLoanRecord(t: Tenant, loanId: string): Promise<LoanRecord> {
  const record = await findLoanRecord(t, loanId);
  if (!record) throw new NotFoundError('loan', loanId);
  return record;
}

/** Another writer changed the ledger since it was read: read again and redo the change. */
export class StaleLedgerError extends Error {
  constructor(loanId: string) {
    super(`The ledger of ${loanId} changed while it was updated`);
    this.name = 'StaleLedgerError';
  }
}

/**
 * Writes a changed ledger (the version read + 1), its events, the counter moves its status and
 * bucket make, and `also` (a payment record, a provider-id claim, an application update), all
 * or nothing. StaleLedgerError when another writer came first; the caller's own conditions in
 * `also` surface as the TransactionCanceledException with their reasons (index 1 + i).
 */
export async function saveLoanRecord(
  t: Tenant,
  before: LoanRecord,
  after: Ledger,
  options: { events?: DomainEvent[]; also?: TransactItem[]; clockOffsetDays?: number; now?: string } = {},
): Promise<LoanRecord> {
  const next: LoanRecord = {
    ...before,
    ledger: after,
    version: before.version + 1,
    updatedAt: options.now ?? new Date().toISOString(),
    clockOffsetDays: options.clockOffsetDays ?? before.clockOffsetDays,
  };
  next.nextServiceOn = nextServiceDate(after, policyOf(next));
  const table = tableName();
  const items: TransactItem[] = [
    {
      Put: {
        TableName: table,
        Item: toItem(t, next),
        ConditionExpression: '#v = :v',
        ExpressionAttributeNames: { '#v': 'version' },
        ExpressionAttributeValues: { ':v': before.version },
      },
    },
    ...(options.also ?? []),
  ];
  const deltas: Record<string, number> = {};
  if (before.ledger.status !== after.status) {
    deltas[`status_${before.ledger.status}`] = -1;
    deltas[`status_${after.status}`] = 1;
  }
  if (before.ledger.bucket !== after.bucket) {
    deltas[`bucket_${before.ledger.bucket}`] = (deltas[`bucket_${before.ledger.bucket}`] ?? 0) - 1;
    deltas[`bucket_${after.bucket}`] = (deltas[`bucket_${after.bucket}`] ?? 0) + 1;
  }
  if (Object.keys(deltas).length) items.push(counterUpdate(t, 'LOANS', deltas));
  for (const event of options.events ?? []) items.push(outboxPut(table, event));
  try {
    await ddb.send(new TransactWriteCommand({ TransactItems: items }));
  } catch (error) {
    if (cancelledConditions(error)?.[0] || conflicted(error)) throw new StaleLedgerError(before.loanId);
    throw error;
  }
  return next;
}

/**
 * A transaction cancelled because another transaction held one of its items (the tenant's
 * counters, under concurrent payments on AWS): the same as losing the race, so redo it.
 */
function conflicted(error: unknown): boolean {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return false;
  const reasons = (error as Error & { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  return reasons.some((r) => r.Code === 'TransactionConflict');
}

/** The loan's events for ledger changes: what a partner hears (README, "Repayment"). */
export function ledgerEvents(t: Tenant, record: LoanRecord, changes: LedgerChange[]): DomainEvent[] {
  const type = record.kind === 'BNPL' ? 'bnpl' : 'loan';
  const currency = record.ledger.currency;
  const major = (minor: bigint) => Number(formatMajor(minor, currency));
  const base = {
    loanUniqueId: record.loanId,
    userId: record.borrowerId,
    ...(record.reference ? { reference_id: record.reference } : {}),
  };
  const events: DomainEvent[] = [];
  for (const change of changes) {
    switch (change.kind) {
      case 'installment_paid':
        events.push(newEvent(t, type, 'INSTALLMENT_PAID', { ...base, installment: change.number, date: change.date }));
        break;
      case 'installment_partially_paid':
        events.push(
          newEvent(t, type, 'INSTALLMENT_PARTIALLY_PAID', {
            ...base,
            installment: change.number,
            date: change.date,
            paid: major(change.paid),
            remaining: major(change.remaining),
          }),
        );
        break;
      case 'installment_overdue':
        events.push(
          newEvent(t, type, 'INSTALLMENT_OVERDUE', {
            ...base,
            installment: change.number,
            date: change.date,
            amount: major(change.amount),
          }),
        );
        break;
      case 'overdue':
        events.push(newEvent(t, type, 'OVERDUE', { ...base, date: change.date, days_past_due: change.daysPastDue }));
        break;
      case 'bucket_changed':
        events.push(
          newEvent(t, type, 'DELINQUENCY_CHANGED', {
            ...base,
            date: change.date,
            from: change.from,
            delinquency_bucket: change.to,
          }),
        );
        break;
      case 'late_fee_cap_reached':
        events.push(newEvent(t, type, 'LATE_FEE_CAP_REACHED', { ...base, date: change.date }));
        break;
      case 'payment_due':
        events.push(
          newEvent(t, 'payment_due', 'DUE', {
            ...base,
            installment: change.number,
            due_date: change.dueDate,
            amount: major(change.amount),
            days_before: change.daysBefore,
          }),
        );
        break;
      case 'settled_early':
        events.push(
          newEvent(t, type, 'SETTLED_EARLY', {
            ...base,
            date: change.date,
            waived_interest: major(change.waivedInterest),
            waived_fees: major(change.waivedFees),
          }),
        );
        break;
      // `repaid` is the lifecycle's REPAID change (applications.ts), `credit_added` is on the
      // payment's own event, and each day's late fee is on the ledger (no event per day).
      default:
        break;
    }
  }
  return events;
}

export interface LoanListFilter {
  status?: string;
  bucket?: DelinquencyBucket;
  borrowerId?: string;
  limit: number;
  offset: number;
}

/**
 * A page of the tenant's serviced loans, newest disbursal first, and the exact total: from the
 * counters kept in the same transactions as the loans for one filter or none; with a borrower
 * filter, from the borrower's own loans (a short partition); two filters at once are counted
 * over the matching items.
 */
export async function listLoanRecords(
  t: Tenant,
  filter: LoanListFilter,
): Promise<{ items: LoanRecord[]; total: number }> {
  return collectionPage({
    collection: tenantKey(t, 'LOANS'),
    equals: { status: filter.status, bucket: filter.bucket, borrowerId: filter.borrowerId },
    limit: filter.limit,
    offset: filter.offset,
    // No counter per borrower: a borrower's loans are few, so they are counted.
    countAll: filter.borrowerId !== undefined,
    counters: countersKey(t, 'LOANS'),
    counter: filter.status ? `status_${filter.status}` : filter.bucket ? `bucket_${filter.bucket}` : 'total',
    map: fromItem,
  });
}

/** One page of the servicing index: loans whose next work falls on or before `realDate`. */
export async function dueForService(
  shard: number,
  realDate: IsoDate,
  start?: Record<string, unknown>,
  limit = 200,
): Promise<{ loans: { partnerId: string; mode: Tenant['mode']; loanId: string }[]; next?: Record<string, unknown> }> {
  const page = await ddb.send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: 'byServiceDate',
      KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk < :until',
      ExpressionAttributeValues: { ':pk': `SVC#${shard}`, ':until': `${realDate}$` },
      ProjectionExpression: 'partnerId, #mode, loanId',
      ExpressionAttributeNames: { '#mode': 'mode' },
      Limit: limit,
      ExclusiveStartKey: start,
    }),
  );
  return {
    loans: (page.Items ?? []).map((i) => ({
      partnerId: String(i.partnerId),
      mode: i.mode as Tenant['mode'],
      loanId: String(i.loanId),
    })),
    ...(page.LastEvaluatedKey ? { next: page.LastEvaluatedKey } : {}),
  };
}

/**
 * The tenant's serviced loans disbursed within `[start, end)` (ISO instants), oldest first, a
 * page at a time (the loan book report). `overdueOnly` keeps loans past due (a bucket other
 * than CURRENT) and reads every disbursal: pass the whole history as the range.
 */
export async function* loanRecordPages(
  t: Tenant,
  range: { start: string; end: string },
  options: { overdueOnly?: boolean } = {},
): AsyncGenerator<LoanRecord[]> {
  for await (const items of collectionRange({
    collection: tenantKey(t, 'LOANS'),
    ...range,
    ...(options.overdueOnly
      ? {
          filter: {
            expression: '#bucket <> :current',
            names: { '#bucket': 'bucket' },
            values: { ':current': 'CURRENT' },
          },
        }
      : {}),
  })) {
    yield items.map(fromItem);
  }
}
