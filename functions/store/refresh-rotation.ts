/**
 * Refresh-token rotation, shared by the partner API (#store/auth-tokens) and the borrower app
 * (#store/app-sessions).
 *
 * A refresh token is spent once, by a conditional write on its item that also records the
 * successor's digest and the answer the spend gave, sealed (AES-256-GCM) under a key derived
 * from the spent token itself: only its holder can open it, and the table alone gives nothing
 * away. The same token presented again within REUSE_GRACE_SECONDS of its spend, while its
 * successor is unspent and the family not revoked, gets that same answer: the same refresh
 * sent twice at once (two threads, two tabs) or retried after a lost response has one effect
 * and one answer. Presented later, or once its successor was itself spent, it is reuse (two
 * parties hold the family, RFC 9700 4.14.2) and the caller revokes the family. The grace
 * delays detection by at most that window and never hands out anything the legitimate
 * holder was not also given (Auth0's "reuse interval" and Okta's "grace period" do the same).
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from './client.ts';
import { digest, isConditionalCheckFailed } from './keys.ts';

/** How long a spent refresh token still gets the answer of its spend. */
export const REUSE_GRACE_SECONDS = 30;

type Key = { pk: string; sk: string };
type Item = Record<string, unknown>;

/** The AES key a token's holder (and no one else) can derive. */
const sealingKey = (token: string) => createHmac('sha256', token).update('lendstack/refresh-replay/v1').digest();

export function seal(token: string, answer: unknown): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealingKey(token), iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(answer), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

/** The sealed answer, or undefined when it does not open with this token. */
export function unseal<A>(token: string, sealed: string): A | undefined {
  try {
    const raw = Buffer.from(sealed, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', sealingKey(token), raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return JSON.parse(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')) as A;
  } catch {
    return undefined;
  }
}

export interface Rotation<A> {
  /** The token presented, and its item as read (consistently). */
  token: string;
  item: Item;
  /** The key of a token's item from its digest. */
  keyOf: (tokenDigest: string) => Key;
  /** The successor's prefix (`rt_`, `ref_`). */
  prefix: string;
  /** The family, written on the spent item with the spend (a partner token from before families had none). */
  familyId: string;
  /** The successor's item, key and family aside. */
  successorItem: Item;
  /** The answer the spend gives, with the successor token in it. */
  answer: (successor: string) => Promise<A>;
  /** Whether the family was revoked (a revoked family's replay is never answered). */
  familyRevoked: () => Promise<boolean>;
}

export type RotationResult<A> = { outcome: 'rotated' | 'replayed'; answer: A } | { outcome: 'reused' };

/**
 * Spends `token` for a successor, or answers the spend's answer again (see the module's
 * comment). 'reused' means the caller must revoke the family. The spend comes first and the
 * successor's item after, so a successor not written yet is unspent by definition.
 */
export async function rotateRefreshToken<A>(rotation: Rotation<A>): Promise<RotationResult<A>> {
  const table = tableName();
  const { token, keyOf } = rotation;
  let item = rotation.item;
  if (!item.rotatedAt) {
    const successor = `${rotation.prefix}${randomBytes(32).toString('base64url')}`;
    const answer = await rotation.answer(successor);
    try {
      await ddb.send(
        new UpdateCommand({
          TableName: table,
          Key: keyOf(digest(token)),
          // Spent once: the first spend sets rotatedAt, every later one finds it set.
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(rotatedAt)',
          UpdateExpression: 'SET rotatedAt = :now, successor = :successor, replay = :replay, familyId = :family',
          ExpressionAttributeValues: {
            ':now': new Date().toISOString(),
            ':successor': digest(successor),
            ':replay': seal(token, answer),
            ':family': rotation.familyId,
          },
        }),
      );
      await ddb.send(
        new PutCommand({
          TableName: table,
          Item: { ...keyOf(digest(successor)), ...rotation.successorItem, familyId: rotation.familyId },
        }),
      );
      return { outcome: 'rotated', answer };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
    // Another spend won: answer as it did, if it still may.
    const read = await ddb.send(new GetCommand({ TableName: table, Key: keyOf(digest(token)), ConsistentRead: true }));
    if (!read.Item) return { outcome: 'reused' };
    item = read.Item;
  }
  const answer = await replayOf<A>(rotation, item);
  return answer === undefined ? { outcome: 'reused' } : { outcome: 'replayed', answer };
}

async function replayOf<A>(rotation: Rotation<A>, item: Item): Promise<A | undefined> {
  const spentAt = Date.parse(String(item.rotatedAt));
  if (!(Date.now() - spentAt <= REUSE_GRACE_SECONDS * 1000)) return undefined;
  if (typeof item.replay !== 'string' || typeof item.successor !== 'string') return undefined;
  const { Item: successor } = await ddb.send(
    new GetCommand({ TableName: tableName(), Key: rotation.keyOf(item.successor), ConsistentRead: true }),
  );
  if (successor?.rotatedAt) return undefined;
  if (await rotation.familyRevoked()) return undefined;
  return unseal<A>(rotation.token, item.replay);
}
