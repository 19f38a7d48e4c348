import { GetCommand } from '@aws-sdk/lib-dynamodb';
import middy from '@middy/core';
import { http } from '#http/middleware';
import type { ApiResult } from '#http/route';
import { ddb, tableName } from '#store/client';
import { routes } from './routes.ts';

/** GET /health: 200 when the table answers. */
const health = async (): Promise<ApiResult> => {
  await ddb.send(new GetCommand({ TableName: tableName(), Key: { pk: 'SYSTEM#health', sk: 'KEY' } }));
  return { statusCode: 200, body: { status: 'ok' } };
};

export const handler = middy(health).use(http(routes.health));
