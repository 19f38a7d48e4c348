import { randomBytes } from 'node:crypto';
import middy from '@middy/core';
import { ValidationError } from '#core/errors';
import { newId } from '#core/ids';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { refuseUrl } from '#providers/egress';
import { insertWebhookEndpoint } from '#store/webhooks';
import { routes } from './routes.ts';

type Route = typeof routes.createWebhookEndpoint;

/** POST /v1/webhook-endpoints: the secret and auth key are returned once, here. */
const createWebhookEndpoint = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const { body, principal } = input;
  const refusal = await refuseUrl(body.url, principal.mode);
  if (refusal) throw new ValidationError([{ field: 'url', message: refusal }]);
  const endpoint = {
    endpointId: newId('whe'),
    url: body.url,
    events: [...new Set(body.events)],
    secret: `whsec_${randomBytes(24).toString('base64url')}`,
    authKey: `whak_${randomBytes(24).toString('base64url')}`,
    createdAt: new Date().toISOString(),
  };
  await insertWebhookEndpoint(principal, endpoint);
  return {
    statusCode: 201,
    body: {
      id: endpoint.endpointId,
      url: endpoint.url,
      events: endpoint.events,
      secret: endpoint.secret,
      auth_key: endpoint.authKey,
      created_at: endpoint.createdAt,
    },
  };
};

export const handler = middy(createWebhookEndpoint).use(http(routes.createWebhookEndpoint));
