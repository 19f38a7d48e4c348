/**
 * Wrong-attempt counters with lockout, for the security PIN and biometric logins: an attempt
 * is reserved BEFORE the secret is checked (a conditional update), so N guesses sent at once
 * get at most `max` checks per lock window, not N. A right answer resets the counter; after
 * `lockSeconds` from the last failure a locked counter starts again at one.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from './client.ts';
import { isConditionalCheckFailed } from './keys.ts';

export type Reservation = { ok: true; used: number } | { ok: false; retryAfter: number };

type Key = { pk: string; sk: string };

export async function reserveAttempt(
  key: Key,
  name: string,
  policy: { maxAttempts: number; lockSeconds: number },
  now = Math.floor(Date.now() / 1000),
): Promise<Reservation> {
  const names = { '#n': `${name}Failures`, '#t': `${name}LastFailureAt` };
  try {
    const { Attributes } = await ddb.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: key,
        UpdateExpression: 'ADD #n :one SET #t = :now',
        ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(#n) OR #n < :max)',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: { ':one': 1, ':now': now, ':max': policy.maxAttempts },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return { ok: true, used: Number(Attributes?.[names['#n']]) };
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
  }
  // Locked: unless the lock has run out, in which case this is the first attempt of a new window.
  try {
    await ddb.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: key,
        UpdateExpression: 'SET #n = :one, #t = :now',
        ConditionExpression: 'attribute_exists(pk) AND #n >= :max AND #t <= :unlockedBefore',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: {
          ':one': 1,
          ':now': now,
          ':max': policy.maxAttempts,
          ':unlockedBefore': now - policy.lockSeconds,
        },
      }),
    );
    return { ok: true, used: 1 };
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
  }
  const { Item } = await ddb.send(new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true }));
  const last = Number(Item?.[names['#t']] ?? now);
  return { ok: false, retryAfter: Math.max(1, last + policy.lockSeconds - now) };
}

/** Clears the counter (a right answer, or a fresh OTP login for the PIN). */
export async function resetAttempts(key: Key, name: string): Promise<void> {
  await ddb
    .send(
      new UpdateCommand({
        TableName: tableName(),
        Key: key,
        UpdateExpression: 'REMOVE #n, #t',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#n': `${name}Failures`, '#t': `${name}LastFailureAt` },
      }),
    )
    .catch((error: unknown) => {
      if (!isConditionalCheckFailed(error)) throw error;
    });
}
