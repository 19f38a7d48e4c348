/**
 * Borrowers and their documents. A borrower's NIK and phone are unique within a tenant,
 * enforced by UNIQUE items written in the same transaction (no Scan, no race).
 */
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Borrower, BorrowerStatus, KycResult } from '#core/borrowers';
import { ConflictError, NotFoundError } from '#core/errors';
import type { Tenant } from '#core/tenant';
import { ddb, getEntity, tableName } from './client.ts';
import { cancelledConditions, expiryFor, isConditionalCheckFailed, tenantKey } from './keys.ts';
import { type DomainEvent, outboxPut } from './outbox.ts';

const borrowerKey = (t: Tenant, borrowerId: string) => ({ pk: tenantKey(t, 'BOR', borrowerId), sk: 'PROFILE' });
const uniqueKey = (t: Tenant, kind: string, value: string) => ({
  pk: tenantKey(t, 'UNIQUE', kind, value),
  sk: 'UNIQUE',
});

/** The values that must not repeat within a tenant, per borrower. */
function uniqueValues(b: Borrower): [kind: string, value: string][] {
  const values: [string, string][] = [['PHONE', b.phone]];
  if (b.nik) values.push(['NIK', b.nik]);
  if (b.business) values.push(['NIB', b.business.nib]);
  if (b.customerId) values.push(['CUSTOMER', b.customerId]);
  if (b.pan) values.push(['PAN', b.pan]);
  return values;
}

/** Stores a new borrower with its `user_created` event; ConflictError names the duplicated field. */
export async function insertBorrower(tenant: Tenant, borrower: Borrower, event: DomainEvent): Promise<void> {
  const table = tableName();
  const expiresAt = expiryFor(tenant.mode);
  const uniques = uniqueValues(borrower);
  try {
    await ddb.send(
      new TransactWriteCommand({
        TransactItems: [
          ...uniques.map(([kind, value]) => ({
            Put: {
              TableName: table,
              Item: { ...uniqueKey(tenant, kind, value), borrowerId: borrower.borrowerId, expiresAt },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          })),
          {
            Put: {
              TableName: table,
              Item: {
                ...borrowerKey(tenant, borrower.borrowerId),
                gsi1pk: tenantKey(tenant, 'BORROWERS'),
                gsi1sk: `${borrower.createdAt}#${borrower.borrowerId}`,
                ...borrower,
                expiresAt,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          outboxPut(table, event),
        ],
      }),
    );
  } catch (error) {
    const failed = cancelledConditions(error);
    const index = failed?.findIndex(Boolean) ?? -1;
    const clash = index >= 0 ? uniques[index] : undefined;
    if (clash) {
      const field =
        { PHONE: 'phone', NIK: 'nik', NIB: 'business.nib', CUSTOMER: 'customerID', PAN: 'pan' }[clash[0]] ?? clash[0];
      const code = clash[0] === 'CUSTOMER' ? 'customer_exists' : 'borrower_exists';
      throw new ConflictError(code, `A borrower with this ${field} already exists`, { cause: error });
    }
    throw error;
  }
}

/** A borrower of this tenant by id; NotFoundError otherwise (other tenants' borrowers are invisible). */
export async function getBorrower(tenant: Tenant, borrowerId: string): Promise<Borrower> {
  return getEntity<Borrower>(borrowerKey(tenant, borrowerId), 'borrower', borrowerId);
}

/**
 * Moves a borrower from one of `from` to `to`, setting its KYC result and writing `event`
 * in the same transaction. The condition is the business guard: two concurrent KYC starts
 * cannot both win.
 */
export async function transitionBorrower(
  tenant: Tenant,
  borrowerId: string,
  change: { from: readonly BorrowerStatus[]; to: BorrowerStatus; kyc: KycResult; event?: DomainEvent },
): Promise<void> {
  const table = tableName();
  const names = { '#s': 'status' };
  const values: Record<string, unknown> = { ':to': change.to, ':kyc': change.kyc, ':now': new Date().toISOString() };
  change.from.forEach((s, i) => {
    values[`:f${i}`] = s;
  });
  const update = {
    Update: {
      TableName: table,
      Key: borrowerKey(tenant, borrowerId),
      UpdateExpression: 'SET #s = :to, kyc = :kyc, updatedAt = :now',
      ConditionExpression: `attribute_exists(pk) AND #s IN (${change.from.map((_, i) => `:f${i}`).join(', ')})`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
  try {
    await ddb.send(
      new TransactWriteCommand({
        TransactItems: change.event ? [update, outboxPut(table, change.event)] : [update],
      }),
    );
  } catch (error) {
    if (cancelledConditions(error)?.[0] || isConditionalCheckFailed(error)) {
      throw new ConflictError(
        'borrower_state_changed',
        `Borrower ${borrowerId} is no longer in status ${change.from.join(' or ')}`,
        { cause: error },
      );
    }
    throw error;
  }
}

export interface BorrowerDocument {
  documentId: string;
  borrowerId: string;
  documentType: string;
  contentType: string;
  /** Object key in the documents bucket. */
  objectKey: string;
  createdAt: string;
}

/** Registers a document before its bytes are uploaded (the upload goes straight to S3). */
export async function insertDocument(tenant: Tenant, doc: BorrowerDocument): Promise<void> {
  await ddb
    .send(
      new TransactWriteCommand({
        TransactItems: [
          {
            ConditionCheck: {
              TableName: tableName(),
              Key: borrowerKey(tenant, doc.borrowerId),
              ConditionExpression: 'attribute_exists(pk)',
            },
          },
          {
            Put: {
              TableName: tableName(),
              Item: {
                pk: tenantKey(tenant, 'BOR', doc.borrowerId),
                sk: `DOC#${doc.documentId}`,
                ...doc,
                expiresAt: expiryFor(tenant.mode),
              },
            },
          },
        ],
      }),
    )
    .catch((error: unknown) => {
      if (cancelledConditions(error)?.[0]) throw new NotFoundError('borrower', doc.borrowerId, { cause: error });
      throw error;
    });
}

/** A borrower's documents, oldest first. */
export async function listDocuments(tenant: Tenant, borrowerId: string): Promise<BorrowerDocument[]> {
  const { Items = [] } = await ddb.send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :d)',
      ExpressionAttributeValues: { ':pk': tenantKey(tenant, 'BOR', borrowerId), ':d': 'DOC#' },
    }),
  );
  return Items.map(({ documentId, borrowerId: b, documentType, contentType, objectKey, createdAt }) => ({
    documentId,
    borrowerId: b,
    documentType,
    contentType,
    objectKey,
    createdAt,
  }));
}

/** The borrower a partner knows by its customer id; NotFoundError ("user", FBX-E-006) otherwise. */
export async function getBorrowerByCustomerId(tenant: Tenant, customerId: string): Promise<Borrower> {
  const borrower = await findBorrowerByCustomerId(tenant, customerId);
  if (!borrower) throw new NotFoundError('user', customerId);
  return borrower;
}

/** The borrower a partner knows by its own customer id (journey API), or null. */
export async function findBorrowerByCustomerId(tenant: Tenant, customerId: string): Promise<Borrower | null> {
  const { Item } = await ddb.send(
    new GetCommand({ TableName: tableName(), Key: uniqueKey(tenant, 'CUSTOMER', customerId), ConsistentRead: true }),
  );
  if (!Item) return null;
  return getBorrower(tenant, String(Item.borrowerId));
}

export interface Consent {
  type: string;
  timestamp: string;
  body: string;
  ipAddress: string;
  url: string;
}

/**
 * Stores what the partner sent about a customer (journey details update): the details on the
 * borrower, each consent as its own audit item, and the PAN's uniqueness, in one transaction.
 */
export async function saveJourneyDetails(
  tenant: Tenant,
  borrower: Borrower,
  change: {
    details: Record<string, unknown>;
    program: string;
    name?: string;
    email?: string;
    pan?: string;
    consents: Consent[];
  },
): Promise<void> {
  const table = tableName();
  const now = new Date().toISOString();
  const expiresAt = expiryFor(tenant.mode);
  // Details may be updated again later in the journey: the stage only moves forward.
  const stage =
    !borrower.journey || borrower.journey.stage === 'USER_CREATED' ? 'DETAILS_UPDATED' : borrower.journey.stage;
  const sets = ['journey.details = :d', 'journey.program = :p', 'journey.stage = :st', 'updatedAt = :now'];
  const values: Record<string, unknown> = { ':d': change.details, ':p': change.program, ':st': stage, ':now': now };
  if (change.name) {
    sets.push('#n = :name');
    values[':name'] = change.name;
  }
  if (change.email) {
    sets.push('email = :email');
    values[':email'] = change.email;
  }
  if (change.pan) {
    sets.push('pan = :pan');
    values[':pan'] = change.pan;
  }
  const items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']> = [
    {
      Update: {
        TableName: table,
        Key: borrowerKey(tenant, borrower.borrowerId),
        UpdateExpression: `SET ${sets.join(', ')}`,
        // Only journey customers (created by /v2/user/create) carry the journey map.
        ConditionExpression: 'attribute_exists(pk) AND attribute_exists(journey)',
        ...(change.name ? { ExpressionAttributeNames: { '#n': 'name' } } : {}),
        ExpressionAttributeValues: values,
      },
    },
    ...change.consents.map((consent, i) => ({
      Put: {
        TableName: table,
        Item: {
          pk: tenantKey(tenant, 'BOR', borrower.borrowerId),
          sk: `CONSENT#${now}#${String(i).padStart(2, '0')}`,
          ...consent,
          receivedAt: now,
          expiresAt,
        },
      },
    })),
  ];
  if (change.pan && change.pan !== borrower.pan) {
    items.push({
      Put: {
        TableName: table,
        Item: { ...uniqueKey(tenant, 'PAN', change.pan), borrowerId: borrower.borrowerId, expiresAt },
        ConditionExpression: 'attribute_not_exists(pk) OR borrowerId = :me',
        ExpressionAttributeValues: { ':me': borrower.borrowerId },
      },
    });
  }
  try {
    await ddb.send(new TransactWriteCommand({ TransactItems: items }));
  } catch (error) {
    const failed = cancelledConditions(error);
    if (failed?.[items.length - 1] && change.pan) {
      throw new ConflictError('pan_exists', 'Another customer already has this PAN', { cause: error });
    }
    throw error;
  }
}

/** A borrower's consents, oldest first (the audit trail). */
export async function listConsents(tenant: Tenant, borrowerId: string): Promise<(Consent & { receivedAt: string })[]> {
  const { Items = [] } = await ddb.send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :c)',
      ExpressionAttributeValues: { ':pk': tenantKey(tenant, 'BOR', borrowerId), ':c': 'CONSENT#' },
    }),
  );
  return Items.map(({ type, timestamp, body, ipAddress, url, receivedAt }) => ({
    type,
    timestamp,
    body,
    ipAddress,
    url,
    receivedAt,
  }));
}

/**
 * Sets journey fields of a customer (its stage, its application, its latest KYC run).
 * With `ifAbsent`, only when the customer has no such field yet (false when it had one).
 */
export async function setJourneyFields(
  tenant: Tenant,
  borrowerId: string,
  fields: Partial<Pick<NonNullable<Borrower['journey']>, 'stage' | 'applicationId' | 'kycReferenceId'>>,
  options: { ifAbsent?: 'applicationId' } = {},
): Promise<boolean> {
  const entries = Object.entries(fields).filter(([, v]) => v !== undefined);
  const names = Object.fromEntries(entries.map(([k], i) => [`#f${i}`, k]));
  const values: Record<string, unknown> = Object.fromEntries(entries.map(([, v], i) => [`:v${i}`, v]));
  values[':now'] = new Date().toISOString();
  let condition = 'attribute_exists(pk) AND attribute_exists(journey)';
  if (options.ifAbsent) {
    names['#absent'] = options.ifAbsent;
    condition += ' AND attribute_not_exists(journey.#absent)';
  }
  try {
    await ddb.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: borrowerKey(tenant, borrowerId),
        UpdateExpression: `SET ${entries.map((_, i) => `journey.#f${i} = :v${i}`).join(', ')}, updatedAt = :now`,
        ConditionExpression: condition,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
    return true;
  } catch (error) {
    if (options.ifAbsent && isConditionalCheckFailed(error)) return false;
    throw error;
  }
}
