/**
 * The loan application's workflow (statemachines/application.asl.json), one execution per
 * application from /v2/user/create to the active loan: KYC and the credit decision side by
 * side, the offer acceptance, the borrower's signature, the partner's disbursal trigger
 * (task-token callbacks), then the bank transfer, exactly once.
 */
import { NotConfiguredError, ProviderError } from '#core/errors';
import { newId } from '#core/ids';
import { scheduleAsDecimals } from '#core/loans/pricing';
import type { Mode } from '#core/tenant';
import { logger } from '#http/logger';
import { countMetric } from '#http/metrics';
import { renderAgreement } from '#providers/agreement-pdf';
import { hasCustomerMagic } from '#providers/sandbox-journey';
import {
  findApplication,
  getApplication,
  isAppLoan,
  recordDisbursalAttempt,
  rejectAppLoan,
  updateApplication,
} from '#store/applications';
import { getBorrower, setJourneyFields } from '#store/borrowers';
import { putObject } from '#store/documents-bucket';
import { getKycRun, type KycRun } from '#store/kyc-runs';
import { isPartnerLoan, lifecycleChange, partnerLoanChange } from '#store/loan-events';
import { newEvent } from '#store/outbox';
import { signsOnHostedPage } from '#store/sessions';
import { clearWaits, saveWaitToken, takeWaitToken, type WaitStep } from '#store/waits';
import { completeTask, failTask } from '#store/workflows';
import { correlated } from './correlated.ts';
import {
  evaluateKyc,
  type KycState,
  kycState,
  MAX_OTP_ATTEMPTS,
  recordKyc,
  SANDBOX_CKYC_OTP,
  verifyCkyc,
} from './kyc-flow.ts';
import { ledgerForDisbursal } from './repayment.ts';

export interface ApplicationInput {
  applicationId: string;
  partnerId: string;
  mode: Mode;
  borrowerId: string;
  customerId: string;
}

const tenantOf = (i: Pick<ApplicationInput, 'partnerId' | 'mode'>) => ({ partnerId: i.partnerId, mode: i.mode });

/**
 * A `.waitForTaskToken` step: keeps the token where the endpoint that completes the step finds it.
 * A loan rejected (POST /api/core/loans/{id}/reject) while the workflow was between waits finds
 * no token to fail: its next agreement or disbursal wait sees the REJECTED status after saving
 * its token and fails itself with LoanRejected (whichever of the two takes the token fails it).
 */
const awaitStepTask = async (input: ApplicationInput & { step: WaitStep; token: string }) => {
  const tenant = tenantOf(input);
  await saveWaitToken(tenant, input.applicationId, input.step, input.token);
  if (input.step === 'AGREEMENT' || input.step === 'DISBURSAL') {
    const app = await findApplication(tenant, input.applicationId);
    if (app?.status === 'REJECTED') {
      const token = await takeWaitToken(tenant, input.applicationId, input.step);
      if (token) await failTask(token, 'LoanRejected', 'the loan was rejected before disbursement');
      return { waiting: input.step, rejected: true };
    }
  }
  logger.info('application waits', { applicationId: input.applicationId, step: input.step });
  countMetric('ApplicationSteps', `WAITING_${input.step}`);
  return { waiting: input.step };
};

type KycStepInput = ApplicationInput & { referenceId: string };

/** The KYC run a step works on, with its customer. */
async function kycRunOf(input: KycStepInput) {
  const tenant = tenantOf(input);
  const [run, borrower] = await Promise.all([
    getKycRun(tenant, input.referenceId),
    getBorrower(tenant, input.borrowerId),
  ]);
  return { tenant, run, borrower };
}

/** The KYC run the partner triggered: OKYC with an uploaded Aadhaar XML, CKYC otherwise. */
const runKycTask = async (input: KycStepInput): Promise<KycState> => {
  if (input.mode !== 'sandbox') throw new NotConfiguredError('CKYC/OKYC provider');
  const { tenant, run, borrower } = await kycRunOf(input);
  if (run.status !== 'PROCESSING') return kycState(run); // a retried step: already decided
  const decided: KycRun = { ...run, ...(await evaluateKyc(tenant, borrower)), updatedAt: new Date().toISOString() };
  await recordKyc(tenant, borrower, decided);
  logger.info('KYC decided', { referenceId: run.referenceId, status: decided.status, message: decided.message });
  countMetric('KycOutcomes', decided.status);
  return kycState(decided);
};

/** The OTP the customer received from the CKYC registry (POST /v2/kyc/ckyc/otp). */
const verifyKycOtpTask = async (input: KycStepInput & { otp: string }): Promise<KycState> => {
  const { tenant, run, borrower } = await kycRunOf(input);
  if (run.status !== 'PROCESSING') return kycState(run);
  const now = new Date().toISOString();
  let decided: KycRun;
  if (input.otp !== SANDBOX_CKYC_OTP) {
    const attempts = run.otpAttempts + 1;
    const failed = attempts >= MAX_OTP_ATTEMPTS;
    decided = {
      ...run,
      otpAttempts: attempts,
      status: failed ? 'FAILED' : 'ACTION_PENDING',
      action: failed ? '' : 'INVALID_CKYC_OTP',
      message: failed ? 'CKYC_FAILED' : '',
      updatedAt: now,
    };
  } else {
    decided = { ...run, ...(await verifyCkyc(borrower)), updatedAt: now };
  }
  await recordKyc(tenant, borrower, decided);
  return kycState(decided);
};

/** Why a run FAILED, by the error the ASL caught (a provider that kept failing is CKYC_FAILED). */
const FAILURE_MESSAGES: Record<string, string> = {
  'States.Timeout': 'KYC_EXPIRED',
  NotConfiguredError: 'KYC_PROVIDER_NOT_CONFIGURED',
};

/** A KYC step that failed after its retries: FAILED, and the partner may trigger KYC again. */
const recordKycFailureTask = async (
  input: KycStepInput & { error?: { Error: string; Cause: string } },
): Promise<KycState> => {
  const { tenant, run, borrower } = await kycRunOf(input);
  const failed: KycRun = {
    ...run,
    status: 'FAILED',
    action: '',
    manualReviewRequired: false,
    message: FAILURE_MESSAGES[input.error?.Error ?? ''] ?? 'CKYC_FAILED',
    updatedAt: new Date().toISOString(),
  };
  await recordKyc(tenant, borrower, failed);
  logger.warn('KYC failed', { referenceId: run.referenceId, error: input.error?.Error, cause: input.error?.Cause });
  countMetric('KycOutcomes', 'FAILED');
  return kycState(failed);
};

/**
 * The journey ends before a loan: the credit decision rejected the customer (REJECTED), or a
 * wait ran out (EXPIRED). Waits an abandoned branch left behind are forgotten, and an
 * application the customer had accepted is closed with its event.
 */
const closeJourneyTask = async (
  input: ApplicationInput & { outcome: 'REJECTED' | 'EXPIRED'; error?: { Error: string; Cause: string } },
) => {
  const tenant = tenantOf(input);
  await clearWaits(tenant, input.applicationId);
  const borrower = await getBorrower(tenant, input.borrowerId);
  if (borrower.journey?.stage === 'OFFER_ACCEPTED') {
    const app = await getApplication(tenant, input.applicationId);
    if (app.status === 'OFFER_ACCEPTED') {
      await updateApplication(tenant, input.applicationId, {
        from: ['OFFER_ACCEPTED'],
        set: { status: 'EXPIRED' },
        event: newEvent(tenant, 'loan', 'EXPIRED', {
          applicationId: input.applicationId,
          customerID: input.customerId,
          reason: input.error?.Cause ?? 'the journey was not completed in time',
        }),
      });
    }
  }
  await setJourneyFields(tenant, input.borrowerId, { stage: input.outcome });
  logger.info('journey closed', { applicationId: input.applicationId, outcome: input.outcome });
  countMetric('ApplicationSteps', `CLOSED_${input.outcome}`);
  return { status: input.outcome };
};

/**
 * Sends the agreement for signing with this task's token, which the signature answers. A
 * customer the partner sent to the hosted session page (POST /v2/user/session) signs there:
 * the token waits as the SIGNATURE step until the borrower's consent on the page answers it.
 * Otherwise the sandbox signer answers at once: the borrower signs, or declines when the
 * customerID ends in `_sign_reject` (which declines on the hosted page too). Live e-sign
 * providers are not configured in this release.
 */
const requestSignatureTask = async (input: ApplicationInput & { referenceId: string; token: string }) => {
  // A live provider would be sent the document here and keep the token for its webhook.
  if (input.mode !== 'sandbox') throw new NotConfiguredError('E-sign provider');
  const tenant = tenantOf(input);
  logger.info('agreement sent for signing', { applicationId: input.applicationId, referenceId: input.referenceId });
  if (hasCustomerMagic(input.customerId, '_sign_reject')) {
    await failTask(input.token, 'SigningRejected', 'the borrower declined to sign');
  } else if (hasCustomerMagic(input.customerId, '_sign_expire')) {
    // What the 7-day timeout would do, at once: the signing link expired unsigned.
    await failTask(input.token, 'SigningExpired', 'the borrower did not sign in time');
  } else if (await signsOnHostedPage(tenant, input.borrowerId)) {
    await saveWaitToken(tenant, input.applicationId, 'SIGNATURE', input.token);
  } else {
    await completeTask(input.token, { signedAt: new Date().toISOString(), signer: 'sandbox' });
  }
  return { sent: true };
};

/** The borrower signed. */
const markSignedTask = async (input: ApplicationInput & { signature?: { signedAt?: string } }) => {
  const tenant = tenantOf(input);
  const app = await getApplication(tenant, input.applicationId);
  if (app.status !== 'OFFER_ACCEPTED') return { status: app.status };
  await updateApplication(tenant, input.applicationId, {
    from: ['OFFER_ACCEPTED'],
    set: {
      status: 'SIGNED',
      agreement: app.agreement && {
        ...app.agreement,
        status: 'SUCCESS',
        signedAt: input.signature?.signedAt ?? new Date().toISOString(),
      },
    },
    ...lifecycleChange(tenant, app, { status: 'ACTIVE' }, () =>
      newEvent(tenant, 'loan', 'SIGNED', { applicationId: app.applicationId, customerID: app.customerId }),
    ),
  });
  return { status: 'SIGNED' };
};

/**
 * A borrower app submission's review (origin `app`), the step before the agreement. Sandbox
 * (the loan's autopilot): approved at once, its agreement generated and recorded, answered with
 * `auto: true` so the workflow sends it for signing and, once signed, disburses without waiting
 * for anyone. Sandbox magic: a requested amount ending in 013 (e.g. 1,000,013) is refused by the
 * review (ReviewRejected: the loan ends REJECTED and its amount goes back to the limit). Live:
 * `auto: false`, and the workflow waits for the lender's back office at the agreement and the
 * disbursal. A retried step finds its agreement recorded and answers it again.
 */
const reviewAppLoanTask = async (input: ApplicationInput) => {
  const tenant = tenantOf(input);
  const app = await getApplication(tenant, input.applicationId);
  if (!isAppLoan(app) || !app.app.autopilot) return { auto: false };
  if (app.agreement) return { auto: true, referenceId: app.agreement.referenceId };
  if (app.amount % 1000 === 13) {
    const error = new Error('the sandbox review refused the application (amount ending in 013)');
    error.name = 'ReviewRejected';
    throw error;
  }
  const borrower = await getBorrower(tenant, app.borrowerId);
  const objectKey = `${tenant.mode}/${tenant.partnerId}/${app.borrowerId}/agreements/${app.applicationId}.pdf`;
  await putObject(objectKey, await renderAgreement(app, { name: borrower.name }), 'application/pdf');
  const referenceId = newId('agr');
  await updateApplication(tenant, app.applicationId, {
    from: ['OFFER_ACCEPTED'],
    set: { agreement: { referenceId, status: 'PROCESSING', objectKey, createdAt: new Date().toISOString() } },
    expect: { field: 'agreement', referenceId: undefined },
    event: newEvent(tenant, 'loan', 'APPROVED', {
      applicationId: app.applicationId,
      customerID: app.customerId,
      userId: app.borrowerId,
    }),
  });
  logger.info('app loan approved (sandbox review)', { applicationId: app.applicationId });
  countMetric('ApplicationSteps', 'APP_REVIEWED');
  return { auto: true, referenceId };
};

/**
 * The autopilot's disbursal trigger for a signed app loan (sandbox): records the attempt as the
 * back office's POST would, so the Disburse step transfers to the user's bank account once. A
 * retried step finds the attempt recorded.
 */
const startAppDisbursalTask = async (input: ApplicationInput) => {
  const tenant = tenantOf(input);
  const app = await getApplication(tenant, input.applicationId);
  if (app.status === 'DISBURSAL_PROCESSING' || app.status === 'DISBURSED') return { triggeredAt: app.createdAt };
  await recordDisbursalAttempt(tenant, app, newId('dsb'));
  return { triggeredAt: new Date().toISOString() };
};

/** Sandbox bank: a deterministic UTR and loan account; live banks are not configured in this release. */
function sandboxTransfer(
  app: { applicationId: string; customerId: string; disbursal?: { attempt?: number } },
  mode: Mode,
) {
  if (mode !== 'sandbox') throw new ProviderError('bank', 'no live bank is configured');
  // Magic value: a customerID ending in _disburse_fail makes the bank fail every attempt.
  if (hasCustomerMagic(app.customerId, '_disburse_fail'))
    throw new ProviderError('sandbox bank', 'transfer refused (magic customerID)');
  if (hasCustomerMagic(app.customerId, '_disburse_fail_once') && (app.disbursal?.attempt ?? 1) === 1)
    throw new ProviderError('sandbox bank', 'first transfer refused (magic customerID)');
  const digits = app.applicationId.slice(-12).toUpperCase();
  return { utrNumber: `SBXN${digits}`, loanAccountNumber: `LA${digits}` };
}

/** Disburses once: a retried step finds the disbursal done and returns it. */
const disburseTask = async (input: ApplicationInput) => {
  const tenant = tenantOf(input);
  const app = await getApplication(tenant, input.applicationId);
  if (app.status === 'DISBURSED') return { status: 'DISBURSED', utrNumber: app.disbursal?.utrNumber };
  const transfer = sandboxTransfer(app, input.mode);
  const disbursedAt = new Date().toISOString();
  // Servicing starts here: the ledger, from the schedule re-based on today, in the same write.
  const ledger = ledgerForDisbursal(tenant, app, disbursedAt);
  await updateApplication(tenant, input.applicationId, {
    from: ['DISBURSAL_PROCESSING'],
    ...(ledger ? { also: ledger.items } : {}),
    set: {
      ...(ledger ? { schedule: scheduleAsDecimals(ledger.schedule) } : {}),
      status: 'DISBURSED',
      disbursal: {
        referenceId: app.disbursal?.referenceId ?? '',
        status: 'SUCCESS',
        ...transfer,
        disbursedAmount: app.schedule.netDisbursed,
        disbursedAt,
        message: 'SUCCESS',
        ...(app.disbursal?.attempt ? { attempt: app.disbursal.attempt } : {}),
      },
    },
    ...lifecycleChange(
      tenant,
      app,
      {
        status: 'DISBURSED',
        data: { disbursed_amount: Number(app.schedule.netDisbursed), transfer_reference: transfer.utrNumber },
      },
      () =>
        newEvent(tenant, 'loan', 'DISBURSED', {
          applicationId: app.applicationId,
          customerID: app.customerId,
          utrNumber: transfer.utrNumber,
          disbursedAmount: app.schedule.netDisbursed,
        }),
    ),
  });
  logger.info('disbursed', { applicationId: app.applicationId });
  countMetric('Disbursals', 'DISBURSED');
  countMetric('ApplicationSteps', 'DISBURSED');
  return { status: 'DISBURSED', utrNumber: transfer.utrNumber };
};

/**
 * What the partner reads about a failure: a sentence per error name, never the error's class
 * or its provider's words (those go to the log, for ops).
 */
const PUBLIC_REASONS: Record<'REJECTED' | 'DISBURSAL_FAILED', Record<string, string>> = {
  REJECTED: {
    SigningRejected: 'The borrower declined to sign the agreement',
    ReviewRejected: 'The application was not approved',
    SigningExpired: 'The agreement was not signed in time',
    LoanRejected: 'The loan was rejected before disbursement',
    'States.Timeout': 'The agreement was not signed in time',
    NotConfiguredError: 'E-signing is not configured for live mode',
    default: 'The agreement could not be signed',
  },
  DISBURSAL_FAILED: {
    ProviderError: 'The bank could not complete the transfer: trigger the disbursal again to retry',
    'States.Timeout': 'No disbursal was triggered in time',
    NotConfiguredError: 'The disbursing bank is not configured for live mode',
    default: 'The disbursal could not be completed: trigger it again to retry',
  },
};

export function publicReason(
  outcome: 'REJECTED' | 'DISBURSAL_FAILED',
  error: { Error: string; Cause: string } | undefined,
): string {
  const reasons = PUBLIC_REASONS[outcome];
  return (error && reasons[error.Error]) ?? reasons.default ?? outcome;
}

/** A failure the partner can see and act on (after DISBURSAL_FAILED the workflow waits for a new trigger). */
const markFailedTask = async (
  input: ApplicationInput & {
    outcome: 'REJECTED' | 'DISBURSAL_FAILED';
    error?: { Error: string; Cause: string };
    /** MarkDisbursalAbandoned: no disbursal trigger came in time, and the execution ends. */
    abandoned?: boolean;
  },
) => {
  const tenant = tenantOf(input);
  const app = await getApplication(tenant, input.applicationId);
  if (isAppLoan(app) && (input.outcome === 'REJECTED' || input.abandoned)) {
    // A borrower app loan that will not be disbursed ends REJECTED and gives its amount back to
    // the user's limit, in one write conditional on the loan being still open (so once).
    const reason = publicReason('REJECTED', input.error);
    await rejectAppLoan(
      tenant,
      app,
      newEvent(tenant, 'loan', 'REJECTED', {
        applicationId: app.applicationId,
        customerID: app.customerId,
        userId: app.borrowerId,
        reason,
      }),
    );
    logger.warn('app loan rejected', { applicationId: app.applicationId, error: input.error?.Error });
    countMetric('ApplicationSteps', 'REJECTED');
    return { status: 'REJECTED' };
  }
  // Rejected already: a partner's reject wrote the status and its event before failing the wait
  // (and a wait that timed out after a reject must not turn REJECTED into DISBURSAL_FAILED).
  if (app.status === 'REJECTED') return { status: 'REJECTED' };
  if (input.abandoned && isPartnerLoan(app)) {
    // The guide has no status for a signed loan nobody will disburse: the execution ends here,
    // so the loan ends REJECTED (before disbursement) rather than ACTIVE with nothing behind it.
    const reason = 'No disbursement was triggered within 14 days of signing';
    await updateApplication(tenant, input.applicationId, {
      // DISBURSAL_PROCESSING too: a trigger that recorded its attempt as the wait timed out
      // found no workflow to take it, so nothing will transfer.
      from: ['SIGNED', 'DISBURSAL_FAILED', 'DISBURSAL_PROCESSING'],
      set: { status: 'REJECTED' },
      ...partnerLoanChange(tenant, app, 'REJECTED', { reason }),
    });
    logger.warn('partner loan abandoned', { applicationId: app.applicationId });
    return { status: 'REJECTED' };
  }
  const reason = publicReason(input.outcome, input.error);
  logger.warn('application step failed', {
    applicationId: app.applicationId,
    outcome: input.outcome,
    error: input.error?.Error,
    cause: input.error?.Cause,
  });
  countMetric(
    input.outcome === 'REJECTED' ? 'ApplicationSteps' : 'Disbursals',
    input.outcome === 'REJECTED' ? 'REJECTED' : 'FAILED',
  );
  await updateApplication(tenant, input.applicationId, {
    set:
      input.outcome === 'REJECTED'
        ? { status: 'REJECTED', agreement: app.agreement && { ...app.agreement, status: 'REJECTED' } }
        : {
            status: 'DISBURSAL_FAILED',
            disbursal: app.disbursal && { ...app.disbursal, status: 'FAILED', message: reason },
          },
    // A partner loan whose disbursal failed stays ACTIVE (signed, awaiting disbursement): the
    // partner hears the failure with the reason and may trigger the disbursement again.
    ...lifecycleChange(
      tenant,
      app,
      input.outcome === 'REJECTED'
        ? { status: 'REJECTED', reason }
        : { status: 'ACTIVE', reason, data: { disbursement_status: 'FAILED' } },
      () =>
        newEvent(tenant, 'loan', input.outcome, {
          applicationId: app.applicationId,
          customerID: app.customerId,
          reason,
        }),
    ),
  });
  return { status: input.outcome };
};

// Each task carries on the correlation id of the request that started the execution (the
// ASL passes $$.Execution.Input.correlationId): its log lines and the events it writes name it.
export const awaitStep = correlated(awaitStepTask);
export const runKyc = correlated(runKycTask);
export const verifyKycOtp = correlated(verifyKycOtpTask);
export const recordKycFailure = correlated(recordKycFailureTask);
export const closeJourney = correlated(closeJourneyTask);
export const requestSignature = correlated(requestSignatureTask);
export const markSigned = correlated(markSignedTask);
export const reviewAppLoan = correlated(reviewAppLoanTask);
export const startAppDisbursal = correlated(startAppDisbursalTask);
export const disburse = correlated(disburseTask);
export const markFailed = correlated(markFailedTask);
