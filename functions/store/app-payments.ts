/**
 * The borrower app's payment instructions: one per distinct generate payment (its payment_id),
 * naming the loan, the channel it was issued on and the amount. The payment notify webhook's
 * reference_no is this id: a VA number is the loan's for good and pays many bills over the
 * months, so the instruction, not the channel, is what is paid at most once — by whichever
 * path reports it first (the app's notify webhook, or the core gateway callback on its channel),
 * marked PAID in the same transaction as the ledger change (#workflows/repayment).
 *
 * Keys (beside the instruction, `T#…#APPPAY#<inv>` / `APPPAY`):
 * - `T#…#APPPAYREQ#<digest>` / `APPPAYREQ`: the instruction answered for one request (user,
 *   loan, method, bills, amount): the conditional write that makes 20 identical asks one.
 * - `T#…#APPPAYCHAN#<channelId>` / `APPPAYCHAN`: the channel's current instruction (the newest
 *   generated on it), which a gateway payment on that channel pays.
 */
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Tenant } from '#core/tenant';
import { ddb, tableName } from './client.ts';
import { cancelledConditions, digest, expiryFor, tenantKey } from './keys.ts';
import type { TransactItem } from './loans.ts';

export type InstructionStatus = 'UNPAID' | 'PAID';

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
  /** Items written before the status was kept have none: UNPAID. */
  status?: InstructionStatus;
  /** Which path paid it first. */
  paidVia?: 'webhook' | 'gateway';
  /** The ledger payment (`pay_…`) that paid it. */
  ledgerPaymentId?: string;
  /** What that payment applied, minor units as text. */
  paidAmount?: string;
  paidAt?: string;
  /**
   * `<provider>:<provider payment id>` of the gateway payment on its channel that is this
   * instruction's money: the one that paid it, or (paid by the webhook first) the first gateway
   * callback of the same amount after it, which is then bound to the webhook's payment.
   */
  gatewayPayment?: string;
}

const key = (t: Tenant, paymentId: string) => ({ pk: tenantKey(t, 'APPPAY', paymentId), sk: 'APPPAY' });
const requestKey = (t: Tenant, request: string) => ({ pk: tenantKey(t, 'APPPAYREQ', request), sk: 'APPPAYREQ' });
const channelKey = (t: Tenant, channelId: string) => ({
  pk: tenantKey(t, 'APPPAYCHAN', channelId),
  sk: 'APPPAYCHAN',
});

/** What makes two generate requests the same one: the digest of its parts (bills in any order). */
export interface InstructionRequest {
  userId: string;
  loanId: string;
  methodId: number;
  billIds: string[];
  amount: string;
}

export const requestDigest = (r: InstructionRequest) =>
  digest([r.userId, r.loanId, String(r.methodId), [...r.billIds].sort().join(','), r.amount].join('|'));

export const isPaid = (i: AppPaymentInstruction) => i.status === 'PAID';

export async function findAppPayment(t: Tenant, paymentId: string): Promise<AppPaymentInstruction | null> {
  const { Item } = await ddb.send(
    new GetCommand({ TableName: tableName(), Key: key(t, paymentId), ConsistentRead: true }),
  );
  if (!Item) return null;
  const { pk: _pk, sk: _sk, expiresAt: _ttl, ...rest } = Item;
  return rest as AppPaymentInstruction;
}

async function pointer(k: { pk: string; sk: string }): Promise<string | null> {
  const { Item } = await ddb.send(new GetCommand({ TableName: tableName(), Key: k, ConsistentRead: true }));
  return typeof Item?.paymentId === 'string' ? Item.paymentId : null;
}

/** The id of the instruction last answered for this request, or null (it may be paid or its channel renewed since). */
export const findRequestInstructionId = (t: Tenant, request: string) => pointer(requestKey(t, request));

/** The id of the channel's current instruction (the newest generated on it), or null. */
export const findChannelInstructionId = (t: Tenant, channelId: string) => pointer(channelKey(t, channelId));

/** The channel's current instruction (the newest generated on it), or null: what a gateway payment on it pays. */
export async function findChannelInstruction(t: Tenant, channelId: string): Promise<AppPaymentInstruction | null> {
  const id = await findChannelInstructionId(t, channelId);
  return id ? findAppPayment(t, id) : null;
}

export class InstructionRaceError extends Error {
  constructor() {
    super('Another request wrote the instruction of this request or channel first');
    this.name = 'InstructionRaceError';
  }
}

/**
 * Stores a new instruction as the answer to `request` and as its channel's current one, in one
 * transaction whose conditions are that both pointers still name what the caller saw (null:
 * none): of concurrent identical requests one writes, the others get InstructionRaceError and
 * read the winner's through findInstructionForRequest.
 */
export async function putAppPayment(
  t: Tenant,
  item: AppPaymentInstruction,
  pointers: { request: string; seenRequest: string | null; seenChannel: string | null },
): Promise<void> {
  const table = tableName();
  const expiresAt = expiryFor(t.mode);
  const swap = (seen: string | null) =>
    seen
      ? { ConditionExpression: 'paymentId = :seen', ExpressionAttributeValues: { ':seen': seen } }
      : { ConditionExpression: 'attribute_not_exists(pk)' };
  const at = item.createdAt;
  try {
    await ddb.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: table,
              Item: { ...key(t, item.paymentId), ...item, status: 'UNPAID', expiresAt },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Put: {
              TableName: table,
              Item: { ...requestKey(t, pointers.request), paymentId: item.paymentId, updatedAt: at, expiresAt },
              ...swap(pointers.seenRequest),
            },
          },
          {
            Put: {
              TableName: table,
              Item: { ...channelKey(t, item.channelId), paymentId: item.paymentId, updatedAt: at, expiresAt },
              ...swap(pointers.seenChannel),
            },
          },
        ],
      }),
    );
  } catch (error) {
    if (error instanceof Error && error.name === 'TransactionCanceledException') throw new InstructionRaceError();
    throw error;
  }
}

/**
 * The transaction item that marks an unpaid instruction PAID by a ledger payment: written with
 * that payment (#workflows/repayment applyIncomingPayment), so the money and the instruction's
 * state change together or not at all. Its condition (still unpaid) is what makes the
 * instruction paid at most once across the webhook and the gateway callback.
 */
export function markPaidItem(
  t: Tenant,
  paymentId: string,
  paid: { via: 'webhook' | 'gateway'; ledgerPaymentId: string; amount: bigint; at: string; gatewayPayment?: string },
): TransactItem {
  return {
    Update: {
      TableName: tableName(),
      Key: key(t, paymentId),
      UpdateExpression: `SET #s = :paid, paidVia = :via, ledgerPaymentId = :pay, paidAmount = :amount, paidAt = :at${
        paid.gatewayPayment ? ', gatewayPayment = :gw' : ''
      }`,
      ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(#s) OR #s = :unpaid)',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: {
        ':paid': 'PAID',
        ':unpaid': 'UNPAID',
        ':via': paid.via,
        ':pay': paid.ledgerPaymentId,
        ':amount': paid.amount.toString(),
        ':at': paid.at,
        ...(paid.gatewayPayment ? { ':gw': paid.gatewayPayment } : {}),
      },
    },
  };
}

/**
 * Binds a gateway payment to an instruction the webhook paid first: the gateway's own report of
 * the same money. `claim` is the provider-id claim (#store/payments providerRefClaim) pointing at
 * the webhook's ledger payment, so the callback and its retries answer that payment and apply
 * nothing. False when another request bound one first or claimed the id (read again and decide).
 */
export async function bindGatewayPayment(
  t: Tenant,
  paymentId: string,
  gatewayPayment: string,
  claim: TransactItem,
): Promise<boolean> {
  try {
    await ddb.send(
      new TransactWriteCommand({
        TransactItems: [
          claim,
          {
            Update: {
              TableName: tableName(),
              Key: key(t, paymentId),
              UpdateExpression: 'SET gatewayPayment = :gw',
              ConditionExpression: '#s = :paid AND paidVia = :webhook AND attribute_not_exists(gatewayPayment)',
              ExpressionAttributeNames: { '#s': 'status' },
              ExpressionAttributeValues: { ':gw': gatewayPayment, ':paid': 'PAID', ':webhook': 'webhook' },
            },
          },
        ],
      }),
    );
    return true;
  } catch (error) {
    if (cancelledConditions(error) || (error instanceof Error && error.name === 'TransactionCanceledException')) {
      return false;
    }
    throw error;
  }
}
