import middy from '@middy/core';
import { policyFor } from '#core/credit/policies';
import { InvalidStateError, ValidationError } from '#core/errors';
import { newId } from '#core/ids';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { getBorrowerByCustomerId } from '#store/borrowers';
import { completeBreRun, insertBreRun } from '#store/credit';
import { newEvent } from '#store/outbox';
import { completeTask } from '#store/workflows';
import type { CreditDecisionInput } from '../../workflows/credit-decision.ts';
import { applicationIdOf, withWaitingStep } from './application-of.ts';
import { journeyOk } from './respond.ts';
import { routes } from './routes.ts';

type Route = typeof routes.journeyTriggerOffers;

/**
 * POST /v2/user/offers: hands a new BRE run to the application's workflow and answers at once
 * with its referenceID; GET /v2/user/offers polls it. Each trigger is a new run (the spec asks
 * partners to trigger again after FAILED; a SUCCESS may be re-run too, for fresh offers). While
 * a run is deciding, after a REJECTED decision or after an accepted offer, it is FBX-E-010.
 */
const triggerOffers = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const { principal, body } = input;
  const borrower = await getBorrowerByCustomerId(principal, body.customerID);
  const program = borrower.journey?.program;
  if (!program || borrower.journey?.stage === 'USER_CREATED') {
    throw new InvalidStateError(
      'invalid_user_state',
      'Share the user details (POST /v2/user/details/update) before the BRE',
    );
  }
  if (borrower.journey?.stage !== 'DETAILS_UPDATED') {
    throw new InvalidStateError('invalid_user_state', `The journey is past the BRE (${borrower.journey?.stage})`);
  }
  const decisionDate = new Date().toISOString().slice(0, 10);
  const policy = policyFor(program, decisionDate);
  if (!policy) throw new ValidationError([{ field: 'program', message: `has no credit policy for ${program}` }]);
  const referenceId = newId('bre');
  await withWaitingStep(principal, applicationIdOf(borrower), 'OFFERS', async (token) => {
    await insertBreRun(principal, {
      referenceId,
      customerId: body.customerID,
      borrowerId: borrower.borrowerId,
      program,
      policy: { id: policy.id, version: policy.version },
      status: 'PROCESSING',
      createdAt: new Date().toISOString(),
    });
    const decide: CreditDecisionInput & { action: 'DECIDE' } = {
      action: 'DECIDE',
      partnerId: principal.partnerId,
      mode: principal.mode,
      referenceId,
      borrowerId: borrower.borrowerId,
      decisionDate,
    };
    try {
      await completeTask(token, decide);
    } catch (error) {
      // Never leave a run PROCESSING with nothing behind it.
      await completeBreRun(
        principal,
        referenceId,
        { status: 'FAILED', outputVariables: { error: 'the workflow did not take the BRE run' } },
        newEvent(principal, 'user_credit_score', 'FAILED', { userId: borrower.borrowerId, referenceID: referenceId }),
      );
      throw error;
    }
  });
  return journeyOk({ referenceID: referenceId }, 'GNO-S-000');
};

export const handler = middy(triggerOffers).use(http(routes.journeyTriggerOffers));
