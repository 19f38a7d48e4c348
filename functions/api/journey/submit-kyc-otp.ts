import middy from '@middy/core';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { getBorrower } from '#store/borrowers';
import { getKycRun } from '#store/kyc-runs';
import { answerKycOtp } from './kyc-steps.ts';
import { journeyOk } from './respond.ts';
import { routes } from './routes.ts';

type Route = typeof routes.journeySubmitKycOtp;

/**
 * POST /v2/kyc/ckyc/otp: the OTP the CKYC registry sent the customer (lendstack's addition:
 * the spec shows the OTP action but no way to answer it). The workflow checks it with the
 * registry; the run reads PROCESSING until then, and GET /v2/kyc/details gives the verdict
 * (INVALID_CKYC_OTP for a wrong one; the third wrong one fails the run).
 */
const submitOtp = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const { principal, body } = input;
  const run = await getKycRun(principal, body.referenceID);
  const borrower = await getBorrower(principal, run.borrowerId);
  await answerKycOtp(principal, borrower, run, body.otp);
  return journeyOk({ referenceID: run.referenceId, status: 'PROCESSING', action: '' }, 'SKO-S-000');
};

export const handler = middy(submitOtp).use(http(routes.journeySubmitKycOtp));
