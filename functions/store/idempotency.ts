/**
 * Idempotency records: the first response to a (tenant, method, path, Idempotency-Key) is
 * stored for 24 h and replayed; a different body under the same key is refused; a retry
 * while the first request still runs gets "in progress".
 */
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Tenant } from '#core/tenant';
import { ddb, tableName } from './client.ts';
import { digest, isConditionalCheckFailed, tenantKey } from './keys.ts';

export const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;
/** A lock older than this is taken to belong to a request that died (Lambda's timeout is shorter). */
const IN_PROGRESS_LOCK_SECONDS = 60;

export interface StoredResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export type ClaimResult =
  | { outcome: 'claimed' }
  | { outcome: 'replay'; response: StoredResponse }
  | { outcome: 'mismatch' }
  | { outcome: 'in_progress' };

const recordKey = (t: Tenant, scope: string, key: string) => ({
  pk: tenantKey(t, 'IDEM', digest(`${scope}\n${key}`)),
  sk: 'IDEM',
});

/** Claims a key for this request (by a hash of its body), or says what the earlier request left. */
export async function claimIdempotencyKey(
  tenant: Tenant,
  scope: string,
  key: string,
  requestHash: string,
): Promise<ClaimResult> {
  const now = Math.floor(Date.now() / 1000);
  try {
    await ddb.send(
      new PutCommand({
        TableName: tableName(),
        Item: {
          ...recordKey(tenant, scope, key),
          status: 'IN_PROGRESS',
          requestHash,
          lockedUntil: now + IN_PROGRESS_LOCK_SECONDS,
          expiresAt: now + IDEMPOTENCY_TTL_SECONDS,
        },
        // Free, expired (TTL deletion lags), or a lock left by a request that died.
        ConditionExpression:
          'attribute_not_exists(pk) OR expiresAt < :now OR (#s = :p AND lockedUntil < :now AND requestHash = :h)',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':now': now, ':p': 'IN_PROGRESS', ':h': requestHash },
      }),
    );
    return { outcome: 'claimed' };
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
  }
  const { Item } = await ddb.send(
    new GetCommand({ TableName: tableName(), Key: recordKey(tenant, scope, key), ConsistentRead: true }),
  );
  if (!Item) return claimIdempotencyKey(tenant, scope, key, requestHash);
  if (Item.requestHash !== requestHash) return { outcome: 'mismatch' };
  if (Item.status === 'COMPLETED') return { outcome: 'replay', response: Item.response as StoredResponse };
  return { outcome: 'in_progress' };
}

/** How long a request whose key is held by an identical request in flight waits for its answer. */
const IDEMPOTENCY_WAIT_MS = 10_000;

/**
 * Claims the key, or, while an identical request holds it, waits for that request's answer:
 * the same call sent N times at once gets one answer, not one answer and N-1 "in progress".
 * Still in progress after the wait (a slow first request) is the 409 a client retries.
 */
export async function claimOrAwaitIdempotencyKey(
  tenant: Tenant,
  scope: string,
  key: string,
  requestHash: string,
): Promise<ClaimResult> {
  const deadline = Date.now() + IDEMPOTENCY_WAIT_MS;
  for (let pause = 50; ; pause = Math.min(pause * 2, 500)) {
    const result = await claimIdempotencyKey(tenant, scope, key, requestHash);
    if (result.outcome !== 'in_progress' || Date.now() + pause > deadline) return result;
    await new Promise((r) => setTimeout(r, pause));
  }
}

/** Stores the response that later requests with the same key will get. */
export async function completeIdempotencyKey(
  tenant: Tenant,
  scope: string,
  key: string,
  response: StoredResponse,
): Promise<void> {
  await ddb.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: recordKey(tenant, scope, key),
      UpdateExpression: 'SET #s = :c, #r = :r',
      ExpressionAttributeNames: { '#s': 'status', '#r': 'response' },
      ExpressionAttributeValues: { ':c': 'COMPLETED', ':r': response },
    }),
  );
}

/** Frees a key after a server error, so the client's retry runs the request again. */
export async function releaseIdempotencyKey(tenant: Tenant, scope: string, key: string): Promise<void> {
  await ddb.send(new DeleteCommand({ TableName: tableName(), Key: recordKey(tenant, scope, key) }));
}
