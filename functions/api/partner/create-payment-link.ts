import middy from '@middy/core';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { issuePaymentLink } from '#workflows/collection';
import { channelAmount } from '../repayment-views.ts';
import { routes } from './routes.ts';

type Route = typeof routes.createLoanPaymentLink;

/** POST /api/core/loans/{id}/payment-link: the hosted page the borrower opens to pay. */
const create = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const link = await issuePaymentLink(input.principal, input.params.id);
  return {
    statusCode: 201,
    body: { url: `${input.baseUrl}/api/core/payment-links/${link.key}`, ...channelAmount(link) },
  };
};

export const handler = middy(create).use(http(routes.createLoanPaymentLink));
