/** BRE runs: one per trigger, read by the poll endpoint, completed by the application workflow's credit steps. */
import { GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { OfferSlab } from '#core/credit/policies';
import { ConflictError } from '#core/errors';
import type { Tenant } from '#core/tenant';
import { ddb, getEntity, tableName } from './client.ts';
import { cancelledConditions, expiryFor, tenantKey } from './keys.ts';
import { type DomainEvent, outboxPut } from './outbox.ts';

export type BreStatus = 'PROCESSING' | 'SUCCESS' | 'REJECTED' | 'FAILED';

export interface Offer {
  offerID: string;
  createdAt: string;
  expiresAt: string;
  lenderID: string;
  lenderName: string;
  slabs: OfferSlab[];
}

export interface BreRun {
  referenceId: string;
  customerId: string;
  borrowerId: string;
  program: string;
  policy: { id: string; version: number };
  status: BreStatus;
  rejectionReason?: 'PRE_BRE_REJECT' | 'LENDER_BRE_REJECT';
  detailedReason?: string;
  /** Which rule decided, and the facts it saw (bureau score included): the decision's audit. */
  outputVariables?: Record<string, unknown>;
  offers?: Offer[];
  createdAt: string;
  completedAt?: string;
}

const runKey = (t: Tenant, referenceId: string) => ({ pk: tenantKey(t, 'BRE', referenceId), sk: 'BRE' });
const offerKey = (t: Tenant, offerId: string) => ({ pk: tenantKey(t, 'OFFER', offerId), sk: 'OFFER' });

/** An offer by its id with the BRE run it came from, or null. */
export async function findOffer(
  tenant: Tenant,
  offerId: string,
): Promise<{ referenceId: string; offer: Offer } | null> {
  const { Item } = await ddb.send(
    new GetCommand({ TableName: tableName(), Key: offerKey(tenant, offerId), ConsistentRead: true }),
  );
  return Item ? { referenceId: String(Item.referenceId), offer: Item.offer as Offer } : null;
}

/** The write of a new run, for a transaction that also claims it as the customer's current run. */
export function breRunPut(tenant: Tenant, run: BreRun) {
  return {
    Put: {
      TableName: tableName(),
      Item: { ...runKey(tenant, run.referenceId), ...run, expiresAt: expiryFor(tenant.mode) },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

export async function insertBreRun(tenant: Tenant, run: BreRun): Promise<void> {
  await ddb.send(new PutCommand(breRunPut(tenant, run).Put));
}

export async function getBreRun(tenant: Tenant, referenceId: string): Promise<BreRun> {
  return getEntity<BreRun>(runKey(tenant, referenceId), 'reference', referenceId);
}

/** Completes a PROCESSING run with its outcome and event; a run completes once. */
export async function completeBreRun(
  tenant: Tenant,
  referenceId: string,
  result: Pick<BreRun, 'status' | 'rejectionReason' | 'detailedReason' | 'outputVariables' | 'offers'>,
  event: DomainEvent,
): Promise<void> {
  const table = tableName();
  const values: Record<string, unknown> = {
    ':s': result.status,
    ':p': 'PROCESSING',
    ':now': new Date().toISOString(),
    ':o': result.outputVariables ?? {},
    ':offers': result.offers ?? [],
    ':r': result.rejectionReason ?? null,
    ':d': result.detailedReason ?? null,
  };
  try {
    await ddb.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: table,
              Key: runKey(tenant, referenceId),
              UpdateExpression:
                'SET #s = :s, completedAt = :now, outputVariables = :o, offers = :offers, rejectionReason = :r, detailedReason = :d',
              ConditionExpression: '#s = :p',
              ExpressionAttributeNames: { '#s': 'status' },
              ExpressionAttributeValues: values,
            },
          },
          outboxPut(table, event),
          // Each offer is findable by its id (accept offer), with the run it came from.
          ...(result.offers ?? []).map((offer) => ({
            Put: {
              TableName: table,
              Item: { ...offerKey(tenant, offer.offerID), referenceId, offer, expiresAt: expiryFor(tenant.mode) },
            },
          })),
        ],
      }),
    );
  } catch (error) {
    if (cancelledConditions(error)?.[0]) {
      throw new ConflictError('bre_already_completed', `BRE run ${referenceId} is already complete`, { cause: error });
    }
    throw error;
  }
}
