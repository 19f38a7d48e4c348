/**
 * The borrower app's payment instructions: one per generate payment (its payment_id), naming
 * the loan and the channel it was issued on. The payment notify webhook's reference_no is this
 * id: a VA number is the loan's for good and pays many bills over the months, so the
 * instruction, not the channel, is what one notification settles once.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Tenant } from '#core/tenant';
import { ddb, tableName } from './client.ts';
import { expiryFor, tenantKey } from './keys.ts';

export interface AppPaymentInstruction {
  paymentId: string;
  userId: string;
  loanId: string;
  channelId: string;
  channel: 'virtual_account' | 'qris';
  /** Minor units, as text (bigint does not go to DynamoDB as a number exactly). */
  amount: string;
  /** The channel's expiry (ISO): `expiresAt` is the table's TTL attribute. */
  expiryTime: string;
  createdAt: string;
}

const key = (t: Tenant, paymentId: string) => ({ pk: tenantKey(t, 'APPPAY', paymentId), sk: 'APPPAY' });

export async function putAppPayment(t: Tenant, item: AppPaymentInstruction): Promise<void> {
  await ddb.send(
    new PutCommand({
      TableName: tableName(),
      Item: { ...key(t, item.paymentId), ...item, expiresAt: expiryFor(t.mode) },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

export async function findAppPayment(t: Tenant, paymentId: string): Promise<AppPaymentInstruction | null> {
  const { Item } = await ddb.send(new GetCommand({ TableName: tableName(), Key: key(t, paymentId) }));
  if (!Item) return null;
  const { pk: _pk, sk: _sk, expiresAt: _ttl, ...rest } = Item;
  return rest as AppPaymentInstruction;
}
