import middy from '@middy/core';
import { InvalidStateError } from '#core/errors';
import { newId } from '#core/ids';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { recordDisbursalAttempt } from '#store/applications';
import { completeTask } from '#store/workflows';
import { answerIfWaiting, applicationOf, claimStep, withWaitingStep } from './application-of.ts';
import { journeyOk } from './respond.ts';
import { routes } from './routes.ts';

type Route = typeof routes.journeyTriggerDisbursal;

/**
 * POST /v2/loan/disburse: after the agreement is signed, tells the workflow to disburse.
 * Exactly once: N identical triggers at once record one disbursal and all answer with its
 * referenceID, and the bank step is idempotent when the workflow retries it. After a failed
 * disbursal (DISBURSAL_FAILED) a trigger is a new attempt with a new referenceID: the workflow
 * waits for it again.
 */
const triggerDisbursal = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const { principal, body } = input;
  const notSigned = () => new InvalidStateError('invalid_user_state', 'The loan agreement is not signed yet');
  const { app } = await applicationOf(principal, body.customerID, notSigned);
  if (app.disbursal && app.status !== 'DISBURSAL_FAILED') {
    // An earlier trigger recorded it but the workflow never heard: tell it now.
    if (app.status === 'DISBURSAL_PROCESSING') {
      await answerIfWaiting(principal, app.applicationId, 'DISBURSAL', { triggeredAt: new Date().toISOString() });
    }
    return journeyOk({ referenceID: app.disbursal.referenceId }, 'TDB-S-200');
  }
  if (app.status !== 'SIGNED' && app.status !== 'DISBURSAL_FAILED') throw notSigned();
  const referenceId = newId('dsb');
  const won = await claimStep(
    principal,
    app.applicationId,
    'disbursal',
    () => recordDisbursalAttempt(principal, app, referenceId, { pollable: true }),
    { replacing: app.disbursal?.referenceId },
  );
  if (won !== true) return journeyOk({ referenceID: won }, 'TDB-S-200');
  await withWaitingStep(principal, app.applicationId, 'DISBURSAL', (token) =>
    completeTask(token, { triggeredAt: new Date().toISOString() }),
  );
  return journeyOk({ referenceID: referenceId }, 'TDB-S-200');
};

export const handler = middy(triggerDisbursal).use(http(routes.journeyTriggerDisbursal));
