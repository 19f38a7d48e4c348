/**
 * What the partner API's token exchange stores: the JWT signing key (created once, on first
 * use, by a conditional write), refresh tokens (digests only, single use) and the revoked
 * refresh token families.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from './client.ts';
import { digest, isConditionalCheckFailed } from './keys.ts';
import type { Principal } from './partners.ts';
import { rotateRefreshToken } from './refresh-rotation.ts';

const SIGNING_KEY = { pk: 'SYSTEM#jwt-signing-key', sk: 'KEY' };

/** The HS256 key for access tokens: read from the table, created by whichever caller comes first. */
export async function loadSigningKey(): Promise<Uint8Array> {
  const { Item } = await ddb.send(new GetCommand({ TableName: tableName(), Key: SIGNING_KEY, ConsistentRead: true }));
  if (Item?.key) return Buffer.from(String(Item.key), 'base64');
  const key = randomBytes(32).toString('base64');
  try {
    await ddb.send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...SIGNING_KEY, key, createdAt: new Date().toISOString() },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return Buffer.from(key, 'base64');
  } catch (error) {
    if (isConditionalCheckFailed(error)) return loadSigningKey();
    throw error;
  }
}

export const REFRESH_TOKEN_TTL_SECONDS = 30 * 24 * 3600;

/**
 * Refresh tokens rotate: each works once and gives the next. The tokens of one login form a
 * family (the id is set at login and inherited on rotation). A rotated token is kept, marked,
 * until it expires: presented again past a short grace (#store/refresh-rotation), it is the sign
 * that two parties hold the family (OAuth 2.0 Security BCP, RFC 9700 4.14.2), and the whole
 * family is revoked. The revocation is one item per family that every refresh reads, so no
 * token of the family needs to be found.
 */
const keyOfDigest = (tokenDigest: string) => ({ pk: `RT#${tokenDigest}`, sk: 'RT' });
const tokenKey = (token: string) => keyOfDigest(digest(token));
const familyKey = (familyId: string) => ({ pk: `RTF#${familyId}`, sk: 'RTF' });
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Issues the first refresh token of a new login (a new family); only its digest is stored. */
export async function issueRefreshToken(principal: Principal): Promise<string> {
  const token = `rt_${randomBytes(32).toString('base64url')}`;
  await ddb.send(
    new PutCommand({
      TableName: tableName(),
      Item: {
        ...tokenKey(token),
        ...principal,
        familyId: randomUUID(),
        expiresAt: nowSeconds() + REFRESH_TOKEN_TTL_SECONDS,
      },
    }),
  );
  return token;
}

export type RefreshTokenRedemption<A> =
  /** Spent now for `answer`, or spent moments ago for it and answered again (refresh-rotation). */
  | { outcome: 'rotated' | 'replayed'; principal: Principal; answer: A }
  /** Never issued, or expired. */
  | { outcome: 'unknown' }
  /** Spent before, past the grace: its family is revoked now. */
  | { outcome: 'reused' }
  /** Of a family revoked by an earlier reuse. */
  | { outcome: 'revoked' };

/**
 * Spends a refresh token for `answer(successor)`, the next pair of its family (see
 * #store/refresh-rotation: of concurrent refreshes with one token one spends it and all get its
 * answer; a spent token presented past the grace is reuse and revokes the family).
 */
export async function redeemRefreshToken<A>(
  token: string,
  answer: (principal: Principal, familyId: string, successor: string) => Promise<A>,
): Promise<RefreshTokenRedemption<A>> {
  const table = tableName();
  const { Item } = await ddb.send(new GetCommand({ TableName: table, Key: tokenKey(token), ConsistentRead: true }));
  if (!Item || Number(Item.expiresAt) <= nowSeconds()) return { outcome: 'unknown' };
  // A token issued before families existed starts its own, named after it, which concurrent spends agree on.
  const familyId = String(Item.familyId ?? digest(token));
  const principal: Principal = { partnerId: Item.partnerId, mode: Item.mode, credentialId: Item.credentialId };
  const familyRevoked = async () =>
    Boolean(
      (await ddb.send(new GetCommand({ TableName: table, Key: familyKey(familyId), ConsistentRead: true }))).Item,
    );
  if (!Item.rotatedAt && (await familyRevoked())) return { outcome: 'revoked' };
  const result = await rotateRefreshToken({
    token,
    item: Item,
    keyOf: keyOfDigest,
    prefix: 'rt_',
    familyId,
    successorItem: { ...principal, expiresAt: nowSeconds() + REFRESH_TOKEN_TTL_SECONDS },
    answer: (successor) => answer(principal, familyId, successor),
    familyRevoked,
  });
  if (result.outcome === 'reused') {
    await revokeRefreshTokenFamily(familyId, Item.partnerId, Item.credentialId);
    return { outcome: 'reused' };
  }
  return { ...result, principal };
}

/**
 * Revokes every refresh token of a family. The first revocation is kept (the condition makes a
 * second one a no-op); it outlives the family's last token, which expires at most a TTL from now.
 */
export async function revokeRefreshTokenFamily(familyId: string, partnerId: string, credentialId: string) {
  try {
    await ddb.send(
      new PutCommand({
        TableName: tableName(),
        Item: {
          ...familyKey(familyId),
          partnerId,
          credentialId,
          revokedAt: new Date().toISOString(),
          expiresAt: nowSeconds() + REFRESH_TOKEN_TTL_SECONDS + 24 * 3600,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
  }
}
