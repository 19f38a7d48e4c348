import middy from '@middy/core';
import { InvalidStateError, LendstackError } from '#core/errors';
import { newId } from '#core/ids';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { renderAgreement } from '#providers/agreement-pdf';
import { updateApplication } from '#store/applications';
import { listDocuments } from '#store/borrowers';
import { putObject } from '#store/documents-bucket';
import { completeTask } from '#store/workflows';
import { answerIfWaiting, applicationOf, withWaitingStep } from './application-of.ts';
import { journeyOk } from './respond.ts';
import { routes } from './routes.ts';

type Route = typeof routes.journeyTriggerAgreement;

/**
 * POST /v2/loan/agreement: the partner's uploaded LOAN_AGREEMENT, or else a PDF lendstack
 * generates from the accepted terms and schedule, is stored and handed to the application's
 * workflow, which sends it to the e-sign provider and waits for the signature (the sandbox
 * signer signs at once, or declines when the customerID ends in `_sign_reject`). TAS-E-001
 * when there is no accepted offer, so no agreement can exist; FBX-E-010 before KYC is approved.
 */
const triggerAgreement = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const { principal, body } = input;
  const { borrower, app } = await applicationOf(
    principal,
    body.customerID,
    () => new LendstackError('invalid_state', 'agreement_not_found', 'agreement document not found'),
  );
  if (app.agreement) {
    // An earlier trigger stored the agreement but the workflow never heard: tell it now.
    if (app.agreement.status === 'PROCESSING') {
      await answerIfWaiting(principal, app.applicationId, 'AGREEMENT', { referenceId: app.agreement.referenceId });
    }
    return journeyOk({ referenceID: app.agreement.referenceId }, 'TAS-S-000');
  }
  if (borrower.status !== 'APPROVED') {
    throw new InvalidStateError('invalid_user_state', 'KYC is not approved yet: the agreement follows it');
  }
  if (app.status !== 'OFFER_ACCEPTED') {
    throw new InvalidStateError('invalid_user_state', `The application is ${app.status}`);
  }
  const referenceId = newId('agr');
  await withWaitingStep(principal, app.applicationId, 'AGREEMENT', async (token) => {
    // The partner's own agreement (uploaded as LOAN_AGREEMENT) goes for signing if there is one.
    const uploaded = (await listDocuments(principal, borrower.borrowerId))
      .filter((d) => d.documentType === 'LOAN_AGREEMENT')
      .at(-1);
    let objectKey = uploaded?.objectKey;
    if (!objectKey) {
      objectKey = `${principal.mode}/${principal.partnerId}/${borrower.borrowerId}/agreements/${app.applicationId}.pdf`;
      const pdf = await renderAgreement(app, { name: borrower.name, customerId: borrower.customerId });
      await putObject(objectKey, pdf, 'application/pdf');
    }
    await updateApplication(principal, app.applicationId, {
      from: ['OFFER_ACCEPTED'],
      set: { agreement: { referenceId, status: 'PROCESSING', objectKey, createdAt: new Date().toISOString() } },
      reference: { id: referenceId, kind: 'agreement' },
    });
    await completeTask(token, { referenceId });
  });
  return journeyOk({ referenceID: referenceId }, 'TAS-S-000');
};

export const handler = middy(triggerAgreement).use(http(routes.journeyTriggerAgreement));
