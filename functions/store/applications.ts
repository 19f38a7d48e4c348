/** Loan applications: created when a customer accepts an offer, with the schedule the loan engine computed. */
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Borrower } from '#core/borrowers';
import { ConflictError, InvalidStateError, NotFoundError } from '#core/errors';
import type { Tenant } from '#core/tenant';
import { ddb, getEntity, tableName } from './client.ts';
import { cancelledConditions, expiryFor, tenantKey } from './keys.ts';
import { type DomainEvent, outboxPut } from './outbox.ts';

/**
 * OFFER_ACCEPTED -> SIGNED -> DISBURSAL_PROCESSING -> DISBURSED; or REJECTED (signing),
 * DISBURSAL_FAILED, or EXPIRED (KYC never completed while the accepted offer waited).
 */
export type ApplicationStatus =
  | 'OFFER_ACCEPTED'
  | 'EXPIRED'
  | 'SIGNED'
  | 'REJECTED'
  | 'DISBURSAL_PROCESSING'
  | 'DISBURSED'
  | 'DISBURSAL_FAILED';

export interface Agreement {
  referenceId: string;
  status: 'PROCESSING' | 'SUCCESS' | 'REJECTED' | 'FAILED';
  objectKey: string;
  createdAt: string;
  signedAt?: string;
}

export interface Disbursal {
  referenceId: string;
  status: 'PROCESSING' | 'SUCCESS' | 'FAILED';
  utrNumber?: string;
  loanAccountNumber?: string;
  disbursedAmount?: string;
  disbursedAt?: string;
  message?: string;
  /** 1 for the first trigger; a trigger after DISBURSAL_FAILED is the next attempt. */
  attempt?: number;
}

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
  agreement?: Agreement;
  disbursal?: Disbursal;
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
    const failed = cancelledConditions(error);
    if (failed?.[0]) {
      throw new ConflictError('offer_already_accepted', `Offer ${app.offerId} was already accepted`, { cause: error });
    }
    if (failed?.[1]) {
      throw new InvalidStateError('invalid_user_state', 'The customer has already accepted another offer', {
        cause: error,
      });
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
  return getEntity<LoanApplication>(applicationKey(tenant, applicationId), 'application', applicationId);
}

/** The application's terms, or null before the customer accepted an offer. */
export async function findApplication(tenant: Tenant, applicationId: string): Promise<LoanApplication | null> {
  try {
    return await getApplication(tenant, applicationId);
  } catch (error) {
    if (error instanceof NotFoundError) return null;
    throw error;
  }
}

const refKey = (t: Tenant, referenceId: string) => ({ pk: tenantKey(t, 'REF', referenceId), sk: 'REF' });

/**
 * Sets fields of an application, optionally only from given statuses, with an optional event
 * and a reference id (agreement or disbursal) that the poll endpoints look it up by.
 */
export async function updateApplication(
  tenant: Tenant,
  applicationId: string,
  change: {
    set: Partial<Pick<LoanApplication, 'status' | 'agreement' | 'disbursal'>>;
    from?: ApplicationStatus[];
    event?: DomainEvent;
    reference?: { id: string; kind: 'agreement' | 'disbursal' };
    /**
     * Compare-and-swap on a step's record: only while the application's agreement or disbursal
     * is still the one with this referenceId (none when undefined). Of N concurrent triggers
     * that saw the same record, exactly one writes; the others get InvalidStateError.
     */
    expect?: { field: 'agreement' | 'disbursal'; referenceId: string | undefined };
  },
): Promise<void> {
  const table = tableName();
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets = Object.entries(change.set)
    .filter(([, v]) => v !== undefined)
    .map(([k, v], i) => {
      names[`#f${i}`] = k;
      values[`:v${i}`] = v;
      return `#f${i} = :v${i}`;
    });
  let condition = 'attribute_exists(pk)';
  if (change.from?.length) {
    names['#st'] = 'status';
    change.from.forEach((s, i) => {
      values[`:from${i}`] = s;
    });
    condition += ` AND #st IN (${change.from.map((_, i) => `:from${i}`).join(', ')})`;
  }
  if (change.expect) {
    names['#expect'] = change.expect.field;
    if (change.expect.referenceId) {
      values[':expectRef'] = change.expect.referenceId;
      condition += ' AND #expect.referenceId = :expectRef';
    } else {
      condition += ' AND attribute_not_exists(#expect)';
    }
  }
  const items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']> = [
    {
      Update: {
        TableName: table,
        Key: applicationKey(tenant, applicationId),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: condition,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    },
  ];
  if (change.event) items.push(outboxPut(table, change.event));
  if (change.reference) {
    items.push({
      Put: {
        TableName: table,
        Item: {
          ...refKey(tenant, change.reference.id),
          applicationId,
          kind: change.reference.kind,
          expiresAt: expiryFor(tenant.mode),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    });
  }
  try {
    await ddb.send(new TransactWriteCommand({ TransactItems: items }));
  } catch (error) {
    if (cancelledConditions(error)?.[0]) {
      throw new InvalidStateError(
        'invalid_user_state',
        `Application ${applicationId} is not in status ${change.from?.join(' or ')}`,
        {
          cause: error,
        },
      );
    }
    throw error;
  }
}

/** The application an agreement or disbursal reference belongs to. */
export async function findApplicationByReference(
  tenant: Tenant,
  referenceId: string,
  kind: 'agreement' | 'disbursal',
): Promise<LoanApplication> {
  const { Item } = await ddb.send(
    new GetCommand({ TableName: tableName(), Key: refKey(tenant, referenceId), ConsistentRead: true }),
  );
  if (!Item || Item.kind !== kind) throw new NotFoundError('reference', referenceId);
  return getApplication(tenant, String(Item.applicationId));
}
