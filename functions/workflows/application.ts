/**
 * The loan application's lifecycle workflow (statemachines/application.asl.json), one
 * execution per application: it waits for the borrower's signature and for the partner's
 * disbursal trigger (task-token callbacks), then disburses through the bank, exactly once.
 */
import { ProviderError } from '#core/errors';
import type { Mode } from '#core/tenant';
import { logger } from '#http/logger';
import { getApplication, saveWaitToken, updateApplication, type WaitStep } from '#store/applications';
import { newEvent } from '#store/outbox';

export interface ApplicationInput {
  applicationId: string;
  partnerId: string;
  mode: Mode;
}

const tenantOf = (i: ApplicationInput) => ({ partnerId: i.partnerId, mode: i.mode });

/** A `.waitForTaskToken` step: keeps the token where the endpoint that completes the step finds it. */
export const awaitStep = async (input: ApplicationInput & { step: WaitStep; token: string }) => {
  await saveWaitToken(tenantOf(input), input.applicationId, input.step, input.token);
  logger.info('application waits', { applicationId: input.applicationId, step: input.step });
  return { waiting: input.step };
};

/** The borrower signed. */
export const markSigned = async (input: ApplicationInput & { agreement?: { signedAt?: string } }) => {
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
        signedAt: input.agreement?.signedAt ?? new Date().toISOString(),
      },
    },
    event: newEvent(tenant, 'loan', 'SIGNED', { applicationId: app.applicationId, customerID: app.customerId }),
  });
  return { status: 'SIGNED' };
};

/** Sandbox bank: a deterministic UTR and loan account; live banks are not configured in this release. */
function sandboxTransfer(app: { applicationId: string; customerId: string }, mode: Mode) {
  if (mode !== 'sandbox') throw new ProviderError('bank', 'no live bank is configured');
  // Magic value: a customerID ending in _disburse_fail makes the bank fail every attempt.
  if (/_disburse_fail$/i.test(app.customerId))
    throw new ProviderError('sandbox bank', 'transfer refused (magic customerID)');
  const digits = app.applicationId.slice(-12).toUpperCase();
  return { utrNumber: `SBXN${digits}`, loanAccountNumber: `LA${digits}` };
}

/** Disburses once: a retried step finds the disbursal done and returns it. */
export const disburse = async (input: ApplicationInput) => {
  const tenant = tenantOf(input);
  const app = await getApplication(tenant, input.applicationId);
  if (app.status === 'DISBURSED') return { status: 'DISBURSED', utrNumber: app.disbursal?.utrNumber };
  const transfer = sandboxTransfer(app, input.mode);
  const disbursedAt = new Date().toISOString();
  await updateApplication(tenant, input.applicationId, {
    from: ['DISBURSAL_PROCESSING'],
    set: {
      status: 'DISBURSED',
      disbursal: {
        referenceId: app.disbursal?.referenceId ?? '',
        status: 'SUCCESS',
        ...transfer,
        disbursedAmount: app.schedule.netDisbursed,
        disbursedAt,
        message: 'SUCCESS',
      },
    },
    event: newEvent(tenant, 'loan', 'DISBURSED', {
      applicationId: app.applicationId,
      customerID: app.customerId,
      utrNumber: transfer.utrNumber,
      disbursedAmount: app.schedule.netDisbursed,
    }),
  });
  logger.info('disbursed', { applicationId: app.applicationId });
  return { status: 'DISBURSED', utrNumber: transfer.utrNumber };
};

/** A terminal failure the partner can see and act on. */
export const markFailed = async (
  input: ApplicationInput & { outcome: 'REJECTED' | 'DISBURSAL_FAILED'; error?: { Error: string; Cause: string } },
) => {
  const tenant = tenantOf(input);
  const app = await getApplication(tenant, input.applicationId);
  const reason = input.error ? `${input.error.Error}: ${input.error.Cause}` : input.outcome;
  await updateApplication(tenant, input.applicationId, {
    set:
      input.outcome === 'REJECTED'
        ? { status: 'REJECTED', agreement: app.agreement && { ...app.agreement, status: 'REJECTED' } }
        : {
            status: 'DISBURSAL_FAILED',
            disbursal: app.disbursal && { ...app.disbursal, status: 'FAILED', message: reason },
          },
    event: newEvent(tenant, 'loan', input.outcome, {
      applicationId: app.applicationId,
      customerID: app.customerId,
      reason,
    }),
  });
  return { status: input.outcome };
};
