import middy from '@middy/core';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { issueVirtualAccount } from '#workflows/collection';
import { channelAmount } from '../repayment-views.ts';
import { routes } from './routes.ts';

type Route = typeof routes.createLoanVirtualAccount;

/**
 * POST /api/core/loans/{id}/virtual-account: a VA at the bank for what is due now. The loan
 * keeps one number per bank for good; asking again answers the live VA, renewed when the
 * amount due or the expiry moved.
 */
const create = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const va = await issueVirtualAccount(input.principal, input.params.id, input.body.bank_code);
  return {
    statusCode: 201,
    body: {
      va_number: va.key,
      bank_code: va.bankCode,
      partner_service_id: va.partnerServiceId,
      customer_no: va.customerNo,
      ...channelAmount(va),
    },
  };
};

export const handler = middy(create).use(http(routes.createLoanVirtualAccount));
