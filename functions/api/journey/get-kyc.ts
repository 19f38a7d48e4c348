import middy from '@middy/core';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { getKycRun } from '#store/kyc-runs';
import { journeyOk } from './respond.ts';
import { routes } from './routes.ts';

type Route = typeof routes.journeyGetKyc;

/** GET /v2/kyc/details?referenceID=…: the run as the spec's examples show it, per status. */
const getKyc = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const run = await getKycRun(input.principal, input.query.referenceID);
  if (run.status === 'FAILED' || run.status === 'REJECTED') {
    return {
      statusCode: 200,
      body: {
        data: {
          action: '',
          results: run.results,
          status: run.status,
          ...(run.personalKYC ? { personalKYC: run.personalKYC } : {}),
        },
        error: run.message,
        statusCode: 'GKD-E-000',
      },
    };
  }
  if (run.status === 'ACTION_PENDING') {
    return journeyOk(
      {
        action: run.action,
        customerID: run.customerId,
        referenceID: run.referenceId,
        results: null,
        status: run.status,
      },
      'GKD-S-001',
    );
  }
  if (run.status === 'PROCESSING') {
    return journeyOk(
      {
        action: 'WAIT',
        personalKYC: null,
        status: 'PROCESSING',
        outputVariables: { manualReviewRequired: run.manualReviewRequired },
      },
      'GKD-S-001',
    );
  }
  return journeyOk(
    {
      action: '',
      personalKYC: run.personalKYC,
      results: run.results,
      outputVariables: {
        manualReviewRequired: false,
        // Set on every run verified since the field exists; an older run has none to tell.
        ...(run.udyamStatus ? { udyamStatus: run.udyamStatus } : {}),
      },
      status: 'APPROVED',
    },
    'GKD-S-000',
  );
};

export const handler = middy(getKyc).use(http(routes.journeyGetKyc));
