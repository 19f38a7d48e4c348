/**
 * The steps a journey's workflow waits on (task-token callbacks), one item per waiting step
 * next to the application: `WAIT#<step>` under the application's key. The workflow's
 * `.waitForTaskToken` step saves the token; the endpoint that completes the step takes it,
 * once, so a callback is sent exactly once however often the partner triggers.
 */
import { DeleteCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Tenant } from '#core/tenant';
import { ddb, tableName } from './client.ts';
import { expiryFor, isConditionalCheckFailed, tenantKey } from './keys.ts';

/**
 * OFFERS: a BRE trigger or an offer acceptance; KYC: a KYC trigger; KYC_OTP: the CKYC OTP;
 * KYC_REVIEW: a reviewer's decision; AGREEMENT: the partner's signing trigger; DISBURSAL: the
 * partner's disbursal trigger; SIGNATURE: the borrower's consent on the hosted session page,
 * when the customer signs there (otherwise the e-sign provider answers with the token it was
 * sent).
 */
export type WaitStep = 'OFFERS' | 'KYC' | 'KYC_OTP' | 'KYC_REVIEW' | 'AGREEMENT' | 'SIGNATURE' | 'DISBURSAL';

const pk = (t: Tenant, applicationId: string) => tenantKey(t, 'APP', applicationId);
const WAIT = 'WAIT#';

/** Keeps the task token of a step the workflow now waits on. */
export async function saveWaitToken(tenant: Tenant, applicationId: string, step: WaitStep, token: string) {
  await ddb.send(
    new PutCommand({
      TableName: tableName(),
      Item: {
        pk: pk(tenant, applicationId),
        sk: `${WAIT}${step}`,
        token,
        since: new Date().toISOString(),
        expiresAt: expiryFor(tenant.mode),
      },
    }),
  );
}

/** Takes a step's token (once: a second caller gets null, by the delete's condition). */
export async function takeWaitToken(tenant: Tenant, applicationId: string, step: WaitStep): Promise<string | null> {
  try {
    const { Attributes } = await ddb.send(
      new DeleteCommand({
        TableName: tableName(),
        Key: { pk: pk(tenant, applicationId), sk: `${WAIT}${step}` },
        ConditionExpression: 'attribute_exists(pk)',
        ReturnValues: 'ALL_OLD',
      }),
    );
    return typeof Attributes?.token === 'string' ? Attributes.token : null;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return null;
    throw error;
  }
}

/** The steps the workflow waits on now (the session page and ops read them). */
export async function waitingSteps(tenant: Tenant, applicationId: string): Promise<WaitStep[]> {
  const { Items = [] } = await ddb.send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :w)',
      ExpressionAttributeValues: { ':pk': pk(tenant, applicationId), ':w': WAIT },
      ConsistentRead: true,
    }),
  );
  return Items.map((i) => String(i.sk).slice(WAIT.length) as WaitStep);
}

/** Forgets every wait of a journey that has ended (a branch the workflow abandoned leaves one). */
export async function clearWaits(tenant: Tenant, applicationId: string): Promise<void> {
  for (const step of await waitingSteps(tenant, applicationId)) await takeWaitToken(tenant, applicationId, step);
}
