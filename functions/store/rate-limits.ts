/**
 * Fixed-window request counters, in the table so that every Lambda instance shares them.
 *
 * **Why shards.** A window is counted with one UpdateItem ADD per request. On a single item all
 * of a credential's writes land on one partition, which DynamoDB caps at 1,000 write units a
 * second: a partner at 1,000+ requests/s would be throttled by the counter before its limit.
 * So a window whose limit means more than {@link SHARD_WRITES_PER_SECOND} writes a second on
 * average is split over N = ⌈limit / window / 250⌉ items (`RATE#<subject>#<start>#<shard>`),
 * and each shard gets a fixed share of the limit (shares differ by at most one and sum to the
 * limit). A request ADDs to one shard picked at random among those this instance has not
 * seen full, and is admitted if the shard's new count is within its share. Writes spread
 * evenly: 2,000 requests/s under a 120,000/min limit are 8 shards at ~250 writes/s each.
 * Limits up to 15,000/min (the platform's 100, the journey's 6,000) keep one item, as before.
 *
 * **Accuracy.** Still one write per request and no read. Shares sum to the limit, so a window
 * never admits more than the limit. A request that lands on a full shard is not refused: the
 * instance remembers that shard as full for the rest of the window and tries another, so
 * refusals start only once every shard is full, i.e. once the whole limit is used (for one
 * item this is exactly the 101st request at a limit of 100). What sharding costs is: (a) at
 * most one extra write per shard, per instance and window, to learn that it is full; (b)
 * X-RateLimit-Remaining is an estimate (this shard's remainder × the shards still open); (c)
 * an instance that knows every shard is full refuses without writing, which also keeps a
 * client far over its limit from hammering the counter.
 *
 * **Degraded.** If DynamoDB throttles the counter anyway (a burst far above the limit's
 * average rate), the request is let through uncounted (`counted: false`): the limiter must not
 * turn a hot key into errors for a partner within its limit. API Gateway's stage throttling
 * stays in front.
 *
 * Not chosen: reading N shards per request (N reads for every request), estimating the total
 * as one shard's count × N (noisy both ways, admits past the limit), and API Gateway usage
 * plans (per-second token buckets applied "on a best-effort basis", no X-RateLimit-Remaining
 * as the platform spec asks, an API Gateway key to provision per credential, and nothing
 * equivalent in the local runtime).
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from './client.ts';

/**
 * Writes a second one counter item should take at the limit's average rate: a quarter of
 * DynamoDB's 1,000 WCU per partition, so a client may burst to four times its average rate
 * within a window before any item gets hot.
 */
export const SHARD_WRITES_PER_SECOND = 250;

/**
 * At most this many items a window: 64,000 writes/s at DynamoDB's ceiling. A limit past
 * 960,000 a minute is in effect none (tests that lift the limit set 10,000,000).
 */
export const MAX_SHARDS = 64;

export interface WindowLimit {
  /** Requests admitted per window. */
  limit: number;
  windowSeconds: number;
  /** Counter items for the window; derived from the limit ({@link shardsFor}) unless given (tests, benchmark). */
  shards?: number;
}

export interface WindowCount {
  allowed: boolean;
  /** False when DynamoDB throttled the counter and the request was let through uncounted. */
  counted: boolean;
  /**
   * Requests left in the window: exact with one shard, an estimate with several. Not counted
   * (the counter throttled): what this instance last saw of the window, or 0 if it saw nothing
   * (DynamoDB throttles the counter only far above the limit's average rate: slowing down is
   * the right hint).
   */
  remaining: number;
  /** Epoch seconds when the window ends. */
  resetsAt: number;
  shards: number;
}

/** How many counter items a window with this limit is spread over. */
export function shardsFor(limit: number, windowSeconds: number): number {
  return Math.min(MAX_SHARDS, Math.max(1, Math.ceil(limit / windowSeconds / SHARD_WRITES_PER_SECOND)));
}

/** One shard's share of the limit: shares differ by at most one and sum to the limit. */
export function shardBudget(limit: number, shards: number, shard: number): number {
  return Math.floor(limit / shards) + (shard < limit % shards ? 1 : 0);
}

/** The counter item of one shard of one window (one shard keeps the original, unsuffixed key). */
function windowKey(subject: string, start: number, shard: number, shards: number) {
  return { pk: shards === 1 ? `RATE#${subject}#${start}` : `RATE#${subject}#${start}#${shard}`, sk: 'RATE' };
}

/** Shards this instance has seen full, per window (and limit), and the remainder it last saw; forgotten when the window ends. */
const fullShards = new Map<string, { shards: Set<number>; resetsAt: number; remaining?: number }>();

function windowMemo(key: string, resetsAt: number, nowMs: number) {
  if (fullShards.size > 1_000) {
    for (const [k, v] of fullShards) if (v.resetsAt * 1000 <= nowMs) fullShards.delete(k);
  }
  let entry = fullShards.get(key);
  if (!entry) {
    entry = { shards: new Set(), resetsAt };
    fullShards.set(key, entry);
  }
  return entry;
}

function isThrottled(error: unknown): boolean {
  const name = error instanceof Error ? error.name : '';
  return (
    name === 'ThrottlingException' ||
    name === 'ProvisionedThroughputExceededException' ||
    name === 'RequestLimitExceeded'
  );
}

/**
 * Counts one request of `subject` in the current window and says whether it is within the
 * limit. One UpdateItem in the common case; see the module comment for shards and accuracy.
 */
export async function countRequest(subject: string, window: WindowLimit, nowMs = Date.now()): Promise<WindowCount> {
  const { limit, windowSeconds } = window;
  const shards = window.shards ?? shardsFor(limit, windowSeconds);
  const start = Math.floor(nowMs / 1000 / windowSeconds) * windowSeconds;
  const resetsAt = start + windowSeconds;
  const memo = windowMemo(`${subject}#${start}#${limit}#${shards}`, resetsAt, nowMs);
  const full = memo.shards;
  for (;;) {
    const open: number[] = [];
    for (let s = 0; s < shards; s++) if (!full.has(s)) open.push(s);
    // Every shard is known full: refused without a write.
    if (open.length === 0) return { allowed: false, counted: true, remaining: 0, resetsAt, shards };
    const shard = open[Math.floor(Math.random() * open.length)] as number;
    const budget = shardBudget(limit, shards, shard);
    let count: number;
    try {
      const { Attributes } = await ddb.send(
        new UpdateCommand({
          TableName: tableName(),
          Key: windowKey(subject, start, shard, shards),
          UpdateExpression: 'ADD #c :one SET expiresAt = if_not_exists(expiresAt, :exp)',
          ExpressionAttributeNames: { '#c': 'count' },
          ExpressionAttributeValues: { ':one': 1, ':exp': resetsAt + windowSeconds },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      count = Number(Attributes?.count ?? 1);
    } catch (error) {
      if (isThrottled(error))
        return { allowed: true, counted: false, remaining: memo.remaining ?? 0, resetsAt, shards };
      throw error;
    }
    if (count >= budget) full.add(shard);
    if (count <= budget) {
      // The other open shards are assumed as used as this one.
      const remaining = shards === 1 ? limit - count : (budget - count) * open.length;
      memo.remaining = remaining;
      return { allowed: true, counted: true, remaining, resetsAt, shards };
    }
    // This shard was already full: another one may still have room (once per shard, instance and window).
  }
}
