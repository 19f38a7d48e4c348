import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { NotFoundError } from '#core/errors';

/**
 * One document client per process, created at module scope. Locally the SDK finds DynamoDB
 * Local through AWS_ENDPOINT_URL_DYNAMODB; nothing here knows where it runs.
 */
export const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
});

/** The table every entity lives in (set on every function by the CDK and by the local runtime). */
export function tableName(): string {
  const name = process.env.TABLE_NAME;
  if (!name) throw new Error('TABLE_NAME is not set');
  return name;
}

/**
 * One entity by its key, read consistently, without the table's own attributes (keys, index
 * keys, TTL); NotFoundError naming `what` and `id` when there is none.
 */
export async function getEntity<T>(key: { pk: string; sk: string }, what: string, id: string): Promise<T> {
  const { Item } = await ddb.send(new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true }));
  if (!Item) throw new NotFoundError(what, id);
  const { pk: _p, sk: _s, gsi1pk: _g, gsi1sk: _h, expiresAt: _e, ...entity } = Item;
  return entity as T;
}
