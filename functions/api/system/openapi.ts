import middy from '@middy/core';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { openApiDocument } from '../openapi.ts';
import { routeList, routes } from '../routes.ts';

let document: ReturnType<typeof openApiDocument> | undefined;

/** GET /openapi.json */
const openapi = async ({ input }: ApiEvent<typeof routes.openapi>): Promise<ApiResult> => {
  document ??= openApiDocument(routeList);
  return { statusCode: 200, body: { ...document, servers: [{ url: input.baseUrl }] } };
};

export const handler = middy(openapi).use(http(routes.openapi));
