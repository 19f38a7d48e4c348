import middy from '@middy/core';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { getAnalysis } from '#store/banking';
import { journeyOk } from './respond.ts';
import { routes } from './routes.ts';

type Route = typeof routes.journeyGetBanking;

/** GET /v2/user/bank/analyse?referenceID=…: SUCCESS, or FAILED with the spec's errorCode in bankingDetails. */
const getBanking = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const a = await getAnalysis(input.principal, input.query.referenceID);
  if (a.status === 'SUCCESS') {
    return journeyOk(
      { errorCode: '', errorMessage: '', referenceID: a.referenceId, status: 'SUCCESS' },
      'BANK-GBR-S-000',
    );
  }
  return journeyOk(
    {
      bankingDetails: { errorCode: a.errorCode, errorMessage: a.errorMessage },
      referenceID: a.referenceId,
      status: 'FAILED',
    },
    'BANK-GBR-S-002',
  );
};

export const handler = middy(getBanking).use(http(routes.journeyGetBanking));
