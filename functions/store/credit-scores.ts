/**
 * Credit score runs (partner API). The latest run lives on the borrower's profile item as
 * `creditScore`: GET /api/core/users/{userId} reads it with the borrower, and claiming a run
 * is one conditional write on that item.
 *
 * Idempotency: a request decides from the run it read (nextRunAction in #core/credit/score)
 * and claims a new run with a compare-and-swap on that run's reference. Of N concurrent
 * identical requests exactly one wins; the others read again and answer with the winner's run.
 */
import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CreditScoreRun } from '#core/credit/score';
import type { Tenant } from '#core/tenant';
import { borrowerKey } from './borrowers.ts';
import { ddb, tableName } from './client.ts';
import { cancelledConditions, isConditionalCheckFailed } from './keys.ts';
import { type DomainEvent, outboxPut } from './outbox.ts';

/**
 * Makes `run` the borrower's current credit score run if the current one is still `previous`
 * (none when undefined) and the borrower is not BLOCKED. False when either changed meanwhile
 * (the caller reads the borrower again and decides again).
 */
export async function claimCreditScoreRun(
  tenant: Tenant,
  borrowerId: string,
  previous: string | undefined,
  run: CreditScoreRun,
): Promise<boolean> {
  try {
    await ddb.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: borrowerKey(tenant, borrowerId),
        UpdateExpression: 'SET creditScore = :run, updatedAt = :now',
        ConditionExpression: `attribute_exists(pk) AND #s <> :blocked AND ${
          previous ? 'creditScore.referenceId = :prev' : 'attribute_not_exists(creditScore)'
        }`,
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: {
          ':run': run,
          ':now': run.requestedAt,
          ':blocked': 'BLOCKED',
          ...(previous ? { ':prev': previous } : {}),
        },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}

/**
 * Records a run's result with its `user_credit_score` event in one transaction, if the run is
 * still the borrower's current one and in progress. False when it is not (an earlier attempt
 * of the step recorded it, or a newer run took its place after it was abandoned).
 */
export async function recordCreditScore(
  tenant: Tenant,
  borrowerId: string,
  result: CreditScoreRun,
  event?: DomainEvent,
): Promise<boolean> {
  const table = tableName();
  const update = {
    Update: {
      TableName: table,
      Key: borrowerKey(tenant, borrowerId),
      UpdateExpression: 'SET creditScore = :run, updatedAt = :now',
      ConditionExpression: 'creditScore.referenceId = :ref AND creditScore.#st = :running',
      ExpressionAttributeNames: { '#st': 'status' },
      ExpressionAttributeValues: {
        ':run': result,
        ':now': result.completedAt ?? new Date().toISOString(),
        ':ref': result.referenceId,
        ':running': 'IN_PROGRESS',
      },
    },
  };
  try {
    await ddb.send(new TransactWriteCommand({ TransactItems: event ? [update, outboxPut(table, event)] : [update] }));
    return true;
  } catch (error) {
    if (cancelledConditions(error)?.[0]) return false;
    throw error;
  }
}
