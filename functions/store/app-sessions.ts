/**
 * Borrower app sessions: refresh tokens (digests only, single use, rotated) and their
 * families, as the partner API's (#store/auth-tokens) but bound to a user and a device. A
 * login (verify-pin, biometric) starts a family; its id is the session id every access token
 * of the session carries. A rotated token presented again past a short grace revokes the family
 * (RFC 9700 4.14.2, #store/refresh-rotation), and so does POST /api/v1/auth/revoke (with its reason); the authorizer refuses
 * access tokens of a revoked family.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Tenant } from '#core/tenant';
import { ddb, tableName } from './client.ts';
import { digest, isConditionalCheckFailed } from './keys.ts';
import { rotateRefreshToken } from './refresh-rotation.ts';

export const APP_REFRESH_TOKEN_TTL_SECONDS = 30 * 24 * 3600;

const keyOfDigest = (tokenDigest: string) => ({ pk: `APPRT#${tokenDigest}`, sk: 'RT' });
const tokenKey = (token: string) => keyOfDigest(digest(token));
const familyKey = (familyId: string) => ({ pk: `APPRTF#${familyId}`, sk: 'RTF' });
const nowSeconds = () => Math.floor(Date.now() / 1000);

export interface AppSessionOwner extends Tenant {
  userId: string;
  deviceId: string;
}

/** A new refresh token of `familyId` (a new session when absent); only its digest is stored. */
export async function issueAppRefreshToken(owner: AppSessionOwner, familyId: string = randomUUID()) {
  const token = `ref_${randomBytes(32).toString('base64url')}`;
  await ddb.send(
    new PutCommand({
      TableName: tableName(),
      Item: { ...tokenKey(token), ...owner, familyId, expiresAt: nowSeconds() + APP_REFRESH_TOKEN_TTL_SECONDS },
    }),
  );
  return { refreshToken: token, sessionId: familyId };
}

/**
 * Spends a login-scoped token (its `lid`) once: true for the first caller, false after. Kept
 * two hours, past the token's own hour.
 */
export async function spendLoginToken(loginId: string): Promise<boolean> {
  try {
    await ddb.send(
      new PutCommand({
        TableName: tableName(),
        Item: { pk: `APPLOGIN#${loginId}`, sk: 'SPENT', expiresAt: nowSeconds() + 2 * 3600 },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}

export type AppRefreshRedemption<A> =
  | { outcome: 'rotated' | 'replayed'; answer: A }
  | { outcome: 'unknown' | 'reused' | 'revoked' | 'other_device' };

/**
 * Spends a refresh token for `answer(owner, familyId, successor)`, the session's next tokens
 * (#store/refresh-rotation: of concurrent refreshes with one token one spends it and all get its
 * answer; a spent token presented past the grace is reuse and revokes the session). The device
 * must be the one the token was issued to (a stolen token is useless elsewhere; it is not spent,
 * nor its family revoked, by a caller who merely names another device).
 */
export async function redeemAppRefreshToken<A>(
  token: string,
  deviceId: string,
  answer: (owner: AppSessionOwner, familyId: string, successor: string) => Promise<A>,
): Promise<AppRefreshRedemption<A>> {
  const { Item } = await ddb.send(
    new GetCommand({ TableName: tableName(), Key: tokenKey(token), ConsistentRead: true }),
  );
  if (!Item || Number(Item.expiresAt) <= nowSeconds()) return { outcome: 'unknown' };
  if (Item.deviceId !== deviceId) return { outcome: 'other_device' };
  const familyId = String(Item.familyId);
  if (!Item.rotatedAt && (await isAppSessionRevoked(familyId))) return { outcome: 'revoked' };
  const owner: AppSessionOwner = {
    partnerId: Item.partnerId,
    mode: Item.mode,
    userId: Item.userId,
    deviceId: Item.deviceId,
  };
  const result = await rotateRefreshToken({
    token,
    item: Item,
    keyOf: keyOfDigest,
    prefix: 'ref_',
    familyId,
    successorItem: { ...owner, expiresAt: nowSeconds() + APP_REFRESH_TOKEN_TTL_SECONDS },
    answer: (successor) => answer(owner, familyId, successor),
    familyRevoked: () => isAppSessionRevoked(familyId),
  });
  if (result.outcome === 'reused') await revokeAppSession(familyId, 'REFRESH_TOKEN_REUSED');
  return result;
}

/** The session a refresh token belongs to, when it is the user's own and unexpired (revoke checks this). */
export async function findAppRefreshToken(token: string) {
  const { Item } = await ddb.send(
    new GetCommand({ TableName: tableName(), Key: tokenKey(token), ConsistentRead: true }),
  );
  if (!Item || Number(Item.expiresAt) <= nowSeconds()) return null;
  return { userId: String(Item.userId), deviceId: String(Item.deviceId), familyId: String(Item.familyId) };
}

/** Revokes a session (every refresh token of the family, and its access tokens); the first reason is kept. */
export async function revokeAppSession(familyId: string, reason: string): Promise<void> {
  try {
    await ddb.send(
      new PutCommand({
        TableName: tableName(),
        Item: {
          ...familyKey(familyId),
          reason,
          revokedAt: new Date().toISOString(),
          expiresAt: nowSeconds() + APP_REFRESH_TOKEN_TTL_SECONDS + 24 * 3600,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
  }
}

export async function isAppSessionRevoked(familyId: string): Promise<boolean> {
  const { Item } = await ddb.send(
    new GetCommand({ TableName: tableName(), Key: familyKey(familyId), ConsistentRead: true }),
  );
  return Boolean(Item);
}
