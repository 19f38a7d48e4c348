import middy from '@middy/core';
import { InvalidStateError } from '#core/errors';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { getBorrower } from '#store/borrowers';
import { getKycRun } from '#store/kyc-runs';
import { routes } from '../routes.ts';
import { MAX_OTP_ATTEMPTS, recordKyc, SANDBOX_CKYC_OTP, verifyCkyc } from './kyc-flow.ts';
import { journeyOk } from './respond.ts';

type Route = typeof routes.journeySubmitKycOtp;

/**
 * POST /v2/kyc/ckyc/otp: the OTP the CKYC registry sent the customer (lendstack's addition:
 * the spec shows the OTP action but no way to answer it). A wrong OTP is INVALID_CKYC_OTP;
 * the third wrong one fails the run.
 */
const submitOtp = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const { principal, body } = input;
  const run = await getKycRun(principal, body.referenceID);
  if (run.status !== 'ACTION_PENDING') {
    throw new InvalidStateError('invalid_user_state', 'This KYC run is not waiting for an OTP');
  }
  const borrower = await getBorrower(principal, run.borrowerId);
  const now = new Date().toISOString();
  if (body.otp !== SANDBOX_CKYC_OTP) {
    const attempts = run.otpAttempts + 1;
    const failed = attempts >= MAX_OTP_ATTEMPTS;
    await recordKyc(principal, borrower, {
      ...run,
      otpAttempts: attempts,
      status: failed ? 'FAILED' : 'ACTION_PENDING',
      action: failed ? '' : 'INVALID_CKYC_OTP',
      message: failed ? 'CKYC_FAILED' : '',
      updatedAt: now,
    });
  } else {
    await recordKyc(principal, borrower, { ...run, ...(await verifyCkyc(borrower)), updatedAt: now });
  }
  const updated = await getKycRun(principal, body.referenceID);
  return journeyOk({ referenceID: updated.referenceId, status: updated.status, action: updated.action }, 'SKO-S-000');
};

export const handler = middy(submitOtp).use(http(routes.journeySubmitKycOtp));
