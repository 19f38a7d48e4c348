/**
 * One page of a tenant's collection on the byCollection index (newest first), with equality
 * filters, and its exact total: counted while reading to the end when the counter cannot say
 * (a combined filter, or `countAll`), else taken from the collection's counters item, which the
 * writers keep in the same transactions as the items (`counter` names the attribute).
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from './client.ts';

export async function collectionPage<T>(options: {
  collection: string;
  /** Attribute name -> the value it must equal (undefined: no filter on it). */
  equals: Record<string, string | undefined>;
  limit: number;
  offset: number;
  /** Count by reading every match even with one filter (a filter no counter tracks). */
  countAll: boolean;
  counters: { pk: string; sk: string };
  counter: string;
  map: (item: Record<string, unknown>) => T;
}): Promise<{ items: T[]; total: number }> {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ':pk': options.collection };
  const conditions = Object.entries(options.equals)
    .filter(([, value]) => value !== undefined)
    .map(([field, value], i) => {
      names[`#f${i}`] = field;
      values[`:f${i}`] = value;
      return `#f${i} = :f${i}`;
    });
  const countAll = options.countAll || conditions.length > 1;
  const items: T[] = [];
  let matched = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await ddb.send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: 'byCollection',
        KeyConditionExpression: 'gsi1pk = :pk',
        ...(conditions.length ? { FilterExpression: conditions.join(' AND '), ExpressionAttributeNames: names } : {}),
        ExpressionAttributeValues: values,
        ScanIndexForward: false,
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) {
      if (matched >= options.offset && items.length < options.limit) items.push(options.map(item));
      matched += 1;
    }
    start = page.LastEvaluatedKey;
    // The counter gives the total: stop once the page is full.
    if (!countAll && items.length >= options.limit) break;
  } while (start);
  // Read to the end: the count is exact.
  if (!start) return { items, total: matched };
  const { Item } = await ddb.send(new GetCommand({ TableName: tableName(), Key: options.counters }));
  return { items, total: Number(Item?.[options.counter] ?? 0) };
}

/**
 * Every item of a tenant's collection on the byCollection index whose sort key falls in
 * `[start, end)` (ISO instants: sort keys are `<instant>#<id>`), oldest first, a page at a
 * time: for readers that stream a whole range (reports) without holding it. A Query, never a
 * Scan; `filter` is a FilterExpression over the page (the read still pays for the range).
 */
export async function* collectionRange(options: {
  collection: string;
  start: string;
  end: string;
  filter?: { expression: string; names: Record<string, string>; values: Record<string, unknown> };
  pageSize?: number;
}): AsyncGenerator<Record<string, unknown>[]> {
  let exclusiveStart: Record<string, unknown> | undefined;
  do {
    const page = await ddb.send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: 'byCollection',
        // `end` alone sorts before every `<end>#<id>`, so BETWEEN leaves out the end instant itself.
        KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk BETWEEN :start AND :end',
        ExpressionAttributeValues: {
          ':pk': options.collection,
          ':start': options.start,
          ':end': options.end,
          ...options.filter?.values,
        },
        ...(options.filter
          ? { FilterExpression: options.filter.expression, ExpressionAttributeNames: options.filter.names }
          : {}),
        ScanIndexForward: true,
        Limit: options.pageSize ?? 500,
        ExclusiveStartKey: exclusiveStart,
      }),
    );
    if (page.Items?.length) yield page.Items;
    exclusiveStart = page.LastEvaluatedKey;
  } while (exclusiveStart);
}

/**
 * Every item of a small collection on the byCollection index (a tenant's payment exceptions,
 * KYC runs in review, application starts), in sort-key order (`newestFirst` reverses it), up to
 * `cap`; a Query, never a Scan, followed to its last page.
 */
export async function collectionItems(options: {
  collection: string;
  newestFirst?: boolean;
  cap?: number;
}): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  const cap = options.cap ?? Number.POSITIVE_INFINITY;
  let start: Record<string, unknown> | undefined;
  do {
    const result = await ddb.send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: 'byCollection',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': options.collection },
        ScanIndexForward: !options.newestFirst,
        ...(Number.isFinite(cap) ? { Limit: cap - items.length } : {}),
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(result.Items ?? []));
    start = result.LastEvaluatedKey;
  } while (start && items.length < cap);
  return items;
}
