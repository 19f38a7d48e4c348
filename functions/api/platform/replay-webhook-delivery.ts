import middy from '@middy/core';
import { InvalidStateError } from '#core/errors';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { getDelivery, getWebhookEndpoint, reopenDelivery } from '#store/webhooks';
import { startWorkflow } from '#store/workflows';
import { routes } from './routes.ts';

type Route = typeof routes.replayWebhookDelivery;

/** POST /v1/webhook-endpoints/{id}/deliveries/{eventId}/replay: the delivery workflow again, for one endpoint. */
const replayDelivery = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const { principal, params } = input;
  await getWebhookEndpoint(principal, params.id);
  const delivery = await getDelivery(principal, params.eventId, params.id);
  await reopenDelivery(principal, params.eventId, params.id);
  // The input has the shape of the bus event the rule would send, plus the one endpoint to deliver to.
  if (!delivery.event) {
    throw new InvalidStateError(
      'delivery_not_replayable',
      'This delivery was recorded without its event and cannot be replayed',
    );
  }
  // Execution names are at most 80 characters: the ids without their prefixes.
  await startWorkflow('webhookDelivery', `rp-${params.eventId.slice(4)}-${params.id.slice(4)}-${Date.now()}`, {
    source: 'lendstack',
    'detail-type': 'lendstack.event',
    detail: delivery.event,
    replayEndpointId: params.id,
  });
  return { statusCode: 202, body: { event_id: params.eventId, status: 'PENDING' } };
};

export const handler = middy(replayDelivery).use(http(routes.replayWebhookDelivery));
