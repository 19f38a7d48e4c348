/**
 * The journey's KYC steps the application's workflow waits on: a KYC run (the KYC step) and
 * the CKYC OTP (the KYC_OTP step). The partner's triggers (POST /v2/kyc/ckyc, POST
 * /v2/kyc/ckyc/otp) and the hosted session page both take these, so a run is the same
 * whoever started it.
 */
import { createHash } from 'node:crypto';
import type { Borrower } from '#core/borrowers';
import { InvalidStateError } from '#core/errors';
import { newId } from '#core/ids';
import type { Tenant } from '#core/tenant';
import { getKycRun, type KycRun, kycRunPut, saveKycRun } from '#store/kyc-runs';
import { completeTask } from '#store/workflows';
import {
  adoptOrphanedRun,
  applicationIdOf,
  assertJourneyOpen,
  startRunOnce,
  withWaitingStep,
} from './application-of.ts';

/** Runs that a new trigger does not replace: one in progress, or KYC done. */
const CURRENT = new Set(['PROCESSING', 'ACTION_PENDING', 'APPROVED']);

/** Whether the customer's latest KYC run is under way or approved (startKyc would answer it, not start one). */
export async function kycRunIsCurrent(tenant: Tenant, borrower: Borrower): Promise<boolean> {
  const latest = borrower.journey?.kycReferenceId;
  return Boolean(latest) && CURRENT.has((await getKycRun(tenant, String(latest))).status);
}

/**
 * Hands a KYC run to the application's workflow (OKYC when an Aadhaar XML was uploaded, CKYC
 * otherwise) and returns its referenceID at once. A run in progress or an approved one is
 * returned again rather than replaced, and N identical triggers at once are one run
 * (startRunOnce). FBX-E-010 before the details; FBX-E-011 after a REJECTED BRE.
 */
export async function startKyc(tenant: Tenant, borrower: Borrower): Promise<string> {
  assertJourneyOpen(borrower);
  const stage = borrower.journey?.stage;
  if (!stage || stage === 'USER_CREATED') {
    throw new InvalidStateError(
      'invalid_user_state',
      'Share the user details (POST /v2/user/details/update) before KYC',
    );
  }
  const latest = borrower.journey?.kycReferenceId;
  if (latest) {
    const run = await getKycRun(tenant, latest);
    if (CURRENT.has(run.status)) {
      await adoptOrphanedRun(tenant, borrower, 'KYC', run, { referenceId: run.referenceId });
      return run.referenceId;
    }
  }
  const now = new Date().toISOString();
  const run: KycRun = {
    referenceId: newId('kyr'),
    customerId: String(borrower.customerId),
    borrowerId: borrower.borrowerId,
    status: 'PROCESSING',
    action: '',
    message: '',
    personalKYC: null,
    results: null,
    manualReviewRequired: false,
    otpAttempts: 0,
    createdAt: now,
    updatedAt: now,
  };
  return startRunOnce(tenant, borrower, {
    pointer: 'kycReferenceId',
    previous: latest,
    referenceId: run.referenceId,
    put: kycRunPut(tenant, run),
    step: 'KYC',
    output: { referenceId: run.referenceId },
    // Never leave a run PROCESSING with nothing behind it: FAILED lets the partner trigger again.
    failRun: () => saveKycRun(tenant, { ...run, status: 'FAILED', message: 'CKYC_FAILED' }),
  });
}

/**
 * Hands the OTP the CKYC registry sent the customer to the workflow, which checks it; the run
 * reads PROCESSING until then. FBX-E-010 when the run is not waiting for an OTP.
 */
export async function answerKycOtp(tenant: Tenant, borrower: Borrower, run: KycRun, otp: string): Promise<void> {
  const digest = otpDigest(run, otp);
  // The same OTP again while (or after) the workflow checks it: the first submission's answer.
  if (run.status !== 'ACTION_PENDING' && run.otpDigest === digest) return;
  if (run.status !== 'ACTION_PENDING') {
    throw new InvalidStateError('invalid_user_state', 'This KYC run is not waiting for an OTP');
  }
  // The run first (conditional: one of N identical submissions at once moves it), then the
  // workflow's token, so the others read the run and answer as the first.
  try {
    await saveKycRun(
      tenant,
      { ...run, status: 'PROCESSING', action: '', otpDigest: digest, updatedAt: new Date().toISOString() },
      'ACTION_PENDING',
    );
  } catch (error) {
    if (error instanceof InvalidStateError && (await getKycRun(tenant, run.referenceId)).otpDigest === digest) return;
    throw error;
  }
  try {
    await withWaitingStep(tenant, applicationIdOf(borrower), 'KYC_OTP', (token) => completeTask(token, { otp }));
  } catch (error) {
    await saveKycRun(tenant, run); // still waiting for the OTP: it may be sent again
    throw error;
  }
}

/** The OTP as the run keeps it: a digest tied to the run, to know a repeat without storing the code. */
function otpDigest(run: KycRun, otp: string): string {
  return createHash('sha256').update(`${run.referenceId}:${otp}`).digest('hex');
}
