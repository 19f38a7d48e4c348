import middy from '@middy/core';
import { InvalidStateError } from '#core/errors';
import type { ApiResult } from '#http/route';
import { getBorrower } from '#store/borrowers';
import { getKycRun } from '#store/kyc-runs';
import { answerKycOtp } from './kyc-steps.ts';
import { routes } from './routes.ts';
import { backToPage, formFields, type SessionEvent, sessionActionStack } from './session-page-http.ts';
import { sessionOtpForm } from './session-page-schemas.ts';

type Route = typeof routes.journeySessionKycOtp;

/**
 * POST /v2/session/{sessionId}/kyc/otp (form field `otp`): the OTP the CKYC registry sent the
 * borrower, handed to the workflow as POST /v2/kyc/ckyc/otp hands it. Back to the page.
 */
const sessionKycOtp = async (event: SessionEvent<Route>): Promise<ApiResult> => {
  const { session, input } = event;
  const tenant = { partnerId: session.partnerId, mode: session.mode };
  const { otp } = await formFields(event, sessionOtpForm);
  const borrower = await getBorrower(tenant, session.borrowerId);
  const referenceId = borrower.journey?.kycReferenceId;
  if (!referenceId) throw new InvalidStateError('invalid_user_state', 'No KYC run is waiting for an OTP');
  await answerKycOtp(tenant, borrower, await getKycRun(tenant, referenceId), otp);
  return backToPage(input, 'otp_sent');
};

export const handler = middy(sessionKycOtp).use(sessionActionStack(routes.journeySessionKycOtp));
