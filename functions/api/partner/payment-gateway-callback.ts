import middy from '@middy/core';
import { http, lowerHeaders } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { handleGatewayCallback } from '#workflows/collection';
import { routes } from './routes.ts';

type Route = typeof routes.paymentGatewayCallback;

/**
 * POST /api/core/payment-gateway/{provider}/status: a payment gateway's notification. The
 * signature is verified before the body is read (401, nothing stored, otherwise); a payment is
 * applied once per the gateway's payment id; one that matches no channel is kept as a payment
 * exception. 200 tells the gateway to stop retrying.
 */
const callback = async (event: ApiEvent<Route>): Promise<ApiResult> => {
  const raw = event.body ? Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8').toString('utf8') : '';
  const result = await handleGatewayCallback(event.input.params.provider, lowerHeaders(event), raw);
  return { statusCode: 200, body: { received: true, outcome: result.outcome } };
};

export const handler = middy(callback).use(http(routes.paymentGatewayCallback));
