import middy from '@middy/core';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { findApplicationByReference } from '#store/applications';
import { presignDownload } from '#store/documents-bucket';
import { journeyOk } from './respond.ts';
import { routes } from './routes.ts';

type Route = typeof routes.journeyGetAgreement;

/** GET /v2/loan/agreement?referenceID=…: the signing status, with a presigned link once signed. */
const getAgreement = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const app = await findApplicationByReference(input.principal, input.query.referenceID, 'agreement');
  const agreement = app.agreement;
  const status = agreement?.status ?? 'PROCESSING';
  const agreementURL = status === 'SUCCESS' && agreement ? await presignDownload(agreement.objectKey) : null;
  return journeyOk({ status, agreementURL }, 'GAS-S-000');
};

export const handler = middy(getAgreement).use(http(routes.journeyGetAgreement));
