/**
 * The app user's credit limit: one item under the user, claimed PROCESSING by apply-limit (a
 * conditional put: one application runs at a time), completed by the limit workflow with its
 * event in one transaction. Amounts are IDR minor units: the total as a string (exact), the
 * available limit as a DynamoDB number, so a loan submission can reserve from it with a
 * conditional decrement (`availableLimit >= :amount`) in the transaction that creates the loan.
 */
import { DeleteCommand, GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '#core/errors';
import type { Tenant } from '#core/tenant';
import { ddb, tableName } from './client.ts';
import { cancelledConditions, expiryFor, isConditionalCheckFailed, tenantKey } from './keys.ts';
import type { TransactItem } from './loans.ts';
import { type DomainEvent, outboxPut } from './outbox.ts';

const limitKey = (t: Tenant, userId: string) => ({ pk: tenantKey(t, 'BOR', userId), sk: 'APPLIMIT' });

export type LimitStatus = 'PROCESSING' | 'APPROVED' | 'REJECTED';

export interface CreditLimit {
  applicationId: string;
  userId: string;
  productId: string;
  status: LimitStatus;
  currency: 'IDR';
  totalLimit?: string;
  availableLimit?: string;
  decision?: Record<string, unknown>;
  requestedAt: string;
  decidedAt?: string;
}

export async function findCreditLimit(tenant: Tenant, userId: string): Promise<CreditLimit | null> {
  const { Item } = await ddb.send(
    new GetCommand({ TableName: tableName(), Key: limitKey(tenant, userId), ConsistentRead: true }),
  );
  if (!Item) return null;
  const { pk: _p, sk: _s, expiresAt: _e, availableLimit, ...limit } = Item;
  return {
    ...(limit as CreditLimit),
    ...(availableLimit === undefined ? {} : { availableLimit: String(availableLimit) }),
  };
}

/**
 * Claims the user's limit application: written only when there is none, or the last one was
 * REJECTED (the user may apply again). Otherwise the current one, for the caller to refuse.
 */
export async function claimCreditLimit(
  tenant: Tenant,
  limit: CreditLimit,
): Promise<{ claimed: true } | { claimed: false; current: CreditLimit | null }> {
  try {
    await ddb.send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...limitKey(tenant, limit.userId), ...limit, expiresAt: expiryFor(tenant.mode) },
        ConditionExpression: 'attribute_not_exists(pk) OR #s = :rejected',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':rejected': 'REJECTED' },
      }),
    );
    return { claimed: true };
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
    return { claimed: false, current: await findCreditLimit(tenant, limit.userId) };
  }
}

/** Undoes a claim whose workflow could not start (the compensation of apply-limit). */
export async function releaseCreditLimit(tenant: Tenant, userId: string, applicationId: string) {
  await ddb
    .send(
      new DeleteCommand({
        TableName: tableName(),
        Key: limitKey(tenant, userId),
        ConditionExpression: 'applicationId = :id AND #s = :processing',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':id': applicationId, ':processing': 'PROCESSING' },
      }),
    )
    .catch((error: unknown) => {
      if (!isConditionalCheckFailed(error)) throw error;
    });
}

/** Records the decision of the running application with its event; ConflictError when already recorded. */
export async function completeCreditLimit(
  tenant: Tenant,
  userId: string,
  applicationId: string,
  result: Pick<CreditLimit, 'status' | 'totalLimit' | 'availableLimit' | 'decision'>,
  event: DomainEvent,
): Promise<void> {
  const table = tableName();
  const values: Record<string, unknown> = {
    ':id': applicationId,
    ':processing': 'PROCESSING',
    ':status': result.status,
    ':decision': result.decision ?? {},
    ':at': new Date().toISOString(),
  };
  let set = '#s = :status, decision = :decision, decidedAt = :at';
  if (result.totalLimit !== undefined) {
    values[':total'] = result.totalLimit;
    // A number, so submissions can reserve from it conditionally (see reserveLimitItem).
    values[':available'] = BigInt(result.availableLimit ?? result.totalLimit);
    set += ', totalLimit = :total, availableLimit = :available';
  }
  try {
    await ddb.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: table,
              Key: limitKey(tenant, userId),
              UpdateExpression: `SET ${set}`,
              ConditionExpression: 'applicationId = :id AND #s = :processing',
              ExpressionAttributeNames: { '#s': 'status' },
              ExpressionAttributeValues: values,
            },
          },
          outboxPut(table, event),
        ],
      }),
    );
  } catch (error) {
    if (cancelledConditions(error)?.[0]) {
      throw new ConflictError('limit_already_decided', `Limit application ${applicationId} is already decided`, {
        cause: error,
      });
    }
    throw error;
  }
}

/**
 * Turns an available limit stored as a string (items written before submissions reserved from
 * it) into the number the reservation's condition compares; a no-op otherwise. Conditional on
 * the string still being there, so a concurrent reservation is never overwritten.
 */
export async function ensureNumericAvailableLimit(tenant: Tenant, userId: string): Promise<void> {
  const { Item } = await ddb.send(
    new GetCommand({ TableName: tableName(), Key: limitKey(tenant, userId), ConsistentRead: true }),
  );
  const stored = Item?.availableLimit;
  if (typeof stored !== 'string') return;
  await ddb
    .send(
      new UpdateCommand({
        TableName: tableName(),
        Key: limitKey(tenant, userId),
        UpdateExpression: 'SET availableLimit = :number',
        ConditionExpression: 'availableLimit = :text',
        ExpressionAttributeValues: { ':number': BigInt(stored), ':text': stored },
      }),
    )
    .catch((error: unknown) => {
      if (!isConditionalCheckFailed(error)) throw error;
    });
}

/**
 * The transaction item that reserves `amount` of the user's APPROVED limit: a decrement
 * conditional on enough being available, so of concurrent submissions only those that fit
 * are written (a cancelled transaction, item 0 of the caller's, is INSUFFICIENT_LIMIT).
 */
export function reserveLimitItem(tenant: Tenant, userId: string, amount: bigint): TransactItem {
  return {
    Update: {
      TableName: tableName(),
      Key: limitKey(tenant, userId),
      UpdateExpression: 'SET availableLimit = availableLimit - :amount',
      ConditionExpression: '#s = :approved AND availableLimit >= :amount',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':amount': amount, ':approved': 'APPROVED' },
    },
  };
}

/**
 * The transaction item that gives `amount` back (a submission rejected before disbursal, or a
 * loan repaid). It goes with the write that ends the reservation, which is itself conditional
 * on the loan's status, so an amount comes back once.
 */
export function releaseLimitItem(tenant: Tenant, userId: string, amount: bigint): TransactItem {
  return {
    Update: {
      TableName: tableName(),
      Key: limitKey(tenant, userId),
      UpdateExpression: 'SET availableLimit = availableLimit + :amount',
      ConditionExpression: 'attribute_exists(availableLimit)',
      ExpressionAttributeValues: { ':amount': amount },
    },
  };
}
