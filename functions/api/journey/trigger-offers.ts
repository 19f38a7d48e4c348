import middy from '@middy/core';
import { policyFor } from '#core/credit/policies';
import { InvalidStateError, ValidationError } from '#core/errors';
import { newId } from '#core/ids';
import type { Tenant } from '#core/tenant';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { getBorrowerByCustomerId } from '#store/borrowers';
import { type BreRun, breRunPut, completeBreRun, getBreRun } from '#store/credit';
import { newEvent } from '#store/outbox';
import type { CreditDecisionInput } from '../../workflows/credit-decision.ts';
import { adoptOrphanedRun, assertJourneyOpen, startRunOnce } from './application-of.ts';
import { journeyOk } from './respond.ts';
import { routes } from './routes.ts';

type Route = typeof routes.journeyTriggerOffers;

/** A run the trigger answers with instead of starting another: it is still deciding. */
const DECIDING = new Set(['PROCESSING']);

/**
 * POST /v2/user/offers: hands a new BRE run to the application's workflow and answers at once
 * with its referenceID; GET /v2/user/offers polls it. A trigger while a run decides answers
 * with that run (so N identical triggers at once are one run, one bureau pull); after FAILED
 * or SUCCESS it is a new run, and the new run's offers supersede the earlier ones. After an
 * accepted offer it is FBX-E-010; after a REJECTED decision FBX-E-011 (User Disqualified).
 */
const triggerOffers = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const { principal, body } = input;
  const borrower = await getBorrowerByCustomerId(principal, body.customerID);
  assertJourneyOpen(borrower);
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
  const latest = borrower.journey?.breReferenceId;
  if (latest) {
    const run = await getBreRun(principal, latest);
    if (DECIDING.has(run.status)) {
      await adoptOrphanedRun(principal, borrower, 'OFFERS', run, decideInput(principal, run));
      return journeyOk({ referenceID: run.referenceId }, 'GNO-S-000');
    }
  }
  const decisionDate = new Date().toISOString().slice(0, 10);
  const policy = policyFor(program, decisionDate);
  if (!policy) throw new ValidationError([{ field: 'program', message: `has no credit policy for ${program}` }]);
  const referenceId = newId('bre');
  const run: BreRun = {
    referenceId,
    customerId: body.customerID,
    borrowerId: borrower.borrowerId,
    program,
    policy: { id: policy.id, version: policy.version },
    status: 'PROCESSING',
    createdAt: new Date().toISOString(),
  };
  const decide = decideInput(principal, run);
  const answered = await startRunOnce(principal, borrower, {
    pointer: 'breReferenceId',
    previous: latest,
    referenceId,
    put: breRunPut(principal, run),
    step: 'OFFERS',
    output: decide,
    failRun: () =>
      completeBreRun(
        principal,
        referenceId,
        { status: 'FAILED', outputVariables: { error: 'the workflow did not take the BRE run' } },
        newEvent(principal, 'user_credit_score', 'FAILED', { userId: borrower.borrowerId, referenceID: referenceId }),
      ),
  });
  return journeyOk({ referenceID: answered }, 'GNO-S-000');
};

/** What the workflow's offer step hears for a run: decide it, as of the day it was triggered. */
function decideInput(tenant: Tenant, run: BreRun): CreditDecisionInput & { action: 'DECIDE' } {
  return {
    action: 'DECIDE',
    partnerId: tenant.partnerId,
    mode: tenant.mode,
    referenceId: run.referenceId,
    borrowerId: run.borrowerId,
    decisionDate: run.createdAt.slice(0, 10),
  };
}

export const handler = middy(triggerOffers).use(http(routes.journeyTriggerOffers));
