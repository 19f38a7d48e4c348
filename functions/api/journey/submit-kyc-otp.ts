import middy from '@middy/core';
import { InvalidStateError } from '#core/errors';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { getBorrower } from '#store/borrowers';
import { getKycRun, saveKycRun } from '#store/kyc-runs';
import { completeTask } from '#store/workflows';
import { applicationIdOf, withWaitingStep } from './application-of.ts';
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
  if (run.status !== 'ACTION_PENDING') {
    throw new InvalidStateError('invalid_user_state', 'This KYC run is not waiting for an OTP');
  }
  const borrower = await getBorrower(principal, run.borrowerId);
  await withWaitingStep(principal, applicationIdOf(borrower), 'KYC_OTP', async (token) => {
    // Only once per OTP the run asked for: a second submission finds it PROCESSING.
    await saveKycRun(
      principal,
      { ...run, status: 'PROCESSING', action: '', updatedAt: new Date().toISOString() },
      'ACTION_PENDING',
    );
    try {
      await completeTask(token, { otp: body.otp });
    } catch (error) {
      await saveKycRun(principal, run); // still waiting for the OTP: the partner may send it again
      throw error;
    }
  });
  return journeyOk({ referenceID: run.referenceId, status: 'PROCESSING', action: '' }, 'SKO-S-000');
};

export const handler = middy(submitOtp).use(http(routes.journeySubmitKycOtp));
