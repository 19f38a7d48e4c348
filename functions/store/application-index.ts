/**
 * The tenant's loan applications in the order their workflows started: one START item per
 * application under the application's own key (`T#…#APP#<id>` / `START`), in the byCollection
 * index as `T#…#APPLICATIONS` / `<startedAt>#<id>`. Written when the application's execution is
 * started (journey /v2/user/create, partner loan creation), so ops list every application from
 * its first step, before an offer is accepted (the APP item exists only from then on).
 */
import { BatchGetCommand, type BatchGetCommandOutput, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Tenant } from '#core/tenant';
import { applicationKey, type LoanApplication } from './applications.ts';
import { ddb, tableName } from './client.ts';
import { collectionItems } from './collection-page.ts';
import { expiryFor, isConditionalCheckFailed, tenantKey } from './keys.ts';

export interface ApplicationStart {
  applicationId: string;
  borrowerId: string;
  /** The journey customerID, a partner loan's reference_id, or an app loan's application_no. */
  customerId: string;
  origin: 'journey' | 'partner' | 'app';
  startedAt: string;
}

/** How many of the newest applications a listing reads at most (newest first). */
export const APPLICATION_LIST_CAP = 1000;

const startKey = (t: Tenant, applicationId: string) => ({ pk: tenantKey(t, 'APP', applicationId), sk: 'START' });

/** Records that an application's workflow started; a second call (a retried start) keeps the first. */
export async function recordApplicationStart(tenant: Tenant, start: ApplicationStart): Promise<void> {
  try {
    await ddb.send(
      new PutCommand({
        TableName: tableName(),
        Item: {
          ...startKey(tenant, start.applicationId),
          ...start,
          gsi1pk: tenantKey(tenant, 'APPLICATIONS'),
          gsi1sk: `${start.startedAt}#${start.applicationId}`,
          expiresAt: expiryFor(tenant.mode),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
  }
}

/** The application's start record, or null (another tenant's, or none). */
export async function findApplicationStart(tenant: Tenant, applicationId: string): Promise<ApplicationStart | null> {
  const { Item } = await ddb.send(
    new GetCommand({ TableName: tableName(), Key: startKey(tenant, applicationId), ConsistentRead: true }),
  );
  return Item ? strip(Item) : null;
}

/** The tenant's applications, newest first (at most APPLICATION_LIST_CAP). */
export async function listApplicationStarts(tenant: Tenant): Promise<ApplicationStart[]> {
  const items = await collectionItems({
    collection: tenantKey(tenant, 'APPLICATIONS'),
    newestFirst: true,
    cap: APPLICATION_LIST_CAP,
  });
  return items.map(strip);
}

/** The applications (APP items, from the offer acceptance on) of these ids that exist, by id. */
export async function applicationsById(tenant: Tenant, ids: string[]): Promise<Map<string, LoanApplication>> {
  const found = new Map<string, LoanApplication>();
  for (let i = 0; i < ids.length; i += 100) {
    let keys: Record<string, unknown>[] | undefined = ids.slice(i, i + 100).map((id) => applicationKey(tenant, id));
    // BatchGetItem may answer part of a batch: what is left is asked again.
    for (let round = 0; keys?.length && round < 10; round++) {
      const result: BatchGetCommandOutput = await ddb.send(
        new BatchGetCommand({ RequestItems: { [tableName()]: { Keys: keys, ConsistentRead: true } } }),
      );
      for (const item of result.Responses?.[tableName()] ?? []) {
        const { pk: _p, sk: _s, gsi1pk: _g, gsi1sk: _h, expiresAt: _e, ...app } = item;
        found.set(String(item.applicationId), app as LoanApplication);
      }
      keys = result.UnprocessedKeys?.[tableName()]?.Keys;
    }
  }
  return found;
}

function strip(item: Record<string, unknown>): ApplicationStart {
  return {
    applicationId: String(item.applicationId),
    borrowerId: String(item.borrowerId),
    customerId: String(item.customerId ?? ''),
    origin: item.origin === 'partner' || item.origin === 'app' ? item.origin : 'journey',
    startedAt: String(item.startedAt),
  };
}
