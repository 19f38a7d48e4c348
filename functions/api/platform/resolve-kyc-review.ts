import middy from '@middy/core';
import { InvalidStateError } from '#core/errors';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { getBorrower } from '#store/borrowers';
import { getKycRun, type KycRun } from '#store/kyc-runs';
import { completeTask } from '#store/workflows';
import { kycState, recordKyc } from '../../workflows/kyc-flow.ts';
import { applicationIdOf, withWaitingStep } from '../journey/application-of.ts';
import { routes } from './routes.ts';

type Route = typeof routes.resolveKycReview;

/** POST /v1/kyc-reviews/{referenceID}: a reviewer approves or rejects a KYC run held for manual review. */
const resolveReview = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const { principal, params, body } = input;
  const run = await getKycRun(principal, params.referenceID);
  if (run.status !== 'PROCESSING' || !run.manualReviewRequired) {
    throw new InvalidStateError('not_in_review', 'This KYC run is not waiting for a manual review');
  }
  const borrower = await getBorrower(principal, run.borrowerId);
  const approved = body.decision === 'APPROVED';
  const decided: KycRun = {
    ...run,
    status: approved ? 'APPROVED' : 'REJECTED',
    action: '',
    message: approved ? '' : 'MANUAL_KYC_REJECT',
    manualReviewRequired: false,
    reviewNote: body.note,
    updatedAt: new Date().toISOString(),
  };
  // The application's workflow waits for this decision; it goes on once it is recorded.
  await withWaitingStep(principal, applicationIdOf(borrower), 'KYC_REVIEW', async (token) => {
    await recordKyc(principal, borrower, decided);
    await completeTask(token, kycState(decided));
  });
  return {
    statusCode: 200,
    body: { data: { reference_id: run.referenceId, status: approved ? 'APPROVED' : 'REJECTED' } },
  };
};

export const handler = middy(resolveReview).use(http(routes.resolveKycReview));
