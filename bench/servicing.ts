/**
 * The daily servicing run and payments against DynamoDB Local: what they read and write per
 * loan-day and per payment, and the run's time for a book of BENCH_LOANS (10,000) loans.
 *
 *   seed       N disbursed loans from real engine schedules and ledgers: weekly 4-installment
 *              BNPL, monthly 3/6/12, single payment of 30 days, disbursed over the last ~120
 *              days; most borrowers paid each installment on its due date, some two days late,
 *              some stopped paying. Each ledger is serviced (pure) through yesterday, as if the
 *              run had run every day, and BatchWritten with its application and counters.
 *   run        today's run exactly as the workflow does it: planRun, then the 16 shards at once
 *              (the Map's MaxConcurrency 16), each looping serviceShardPage until its cursor is
 *              null. Then the same run again: it must change nothing.
 *   payments   one manual payment (the amount due today) on 200 open loans, then the same 200
 *              provider ids again (a duplicated callback).
 *
 * Capacity, two ways. DynamoDB Local answers ReturnConsumedCapacity (TOTAL), but it sums a
 * transaction's item sizes before rounding (two 100-byte puts: 2 WCU, where AWS rounds each
 * item up to 1 KB, then doubles it: 4) and doubles index writes in a transaction too. So beside
 * its figure the bench computes the AWS rules from the items' sizes (DynamoDB's size rules,
 * kept in a shadow of every item written): reads ceil(size / 4 KB), half for eventually
 * consistent reads and index queries (0.5 minimum); writes ceil(max(old, new) / 1 KB) per item,
 * twice in a transaction; each GSI (both project ALL, the CDK default) an update of the same
 * size, or a delete plus a put when its key changes (entries +100 bytes). Index writes are
 * counted once, not doubled in a transaction: if AWS doubles them too, that column doubles.
 *
 * Figures are this machine's (2 shared cores, DynamoDB Local in Java on the same cores), not
 * DynamoDB's latency; the request and capacity counts do not depend on the machine.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { availableParallelism, loadavg } from 'node:os';
import { PRODUCTS } from '../functions/core/loans/caps.ts';
import { addDays, type IsoDate } from '../functions/core/loans/dates.ts';
import { rational } from '../functions/core/loans/rational.ts';
import { generateSchedule, type LoanTerms } from '../functions/core/loans/schedule.ts';
import {
  amountDue,
  applyPayment,
  defaultServicingPolicy,
  type Ledger,
  openLedger,
  serviceThrough,
} from '../functions/core/repayment/ledger.ts';
import type { Tenant } from '../functions/core/tenant.ts';
import { TABLE as TABLE_SCHEMA } from '../functions/store/schema.ts';
import { startDynamo } from '../lib/local/dynamodb.ts';

const TABLE = 'lendstack-bench';
const PRODUCT = 'id-p2p-consumptive';
const PAYMENTS = 200;
/** The table's indexes as the stack defines them: keys, and the attributes an INCLUDE projection copies (undefined: ALL). */
const INDEXES = Object.values(TABLE_SCHEMA.indexes).map(
  (i) => [i.partitionKey, i.sortKey, i.include as readonly string[] | undefined] as const,
);
const SERVICE_INDEX = Object.keys(TABLE_SCHEMA.indexes).indexOf('byServiceDate');
/** AWS adds 100 bytes to every index entry. */
const INDEX_OVERHEAD = 100;

// ----------------------------------------------------------------------------- item sizes

/** DynamoDB's size of a number: about one byte per two significant digits, plus one. */
function numberSize(n: number | bigint): number {
  const digits = String(n).replace(/^-/, '').replace(/\./, '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
}

/** DynamoDB's size of a value (strings in UTF-8, lists and maps 3 bytes + 1 per element). */
function valueSize(v: unknown): number {
  if (v === undefined) return 0;
  if (v === null || typeof v === 'boolean') return 1;
  if (typeof v === 'string') return Buffer.byteLength(v);
  if (typeof v === 'number' || typeof v === 'bigint') return numberSize(v);
  if (Array.isArray(v)) return 3 + v.reduce((s: number, e) => s + valueSize(e) + 1, 0);
  if (v instanceof Uint8Array) return v.byteLength;
  if (v instanceof Set) return [...v].reduce((s: number, e) => s + valueSize(e), 0);
  return (
    3 +
    Object.entries(v as Record<string, unknown>).reduce(
      (s, [k, e]) => (e === undefined ? s : s + Buffer.byteLength(k) + valueSize(e) + 1),
      0,
    )
  );
}

/** An item's size: attribute names plus values. */
function itemSize(item: Record<string, unknown>): number {
  let size = 0;
  for (const [k, v] of Object.entries(item)) if (v !== undefined) size += Buffer.byteLength(k) + valueSize(v);
  return size;
}

const kb = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));
const readUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / 4096));

// ----------------------------------------------------------------------------- the meter

/** What one item in the table looks like to the capacity rules: its size and index keys. */
interface Shadow {
  size: number;
  keys: (string | undefined)[];
  /**
   * Per index, what its entry holds when the index projects only some attributes: the entry's
   * size and its values (an update that changes none of them writes nothing to the index).
   */
  projected: ({ size: number; values: string } | undefined)[];
}

/** An index entry of `item` for an INCLUDE index: the table and index keys plus the included attributes. */
function projectionOf(item: Record<string, unknown>, index: (typeof INDEXES)[number]) {
  const [p, s, include] = index;
  if (!include || item[p] === undefined) return undefined;
  const entry = Object.fromEntries(['pk', 'sk', p, s, ...include].map((k) => [k, item[k]]));
  return { size: itemSize(entry), values: JSON.stringify(entry) };
}

interface Tally {
  requests: number;
  reads: number;
  writes: number;
  /** Items read (returned) and written. */
  itemsRead: number;
  itemsWritten: number;
  /** DynamoDB Local's ConsumedCapacity. */
  localRcu: number;
  localWcu: number;
  /** AWS rules from item sizes: table reads, table writes (transactions doubled), index writes. */
  rcu: number;
  wcu: number;
  indexWcu: number;
  /** The part of indexWcu spent on byServiceDate (gsi2). */
  svcWcu: number;
  errors: number;
}

const newTally = (): Tally => ({
  requests: 0,
  reads: 0,
  writes: 0,
  itemsRead: 0,
  itemsWritten: 0,
  localRcu: 0,
  localWcu: 0,
  rcu: 0,
  wcu: 0,
  indexWcu: 0,
  svcWcu: 0,
  errors: 0,
});

function add(into: Tally, from: Tally): void {
  for (const k of Object.keys(into) as (keyof Tally)[]) into[k] += from[k];
}

const READS = new Set([
  'GetItemCommand',
  'QueryCommand',
  'ScanCommand',
  'BatchGetItemCommand',
  'TransactGetItemsCommand',
]);
const keyOf = (k: Record<string, unknown>) => `${String(k.pk)}\u0000${String(k.sk)}`;

/**
 * Counts every request of the shared document client, by command, by the phase running (an
 * AsyncLocalStorage label) and by the loan a request is about (the ledger's key), and keeps
 * the shadow of item sizes the AWS figures need.
 */
class Meter {
  readonly shadow = new Map<string, Shadow>();
  readonly byCommand = new Map<string, Tally>();
  readonly byLoan = new Map<string, Tally>();
  readonly byLabel = new Map<string, Tally>();
  readonly label = new AsyncLocalStorage<string>();
  active = false;

  reset(): void {
    this.byCommand.clear();
    this.byLoan.clear();
    this.byLabel.clear();
  }

  total(): Tally {
    const t = newTally();
    for (const v of this.byCommand.values()) add(t, v);
    return t;
  }

  /** Table and index write units of replacing (or updating) one item with `next` (null: a delete). */
  private writeUnits(
    key: string,
    next: Shadow | null,
    transactional: boolean,
  ): { wcu: number; indexWcu: number; svcWcu: number } {
    const old = this.shadow.get(key);
    const size = Math.max(old?.size ?? 0, next?.size ?? 0);
    const perIndex = INDEXES.map(() => 0);
    for (let i = 0; i < INDEXES.length; i++) {
      let units = 0;
      const was = old && old.keys[2 * i] !== undefined ? `${old.keys[2 * i]}|${old.keys[2 * i + 1]}` : null;
      const now = next && next.keys[2 * i] !== undefined ? `${next.keys[2 * i]}|${next.keys[2 * i + 1]}` : null;
      // An ALL index copies the whole item; an INCLUDE index only its entry, and only when the entry changes.
      const entrySize = (s: Shadow) => s.projected[i]?.size ?? s.size;
      if (was && now && was === now) {
        const before = old?.projected[i];
        const after = next?.projected[i];
        const same = before !== undefined && after !== undefined && before.values === after.values;
        if (!same) units += kb(Math.max(entrySize(old as Shadow), entrySize(next as Shadow)) + INDEX_OVERHEAD);
      } else {
        if (was && old) units += kb(entrySize(old) + INDEX_OVERHEAD);
        if (now && next) units += kb(entrySize(next) + INDEX_OVERHEAD);
      }
      perIndex[i] = units;
    }
    if (next) this.shadow.set(key, next);
    else this.shadow.delete(key);
    return {
      wcu: kb(size) * (transactional ? 2 : 1),
      indexWcu: perIndex.reduce((a, b) => a + b, 0),
      svcWcu: perIndex[SERVICE_INDEX] ?? 0,
    };
  }

  /** An UpdateItem's new shadow: the old one (counters and status flips barely change the size), or a small item. */
  private updated(key: string): Shadow {
    const old = this.shadow.get(key);
    return old ? { ...old, size: old.size + 16 } : { size: 200, keys: [], projected: [] };
  }

  private write(op: Record<string, unknown>, transactional: boolean) {
    const put = op.Put as { Item: Record<string, unknown> } | undefined;
    const update = op.Update as { Key: Record<string, unknown> } | undefined;
    const del = op.Delete as { Key: Record<string, unknown> } | undefined;
    if (put) {
      const next = {
        size: itemSize(put.Item),
        keys: INDEXES.flatMap(([p, s]) => [str(put.Item[p]), str(put.Item[s])]),
        projected: INDEXES.map((index) => projectionOf(put.Item, index)),
      };
      return this.writeUnits(keyOf(put.Item), next, transactional);
    }
    if (update) return this.writeUnits(keyOf(update.Key), this.updated(keyOf(update.Key)), transactional);
    if (del) return this.writeUnits(keyOf(del.Key), null, transactional);
    return { wcu: 0, indexWcu: 0, svcWcu: 0 };
  }

  /** The AWS-rule figures of one successful request. */
  private model(command: string, input: Record<string, unknown>, output: Record<string, unknown>): Partial<Tally> {
    switch (command) {
      case 'GetItemCommand': {
        const key = keyOf(input.Key as Record<string, unknown>);
        const size = this.shadow.get(key)?.size ?? (output.Item ? itemSize(output.Item as Record<string, unknown>) : 0);
        const units = readUnits(size) * (input.ConsistentRead ? 1 : 0.5);
        return { reads: 1, itemsRead: output.Item ? 1 : 0, rcu: units };
      }
      case 'QueryCommand': {
        // A query is charged for the entries it reads (the whole projected entry, whatever the
        // ProjectionExpression), summed then rounded to 4 KB; a servicing page's items name
        // their ledger, whose size the shadow has.
        const items = (output.Items ?? []) as Record<string, unknown>[];
        let bytes = 0;
        for (const i of items) {
          const ledger =
            i.loanId && i.partnerId
              ? this.shadow.get(keyOf({ pk: `T#${i.partnerId}#${i.mode}#APP#${i.loanId}`, sk: 'LEDGER' }))
              : undefined;
          bytes += (ledger?.size ?? itemSize(i)) + (input.IndexName ? INDEX_OVERHEAD : 0);
        }
        const units = Math.max(0.5, (Math.ceil(bytes / 4096) || 0) * (input.ConsistentRead ? 1 : 0.5));
        return { reads: 1, itemsRead: items.length, rcu: units };
      }
      case 'PutItemCommand':
      case 'UpdateItemCommand':
      case 'DeleteItemCommand': {
        const op =
          command === 'PutItemCommand'
            ? { Put: input }
            : command === 'UpdateItemCommand'
              ? { Update: input }
              : { Delete: input };
        return { writes: 1, itemsWritten: 1, ...this.write(op, false) };
      }
      case 'TransactWriteItemsCommand': {
        const ops = input.TransactItems as Record<string, unknown>[];
        const t = { writes: 1, itemsWritten: ops.length, wcu: 0, indexWcu: 0, svcWcu: 0 };
        for (const op of ops) {
          const u = this.write(op, true);
          t.wcu += u.wcu;
          t.indexWcu += u.indexWcu;
          t.svcWcu += u.svcWcu;
        }
        return t;
      }
      case 'BatchWriteItemCommand': {
        const requests = Object.values(input.RequestItems as Record<string, Record<string, unknown>[]>).flat();
        const t = { writes: 1, itemsWritten: requests.length, wcu: 0, indexWcu: 0, svcWcu: 0 };
        for (const r of requests) {
          const put = r.PutRequest as { Item: Record<string, unknown> } | undefined;
          const del = r.DeleteRequest as { Key: Record<string, unknown> } | undefined;
          const u = this.write(put ? { Put: put } : { Delete: del }, false);
          t.wcu += u.wcu;
          t.indexWcu += u.indexWcu;
          t.svcWcu += u.svcWcu;
        }
        return t;
      }
      default:
        return {};
    }
  }

  /** The middleware: asks for consumed capacity, counts the request, keeps the shadow. */
  middleware() {
    return (next: (a: unknown) => Promise<{ output: Record<string, unknown> }>, context: { commandName?: string }) =>
      async (args: { input: Record<string, unknown> }) => {
        const command = context.commandName ?? 'unknown';
        args.input.ReturnConsumedCapacity = 'TOTAL';
        const tally = newTally();
        tally.requests = 1;
        try {
          const result = await next(args);
          const capacity = result.output.ConsumedCapacity as { CapacityUnits?: number } | { CapacityUnits?: number }[];
          const local = (Array.isArray(capacity) ? capacity : capacity ? [capacity] : []).reduce(
            (s, c) => s + (c.CapacityUnits ?? 0),
            0,
          );
          if (READS.has(command)) tally.localRcu = local;
          else tally.localWcu = local;
          Object.assign(tally, { ...this.model(command, args.input, result.output), requests: 1 });
          if (this.active) this.count(command, args.input, tally);
          return result;
        } catch (error) {
          tally.errors = 1;
          if (this.active) this.count(command, args.input, tally);
          throw error;
        }
      };
  }

  private count(command: string, input: Record<string, unknown>, tally: Tally): void {
    const into = (map: Map<string, Tally>, key: string) => {
      const t = map.get(key) ?? newTally();
      add(t, tally);
      map.set(key, t);
    };
    into(this.byCommand, command.replace(/Command$/, ''));
    const label = this.label.getStore();
    if (label === QUIET) return;
    if (label) into(this.byLabel, label);
    const loan = loanOfRequest(input);
    if (loan) into(this.byLoan, loan);
  }
}

/** The label of the bench's own reads (outside the figures). */
const QUIET = 'bench-quiet';
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

/** The ledger a request reads or writes first (a GetItem's key, a transaction's first item), if any. */
function loanOfRequest(input: Record<string, unknown>): string | undefined {
  const first = (input.TransactItems as Record<string, { Item?: { pk?: string; sk?: string } }>[] | undefined)?.[0];
  const key = (input.Key as { pk?: string; sk?: string } | undefined) ?? first?.Put?.Item;
  return key?.sk === 'LEDGER' ? key.pk : undefined;
}

// ----------------------------------------------------------------------------- the book

/** A small seeded generator (mulberry32): the same book on every run. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Shape {
  name: string;
  share: number;
  kind: 'BNPL' | 'INSTALLMENT' | 'SINGLE_PAYMENT';
  /** Days before today it was disbursed: [min, max]. */
  age: [number, number];
  principal: [number, number];
  terms: Pick<LoanTerms, 'method' | 'term' | 'dayCount' | 'annualRate'>;
}

/** The book's mix. The "fresh monthly 12" share is the one with nothing due soon. */
const SHAPES: Shape[] = [
  {
    name: 'BNPL weekly x4',
    share: 0.25,
    kind: 'BNPL',
    age: [1, 45],
    principal: [300_000, 3_000_000],
    terms: {
      method: 'flat',
      term: { count: 4, frequency: 'weekly' },
      dayCount: 'actual/365',
      annualRate: rational(30n, 100n),
    },
  },
  {
    name: 'monthly x3',
    share: 0.2,
    kind: 'INSTALLMENT',
    age: [1, 110],
    principal: [1_000_000, 8_000_000],
    terms: {
      method: 'declining_equal_installment',
      term: { count: 3, frequency: 'monthly' },
      dayCount: '30/360',
      annualRate: rational(36n, 100n),
    },
  },
  {
    name: 'monthly x6',
    share: 0.1,
    kind: 'INSTALLMENT',
    age: [1, 120],
    principal: [2_000_000, 15_000_000],
    terms: {
      method: 'declining_equal_installment',
      term: { count: 6, frequency: 'monthly' },
      dayCount: '30/360',
      annualRate: rational(30n, 100n),
    },
  },
  {
    name: 'monthly x12',
    share: 0.05,
    kind: 'INSTALLMENT',
    age: [21, 120],
    principal: [5_000_000, 30_000_000],
    terms: {
      method: 'declining_equal_installment',
      term: { count: 12, frequency: 'monthly' },
      dayCount: '30/360',
      annualRate: rational(24n, 100n),
    },
  },
  {
    name: 'single payment 30 d',
    share: 0.2,
    kind: 'SINGLE_PAYMENT',
    age: [1, 50],
    principal: [500_000, 2_000_000],
    terms: {
      method: 'single_payment',
      term: { count: 30, frequency: 'daily' },
      dayCount: 'actual/365',
      annualRate: rational(36n, 100n),
    },
  },
  {
    name: 'monthly x12, fresh',
    share: 0.2,
    kind: 'INSTALLMENT',
    age: [1, 20],
    principal: [5_000_000, 30_000_000],
    terms: {
      method: 'declining_equal_installment',
      term: { count: 12, frequency: 'monthly' },
      dayCount: '30/360',
      annualRate: rational(24n, 100n),
    },
  },
];

type Behaviour = 'on time' | 'two days late' | 'stopped paying';

interface SeededLoan {
  tenant: Tenant;
  loanId: string;
  shape: string;
  behaviour: Behaviour;
  ledger: Ledger;
  /** In today's page of the servicing index (its next work is today). */
  inRun: boolean;
  /** What servicing today will change (pure prediction), by kind; empty when nothing. */
  today: string[];
  open: boolean;
}

/** A loan's ledger as its borrower's behaviour left it, serviced (pure) through `yesterday`. */
function simulate(ledger: Ledger, behaviour: Behaviour, stopAt: number, yesterday: IsoDate): Ledger {
  const policy = defaultServicingPolicy(PRODUCT);
  let l = ledger;
  for (const installment of ledger.installments) {
    if (behaviour === 'stopped paying' && installment.number >= stopAt) break;
    const payOn = behaviour === 'two days late' ? addDays(installment.dueDate, 2) : installment.dueDate;
    if (payOn > yesterday) break;
    l = serviceThrough(l, payOn, policy).ledger;
    const amount = amountDue(l, payOn);
    if (amount > 0n) l = applyPayment(l, { amount, date: payOn, order: policy.order }).ledger;
  }
  return serviceThrough(l, yesterday, policy).ledger;
}

function pick<T extends { share: number }>(items: T[], r: number): T {
  let acc = 0;
  for (const item of items) {
    acc += item.share;
    if (r < acc) return item;
  }
  return items[items.length - 1] as T;
}

// ----------------------------------------------------------------------------- the bench

export async function benchServicing(loans = 10_000) {
  const dynamo = await startDynamo({ tableName: TABLE });
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_REGION: 'ap-southeast-3',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    TABLE_NAME: TABLE,
    // One log line per page and per payment would bury the figures; failures still log.
    POWERTOOLS_LOG_LEVEL: 'WARN',
  });
  // Imported after the environment is set: the store's client is created with it.
  const { ddb } = await import('../functions/store/client.ts');
  const { BatchWriteCommand } = await import('@aws-sdk/lib-dynamodb');
  const { jakartaToday, newLoanRecord, openLoanItems, getLoanRecord } = await import('../functions/store/loans.ts');
  const { planRun, serviceShardPage, applyIncomingPayment } = await import('../functions/workflows/repayment.ts');

  const meter = new Meter();
  ddb.middlewareStack.add(meter.middleware() as never, { name: 'benchCapacityMeter', step: 'initialize' });

  const today = jakartaToday();
  const yesterday = addDays(today, -1);
  const policy = defaultServicingPolicy(PRODUCT);
  const tenants: Tenant[] = [
    { partnerId: 'ptn_bench_a', mode: 'live' },
    { partnerId: 'ptn_bench_b', mode: 'live' },
  ];
  console.log(
    `\nServicing: ${loans.toLocaleString()} disbursed loans, run date ${today}, DynamoDB Local ` +
      `(node ${process.version}, ${availableParallelism()} cores, load average ${loadavg()[0]?.toFixed(1)})`,
  );

  try {
    // ------------------------------------------------------------------ seed
    const seedStart = performance.now();
    const rnd = random(42);
    const book: SeededLoan[] = [];
    const items: Record<string, unknown>[] = [];
    const counters = new Map<string, Record<string, number>>();
    for (let n = 0; n < loans; n++) {
      const shape = pick(SHAPES, rnd());
      const tenant = rnd() < 0.7 ? (tenants[0] as Tenant) : (tenants[1] as Tenant);
      const r = rnd();
      const behaviour: Behaviour = r < 0.82 ? 'on time' : r < 0.85 ? 'two days late' : 'stopped paying';
      const age = shape.age[0] + Math.floor(rnd() * (shape.age[1] - shape.age[0] + 1));
      const disbursedOn = addDays(today, -age);
      const principal = BigInt(
        Math.round((shape.principal[0] + rnd() * (shape.principal[1] - shape.principal[0])) / 1000) * 1000,
      );
      const schedule = generateSchedule({ currency: 'IDR', principal, disbursementDate: disbursedOn, ...shape.terms });
      const loanId = `loan_bench${String(n).padStart(6, '0')}`;
      const opened = openLedger({
        loanId,
        schedule,
        terms: { annualRate: shape.terms.annualRate, dayCount: shape.terms.dayCount, method: shape.terms.method },
        disbursementDate: disbursedOn,
        product: PRODUCTS[PRODUCT],
      });
      const stopAt = 1 + Math.floor(rnd() * schedule.installments.length);
      const ledger = simulate(opened, behaviour, stopAt, yesterday);
      const borrowerId = `bor_bench${String(n).padStart(6, '0')}`;
      const record = newLoanRecord({
        loanId,
        borrowerId,
        origin: shape.kind === 'INSTALLMENT' ? 'journey' : 'partner',
        kind: shape.kind,
        reference: `ref-${n}`,
        product: PRODUCT,
        disbursedAt: `${disbursedOn}T03:00:00.000Z`,
        ledger,
      });
      const [ledgerPut, loanCounter] = openLoanItems(tenant, record);
      if (!ledgerPut?.Put?.Item || !loanCounter?.Update) throw new Error('openLoanItems changed shape');
      items.push(ledgerPut.Put.Item);
      // The application beside it, as a disbursal leaves it (REPAID updates it on DISBURSED).
      const appKey = { pk: `T#${tenant.partnerId}#${tenant.mode}#APP#${loanId}`, sk: 'APP' };
      items.push({
        ...appKey,
        applicationId: loanId,
        borrowerId,
        customerId: `cus-${n}`,
        status: ledger.status === 'REPAID' ? 'REPAID' : 'DISBURSED',
        origin: 'journey',
        currency: 'IDR',
        createdAt: `${disbursedOn}T02:00:00.000Z`,
      });
      items.push({ pk: `T#${tenant.partnerId}#${tenant.mode}#BOR#${borrowerId}`, sk: 'COUNTER#LOANS', total: 1 });
      const c = counters.get(tenant.partnerId) ?? {};
      for (const name of ['total', `status_${ledger.status}`, `bucket_${ledger.bucket}`]) c[name] = (c[name] ?? 0) + 1;
      counters.set(tenant.partnerId, c);
      const predicted = record.nextServiceOn === today ? serviceThrough(ledger, today, policy).changes : [];
      book.push({
        tenant,
        loanId,
        shape: shape.name,
        behaviour,
        ledger,
        inRun: record.nextServiceOn === today,
        today: [...new Set(predicted.map((ch) => ch.kind))].sort(),
        open: ledger.status !== 'REPAID',
      });
    }
    for (const [partnerId, c] of counters) items.push({ pk: `T#${partnerId}#live#COUNTERS`, sk: 'LOANS', ...c });
    const simulated = performance.now();
    const chunks: Record<string, unknown>[][] = [];
    for (let i = 0; i < items.length; i += 25) chunks.push(items.slice(i, i + 25));
    await inParallel(chunks, 8, async (chunk) => {
      let pending: Record<string, unknown>[] = chunk.map((Item) => ({ PutRequest: { Item } }));
      while (pending.length) {
        const out = await ddb.send(new BatchWriteCommand({ RequestItems: { [TABLE]: pending as never } }));
        pending = (out.UnprocessedItems?.[TABLE] ?? []) as Record<string, unknown>[];
      }
    });
    const seeded = performance.now();
    const open = book.filter((l) => l.open);
    const due = book.filter((l) => l.today.length > 0);
    console.log(
      `  seed            ${loans.toLocaleString()} loans (${items.length.toLocaleString()} items) in ${s(seeded - seedStart)} ` +
        `(ledgers simulated ${s(simulated - seedStart)}, BatchWrite ${s(seeded - simulated)}): ` +
        `${open.length.toLocaleString()} open, ${(loans - open.length).toLocaleString()} repaid (out of the index); ` +
        `${due.length.toLocaleString()} have work today (${book.filter((l) => l.inRun).length.toLocaleString()} in today's index range), ` +
        `${(open.length - due.length).toLocaleString()} open ones have none`,
    );
    const mix = new Map<string, [number, number, number]>();
    for (const l of book) {
      const m = mix.get(l.shape) ?? [0, 0, 0];
      m[0]++;
      if (l.open) m[1]++;
      if (l.today.length) m[2]++;
      mix.set(l.shape, m);
    }
    for (const [shape, [all, o, d]] of mix) {
      console.log(`    ${shape.padEnd(22)} ${pad(all, 6)} loans ${pad(o, 6)} open ${pad(d, 6)} with work today`);
    }
    const ledgerSizes = open.map(
      (l) => meter.shadow.get(keyOf({ pk: `T#${l.tenant.partnerId}#live#APP#${l.loanId}`, sk: 'LEDGER' }))?.size ?? 0,
    );
    ledgerSizes.sort((a, b) => a - b);
    console.log(
      `    ledger item size: median ${ledgerSizes[Math.floor(ledgerSizes.length / 2)]} B, max ${ledgerSizes[ledgerSizes.length - 1]} B (x3 with its two ALL-projected index entries)`,
    );

    // ------------------------------------------------------------------ the run, twice
    async function run(date: IsoDate) {
      meter.reset();
      meter.active = true;
      const t0 = performance.now();
      const plan = await planRun({ date });
      const shards = await Promise.all(
        plan.shards.map(async (start) => {
          const sum = { pages: 0, loans: 0, changes: 0, writes: 0, failed: 0 };
          let cursor: Record<string, unknown> | null = null;
          do {
            const page: Awaited<ReturnType<typeof serviceShardPage>> = await serviceShardPage({ ...start, cursor });
            sum.pages++;
            sum.loans += page.loans;
            sum.changes += page.changes;
            sum.writes += page.writes;
            sum.failed += page.failed;
            cursor = page.cursor;
          } while (cursor);
          return sum;
        }),
      );
      const elapsed = performance.now() - t0;
      meter.active = false;
      const sum = shards.reduce((a, b) => ({
        pages: a.pages + b.pages,
        loans: a.loans + b.loans,
        changes: a.changes + b.changes,
        writes: a.writes + b.writes,
        failed: a.failed + b.failed,
      }));
      return {
        elapsed,
        ...sum,
        total: meter.total(),
        byCommand: new Map(meter.byCommand),
        byLoan: new Map(meter.byLoan),
      };
    }

    const first = await run(today);
    const predictedChanges = book.reduce(
      (s, l) => s + (l.today.length ? serviceThrough(l.ledger, today, policy).changes.length : 0),
      0,
    );
    console.log(
      `\n  run ${today}       ${s(first.elapsed)} wall, ${(first.loans / (first.elapsed / 1000)).toFixed(0)} loans/s: ` +
        `${first.loans.toLocaleString()} loans serviced in ${first.pages} pages (predicted ${due.length.toLocaleString()}), ` +
        `${first.changes.toLocaleString()} changes (predicted ${predictedChanges.toLocaleString()}), ${first.writes.toLocaleString()} transactions, ${first.failed} failed`,
    );
    printCommands(first.byCommand);
    const second = await run(today);
    console.log(
      `\n  same date again  ${s(second.elapsed)} wall: ${second.loans} loans read, ${second.changes} changes, ${second.writes} writes, ${second.failed} failed`,
    );
    printCommands(second.byCommand);

    // Per loan-day, by what the day changes (the kinds of change the ledger predicted).
    const byKind = new Map<string, { loans: number; t: Tally }>();
    for (const l of due) {
      const t = first.byLoan.get(`T#${l.tenant.partnerId}#live#APP#${l.loanId}`) ?? newTally();
      const kind = l.today.join(' + ');
      const k = byKind.get(kind) ?? { loans: 0, t: newTally() };
      k.loans++;
      add(k.t, t);
      byKind.set(kind, k);
    }
    const queries = first.byCommand.get('Query') ?? newTally();
    console.log(
      `\n  per loan-day (a loan with work today; the index pages add ${(queries.rcu / Math.max(1, first.loans)).toFixed(3)} RCU a loan, ${queries.requests} queries in all)`,
    );
    printHeader('changes that day (per loan)');
    const allDue = { loans: 0, t: newTally() };
    for (const [kind, k] of [...byKind].sort((a, b) => b[1].loans - a[1].loans)) {
      allDue.loans += k.loans;
      add(allDue.t, k.t);
      printPer(kind, k.loans, k.t);
    }
    printPer('all loans with work', allDue.loans, allDue.t);

    // ------------------------------------------------------------------ payments
    // A quarter on loans in arrears (the payment meets late fees), the rest on loans spread over the book.
    const arrears = open.filter((l) => l.ledger.daysPastDue > 0);
    const others = open.filter((l) => l.ledger.daysPastDue === 0);
    const every = <T>(list: T[], n: number) =>
      list.length <= n ? list : Array.from({ length: n }, (_, i) => list[Math.floor((i * list.length) / n)] as T);
    const fromArrears = every(arrears, Math.floor(PAYMENTS / 4));
    const sample = [...fromArrears, ...every(others, PAYMENTS - fromArrears.length)];
    const amounts = new Map<string, bigint>();
    for (const l of sample) {
      const record = await getLoanRecord(l.tenant, l.loanId);
      amounts.set(l.loanId, amountDue(record.ledger, today));
    }
    const outcomes = new Map<string, string>();
    const payAll = async (phase: string) => {
      meter.reset();
      meter.active = true;
      const t0 = performance.now();
      await inParallel(sample, 8, async (l) => {
        const result = await meter.label.run(l.loanId, () =>
          applyIncomingPayment(l.tenant, l.loanId, {
            provider: 'manual',
            providerPaymentId: `bench-${l.loanId}`,
            channel: 'cash',
            amount: amounts.get(l.loanId) ?? 1n,
            currency: 'IDR',
          }),
        );
        if (!outcomes.has(l.loanId)) {
          const after = await getLoanRecordQuiet(l);
          outcomes.set(l.loanId, after);
        }
        return result;
      });
      meter.active = false;
      const elapsed = performance.now() - t0;
      console.log(
        `\n  ${phase.padEnd(16)} ${sample.length} payments in ${s(elapsed)} (8 at a time), ${(sample.length / (elapsed / 1000)).toFixed(0)}/s`,
      );
      printCommands(meter.byCommand);
      const byOutcome = new Map<string, { loans: number; t: Tally }>();
      for (const [loanId, t] of meter.byLabel) {
        const o = outcomes.get(loanId) ?? '?';
        const k = byOutcome.get(o) ?? { loans: 0, t: newTally() };
        k.loans++;
        add(k.t, t);
        byOutcome.set(o, k);
      }
      const all = { loans: 0, t: newTally() };
      printHeader('per payment');
      for (const [o, k] of byOutcome) {
        all.loans += k.loans;
        add(all.t, k.t);
        printPer(`  ${o}`, k.loans, k.t);
      }
      printPer('  all', all.loans, all.t);
    };
    /** The loan after its payment, outside the figures: what the payment did to it. */
    const getLoanRecordQuiet = async (l: SeededLoan) => {
      const after = await meter.label.run(QUIET, () => getLoanRecord(l.tenant, l.loanId));
      return after.ledger.status === 'REPAID' ? 'loan REPAID' : 'loan still open';
    };
    await payAll('payments');
    await payAll('same ids again');

    // ------------------------------------------------------------------ summary
    const perLoan = (n: number) => (allDue.loans ? n / allDue.loans : 0);
    console.log(`\n  summary (AWS rules from item sizes; DynamoDB Local's own figure in brackets)`);
    console.log(
      `    run for ${loans.toLocaleString()} loans: ${first.total.requests.toLocaleString()} requests, ${fmt(first.total.rcu)} RCU [${fmt(first.total.localRcu)}], ` +
        `${fmt(first.total.wcu)} table WCU + ${fmt(first.total.indexWcu)} index WCU [${fmt(first.total.localWcu)}], ${s(first.elapsed)} here`,
    );
    console.log(
      `    per loan-day with work: ${perLoan(allDue.t.reads).toFixed(2)} GetItem + ${(queries.requests / Math.max(1, first.loans)).toFixed(3)} Query, ` +
        `${perLoan(allDue.t.writes).toFixed(2)} transactions of ${perLoan(allDue.t.itemsWritten).toFixed(1)} items, ` +
        `${perLoan(allDue.t.rcu).toFixed(2)} RCU + ${(queries.rcu / Math.max(1, first.loans)).toFixed(3)} index RCU, ` +
        `${perLoan(allDue.t.wcu).toFixed(1)} WCU + ${perLoan(allDue.t.indexWcu).toFixed(1)} index WCU ` +
        `(byServiceDate ${perLoan(allDue.t.svcWcu).toFixed(1)}) [Local ${perLoan(allDue.t.localRcu).toFixed(1)} RCU, ${perLoan(allDue.t.localWcu).toFixed(1)} WCU]`,
    );
    console.log(
      `    index writes counted once; DynamoDB Local doubles them in a transaction: then the run is ` +
        `${fmt(first.total.wcu + 2 * first.total.indexWcu)} WCU, ${(perLoan(allDue.t.wcu + 2 * allDue.t.indexWcu)).toFixed(1)} a loan-day`,
    );
    console.log(
      `    same date again: ${second.total.requests} requests, ${fmt(second.total.rcu)} RCU, ${fmt(second.total.wcu + second.total.indexWcu)} WCU; ` +
        `loans with nothing to do read by the run: ${first.loans - due.length}`,
    );
  } finally {
    ddb.middlewareStack.remove('benchCapacityMeter');
    await dynamo.stop();
  }
}

// ----------------------------------------------------------------------------- helpers

async function inParallel<T, R>(items: T[], width: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i] as T);
      }
    }),
  );
  return out;
}

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const pad = (n: number, w: number) => n.toLocaleString().padStart(w);
const fmt = (n: number) =>
  Number.isInteger(n) ? n.toLocaleString() : n.toLocaleString(undefined, { maximumFractionDigits: 1 });

function printCommands(byCommand: Map<string, Tally>) {
  for (const [command, t] of [...byCommand].sort()) {
    console.log(
      `    ${command.padEnd(18)} ${pad(t.requests, 7)} requests ${pad(t.itemsRead + t.itemsWritten, 8)} items  ` +
        `RCU ${fmt(t.rcu).padStart(8)} [Local ${fmt(t.localRcu)}]  WCU ${fmt(t.wcu).padStart(8)} + index ${fmt(t.indexWcu).padStart(8)} (svc ${fmt(t.svcWcu)}) [Local ${fmt(t.localWcu)}]` +
        (t.errors ? `  ${t.errors} errors` : ''),
    );
  }
}

function printPer(what: string, loans: number, t: Tally) {
  const per = (n: number) => (loans ? n / loans : 0);
  console.log(
    `    ${what.slice(0, 58).padEnd(58)} ${pad(loans, 6)} ${per(t.reads).toFixed(2).padStart(6)} ${per(t.writes).toFixed(2).padStart(6)} ` +
      `${per(t.itemsWritten).toFixed(1).padStart(6)} ${per(t.rcu).toFixed(2).padStart(6)} ${per(t.wcu).toFixed(1).padStart(6)} ` +
      `${per(t.indexWcu).toFixed(1).padStart(7)} ${per(t.svcWcu).toFixed(1).padStart(6)} ${`${per(t.localRcu).toFixed(1)}/${per(t.localWcu).toFixed(1)}`.padStart(11)}`,
  );
}

function printHeader(what: string) {
  console.log(
    `    ${what.padEnd(58)} ${'count'.padStart(6)} ${'reads'.padStart(6)} ${'txns'.padStart(6)} ${'items'.padStart(6)} ` +
      `${'RCU'.padStart(6)} ${'WCU'.padStart(6)} ${'idxWCU'.padStart(7)} ${'(svc)'.padStart(6)} ${'Local R/W'.padStart(11)}`,
  );
}
