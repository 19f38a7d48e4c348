/**
 * Blocking and unblocking a borrower (the lender's ops, platform API). Each change is one
 * transaction: the borrower's status (and its `block` record while blocked), a status history
 * item, and the `user_verify` event. The conditions are the business guards: two concurrent
 * blocks cannot both win, and an unblock restores exactly the status the block replaced.
 */
import { QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { BorrowerBlock, BorrowerStatus, KycResult } from '#core/borrowers';
import { ConflictError } from '#core/errors';
import type { Tenant } from '#core/tenant';
import { borrowerKey } from './borrowers.ts';
import { ddb, tableName } from './client.ts';
import { cancelledConditions, expiryFor, tenantKey } from './keys.ts';
import { type DomainEvent, outboxPut } from './outbox.ts';

/** One change of a borrower's status by ops, kept for the audit trail. */
export interface StatusChange {
  from: BorrowerStatus;
  to: BorrowerStatus;
  reason: string;
  /** The credential that made the change. */
  actor: string;
  at: string;
}

const historyItem = (tenant: Tenant, borrowerId: string, change: StatusChange) => ({
  pk: tenantKey(tenant, 'BOR', borrowerId),
  sk: `STATUS#${change.at}#${change.to}`,
  ...change,
  expiresAt: expiryFor(tenant.mode),
});

async function write(
  tenant: Tenant,
  borrowerId: string,
  update: Record<string, unknown>,
  change: StatusChange,
  event: DomainEvent,
  refused: string,
): Promise<void> {
  const table = tableName();
  try {
    await ddb.send(
      new TransactWriteCommand({
        TransactItems: [
          { Update: { TableName: table, Key: borrowerKey(tenant, borrowerId), ...update } as never },
          { Put: { TableName: table, Item: historyItem(tenant, borrowerId, change) } },
          outboxPut(table, event),
        ],
      }),
    );
  } catch (error) {
    if (cancelledConditions(error)?.[0]) throw new ConflictError('borrower_state_changed', refused, { cause: error });
    throw error;
  }
}

/** Blocks a borrower that is in status `block.previousStatus` (the caller read it), with its history item and event. */
export async function blockBorrower(
  tenant: Tenant,
  borrowerId: string,
  block: BorrowerBlock,
  event: DomainEvent,
): Promise<void> {
  await write(
    tenant,
    borrowerId,
    {
      UpdateExpression: 'SET #s = :blocked, #b = :block, updatedAt = :now',
      ConditionExpression: 'attribute_exists(pk) AND #s = :from',
      ExpressionAttributeNames: { '#s': 'status', '#b': 'block' },
      ExpressionAttributeValues: {
        ':blocked': 'BLOCKED',
        ':block': block,
        ':now': block.at,
        ':from': block.previousStatus,
      },
    },
    { from: block.previousStatus, to: 'BLOCKED', reason: block.reason, actor: block.actor, at: block.at },
    event,
    `Borrower ${borrowerId} changed status meanwhile (it is no longer ${block.previousStatus}): read it and try again`,
  );
}

/** Unblocks a borrower blocked by `block`: its status returns to the one the block replaced. */
export async function unblockBorrower(
  tenant: Tenant,
  borrowerId: string,
  block: BorrowerBlock,
  change: Pick<StatusChange, 'reason' | 'actor' | 'at'>,
  event: DomainEvent,
): Promise<void> {
  await write(
    tenant,
    borrowerId,
    {
      UpdateExpression: 'SET #s = :to, updatedAt = :now REMOVE #b',
      ConditionExpression: 'attribute_exists(pk) AND #s = :blocked AND #b.#at = :blockedAt',
      ExpressionAttributeNames: { '#s': 'status', '#b': 'block', '#at': 'at' },
      ExpressionAttributeValues: {
        ':to': block.previousStatus,
        ':now': change.at,
        ':blocked': 'BLOCKED',
        ':blockedAt': block.at,
      },
    },
    { from: 'BLOCKED', to: block.previousStatus, ...change },
    event,
    `Borrower ${borrowerId} was unblocked or blocked again meanwhile: read it and try again`,
  );
}

/** A borrower's status changes by ops, oldest first (the audit trail). */
export async function listStatusChanges(tenant: Tenant, borrowerId: string): Promise<StatusChange[]> {
  const { Items = [] } = await ddb.send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :s)',
      ExpressionAttributeValues: { ':pk': tenantKey(tenant, 'BOR', borrowerId), ':s': 'STATUS#' },
    }),
  );
  return Items.map(({ from, to, reason, actor, at }) => ({ from, to, reason, actor, at }));
}

/**
 * A KYC run that ends while its borrower is BLOCKED (blocked while VERIFIED): the result is
 * kept, and the status unblocking restores becomes the KYC outcome's, with the run's
 * `user_verify`, in one transaction. False when the borrower is not blocked from VERIFIED
 * (an earlier attempt of the step recorded it, or it was unblocked meanwhile).
 */
export async function recordKycWhileBlocked(
  tenant: Tenant,
  borrowerId: string,
  change: { kyc: KycResult; to: Exclude<BorrowerStatus, 'BLOCKED'>; event: DomainEvent },
): Promise<boolean> {
  const table = tableName();
  try {
    await ddb.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: table,
              Key: borrowerKey(tenant, borrowerId),
              UpdateExpression: 'SET kyc = :kyc, #b.previousStatus = :to, updatedAt = :now',
              ConditionExpression: '#s = :blocked AND #b.previousStatus = :verified AND kyc.kycId = :kycId',
              ExpressionAttributeNames: { '#s': 'status', '#b': 'block' },
              ExpressionAttributeValues: {
                ':kyc': change.kyc,
                ':to': change.to,
                ':now': new Date().toISOString(),
                ':blocked': 'BLOCKED',
                ':verified': 'VERIFIED',
                ':kycId': change.kyc.kycId,
              },
            },
          },
          outboxPut(table, change.event),
        ],
      }),
    );
    return true;
  } catch (error) {
    if (cancelledConditions(error)?.[0]) return false;
    throw error;
  }
}
