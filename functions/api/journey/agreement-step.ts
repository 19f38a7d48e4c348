/**
 * The journey's agreement steps the application's workflow waits on: the agreement sent for
 * signing (the AGREEMENT step: the partner's POST /v2/loan/agreement, or the borrower opening
 * it on the hosted session page) and the borrower's signature given on that page (the
 * SIGNATURE step, when the customer signs there: see requestSignature in
 * functions/workflows/application.ts).
 */
import { createHash } from 'node:crypto';
import type { Borrower } from '#core/borrowers';
import { InvalidStateError } from '#core/errors';
import { newId } from '#core/ids';
import type { Tenant } from '#core/tenant';
import { renderAgreement } from '#providers/agreement-pdf';
import { type LoanApplication, updateApplication } from '#store/applications';
import { listDocuments } from '#store/borrowers';
import { putObject, readObject } from '#store/documents-bucket';
import { recordSigningConsent, type SigningConsent } from '#store/sessions';
import { completeTask } from '#store/workflows';
import { answerIfWaiting, claimStep, withWaitingStep } from './application-of.ts';

/**
 * Stores the agreement (the partner's uploaded LOAN_AGREEMENT, or else a PDF generated from
 * the accepted terms and schedule) and hands it to the workflow, which sends it for signing;
 * returns its referenceID. An agreement that exists already is returned again. FBX-E-010
 * before KYC is approved or once the application is past its acceptance.
 */
export async function sendAgreement(tenant: Tenant, borrower: Borrower, app: LoanApplication): Promise<string> {
  if (app.agreement) {
    // An earlier trigger stored the agreement but the workflow never heard: tell it now.
    if (app.agreement.status === 'PROCESSING') {
      await answerIfWaiting(tenant, app.applicationId, 'AGREEMENT', { referenceId: app.agreement.referenceId });
    }
    return app.agreement.referenceId;
  }
  if (borrower.status !== 'APPROVED') {
    throw new InvalidStateError('invalid_user_state', 'KYC is not approved yet: the agreement follows it');
  }
  if (app.status !== 'OFFER_ACCEPTED') {
    throw new InvalidStateError('invalid_user_state', `The application is ${app.status}`);
  }
  // The PDF first (its key is the application's, so concurrent triggers write the same object),
  // then the claim: of N identical triggers at once one records the agreement, the others
  // answer with its referenceID, and only the winner hands it to the workflow.
  const uploaded = (await listDocuments(tenant, borrower.borrowerId))
    .filter((d) => d.documentType === 'LOAN_AGREEMENT')
    .at(-1);
  let objectKey = uploaded?.objectKey;
  if (!objectKey) {
    objectKey = `${tenant.mode}/${tenant.partnerId}/${borrower.borrowerId}/agreements/${app.applicationId}.pdf`;
    const pdf = await renderAgreement(app, { name: borrower.name, customerId: borrower.customerId });
    await putObject(objectKey, pdf, 'application/pdf');
  }
  const referenceId = newId('agr');
  const won = await claimStep(
    tenant,
    app.applicationId,
    'agreement',
    () =>
      updateApplication(tenant, app.applicationId, {
        from: ['OFFER_ACCEPTED'],
        set: { agreement: { referenceId, status: 'PROCESSING', objectKey, createdAt: new Date().toISOString() } },
        reference: { id: referenceId, kind: 'agreement' },
        expect: { field: 'agreement', referenceId: undefined },
      }),
    { replacing: undefined },
  );
  if (won !== true) return won;
  await withWaitingStep(tenant, app.applicationId, 'AGREEMENT', (token) => completeTask(token, { referenceId }));
  return referenceId;
}

/** What the borrower agrees to on the hosted page, word for word (kept with the consent). */
export const SIGNING_CONSENT_TEXT =
  'I have read the loan agreement and I agree to sign it electronically. I understand that my consent here is my signature.';

/**
 * The borrower's signature on the hosted page: answers the SIGNATURE step the workflow waits
 * on with the consent, which is kept first (what was signed: the PDF's SHA-256; when; from
 * where). FBX-E-010 when the workflow is not waiting for this signature.
 */
export async function signAgreement(
  tenant: Tenant,
  app: LoanApplication,
  from: Pick<SigningConsent, 'ipAddress' | 'userAgent' | 'sessionDigest'>,
): Promise<void> {
  const agreement = app.agreement;
  if (agreement?.status !== 'PROCESSING' || app.status !== 'OFFER_ACCEPTED') {
    throw new InvalidStateError('invalid_user_state', 'There is no agreement waiting for a signature');
  }
  await withWaitingStep(tenant, app.applicationId, 'SIGNATURE', async (token) => {
    const pdf = await readObject(agreement.objectKey);
    const consentedAt = new Date().toISOString();
    await recordSigningConsent(tenant, {
      applicationId: app.applicationId,
      referenceId: agreement.referenceId,
      documentSha256: createHash('sha256').update(pdf).digest('hex'),
      text: SIGNING_CONSENT_TEXT,
      consentedAt,
      ...from,
    });
    await completeTask(token, { signedAt: consentedAt, signer: 'borrower', method: 'hosted_page_consent' });
  });
}
