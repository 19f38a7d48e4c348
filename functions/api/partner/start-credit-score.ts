import middy from '@middy/core';
import { assertNotBlocked } from '#core/borrowers';
import { type CreditScoreRun, nextRunAction } from '#core/credit/score';
import { ConflictError } from '#core/errors';
import { newId } from '#core/ids';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { getBorrower } from '#store/borrowers';
import { claimCreditScoreRun, recordCreditScore } from '#store/credit-scores';
import { startWorkflow } from '#store/workflows';
import type { CreditScoreWorkflowInput } from '../../workflows/credit-score.ts';
import { routes } from './routes.ts';

type Route = typeof routes.startCreditScore;

const accepted = (userId: string, run: CreditScoreRun): ApiResult => ({
  statusCode: 202,
  body: {
    userId,
    credit_score: { reference_id: run.referenceId, status: run.status, requested_sources: run.sources },
  },
});

/** Reads of the borrower after a lost claim before giving up (each loss means another run won). */
const MAX_CLAIMS = 5;

/**
 * POST /api/core/users/{userId}/credit-score: decides from the borrower's current run
 * (nextRunAction: reuse it, refuse, or start) and claims a new run with a compare-and-swap on
 * the current one, then starts the credit score workflow. A request that loses the claim reads
 * again and answers with the winner's run. If the workflow cannot be started, the run is
 * marked FAILED.
 */
const startCreditScore = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const { principal, params } = input;
  const sources = input.headers['credit-source'];
  let borrower = await getBorrower(principal, params.userId);
  const run: CreditScoreRun = {
    referenceId: newId('csr'),
    status: 'IN_PROGRESS',
    sources,
    requestedAt: new Date().toISOString(),
  };
  for (let attempt = 1; ; attempt++) {
    assertNotBlocked(borrower, 'a credit score');
    const current = borrower.creditScore;
    const action = nextRunAction(current, sources, new Date());
    if (action === 'reuse' && current) return accepted(borrower.borrowerId, current);
    if (action === 'conflict') {
      throw new ConflictError(
        'credit_score_in_progress',
        `A credit score run for ${current?.sources.join(',')} is in progress (${current?.referenceId}): wait for its user_credit_score callback`,
      );
    }
    if (await claimCreditScoreRun(principal, borrower.borrowerId, current?.referenceId, run)) break;
    if (attempt >= MAX_CLAIMS)
      throw new ConflictError('credit_score_contended', 'Too many concurrent credit score requests: retry');
    borrower = await getBorrower(principal, params.userId);
  }

  const workflowInput: CreditScoreWorkflowInput = {
    partnerId: principal.partnerId,
    mode: principal.mode,
    borrowerId: borrower.borrowerId,
    referenceId: run.referenceId,
    sources,
    requestedAt: run.requestedAt,
  };
  try {
    await startWorkflow('creditScore', run.referenceId, workflowInput);
  } catch (error) {
    // Compensate: no run may stay IN_PROGRESS with no workflow behind it.
    await recordCreditScore(principal, borrower.borrowerId, {
      ...run,
      status: 'FAILED',
      completedAt: new Date().toISOString(),
      reason: 'The credit score workflow could not be started: retry',
    });
    throw error;
  }
  return accepted(borrower.borrowerId, run);
};

export const handler = middy(startCreditScore).use(http(routes.startCreditScore));
