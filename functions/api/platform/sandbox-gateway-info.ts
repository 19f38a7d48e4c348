import middy from '@middy/core';
import { NoRouteError } from '#core/errors';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { SANDBOX_SIGNATURE_HEADER } from '#providers/payment-gateways';
import { sandboxGatewaySecret } from '#store/payments';
import { SANDBOX_ACCOUNT_HEADER } from '#workflows/collection';
import { routes } from './routes.ts';

type Route = typeof routes.getSandboxGateway;

/**
 * GET /v1/sandbox/payment-gateway: the sandbox gateway account of this key's tenant, with the
 * secret its callbacks are signed with, so a developer can sign callbacks of their own (as the
 * Stripe CLI prints its webhook secret). Sandbox keys only.
 */
const info = async ({ input, httpMethod, path }: ApiEvent<Route>): Promise<ApiResult> => {
  if (input.principal.mode !== 'sandbox') throw new NoRouteError(httpMethod, path, false);
  return {
    statusCode: 200,
    body: {
      data: {
        account_id: input.principal.partnerId,
        secret: await sandboxGatewaySecret(input.principal),
        callback_url: `${input.baseUrl}/api/core/payment-gateway/sandbox/status`,
        signature_header: SANDBOX_SIGNATURE_HEADER,
        account_header: SANDBOX_ACCOUNT_HEADER,
      },
    },
  };
};

export const handler = middy(info).use(http(routes.getSandboxGateway));
