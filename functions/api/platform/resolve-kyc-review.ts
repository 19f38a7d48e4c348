import middy from '@middy/core';
import { InvalidStateError } from '#core/errors';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { getBorrower } from '#store/borrowers';
import { getKycRun } from '#store/kyc-runs';
import { recordKyc } from '../journey/kyc-flow.ts';
import { routes } from '../routes.ts';

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
  await recordKyc(principal, borrower, {
    ...run,
    status: approved ? 'APPROVED' : 'REJECTED',
    action: '',
    message: approved ? '' : 'MANUAL_KYC_REJECT',
    manualReviewRequired: false,
    reviewNote: body.note,
    updatedAt: new Date().toISOString(),
  });
  return {
    statusCode: 200,
    body: { data: { reference_id: run.referenceId, status: approved ? 'APPROVED' : 'REJECTED' } },
  };
};

export const handler = middy(resolveReview).use(http(routes.resolveKycReview));
