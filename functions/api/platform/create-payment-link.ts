import middy from '@middy/core';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { issuePaymentLink } from '#workflows/collection';
import { routes } from './routes.ts';

type Route = typeof routes.createPaymentLink;

/** POST /v1/payment-links: the partner API's POST /api/core/loans/{id}/payment-link (the same live link while it lasts). */
const create = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const link = await issuePaymentLink(input.principal, input.body.loan_id);
  return {
    statusCode: 201,
    body: {
      data: {
        url: `${input.baseUrl}/api/core/payment-links/${link.key}`,
        amount: Number(link.amount),
        expires_at: link.expiresAt,
        loan_id: link.loanId,
      },
    },
  };
};

export const handler = middy(create).use(http(routes.createPaymentLink));
