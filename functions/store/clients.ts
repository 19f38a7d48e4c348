/**
 * The platform API's clients: the borrowers of ./borrowers.ts read as a collection (list,
 * filters, exact search) and changed where a back office may change them. No Scan anywhere:
 * lists query the tenant's partition of the byCollection index (`T#…#BORROWERS`), searches
 * read the UNIQUE and DEDUPE items the borrower's writes keep (see ./schema.ts).
 */
import { GetCommand, QueryCommand, type QueryCommandOutput, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Borrower, BorrowerStatus, BorrowerType, KycStatus } from '#core/borrowers';
import { ConflictError, InvalidStateError } from '#core/errors';
import type { Tenant } from '#core/tenant';
import { borrowerKey, findDuplicateCustomers, getBorrower } from './borrowers.ts';
import { ddb, tableName } from './client.ts';
import { cancelledConditions, expiryFor, tenantKey } from './keys.ts';
import type { TransactItem } from './loans.ts';
import { type DomainEvent, outboxPut } from './outbox.ts';

/** The same key ./borrowers.ts writes for a value unique within the tenant (PHONE, NIK, NIB, CUSTOMER). */
const uniqueKey = (t: Tenant, kind: string, value: string) => ({
  pk: tenantKey(t, 'UNIQUE', kind, value),
  sk: 'UNIQUE',
});

export interface ClientFilter {
  status?: BorrowerStatus;
  type?: BorrowerType;
  kycStatus?: KycStatus;
  /** Inclusive bounds on createdAt (ISO strings; a date alone covers its whole day at `to`). */
  createdFrom?: string;
  createdTo?: string;
}

export interface ClientSearch {
  phone?: string;
  nik?: string;
  pan?: string;
}

const stripKeys = (item: Record<string, unknown>): Borrower => {
  const { pk: _p, sk: _s, gsi1pk: _g, gsi1sk: _h, expiresAt: _e, ...entity } = item;
  return entity as unknown as Borrower;
};

/** A client's KYC status as the list filters it: NOT_STARTED until its first run. */
export const kycStatusOf = (b: Pick<Borrower, 'kyc'>): KycStatus => b.kyc?.status ?? 'NOT_STARTED';

function matches(b: Borrower, f: ClientFilter): boolean {
  if (f.status && b.status !== f.status) return false;
  if (f.type && b.borrowerType !== f.type) return false;
  if (f.kycStatus && kycStatusOf(b) !== f.kycStatus) return false;
  if (f.createdFrom && b.createdAt < f.createdFrom) return false;
  if (f.createdTo && b.createdAt > upperBound(f.createdTo)) return false;
  return true;
}

/** `2026-12-01` as an upper bound means the whole day; a full timestamp means itself. */
const upperBound = (to: string) => (to.length === 10 ? `${to}T23:59:59.999Z` : to);

/**
 * Clients of the tenant, newest first, a page of them and the exact total. The page reads the
 * index until it is full; the total is a COUNT query over the same key range and filter (it
 * returns no items, and reads only this tenant's partition of the index). A counter item would
 * be cheaper to read but every status change (KYC results, blocks, journey stages, in several
 * modules) would have to move per-status and per-KYC-status counters in its own transaction.
 */
export async function listClients(
  t: Tenant,
  filter: ClientFilter,
  page: { limit: number; offset: number },
): Promise<{ items: Borrower[]; total: number }> {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ':pk': tenantKey(t, 'BORROWERS') };
  const conditions: string[] = [];
  if (filter.status) {
    names['#st'] = 'status';
    values[':st'] = filter.status;
    conditions.push('#st = :st');
  }
  if (filter.type) {
    names['#ty'] = 'borrowerType';
    values[':ty'] = filter.type;
    conditions.push('#ty = :ty');
  }
  if (filter.kycStatus) {
    names['#kyc'] = 'kyc';
    if (filter.kycStatus === 'NOT_STARTED') conditions.push('attribute_not_exists(#kyc)');
    else {
      names['#ks'] = 'status';
      values[':ks'] = filter.kycStatus;
      conditions.push('#kyc.#ks = :ks');
    }
  }
  // gsi1sk is `<createdAt>#<borrowerId>`: the created range is a key condition, not a filter.
  let range = '';
  if (filter.createdFrom && filter.createdTo) {
    range = ' AND gsi1sk BETWEEN :from AND :to';
    values[':from'] = filter.createdFrom;
    values[':to'] = `${upperBound(filter.createdTo)}\uffff`;
  } else if (filter.createdFrom) {
    range = ' AND gsi1sk >= :from';
    values[':from'] = filter.createdFrom;
  } else if (filter.createdTo) {
    range = ' AND gsi1sk <= :to';
    values[':to'] = `${upperBound(filter.createdTo)}\uffff`;
  }
  const base = {
    TableName: tableName(),
    IndexName: 'byCollection',
    KeyConditionExpression: `gsi1pk = :pk${range}`,
    ...(conditions.length ? { FilterExpression: conditions.join(' AND ') } : {}),
    ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
    ExpressionAttributeValues: values,
    ScanIndexForward: false,
  };
  const items: Borrower[] = [];
  let seen = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const result: QueryCommandOutput = await ddb.send(new QueryCommand({ ...base, ExclusiveStartKey: start }));
    for (const item of result.Items ?? []) {
      if (seen >= page.offset && items.length < page.limit) items.push(stripKeys(item));
      seen += 1;
    }
    start = result.LastEvaluatedKey;
  } while (start && items.length < page.limit);
  if (!start) return { items, total: seen };
  let total = seen;
  do {
    const result: QueryCommandOutput = await ddb.send(
      new QueryCommand({ ...base, Select: 'COUNT', ExclusiveStartKey: start }),
    );
    total += result.Count ?? 0;
    start = result.LastEvaluatedKey;
  } while (start);
  return { items, total };
}

/**
 * Clients with this exact phone, NIK or PAN (all given must match the same client), read
 * through the items that keep them unique (a partner borrower's PHONE and NIK) or indexed for
 * the BRE's dedupe (a journey customer's phone and PAN): a GetItem or a Query each, no Scan.
 */
export async function searchClients(t: Tenant, search: ClientSearch, filter: ClientFilter): Promise<Borrower[]> {
  const sets: string[][] = [];
  const unique = async (kind: string, value: string) => {
    const { Item } = await ddb.send(
      new GetCommand({ TableName: tableName(), Key: uniqueKey(t, kind, value), ConsistentRead: true }),
    );
    return Item?.borrowerId ? [String(Item.borrowerId)] : [];
  };
  if (search.phone) {
    const [owner, customers] = await Promise.all([
      unique('PHONE', search.phone),
      findDuplicateCustomers(t, { borrowerId: '', phone: search.phone }),
    ]);
    sets.push([...new Set([...owner, ...customers])]);
  }
  if (search.nik) sets.push(await unique('NIK', search.nik));
  if (search.pan) sets.push(await findDuplicateCustomers(t, { borrowerId: '', phone: '', pan: search.pan }));
  const [first = [], ...rest] = sets;
  const ids = first.filter((id) => rest.every((s) => s.includes(id)));
  const found = await Promise.all(ids.map((id) => getBorrower(t, id).catch(() => null)));
  return found
    .filter((b): b is Borrower => b !== null)
    .filter((b) => (!search.phone || b.phone === search.phone) && (!search.nik || b.nik === search.nik))
    .filter((b) => matches(b, filter))
    .sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
}

/** What a back office may change on a client (see the PATCH route for why each). */
export interface ClientChange {
  name?: string;
  email?: string;
  phone?: string;
  nik?: string;
}

/** Statuses before any KYC result: identity fields may still be corrected. */
const BEFORE_KYC: readonly BorrowerStatus[] = ['PENDING'];

/**
 * Applies a change with its event in one transaction. Identity fields (name, phone, NIK) only
 * while the client is PENDING with no KYC run, checked by the write itself (a KYC starting at
 * the same moment cannot slip between the read and the write); a new phone or NIK takes its
 * UNIQUE item and frees the old one in the same transaction.
 */
export async function updateClient(
  t: Tenant,
  before: Borrower,
  change: ClientChange,
  event: DomainEvent,
): Promise<void> {
  const table = tableName();
  const expiresAt = expiryFor(t.mode);
  const now = new Date().toISOString();
  const identity = change.name !== undefined || change.phone !== undefined || change.nik !== undefined;
  const names: Record<string, string> = { '#upd': 'updatedAt' };
  const values: Record<string, unknown> = { ':now': now };
  const sets = ['#upd = :now'];
  for (const [field, value] of Object.entries(change)) {
    if (value === undefined) continue;
    names[`#${field}`] = field;
    values[`:${field}`] = value;
    sets.push(`#${field} = :${field}`);
  }
  let condition = 'attribute_exists(pk)';
  if (identity) {
    names['#s'] = 'status';
    names['#kyc'] = 'kyc';
    BEFORE_KYC.forEach((s, i) => {
      values[`:b${i}`] = s;
    });
    condition += ` AND #s IN (${BEFORE_KYC.map((_, i) => `:b${i}`).join(', ')}) AND attribute_not_exists(#kyc)`;
  }
  const items: TransactItem[] = [
    {
      Update: {
        TableName: table,
        Key: borrowerKey(t, before.borrowerId),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: condition,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    },
  ];
  const swaps: [kind: string, field: 'phone' | 'nik', from: string | undefined, to: string | undefined][] = [
    ['PHONE', 'phone', before.phone, change.phone],
    ['NIK', 'nik', before.nik, change.nik],
  ];
  const claimed: string[] = [];
  for (const [kind, field, from, to] of swaps) {
    if (to === undefined || to === from) continue;
    items.push({
      Put: {
        TableName: table,
        Item: { ...uniqueKey(t, kind, to), borrowerId: before.borrowerId, expiresAt },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    });
    claimed.push(field);
    if (from) {
      items.push({
        Delete: {
          TableName: table,
          Key: uniqueKey(t, kind, from),
          ConditionExpression: 'borrowerId = :me',
          ExpressionAttributeValues: { ':me': before.borrowerId },
        },
      });
      claimed.push(field);
    }
  }
  items.push(outboxPut(table, event));
  try {
    await ddb.send(new TransactWriteCommand({ TransactItems: items }));
  } catch (error) {
    const failed = cancelledConditions(error);
    if (!failed) throw error;
    if (failed[0]) {
      throw new InvalidStateError(
        'client_identity_locked',
        `Client ${before.borrowerId} has started KYC: its name, phone and NIK can no longer change`,
        { cause: error },
      );
    }
    const index = failed.findIndex((f, i) => f && i > 0);
    const field = claimed[index - 1];
    if (field) {
      throw new ConflictError('borrower_exists', `A borrower with this ${field} already exists`, { cause: error });
    }
    throw error;
  }
}
