import type { Borrower } from '#core/borrowers';
import { InvalidStateError } from '#core/errors';
import type { Tenant } from '#core/tenant';
import { findApplication, type LoanApplication } from '#store/applications';
import { getBorrowerByCustomerId } from '#store/borrowers';
import { saveWaitToken, takeWaitToken, type WaitStep } from '#store/waits';
import { completeTask } from '#store/workflows';

/** The customer and its loan application (the one its accepted offer created). */
export async function applicationOf(
  tenant: Tenant,
  customerId: string,
  missing: () => Error,
): Promise<{ borrower: Borrower; app: LoanApplication }> {
  const borrower = await getBorrowerByCustomerId(tenant, customerId);
  const applicationId = borrower.journey?.applicationId;
  if (!applicationId) throw missing();
  // The application's terms exist from the offer acceptance on.
  const app = await findApplication(tenant, applicationId);
  if (!app) throw missing();
  return { borrower, app };
}

/** The customer's application id (every journey customer has one from /v2/user/create on). */
export function applicationIdOf(borrower: Borrower): string {
  const applicationId = borrower.journey?.applicationId;
  if (!applicationId) {
    throw new InvalidStateError('invalid_user_state', 'Continue the journey with POST /v2/user/create first');
  }
  return applicationId;
}

/**
 * The task token of a step the workflow waits on. The workflow reaches the wait within
 * moments of the previous step, so a trigger right after it waits briefly rather than fail;
 * null when it does not get there (`patience` ms).
 */
export async function waitingToken(
  tenant: Tenant,
  applicationId: string,
  step: WaitStep,
  patience = 2000,
): Promise<string | null> {
  const deadline = Date.now() + patience;
  for (;;) {
    const token = await takeWaitToken(tenant, applicationId, step);
    if (token || Date.now() >= deadline) return token;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Answers a step only if the workflow waits on it right now: a retried trigger whose first
 * attempt stored its data but died before answering finishes the job; otherwise nothing to do.
 */
export async function answerIfWaiting(tenant: Tenant, applicationId: string, step: WaitStep, output: unknown) {
  const token = await waitingToken(tenant, applicationId, step, 0);
  if (token) await completeTask(token, output);
}

/** The same, for a step the request cannot go on without: FBX-E-010 when the workflow is elsewhere. */
export async function requireWaitingToken(tenant: Tenant, applicationId: string, step: WaitStep): Promise<string> {
  const token = await waitingToken(tenant, applicationId, step);
  if (token) return token;
  throw new InvalidStateError(
    'invalid_user_state',
    `The application is not waiting for ${step.toLowerCase().replace('_', ' ')} now`,
  );
}

/**
 * Runs `answer` with the token of the step the workflow waits on. If `answer` throws, the
 * token goes back, so the partner's retry finds the workflow still waiting: a trigger is
 * never half-done. `answer` completes the task last.
 */
export async function withWaitingStep<T>(
  tenant: Tenant,
  applicationId: string,
  step: WaitStep,
  answer: (token: string) => Promise<T>,
): Promise<T> {
  const token = await requireWaitingToken(tenant, applicationId, step);
  try {
    return await answer(token);
  } catch (error) {
    await saveWaitToken(tenant, applicationId, step, token);
    throw error;
  }
}
