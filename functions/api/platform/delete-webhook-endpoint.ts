import middy from '@middy/core';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { deleteWebhookEndpoint } from '#store/webhooks';
import { routes } from './routes.ts';

type Route = typeof routes.deleteWebhookEndpoint;

/** DELETE /v1/webhook-endpoints/{id}: deliveries already planned to it are skipped. */
const deleteEndpoint = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  await deleteWebhookEndpoint(input.principal, input.params.id);
  return { statusCode: 204 };
};

export const handler = middy(deleteEndpoint).use(http(routes.deleteWebhookEndpoint));
