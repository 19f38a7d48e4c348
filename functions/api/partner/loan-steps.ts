/**
 * The partner loan's lifecycle triggers, on the same waits as the journey's: the agreement
 * sent for signing (AGREEMENT), the disbursement (DISBURSAL) and the rejection, which fails
 * whichever wait the workflow is in with LoanRejected. Each is idempotent under concurrency:
 * a conditional write decides the one winner, and only the winner answers the workflow.
 */
import { InvalidStateError } from '#core/errors';
import { newId } from '#core/ids';
import { partnerLoanStatus } from '#core/partner-loans';
import type { Tenant } from '#core/tenant';
import { renderAgreement } from '#providers/agreement-pdf';
import { recordDisbursalAttempt, updateApplication } from '#store/applications';
import { getBorrower } from '#store/borrowers';
import { putObject } from '#store/documents-bucket';
import { type PartnerLoan, partnerLoanChange } from '#store/loan-events';
import { saveWaitToken, takeWaitToken, waitingSteps } from '#store/waits';
import { completeTask, failTask } from '#store/workflows';
import { answerIfWaiting, claimStep, withWaitingStep } from '../journey/application-of.ts';
import { getPartnerLoan } from './loans.ts';

const refuse = (loan: PartnerLoan, what: string) =>
  new InvalidStateError('invalid_loan_state', `The loan is ${partnerLoanStatus(loan)}: ${what}`);

/**
 * Generates the agreement PDF (the journey's renderer), records it with the SIGNING change and
 * its callback, and hands it to the workflow, which sends it to the e-signer (VIDA in the
 * sandbox, which answers at once: the borrower signs, or the reference_id's magic ending
 * declines or lets it expire). A loan already SIGNING or past it is answered as it stands.
 */
export async function initiateSigning(tenant: Tenant, loanUniqueId: string): Promise<PartnerLoan> {
  const loan = await getPartnerLoan(tenant, loanUniqueId);
  if (loan.status === 'REJECTED') throw refuse(loan, 'a rejected loan cannot be signed');
  if (loan.agreement) {
    // An earlier call recorded the agreement but the workflow never heard: tell it now.
    if (loan.agreement.status === 'PROCESSING' && loan.status === 'OFFER_ACCEPTED') {
      await answerIfWaiting(tenant, loan.applicationId, 'AGREEMENT', { referenceId: loan.agreement.referenceId });
    }
    return getPartnerLoan(tenant, loanUniqueId);
  }
  if (loan.status !== 'OFFER_ACCEPTED') throw refuse(loan, 'only a PENDING loan can be sent for signing');
  const borrower = await getBorrower(tenant, loan.borrowerId);
  // The object key is the loan's, so concurrent calls write the same PDF.
  const objectKey = `${tenant.mode}/${tenant.partnerId}/${loan.borrowerId}/agreements/${loan.applicationId}.pdf`;
  await putObject(objectKey, await renderAgreement(loan, { name: borrower.name }), 'application/pdf');
  const referenceId = newId('agr');
  const won = await claimStep(tenant, loan.applicationId, 'agreement', () =>
    updateApplication(tenant, loan.applicationId, {
      from: ['OFFER_ACCEPTED'],
      set: { agreement: { referenceId, status: 'PROCESSING', objectKey, createdAt: new Date().toISOString() } },
      expect: { field: 'agreement', referenceId: undefined },
      ...partnerLoanChange(tenant, loan, 'SIGNING', { data: { signer: 'VIDA' } }),
    }),
  );
  if (won === true) {
    await withWaitingStep(tenant, loan.applicationId, 'AGREEMENT', (token) => completeTask(token, { referenceId }));
  }
  return getPartnerLoan(tenant, loanUniqueId);
}

/**
 * Records the disbursement and tells the workflow, which transfers through the bank exactly
 * once (the bank step is idempotent when retried). N identical calls at once record one
 * disbursement. After a failed transfer a call is a new attempt.
 */
export async function triggerDisbursement(tenant: Tenant, loanUniqueId: string): Promise<PartnerLoan> {
  const loan = await getPartnerLoan(tenant, loanUniqueId);
  if (loan.disbursal && loan.status !== 'DISBURSAL_FAILED' && loan.status !== 'REJECTED') {
    // An earlier call recorded it but the workflow never heard: tell it now.
    if (loan.status === 'DISBURSAL_PROCESSING') {
      await answerIfWaiting(tenant, loan.applicationId, 'DISBURSAL', { triggeredAt: new Date().toISOString() });
    }
    return loan;
  }
  if (loan.status !== 'SIGNED' && loan.status !== 'DISBURSAL_FAILED') {
    throw refuse(loan, 'only an ACTIVE (signed) loan can be disbursed');
  }
  const referenceId = newId('dsb');
  const won = await claimStep(tenant, loan.applicationId, 'disbursal', () =>
    recordDisbursalAttempt(tenant, loan, referenceId),
  ).catch(async (error) => {
    // A concurrent call recorded this attempt and the bank may have finished it already
    // (claimStep answers only a PROCESSING winner): the loan as it stands is the answer.
    const now = await getPartnerLoan(tenant, loanUniqueId);
    if (now.disbursal && now.disbursal.referenceId !== loan.disbursal?.referenceId) return now.disbursal.referenceId;
    throw error instanceof InvalidStateError ? refuse(now, 'only an ACTIVE (signed) loan can be disbursed') : error;
  });
  if (won === true) {
    await withWaitingStep(tenant, loan.applicationId, 'DISBURSAL', (token) =>
      completeTask(token, { triggeredAt: new Date().toISOString() }),
    );
  }
  return getPartnerLoan(tenant, loanUniqueId);
}

/** Where a loan can be rejected from: anything before the transfer starts. */
const REJECTABLE = ['OFFER_ACCEPTED', 'SIGNED', 'DISBURSAL_FAILED'] as const;

/**
 * Rejects a loan before disbursement: the REJECTED status, its reason and callback in one
 * conditional write (so of N calls, and of a reject racing a disbursement, one wins), then the
 * workflow's current wait fails with LoanRejected, which the ASL catches into MarkRejected: the
 * execution ends there, its history saying why. A wait the workflow enters later fails itself
 * (awaitStep sees REJECTED). Once the transfer started (ACTIVE with a disbursement PROCESSING,
 * or DISBURSED) it is refused.
 */
export async function rejectLoan(tenant: Tenant, loanUniqueId: string, reason: string): Promise<PartnerLoan> {
  const loan = await getPartnerLoan(tenant, loanUniqueId);
  if (loan.status === 'REJECTED') {
    // A repeated reject: the first may have died before failing the workflow's wait.
    await failWaits(tenant, loan, 'the loan was rejected before disbursement');
    return loan;
  }
  const refused = () =>
    loan.status === 'DISBURSAL_PROCESSING'
      ? refuse(loan, 'its disbursement is under way and it can no longer be rejected')
      : refuse(loan, 'only a loan that is not disbursed can be rejected');
  if (!(REJECTABLE as readonly string[]).includes(loan.status)) throw refused();
  try {
    await updateApplication(tenant, loan.applicationId, {
      from: [...REJECTABLE],
      set: {
        status: 'REJECTED',
        ...(loan.agreement && loan.agreement.status === 'PROCESSING'
          ? { agreement: { ...loan.agreement, status: 'REJECTED' as const } }
          : {}),
      },
      ...partnerLoanChange(tenant, loan, 'REJECTED', { reason }),
    });
  } catch (error) {
    if (!(error instanceof InvalidStateError)) throw error;
    const now = await getPartnerLoan(tenant, loanUniqueId);
    if (now.status === 'REJECTED') return now; // a concurrent reject won
    throw refuse(now, 'it can no longer be rejected');
  }
  await failWaits(tenant, loan, reason);
  return getPartnerLoan(tenant, loanUniqueId);
}

/**
 * Fails the wait the workflow is in with LoanRejected. A token whose task is gone (stale) is
 * nothing to fail; any other failure puts the token back and is thrown, so a retried reject
 * finishes the job.
 */
async function failWaits(tenant: Tenant, loan: PartnerLoan, reason: string): Promise<void> {
  for (const step of await waitingSteps(tenant, loan.applicationId)) {
    const token = await takeWaitToken(tenant, loan.applicationId, step);
    if (!token) continue;
    try {
      await failTask(token, 'LoanRejected', reason);
    } catch (error) {
      if (error instanceof InvalidStateError) continue;
      await saveWaitToken(tenant, loan.applicationId, step, token);
      throw error;
    }
  }
}
