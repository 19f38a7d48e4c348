/**
 * Borrower app biometrics: one-time challenges (bound to the device that asked, 300 s,
 * spent by a conditional delete so a replay finds nothing) and device public keys (ECDSA
 * P-256, SPKI), one per device, bound to a user: an item per device (found by X-Device-ID
 * at login) and one under the user (found by biometric_id to delete it), written together.
 */
import { DeleteCommand, GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Tenant } from '#core/tenant';
import { ddb, tableName } from './client.ts';
import { cancelledConditions, digest, expiryFor, isConditionalCheckFailed, tenantKey } from './keys.ts';

const challengeKey = (t: Tenant, challengeId: string) => ({ pk: tenantKey(t, 'APPCH', challengeId), sk: 'CHALLENGE' });
/** The device's key item (exported for the attempt counter: #store/app-attempts). */
export const deviceKeyKey = (t: Tenant, deviceId: string) => ({
  pk: tenantKey(t, 'APPDEV', digest(deviceId)),
  sk: 'BIO',
});
const userBiometricKey = (t: Tenant, userId: string, biometricId: string) => ({
  pk: tenantKey(t, 'BOR', userId),
  sk: `BIO#${biometricId}`,
});

export async function putChallenge(tenant: Tenant, challengeId: string, deviceId: string, expiresAtEpoch: number) {
  await ddb.send(
    new PutCommand({
      TableName: tableName(),
      Item: { ...challengeKey(tenant, challengeId), deviceId, expiresAtEpoch, expiresAt: expiresAtEpoch + 3600 },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

/** Spends a challenge of this device that has not expired; false for unknown, spent, expired or another device's. */
export async function consumeChallenge(tenant: Tenant, challengeId: string, deviceId: string): Promise<boolean> {
  try {
    await ddb.send(
      new DeleteCommand({
        TableName: tableName(),
        Key: challengeKey(tenant, challengeId),
        ConditionExpression: 'deviceId = :d AND expiresAtEpoch > :now',
        ExpressionAttributeValues: { ':d': deviceId, ':now': Math.floor(Date.now() / 1000) },
      }),
    );
    return true;
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
    return false;
  }
}

export interface DeviceBiometric {
  biometricId: string;
  userId: string;
  deviceId: string;
  publicKey: string;
  biometricType: string;
  createdAt: string;
}

export async function findDeviceBiometric(tenant: Tenant, deviceId: string): Promise<DeviceBiometric | null> {
  const { Item } = await ddb.send(
    new GetCommand({ TableName: tableName(), Key: deviceKeyKey(tenant, deviceId), ConsistentRead: true }),
  );
  if (!Item) return null;
  const { biometricId, userId, publicKey, biometricType, createdAt } = Item;
  return { biometricId, userId, deviceId, publicKey, biometricType, createdAt };
}

/** Registers the device's key for the user, replacing the device's earlier registration (of anyone). */
export async function registerBiometric(tenant: Tenant, bio: DeviceBiometric): Promise<void> {
  const table = tableName();
  const previous = await findDeviceBiometric(tenant, bio.deviceId);
  const expiresAt = expiryFor(tenant.mode);
  await ddb.send(
    new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName: table, Item: { ...deviceKeyKey(tenant, bio.deviceId), ...bio, expiresAt } } },
        {
          Put: {
            TableName: table,
            Item: { ...userBiometricKey(tenant, bio.userId, bio.biometricId), ...bio, expiresAt },
          },
        },
        ...(previous && previous.biometricId !== bio.biometricId
          ? [{ Delete: { TableName: table, Key: userBiometricKey(tenant, previous.userId, previous.biometricId) } }]
          : []),
      ],
    }),
  );
}

/** Deletes one of the user's registrations; false when the user has none with this id. */
export async function deleteBiometric(tenant: Tenant, userId: string, biometricId: string): Promise<boolean> {
  const table = tableName();
  const { Item } = await ddb.send(
    new GetCommand({ TableName: table, Key: userBiometricKey(tenant, userId, biometricId), ConsistentRead: true }),
  );
  if (!Item) return false;
  try {
    await ddb.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Delete: {
              TableName: table,
              Key: userBiometricKey(tenant, userId, biometricId),
              ConditionExpression: 'attribute_exists(pk)',
            },
          },
          {
            // The device's item only while it is still this registration (a newer one stays).
            Delete: {
              TableName: table,
              Key: deviceKeyKey(tenant, String(Item.deviceId)),
              ConditionExpression: 'attribute_not_exists(pk) OR biometricId = :id',
              ExpressionAttributeValues: { ':id': biometricId },
            },
          },
        ],
      }),
    );
    return true;
  } catch (error) {
    const failed = cancelledConditions(error);
    if (failed?.[0]) return false;
    if (failed?.[1]) {
      await ddb.send(new DeleteCommand({ TableName: table, Key: userBiometricKey(tenant, userId, biometricId) }));
      return true;
    }
    throw error;
  }
}
