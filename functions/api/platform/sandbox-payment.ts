import middy from '@middy/core';
import { NoRouteError } from '#core/errors';
import { newId } from '#core/ids';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { startWorkflow } from '#store/workflows';
import { planSandboxCallbacks } from '#workflows/collection';
import { routes } from './routes.ts';

type Route = typeof routes.createSandboxPayment;

/**
 * POST /v1/sandbox/payments: pay a VA, a QRIS or a payment link as a borrower would, through
 * the sandbox gateway. It answers at once (202) and calls the callback route back
 * asynchronously, signed with the account's sandbox secret, as Xendit or Midtrans would.
 * Magic amounts (last three digits): 991 late, 992 duplicated, 993 out of order. Sandbox keys
 * only: a live key gets 404, as for a path that does not exist.
 */
const pay = async ({ input, httpMethod, path }: ApiEvent<Route>): Promise<ApiResult> => {
  if (input.principal.mode !== 'sandbox') throw new NoRouteError(httpMethod, path, false);
  const paymentId = newId('sbp');
  const callbacks = planSandboxCallbacks(input.principal, input.body, paymentId);
  const callbackUrl = `${input.baseUrl}/api/core/payment-gateway/sandbox/status`;
  await startWorkflow('sandboxGateway', paymentId, {
    partnerId: input.principal.partnerId,
    paymentId,
    callbackUrl,
    callbacks,
  });
  return {
    statusCode: 202,
    body: { data: { id: paymentId, status: 'PENDING', callbacks: callbacks.length, callback_url: callbackUrl } },
  };
};

export const handler = middy(pay).use(http(routes.createSandboxPayment));
