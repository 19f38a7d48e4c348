import middy from '@middy/core';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { getWebhookEndpoint, listDeliveriesForEndpoint } from '#store/webhooks';
import { routes } from './routes.ts';

type Route = typeof routes.listWebhookDeliveries;

/** GET /v1/webhook-endpoints/{id}/deliveries: newest first, up to the last 100. */
const listDeliveries = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const { limit, offset } = input.query;
  await getWebhookEndpoint(input.principal, input.params.id);
  const all = await listDeliveriesForEndpoint(input.principal, input.params.id, 100);
  return {
    statusCode: 200,
    body: {
      data: all.slice(offset, offset + limit).map((d) => ({
        id: d.deliveryId,
        event_id: d.eventId,
        event_type: d.eventType,
        status: d.status,
        attempts: d.attempts,
        last_status_code: d.lastStatusCode ?? null,
        last_error: d.lastError ?? null,
        created_at: d.createdAt,
        updated_at: d.updatedAt,
      })),
      meta: { total: all.length, limit, offset },
    },
  };
};

export const handler = middy(listDeliveries).use(http(routes.listWebhookDeliveries));
