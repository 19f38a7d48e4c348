import middy from '@middy/core';
import { InvalidStateError } from '#core/errors';
import { newId } from '#core/ids';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { getBorrowerByCustomerId, setJourneyFields } from '#store/borrowers';
import { getKycRun, type KycRun, saveKycRun } from '#store/kyc-runs';
import { completeTask } from '#store/workflows';
import { applicationIdOf, withWaitingStep } from './application-of.ts';
import { journeyOk } from './respond.ts';
import { routes } from './routes.ts';

type Route = typeof routes.journeyTriggerKyc;

/** Runs that a new trigger does not replace: one in progress, or KYC done. */
const CURRENT = new Set(['PROCESSING', 'ACTION_PENDING', 'APPROVED']);

/**
 * POST /v2/kyc/ckyc: hands a KYC run to the application's workflow (OKYC when an Aadhaar XML
 * was uploaded, CKYC otherwise) and answers at once; GET /v2/kyc/details polls it. A run in
 * progress or an approved one is answered again rather than replaced.
 */
const triggerKyc = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const { principal, body } = input;
  const borrower = await getBorrowerByCustomerId(principal, body.customerID);
  const stage = borrower.journey?.stage;
  if (!stage || stage === 'USER_CREATED') {
    throw new InvalidStateError(
      'invalid_user_state',
      'Share the user details (POST /v2/user/details/update) before KYC',
    );
  }
  if (stage === 'REJECTED' || stage === 'EXPIRED') {
    throw new InvalidStateError('invalid_user_state', `The journey has ended (${stage})`);
  }
  const latest = borrower.journey?.kycReferenceId;
  if (latest) {
    const run = await getKycRun(principal, latest);
    if (CURRENT.has(run.status)) return journeyOk({ referenceID: run.referenceId }, 'TCK-S-000');
  }
  const referenceId = newId('kyr');
  await withWaitingStep(principal, applicationIdOf(borrower), 'KYC', async (token) => {
    const now = new Date().toISOString();
    const run: KycRun = {
      referenceId,
      customerId: body.customerID,
      borrowerId: borrower.borrowerId,
      status: 'PROCESSING',
      action: '',
      message: '',
      personalKYC: null,
      results: null,
      manualReviewRequired: false,
      otpAttempts: 0,
      createdAt: now,
      updatedAt: now,
    };
    await saveKycRun(principal, run);
    await setJourneyFields(principal, borrower.borrowerId, { kycReferenceId: referenceId });
    try {
      await completeTask(token, { referenceId });
    } catch (error) {
      // Never leave a run PROCESSING with nothing behind it: FAILED lets the partner trigger again.
      await saveKycRun(principal, { ...run, status: 'FAILED', message: 'CKYC_FAILED' });
      throw error;
    }
  });
  return journeyOk({ referenceID: referenceId }, 'TCK-S-000');
};

export const handler = middy(triggerKyc).use(http(routes.journeyTriggerKyc));
