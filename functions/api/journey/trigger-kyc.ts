import middy from '@middy/core';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { getBorrowerByCustomerId } from '#store/borrowers';
import { startKyc } from './kyc-steps.ts';
import { journeyOk } from './respond.ts';
import { routes } from './routes.ts';

type Route = typeof routes.journeyTriggerKyc;

/**
 * POST /v2/kyc/ckyc: hands a KYC run to the application's workflow (OKYC when an Aadhaar XML
 * was uploaded, CKYC otherwise) and answers at once; GET /v2/kyc/details polls it. A run in
 * progress or an approved one is answered again rather than replaced.
 */
const triggerKyc = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const { principal, body } = input;
  const borrower = await getBorrowerByCustomerId(principal, body.customerID);
  return journeyOk({ referenceID: await startKyc(principal, borrower) }, 'TCK-S-000');
};

export const handler = middy(triggerKyc).use(http(routes.journeyTriggerKyc));
