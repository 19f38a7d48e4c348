/**
 * Borrowers and their documents. A borrower's NIK and phone are unique within a tenant,
 * enforced by UNIQUE items written in the same transaction (no Scan, no race).
 */
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Borrower, BorrowerStatus, KycResult } from '#core/borrowers';
import { ConflictError, NotFoundError } from '#core/errors';
import type { Tenant } from '#core/tenant';
import { ddb, getEntity, tableName } from './client.ts';
import { cancelledConditions, digest, expiryFor, isConditionalCheckFailed, tenantKey } from './keys.ts';
import { type DomainEvent, outboxPut } from './outbox.ts';

/** The borrower's profile item (exported for the store modules of what lives on it: credit scores, blocks). */
export const borrowerKey = (t: Tenant, borrowerId: string) => ({ pk: tenantKey(t, 'BOR', borrowerId), sk: 'PROFILE' });
const uniqueKey = (t: Tenant, kind: string, value: string) => ({
  pk: tenantKey(t, 'UNIQUE', kind, value),
  sk: 'UNIQUE',
});

/**
 * The values that must not repeat within a tenant, per borrower. A journey customer is unique
 * by its customerID only: repeat borrowers and shared family phones are normal, and whether a
 * match matters is the credit policy's dedupe rule (see `findDuplicateCustomers`).
 */
function uniqueValues(b: Borrower): [kind: string, value: string][] {
  if (b.customerId) return [['CUSTOMER', b.customerId]];
  const values: [string, string][] = [['PHONE', b.phone]];
  if (b.nik) values.push(['NIK', b.nik]);
  if (b.business) values.push(['NIB', b.business.nib]);
  return values;
}

/** What the BRE's dedupe looks up a journey customer by. */
export type DedupeKind = 'PHONE' | 'PAN';

/** One entry of the dedupe index: every customer with this mobile or PAN, one item each (no uniqueness). */
const dedupeKey = (t: Tenant, kind: DedupeKind, value: string, borrowerId: string) => ({
  pk: tenantKey(t, 'DEDUPE', kind, value),
  sk: borrowerId,
});

function dedupePut(table: string, t: Tenant, kind: DedupeKind, value: string, borrowerId: string) {
  return {
    Put: {
      TableName: table,
      Item: { ...dedupeKey(t, kind, value, borrowerId), borrowerId, expiresAt: expiryFor(t.mode) },
    },
  };
}

/** Other customers of the tenant with this mobile or PAN (the BRE's dedupe check). */
export async function findDuplicateCustomers(
  tenant: Tenant,
  borrower: Pick<Borrower, 'borrowerId' | 'phone' | 'pan'>,
): Promise<string[]> {
  const lookups: [DedupeKind, string | undefined][] = [
    ['PHONE', borrower.phone],
    ['PAN', borrower.pan],
  ];
  const found = await Promise.all(
    lookups
      .filter((l): l is [DedupeKind, string] => Boolean(l[1]))
      .map(async ([kind, value]) => {
        const { Items = [] } = await ddb.send(
          new QueryCommand({
            TableName: tableName(),
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': dedupeKey(tenant, kind, value, '').pk },
            ProjectionExpression: 'borrowerId',
            Limit: 100,
          }),
        );
        return Items.map((i) => String(i.borrowerId));
      }),
  );
  return [...new Set(found.flat())].filter((id) => id !== borrower.borrowerId);
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
          ...(borrower.customerId ? [dedupePut(table, tenant, 'PHONE', borrower.phone, borrower.borrowerId)] : []),
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

/** A consent as the partner recorded it; only its type is mandatory in the spec. */
export interface Consent {
  type: string;
  timestamp?: string;
  body?: string;
  ipAddress?: string;
  url?: string;
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
    // A transaction may touch an item once: the same consent twice in one request is one item.
    ...new Map(
      change.consents
        .map((consent, i) => consentUpdate(tenant, borrower.borrowerId, consent, i, now, expiresAt))
        .reverse()
        .map((update) => [update.Update.Key.sk, update] as const),
    ).values(),
  ];
  if (change.pan && change.pan !== borrower.pan) {
    // The PAN is indexed for the BRE's dedupe, not held unique: a repeat borrower is a new customer.
    items.push(dedupePut(table, tenant, 'PAN', change.pan, borrower.borrowerId));
    if (borrower.pan) {
      items.push({ Delete: { TableName: table, Key: dedupeKey(tenant, 'PAN', borrower.pan, borrower.borrowerId) } });
    }
  }
  await ddb.send(new TransactWriteCommand({ TransactItems: items }));
}

/**
 * One consent as its audit item, keyed by what was consented to: the same consent sent again
 * (a retried details update, or N identical ones at once) is the same item and keeps the time
 * it was first received and its place; a new consent (another text, time or address) is new.
 */
function consentUpdate(
  tenant: Tenant,
  borrowerId: string,
  consent: Consent,
  position: number,
  now: string,
  expiresAt: number | undefined,
) {
  const fields = Object.entries(consent).filter(([, value]) => value !== undefined);
  const sets = fields.map((_, i) => `#c${i} = :c${i}`);
  sets.push('receivedAt = if_not_exists(receivedAt, :now)', '#pos = if_not_exists(#pos, :pos)');
  if (expiresAt !== undefined) sets.push('expiresAt = :exp');
  return {
    Update: {
      TableName: tableName(),
      Key: { pk: tenantKey(tenant, 'BOR', borrowerId), sk: `CONSENT#${digest(JSON.stringify(fields))}` },
      UpdateExpression: `SET ${sets.join(', ')}`,
      ExpressionAttributeNames: {
        '#pos': 'position',
        ...Object.fromEntries(fields.map(([name], i) => [`#c${i}`, name])),
      },
      ExpressionAttributeValues: {
        ':now': now,
        ':pos': position,
        ...(expiresAt !== undefined ? { ':exp': expiresAt } : {}),
        ...Object.fromEntries(fields.map(([, value], i) => [`:c${i}`, value])),
      },
    },
  };
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
  // Keyed by content, so ordered here: by when each was first received, then as it was sent.
  Items.sort((a, b) =>
    a.receivedAt === b.receivedAt ? Number(a.position) - Number(b.position) : a.receivedAt < b.receivedAt ? -1 : 1,
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

/** The journey's pointers to its current runs: a trigger moves one with a compare-and-swap. */
export type RunPointer = 'kycReferenceId' | 'breReferenceId';

/**
 * Makes `run` the customer's current run of its kind, in one transaction with the run's own
 * write, if the current run is still `previous` (none when undefined). Of N concurrent
 * triggers that saw the same current run exactly one wins; false for the others, which answer
 * with the winner's run (read the pointer again).
 */
export async function claimJourneyRun(
  tenant: Tenant,
  borrowerId: string,
  pointer: RunPointer,
  previous: string | undefined,
  run: { referenceId: string; put: { Put: Record<string, unknown> } },
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
              UpdateExpression: 'SET journey.#ptr = :next, updatedAt = :now',
              ConditionExpression: previous
                ? 'attribute_exists(journey) AND journey.#ptr = :prev'
                : 'attribute_exists(journey) AND attribute_not_exists(journey.#ptr)',
              ExpressionAttributeNames: { '#ptr': pointer },
              ExpressionAttributeValues: {
                ':next': run.referenceId,
                ':now': new Date().toISOString(),
                ...(previous ? { ':prev': previous } : {}),
              },
            },
          },
          run.put as never,
        ],
      }),
    );
    return true;
  } catch (error) {
    if (cancelledConditions(error)?.[0]) return false;
    throw error;
  }
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
