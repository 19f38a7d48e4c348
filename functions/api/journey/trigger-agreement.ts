import middy from '@middy/core';
import { LendstackError } from '#core/errors';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { sendAgreement } from './agreement-step.ts';
import { applicationOf } from './application-of.ts';
import { journeyOk } from './respond.ts';
import { routes } from './routes.ts';

type Route = typeof routes.journeyTriggerAgreement;

/**
 * POST /v2/loan/agreement: the partner's uploaded LOAN_AGREEMENT, or else a PDF lendstack
 * generates from the accepted terms and schedule, is stored and handed to the application's
 * workflow, which sends it to the e-sign provider and waits for the signature (the sandbox
 * signer signs at once, or declines when the customerID ends in `_sign_reject`; a customer
 * sent to the hosted session page signs there). TAS-E-001 when there is no accepted offer, so
 * no agreement can exist; FBX-E-010 before KYC is approved.
 */
const triggerAgreement = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const { principal, body } = input;
  const { borrower, app } = await applicationOf(
    principal,
    body.customerID,
    () => new LendstackError('invalid_state', 'agreement_not_found', 'agreement document not found'),
  );
  return journeyOk({ referenceID: await sendAgreement(principal, borrower, app) }, 'TAS-S-000');
};

export const handler = middy(triggerAgreement).use(http(routes.journeyTriggerAgreement));
