/**
 * A tenant's events, as `GET /v1/events` reads them. The outbox item (#store/outbox) is the
 * event record: written in the same transaction as the state change, carried to the bus by
 * the stream, and kept 30 days (as Stripe keeps its events) so a partner can reconcile what
 * its webhooks missed.
 *
 * Keys: `T#…#EVT#<eventId>` / `EVENT` (by id: the partition its deliveries live in), and on
 * byCollection `T#…#EVENTS` / `<createdAt>#<eventId>` (the tenant's events in creation order).
 * Both start with the tenant, so a sandbox key never reads a live event, nor one partner
 * another's.
 *
 * Counting (`meta.total`) is a Query with `Select: COUNT` over the same key range and filter
 * as the page: exact and never a Scan; it reads the tenant's retained events (30 days at most,
 * about 2,000 per 1 MB page). A counter item in the event's transaction was the alternative and
 * was refused: every state change of a tenant would contend on it (a TransactWrite that meets
 * another on the same item is cancelled), it could not count a filter by type, object or date,
 * and TTL deletions would never decrement it.
 */
import { GetCommand, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { NotFoundError } from '#core/errors';
import type { Tenant } from '#core/tenant';
import { ddb, tableName } from './client.ts';
import { tenantKey } from './keys.ts';
import type { DomainEvent } from './outbox.ts';
import type { TABLE } from './schema.ts';

/** Events are kept 30 days in both modes (the outbox relay needs minutes; partners need the month). */
export const EVENT_RETENTION_SECONDS = 30 * 24 * 3600;

/**
 * The data fields that name the object an event is about, most specific first: the first one
 * present is the event's `objectId`; all of them are matched by `object_id`. A new resource
 * whose events name it under another field adds it here.
 */
export const EVENT_OBJECT_FIELDS = [
  'paymentId',
  'payment_id',
  'loanUniqueId',
  'loanId',
  'loan_id',
  'applicationId',
  'referenceID',
  'reference_id',
  'userId',
  'customerID',
] as const;

/** The ids an event's data names, most specific first (no duplicates). */
export function eventObjectIds(data: Record<string, unknown>): string[] {
  const ids: string[] = [];
  for (const field of EVENT_OBJECT_FIELDS) {
    const value = data[field];
    if (typeof value === 'string' && value !== '' && !ids.includes(value)) ids.push(value);
  }
  return ids;
}

/** The event record's keys (written by outboxPut). */
export function eventRecordKeys(event: DomainEvent) {
  const tenant: Tenant = { partnerId: event.partnerId, mode: event.mode };
  return {
    pk: tenantKey(tenant, 'EVT', event.eventId),
    sk: 'EVENT',
    gsi1pk: tenantKey(tenant, 'EVENTS'),
    gsi1sk: `${event.createdAt}#${event.eventId}`,
  };
}

/** Events older than this are gone for the API, even before TTL (which may lag by days) deletes them. */
function retainedSince(now: number): string {
  return new Date(now - EVENT_RETENTION_SECONDS * 1000).toISOString();
}

/** One of the tenant's events by id (NotFoundError when it is not the tenant's, or expired). */
export async function getTenantEvent(tenant: Tenant, eventId: string, now = Date.now()): Promise<DomainEvent> {
  const { Item } = await ddb.send(
    new GetCommand({ TableName: tableName(), Key: { pk: tenantKey(tenant, 'EVT', eventId), sk: 'EVENT' } }),
  );
  const event = Item?.event as DomainEvent | undefined;
  if (!event || event.createdAt < retainedSince(now)) throw new NotFoundError('event', eventId);
  return event;
}

export interface EventFilter {
  type?: string;
  objectId?: string;
  /** ISO timestamps, inclusive. */
  createdGte?: string;
  createdLte?: string;
}

/**
 * Which of a tenant's events match `filter`, newest first: the page at `offset`, and how many
 * match in all. The created range is the index's key condition; type and object are filters.
 */
export async function listTenantEvents(
  tenant: Tenant,
  filter: EventFilter,
  page: { limit: number; offset: number },
  now = Date.now(),
): Promise<{ events: DomainEvent[]; total: number }> {
  const retained = retainedSince(now);
  const from = filter.createdGte && filter.createdGte > retained ? filter.createdGte : retained;
  // `<createdAt>#<eventId>`: '#' sorts before digits, '~' after every id character.
  const to = `${filter.createdLte ?? '9999'}#~`;
  const names: Record<string, string> = { '#g': 'gsi1pk', '#s': 'gsi1sk' };
  const values: Record<string, unknown> = { ':g': tenantKey(tenant, 'EVENTS'), ':from': from, ':to': to };
  const conditions: string[] = [];
  if (filter.type) {
    names['#e'] = 'event';
    names['#t'] = 'type';
    values[':type'] = filter.type;
    conditions.push('#e.#t = :type');
  }
  if (filter.objectId) {
    names['#o'] = 'objectIds';
    values[':object'] = filter.objectId;
    conditions.push('contains(#o, :object)');
  }
  const query: QueryCommandInput = {
    TableName: tableName(),
    IndexName: 'byCollection' satisfies keyof typeof TABLE.indexes,
    KeyConditionExpression: '#g = :g AND #s BETWEEN :from AND :to',
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
    ...(conditions.length ? { FilterExpression: conditions.join(' AND ') } : {}),
  };
  const [events, total] = await Promise.all([readPage(query, page), countMatches(query)]);
  return { events, total };
}

/** Reads newest first until the page is full (a filter may drop items from every read). */
async function readPage(query: QueryCommandInput, page: { limit: number; offset: number }): Promise<DomainEvent[]> {
  const wanted = page.offset + page.limit;
  const found: DomainEvent[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await ddb.send(
      new QueryCommand({
        ...query,
        ScanIndexForward: false,
        Limit: Math.min(Math.max(wanted - found.length, 25), 500),
        ExclusiveStartKey: start,
      }),
    );
    for (const item of out.Items ?? []) found.push(item.event as DomainEvent);
    start = out.LastEvaluatedKey;
  } while (start && found.length < wanted);
  return found.slice(page.offset, wanted);
}

async function countMatches(query: QueryCommandInput): Promise<number> {
  let total = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const out = await ddb.send(new QueryCommand({ ...query, Select: 'COUNT', ExclusiveStartKey: start }));
    total += out.Count ?? 0;
    start = out.LastEvaluatedKey;
  } while (start);
  return total;
}
