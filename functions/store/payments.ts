/**
 * Payments in: each recorded once by the provider's payment id (a global claim item, because a
 * gateway's callback names no tenant), in the same transaction as the ledger change it makes
 * (#store/loans saveLoanRecord), so a duplicated or retried callback changes nothing. What
 * matches no loan is kept as a payment exception for ops, never dropped.
 */
import { randomBytes } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { NotFoundError } from '#core/errors';
import { newId } from '#core/ids';
import type { Tenant } from '#core/tenant';
import { ddb, tableName } from './client.ts';
import { collectionItems, collectionPage, collectionRange } from './collection-page.ts';
import { expiryFor, isConditionalCheckFailed, tenantKey } from './keys.ts';
import { counterUpdate, type TransactItem } from './loans.ts';

export type PaymentChannel = 'virtual_account' | 'qris' | 'payment_link' | 'cash' | 'bank_transfer';
export type PaymentProvider = 'sandbox' | 'xendit' | 'midtrans' | 'manual';

export interface PaymentAllocation {
  installment: number;
  component: string;
  /** Major units, exact decimal text. */
  amount: string;
}

export interface Payment {
  paymentId: string;
  loanId: string;
  borrowerId: string;
  provider: PaymentProvider;
  providerPaymentId: string;
  channel: PaymentChannel;
  currency: string;
  /** Major units, exact decimal text. */
  amount: string;
  status: 'APPLIED';
  /** The loan-clock date it was applied on. */
  appliedOn: string;
  receivedAt: string;
  allocations: PaymentAllocation[];
  /** What went to the borrower's credit (overpayment, or a payment after REPAID). */
  toCredit: string;
  /** The VA number, QR reference, link token or manual reference it came through. */
  reference?: string;
  /** Ops who recorded a manual payment. */
  recordedBy?: string;
}

const paymentKey = (t: Tenant, paymentId: string) => ({ pk: tenantKey(t, 'PAY', paymentId), sk: 'PAY' });
/** Global: the gateway's id of a payment, whoever's it is (manual references are scoped to the tenant). */
export const providerRefKey = (provider: PaymentProvider, providerPaymentId: string) => ({
  pk: `PAYREF#${provider}#${providerPaymentId}`,
  sk: 'PAYREF',
});

export const newPaymentId = () => newId('pay');

/** The items that record an applied payment: the provider-id claim (first: its condition is index 1 of saveLoanRecord's transaction), the payment, its counters. */
export function paymentItems(t: Tenant, payment: Payment): TransactItem[] {
  const table = tableName();
  return [
    providerRefClaim(t, payment.provider, payment.providerPaymentId, payment),
    {
      Put: {
        TableName: table,
        Item: {
          ...paymentKey(t, payment.paymentId),
          ...payment,
          gsi1pk: tenantKey(t, 'PAYMENTS'),
          gsi1sk: `${payment.receivedAt}#${payment.paymentId}`,
          expiresAt: expiryFor(t.mode),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    counterUpdate(t, 'PAYMENTS', { total: 1, [`channel_${payment.channel}`]: 1, [`status_${payment.status}`]: 1 }),
  ];
}

/**
 * The claim of a provider payment id (written only if the id is unclaimed): `payment` is the
 * ledger payment it answers — its own, or one recorded before under another id that reported
 * the same money (a borrower-app instruction the notify webhook paid first: #store/app-payments).
 */
export function providerRefClaim(
  t: Tenant,
  provider: PaymentProvider,
  providerPaymentId: string,
  payment: Pick<Payment, 'paymentId' | 'loanId'> & { receivedAt: string },
): TransactItem {
  return {
    Put: {
      TableName: tableName(),
      Item: {
        ...providerRefKey(provider, providerPaymentId),
        partnerId: t.partnerId,
        mode: t.mode,
        paymentId: payment.paymentId,
        loanId: payment.loanId,
        createdAt: payment.receivedAt,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/** The payment a provider id was recorded as, or null (with its tenant: callbacks carry none). */
export async function findByProviderRef(
  provider: PaymentProvider,
  providerPaymentId: string,
): Promise<{ tenant: Tenant; payment: Payment } | null> {
  const { Item } = await ddb.send(
    new GetCommand({ TableName: tableName(), Key: providerRefKey(provider, providerPaymentId), ConsistentRead: true }),
  );
  if (!Item?.paymentId) return null;
  const tenant: Tenant = { partnerId: String(Item.partnerId), mode: Item.mode as Tenant['mode'] };
  return { tenant, payment: await getPayment(tenant, String(Item.paymentId)) };
}

export async function getPayment(t: Tenant, paymentId: string): Promise<Payment> {
  const { Item } = await ddb.send(
    new GetCommand({ TableName: tableName(), Key: paymentKey(t, paymentId), ConsistentRead: true }),
  );
  if (!Item) throw new NotFoundError('payment', paymentId);
  const { pk: _p, sk: _s, gsi1pk: _g, gsi1sk: _h, expiresAt: _e, ...payment } = Item;
  return payment as Payment;
}

export interface PaymentListFilter {
  loanId?: string;
  channel?: string;
  status?: string;
  limit: number;
  offset: number;
}

/** A page of the tenant's payments, newest first, with the exact total (see listLoanRecords). */
export async function listPayments(t: Tenant, filter: PaymentListFilter): Promise<{ items: Payment[]; total: number }> {
  return collectionPage({
    collection: tenantKey(t, 'PAYMENTS'),
    equals: { loanId: filter.loanId, channel: filter.channel, status: filter.status },
    limit: filter.limit,
    offset: filter.offset,
    // No counter per loan: a loan's payments are few, so they are counted.
    countAll: filter.loanId !== undefined,
    counters: { pk: tenantKey(t, 'COUNTERS'), sk: 'PAYMENTS' },
    counter: filter.channel ? `channel_${filter.channel}` : filter.status ? `status_${filter.status}` : 'total',
    map: (item) => {
      const { pk: _p, sk: _s, gsi1pk: _g, gsi1sk: _h, expiresAt: _e, ...payment } = item;
      return payment as unknown as Payment;
    },
  });
}

/** The tenant's payments received within `[start, end)` (ISO instants), oldest first, a page at a time (the payments report). */
export async function* paymentPages(t: Tenant, range: { start: string; end: string }): AsyncGenerator<Payment[]> {
  for await (const items of collectionRange({ collection: tenantKey(t, 'PAYMENTS'), ...range })) {
    yield items.map(
      ({ pk: _p, sk: _s, gsi1pk: _g, gsi1sk: _h, expiresAt: _e, ...payment }) => payment as unknown as Payment,
    );
  }
}

// ------------------------------------------------------------------------------ exceptions

export type ExceptionReason = 'UNKNOWN_CHANNEL' | 'CURRENCY_MISMATCH' | 'LOAN_NOT_SERVICED';

export interface PaymentException {
  exceptionId: string;
  reason: ExceptionReason;
  message: string;
  provider: PaymentProvider;
  providerPaymentId: string;
  channel: string;
  /** Major units. */
  amount: string;
  currency: string;
  reference?: string;
  loanId?: string;
  receivedAt: string;
  status: 'OPEN';
  /** The gateway's body as verified, for ops. */
  raw: unknown;
}

/**
 * Records a verified payment that applies to no loan, once per provider id (a duplicate
 * callback finds it). Under its tenant when the callback's channel or account names one;
 * otherwise under the deployment's ops (`OPS#PAYEXC`), which no tenant's key can read.
 */
export async function recordPaymentException(
  tenant: Tenant | null,
  exception: Omit<PaymentException, 'exceptionId' | 'status'>,
): Promise<PaymentException> {
  const record: PaymentException = { ...exception, exceptionId: newId('pex'), status: 'OPEN' };
  const collection = tenant ? tenantKey(tenant, 'PAYEXC') : 'OPS#PAYEXC';
  try {
    await ddb.send(
      new PutCommand({
        TableName: tableName(),
        Item: {
          pk: `PAYEXC#${exception.provider}#${exception.providerPaymentId}`,
          sk: 'PAYEXC',
          ...record,
          ...(tenant ? { partnerId: tenant.partnerId, mode: tenant.mode } : {}),
          gsi1pk: collection,
          gsi1sk: `${record.receivedAt}#${record.exceptionId}`,
          ...(tenant ? { expiresAt: expiryFor(tenant.mode) } : {}),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return record;
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
    const { Item } = await ddb.send(
      new GetCommand({
        TableName: tableName(),
        Key: { pk: `PAYEXC#${exception.provider}#${exception.providerPaymentId}`, sk: 'PAYEXC' },
        ConsistentRead: true,
      }),
    );
    return Item as PaymentException;
  }
}

export async function listPaymentExceptions(
  t: Tenant,
  page: { limit: number; offset: number },
): Promise<{ items: PaymentException[]; total: number }> {
  const items = await collectionItems({ collection: tenantKey(t, 'PAYEXC'), newestFirst: true });
  const all = items.map(
    ({ pk: _p, sk: _s, gsi1pk: _g, gsi1sk: _h, expiresAt: _e, partnerId: _pi, mode: _m, ...rest }) =>
      rest as unknown as PaymentException,
  );
  return { items: all.slice(page.offset, page.offset + page.limit), total: all.length };
}

// ------------------------------------------------------------------------------ sandbox gateway secret

const gatewaySecretKey = (t: Tenant) => ({ pk: tenantKey(t, 'GATEWAY'), sk: 'SANDBOX_SECRET' });

/**
 * The secret the sandbox gateway signs a tenant's callbacks with: one per sandbox account (as
 * a gateway gives each merchant account its own), created by the first caller (a conditional
 * write). The callback names the account in a header; the route verifies with that account's
 * secret and matches only that account's channels, so one tenant can never pay another's loans.
 */
/** The secret if the account has one, without making one (a verifier must not write: nobody can have signed with none). */
export async function findSandboxGatewaySecret(t: Tenant): Promise<string | null> {
  const { Item } = await ddb.send(
    new GetCommand({ TableName: tableName(), Key: gatewaySecretKey(t), ConsistentRead: true }),
  );
  return Item?.secret ? String(Item.secret) : null;
}

export async function sandboxGatewaySecret(t: Tenant): Promise<string> {
  const key = gatewaySecretKey(t);
  const { Item } = await ddb.send(new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true }));
  if (Item?.secret) return String(Item.secret);
  const secret = `gwsec_sbx_${randomBytes(24).toString('base64url')}`;
  try {
    await ddb.send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...key, secret, createdAt: new Date().toISOString() },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return secret;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return sandboxGatewaySecret(t);
    throw error;
  }
}
