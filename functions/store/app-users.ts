/**
 * Borrower app users: borrower records of the app tenant (the partner/platform side sees
 * them, and the same events fire), found by phone through the tenant's UNIQUE PHONE item.
 * The app's account lives on the record (`app`: #core/borrowers AppAccount); the security
 * PIN and its wrong-attempt counter in an item of their own (`APPCRED`), never read with the
 * profile and never returned.
 */
import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { PinHash } from '#core/app/security';
import type { AppAccount, Borrower, BorrowerStatus, KycResult } from '#core/borrowers';
import { ConflictError } from '#core/errors';
import type { Tenant } from '#core/tenant';
import { borrowerKey, getBorrower } from './borrowers.ts';
import { ddb, tableName } from './client.ts';
import { cancelledConditions, expiryFor, isConditionalCheckFailed, tenantKey } from './keys.ts';
import { type DomainEvent, outboxPut } from './outbox.ts';

/** The PIN's item (exported for the attempt counter: #store/app-attempts). */
export const appCredentialKey = (t: Tenant, userId: string) => ({ pk: tenantKey(t, 'BOR', userId), sk: 'APPCRED' });
const uniqueKey = (t: Tenant, kind: string, value: string) => ({
  pk: tenantKey(t, 'UNIQUE', kind, value),
  sk: 'UNIQUE',
});

/** The user id (borrower id) registered with this phone (E.164), or null. */
export async function findUserIdByPhone(tenant: Tenant, phone: string): Promise<string | null> {
  const { Item } = await ddb.send(
    new GetCommand({ TableName: tableName(), Key: uniqueKey(tenant, 'PHONE', phone), ConsistentRead: true }),
  );
  return Item ? String(Item.borrowerId) : null;
}

/** An app user (a borrower with an app account); null when the borrower has none (another surface's). */
export async function findAppUser(tenant: Tenant, userId: string): Promise<(Borrower & { app: AppAccount }) | null> {
  const borrower = await getBorrower(tenant, userId).catch(() => null);
  return borrower?.app ? (borrower as Borrower & { app: AppAccount }) : null;
}

/**
 * Records the KYC outcome of an app upload: the borrower's status and KYC result with
 * user_verify (the partner-facing record), and the app's KYC fields, in one transaction. The
 * guard: the account is still onboarding and its KYC not yet verified.
 */
export async function recordAppKyc(
  tenant: Tenant,
  userId: string,
  change: { to: BorrowerStatus; kyc: KycResult; app: Partial<AppAccount>; event: DomainEvent },
): Promise<void> {
  const table = tableName();
  const values: Record<string, unknown> = {
    ':to': change.to,
    ':kyc': change.kyc,
    ':now': new Date().toISOString(),
    ':pending': 'PENDING',
    ':verified': 'SYSTEM_VERIFIED',
    ':from0': 'PENDING',
    ':from1': 'REJECTED',
  };
  const sets = Object.entries(change.app).map(([k, v], i) => {
    values[`:a${i}`] = v;
    return `app.${k} = :a${i}`;
  });
  try {
    await ddb.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: table,
              Key: borrowerKey(tenant, userId),
              UpdateExpression: `SET #s = :to, kyc = :kyc, updatedAt = :now, ${sets.join(', ')}`,
              ConditionExpression:
                'app.#as = :pending AND #s IN (:from0, :from1) AND (attribute_not_exists(app.kycStatus) OR app.kycStatus <> :verified)',
              ExpressionAttributeNames: { '#s': 'status', '#as': 'status' },
              ExpressionAttributeValues: values,
            },
          },
          outboxPut(table, change.event),
        ],
      }),
    );
  } catch (error) {
    if (cancelledConditions(error)?.[0]) {
      throw new ConflictError('kyc_state_changed', 'The KYC of this user was recorded meanwhile', { cause: error });
    }
    throw error;
  }
}

/**
 * Activates the account with its personal information: the profile, name, e-mail and NIK
 * on the borrower (the NIK unique in the tenant, by its UNIQUE item), the disbursement
 * account, and the PIN's item, in one transaction. Guard: still PENDING with verified KYC.
 * ConflictError `nik_taken` when another borrower holds the NIK.
 */
export async function activateAppUser(
  tenant: Tenant,
  userId: string,
  change: {
    name: string;
    email: string;
    nik: string;
    profile: Record<string, unknown>;
    disbursementAccount: Borrower['disbursementAccount'];
    pin: PinHash;
    activatedAt: string;
  },
): Promise<void> {
  const table = tableName();
  try {
    await ddb.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: table,
              Key: borrowerKey(tenant, userId),
              UpdateExpression:
                'SET #n = :name, email = :email, nik = :nik, disbursementAccount = :acct, app.profile = :profile, app.#as = :active, app.activatedAt = :at, updatedAt = :at',
              ConditionExpression: 'app.#as = :pending AND app.kycStatus = :verified',
              ExpressionAttributeNames: { '#n': 'name', '#as': 'status' },
              ExpressionAttributeValues: {
                ':name': change.name,
                ':email': change.email,
                ':nik': change.nik,
                ':acct': change.disbursementAccount,
                ':profile': change.profile,
                ':active': 'ACTIVE',
                ':pending': 'PENDING',
                ':verified': 'SYSTEM_VERIFIED',
                ':at': change.activatedAt,
              },
            },
          },
          {
            Put: {
              TableName: table,
              Item: { ...uniqueKey(tenant, 'NIK', change.nik), borrowerId: userId, expiresAt: expiryFor(tenant.mode) },
              ConditionExpression: 'attribute_not_exists(pk) OR borrowerId = :me',
              ExpressionAttributeValues: { ':me': userId },
            },
          },
          {
            Put: {
              TableName: table,
              Item: { ...appCredentialKey(tenant, userId), pin: change.pin, expiresAt: expiryFor(tenant.mode) },
            },
          },
        ],
      }),
    );
  } catch (error) {
    const failed = cancelledConditions(error);
    if (failed?.[1]) throw new ConflictError('nik_taken', 'Another borrower has this NIK', { cause: error });
    if (failed?.[0])
      throw new ConflictError('account_state_changed', 'The account changed meanwhile', { cause: error });
    throw error;
  }
}

/** The user's PIN (scrypt), or null before personal-info. */
export async function findPin(tenant: Tenant, userId: string): Promise<PinHash | null> {
  const { Item } = await ddb.send(
    new GetCommand({ TableName: tableName(), Key: appCredentialKey(tenant, userId), ConsistentRead: true }),
  );
  return (Item?.pin as PinHash | undefined) ?? null;
}

/** Notes the device a user last signed in from (support sees it; nothing authorises by it). */
export async function touchLastLogin(tenant: Tenant, userId: string, deviceId: string): Promise<void> {
  await ddb
    .send(
      new UpdateCommand({
        TableName: tableName(),
        Key: appCredentialKey(tenant, userId),
        UpdateExpression: 'SET lastLoginAt = :now, lastDeviceId = :d',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':now': new Date().toISOString(), ':d': deviceId },
      }),
    )
    .catch((error: unknown) => {
      if (!isConditionalCheckFailed(error)) throw error;
    });
}
