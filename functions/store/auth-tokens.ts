/**
 * What the partner API's token exchange stores: the JWT signing key (created once, on first
 * use, by a conditional write) and refresh tokens (digests only, single use).
 */
import { randomBytes } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from './client.ts';
import { digest, isConditionalCheckFailed } from './keys.ts';
import type { Principal } from './partners.ts';

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

/** Issues a refresh token for a principal; only its digest is stored. */
export async function issueRefreshToken(principal: Principal): Promise<string> {
  const token = `rt_${randomBytes(32).toString('base64url')}`;
  await ddb.send(
    new PutCommand({
      TableName: tableName(),
      Item: {
        pk: `RT#${digest(token)}`,
        sk: 'RT',
        ...principal,
        expiresAt: Math.floor(Date.now() / 1000) + REFRESH_TOKEN_TTL_SECONDS,
      },
    }),
  );
  return token;
}

/**
 * Consumes a refresh token (rotation: it works once). The delete is conditional, so two
 * concurrent refreshes with the same token cannot both succeed.
 */
export async function consumeRefreshToken(token: string): Promise<Principal | null> {
  try {
    const { Attributes } = await ddb.send(
      new DeleteCommand({
        TableName: tableName(),
        Key: { pk: `RT#${digest(token)}`, sk: 'RT' },
        ConditionExpression: 'attribute_exists(pk) AND expiresAt > :now',
        ExpressionAttributeValues: { ':now': Math.floor(Date.now() / 1000) },
        ReturnValues: 'ALL_OLD',
      }),
    );
    if (!Attributes) return null;
    return { partnerId: Attributes.partnerId, mode: Attributes.mode, credentialId: Attributes.credentialId };
  } catch (error) {
    if (isConditionalCheckFailed(error)) return null;
    throw error;
  }
}
