/**
 * A fixed-window request counter per credential, shared by every Lambda instance because it
 * lives in the table: one atomic ADD per request.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from './client.ts';

export interface WindowCount {
  count: number;
  /** Epoch seconds when the window ends. */
  resetsAt: number;
}

/** Counts one request for `subject` in the current window and returns the window's count. */
export async function countRequest(subject: string, windowSeconds: number, nowMs = Date.now()): Promise<WindowCount> {
  const start = Math.floor(nowMs / 1000 / windowSeconds) * windowSeconds;
  const resetsAt = start + windowSeconds;
  const { Attributes } = await ddb.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: { pk: `RATE#${subject}#${start}`, sk: 'RATE' },
      UpdateExpression: 'ADD #c :one SET expiresAt = if_not_exists(expiresAt, :exp)',
      ExpressionAttributeNames: { '#c': 'count' },
      ExpressionAttributeValues: { ':one': 1, ':exp': resetsAt + windowSeconds },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  return { count: Number(Attributes?.count ?? 1), resetsAt };
}
