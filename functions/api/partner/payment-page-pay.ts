import middy from '@middy/core';
import { ForbiddenError } from '#core/errors';
import { newId } from '#core/ids';
import { http, lowerHeaders } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { startWorkflow } from '#store/workflows';
import { planSandboxCallbacks } from '#workflows/collection';
import { linkGonePage, liveLink } from './payment-page.ts';
import { routes } from './routes.ts';

type Route = typeof routes.paymentLinkPay;

/**
 * POST /api/core/payment-links/{token}/pay: the sandbox page's "pay" button (a url-encoded form
 * with `amount`). The sandbox gateway takes the payment and calls the callback route, exactly as
 * for POST /v1/sandbox/payments; the borrower goes back to the page. Live links have no button
 * and get 404 here. Same-origin form posts only: the token in the path is the credential.
 */
const pay = async (event: ApiEvent<Route>): Promise<ApiResult> => {
  const { input } = event;
  const headers = lowerHeaders(event);
  const own = new URL(input.baseUrl).origin;
  if (headers.origin !== undefined && headers.origin !== own) {
    throw new ForbiddenError('Cross-site request refused', 'cross_site_request');
  }
  const link = await liveLink(input.params.token);
  if ('gone' in link) return link.gone;
  if (link.channel.mode !== 'sandbox') return linkGonePage(404, 'This page does not take payments');
  const raw = event.body ? Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8').toString('utf8') : '';
  const amount = new URLSearchParams(raw).get('amount') ?? link.channel.amount;
  const tenant = { partnerId: link.channel.partnerId, mode: link.channel.mode };
  const paymentId = newId('sbp');
  const callbacks = planSandboxCallbacks(
    tenant,
    { channel: 'payment_link', url: `${input.baseUrl}/api/core/payment-links/${link.channel.key}`, amount },
    paymentId,
  );
  await startWorkflow('sandboxGateway', paymentId, {
    partnerId: tenant.partnerId,
    paymentId,
    callbackUrl: `${input.baseUrl}/api/core/payment-gateway/sandbox/status`,
    callbacks,
  });
  return {
    statusCode: 303,
    headers: {
      location: `${input.baseUrl}/api/core/payment-links/${link.channel.key}?paid=${encodeURIComponent(amount)}`,
      'cache-control': 'no-store',
    },
  };
};

export const handler = middy(pay).use(http(routes.paymentLinkPay));
