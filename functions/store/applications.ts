/** Loan applications: created when a customer accepts an offer, with the schedule the loan engine computed. */
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Borrower } from '#core/borrowers';
import { ConflictError, NotFoundError } from '#core/errors';
import type { Tenant } from '#core/tenant';
import { ddb, tableName } from './client.ts';
import { cancelledConditions, expiryFor, tenantKey } from './keys.ts';
import { type DomainEvent, outboxPut } from './outbox.ts';

export type ApplicationStatus = 'OFFER_ACCEPTED';

export interface LoanApplication {
  applicationId: string;
  borrowerId: string;
  customerId: string;
  offerId: string;
  referenceId: string;
  status: ApplicationStatus;
  currency: string;
  /** Accepted terms, as the partner sent them (major units, percent, months). */
  amount: number;
  tenure: number;
  interest: number;
  /** The loan engine's schedule, amounts as exact decimal strings in major units. */
  schedule: {
    installments: {
      number: number;
      dueDate: string;
      principal: string;
      interest: string;
      fees: string;
      total: string;
    }[];
    totals: { principal: string; interest: string; fees: string; total: string };
    upfrontFees: string;
    netDisbursed: string;
  };
  createdAt: string;
}

const applicationKey = (t: Tenant, applicationId: string) => ({ pk: tenantKey(t, 'APP', applicationId), sk: 'APP' });
const acceptanceKey = (t: Tenant, offerId: string) => ({
  pk: tenantKey(t, 'UNIQUE', 'ACCEPTED_OFFER', offerId),
  sk: 'UNIQUE',
});

/**
 * Creates the application, marks the offer accepted (once), and moves the customer's journey
 * on, with the `loan` event, in one transaction.
 */
export async function insertApplication(tenant: Tenant, borrower: Borrower, app: LoanApplication, event: DomainEvent) {
  const table = tableName();
  const expiresAt = expiryFor(tenant.mode);
  try {
    await ddb.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: table,
              Item: { ...acceptanceKey(tenant, app.offerId), applicationId: app.applicationId, expiresAt },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Put: {
              TableName: table,
              Item: { ...applicationKey(tenant, app.applicationId), ...app, expiresAt },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Update: {
              TableName: table,
              Key: { pk: tenantKey(tenant, 'BOR', borrower.borrowerId), sk: 'PROFILE' },
              UpdateExpression: 'SET journey.stage = :s, journey.applicationId = :a, updatedAt = :now',
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeValues: { ':s': 'OFFER_ACCEPTED', ':a': app.applicationId, ':now': app.createdAt },
            },
          },
          outboxPut(table, event),
        ],
      }),
    );
  } catch (error) {
    if (cancelledConditions(error)?.[0]) {
      throw new ConflictError('offer_already_accepted', `Offer ${app.offerId} was already accepted`, { cause: error });
    }
    throw error;
  }
}

/** The application that accepted an offer, or null. */
export async function findApplicationByOffer(tenant: Tenant, offerId: string): Promise<LoanApplication | null> {
  const { Item } = await ddb.send(
    new GetCommand({ TableName: tableName(), Key: acceptanceKey(tenant, offerId), ConsistentRead: true }),
  );
  return Item ? getApplication(tenant, String(Item.applicationId)) : null;
}

export async function getApplication(tenant: Tenant, applicationId: string): Promise<LoanApplication> {
  const { Item } = await ddb.send(
    new GetCommand({ TableName: tableName(), Key: applicationKey(tenant, applicationId), ConsistentRead: true }),
  );
  if (!Item) throw new NotFoundError('application', applicationId);
  const { pk: _p, sk: _s, expiresAt: _e, ...app } = Item;
  return app as LoanApplication;
}
