import type { Borrower } from '#core/borrowers';
import { InvalidStateError, RuleViolationError } from '#core/errors';
import type { Tenant } from '#core/tenant';
import { findApplication, getApplication, type LoanApplication } from '#store/applications';
import { claimJourneyRun, getBorrower, getBorrowerByCustomerId, type RunPointer } from '#store/borrowers';
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

/**
 * Refuses a trigger on a journey that has ended: FBX-E-011 (User Disqualified) after the BRE
 * rejected the customer, FBX-E-010 after it expired.
 */
export function assertJourneyOpen(borrower: Borrower): void {
  const stage = borrower.journey?.stage;
  if (stage === 'REJECTED') {
    throw new RuleViolationError('user_disqualified', 'The customer was rejected by the BRE: the journey has ended');
  }
  if (stage === 'EXPIRED') throw new InvalidStateError('invalid_user_state', 'The journey has expired');
}

/**
 * Starts a run (BRE, KYC) exactly once under concurrency. The run is written and claimed as
 * the customer's current one in one transaction, if the current one is still `previous`: of N
 * identical triggers at once one wins, and the others answer with the winner's referenceID.
 * The winner then hands the run to the step the workflow waits on; if the workflow does not
 * take it, `failRun` marks it failed, so no run stays PROCESSING with nothing behind it and
 * the partner's retry starts a new one.
 */
export async function startRunOnce(
  tenant: Tenant,
  borrower: Borrower,
  run: {
    pointer: RunPointer;
    previous: string | undefined;
    referenceId: string;
    put: { Put: Record<string, unknown> };
    step: WaitStep;
    output: unknown;
    failRun: () => Promise<void>;
  },
): Promise<string> {
  const won = await claimJourneyRun(tenant, borrower.borrowerId, run.pointer, run.previous, run);
  if (!won) {
    const current = (await getBorrower(tenant, borrower.borrowerId)).journey?.[run.pointer];
    if (!current) throw new InvalidStateError('invalid_user_state', 'Another trigger changed the journey: retry');
    return current;
  }
  try {
    await withWaitingStep(tenant, applicationIdOf(borrower), run.step, (token) => completeTask(token, run.output));
  } catch (error) {
    await run.failRun();
    throw error;
  }
  return run.referenceId;
}

/**
 * Runs `claim`, a conditional write of an application step's record (its agreement or
 * disbursal, see updateApplication's `expect`): true when this caller won; otherwise the
 * referenceID the concurrent winner recorded, which is what this caller answers too.
 */
export async function claimStep(
  tenant: Tenant,
  applicationId: string,
  field: 'agreement' | 'disbursal',
  claim: () => Promise<void>,
): Promise<true | string> {
  try {
    await claim();
    return true;
  } catch (error) {
    if (!(error instanceof InvalidStateError)) throw error;
    const winner = (await getApplication(tenant, applicationId))[field];
    if (winner?.status === 'PROCESSING') return winner.referenceId;
    throw error;
  }
}
