import middy from '@middy/core';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { listWebhookEndpoints } from '#store/webhooks';
import { routes } from './routes.ts';

type Route = typeof routes.listWebhookEndpoints;

/** GET /v1/webhook-endpoints?limit&offset: secrets are never listed. */
const listEndpoints = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const { limit, offset } = input.query;
  const all = await listWebhookEndpoints(input.principal);
  return {
    statusCode: 200,
    body: {
      data: all
        .slice(offset, offset + limit)
        .map((e) => ({ id: e.endpointId, url: e.url, events: e.events, created_at: e.createdAt })),
      meta: { total: all.length, limit, offset },
    },
  };
};

export const handler = middy(listEndpoints).use(http(routes.listWebhookEndpoints));
