import type { Borrower } from '#core/borrowers';
import { InvalidStateError, RuleViolationError } from '#core/errors';
import type { Tenant } from '#core/tenant';
import { findApplication, getApplication, type LoanApplication } from '#store/applications';
import { claimJourneyRun, getBorrower, getBorrowerByCustomerId, type RunPointer } from '#store/borrowers';
import { saveWaitToken, takeWaitToken, type WaitStep, waitingSteps } from '#store/waits';
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
 * How long a retry leaves a waiting step to the trigger that recorded it: longer than that
 * trigger waits for the token (waitingToken's patience), so a live one always takes it first.
 */
const RECOVERY_GRACE_MS = 3000;

/**
 * Answers a step only if the workflow waits on it right now: a retried trigger whose first
 * attempt stored its data but died before answering finishes the job; otherwise nothing to do.
 * A token that is there may be about to be taken by the identical trigger that recorded the
 * step a moment ago (N at once): taking it here would leave that trigger FBX-E-010 for its
 * own step. So the retry waits while the token is there, and takes it only after the grace.
 */
export async function answerIfWaiting(tenant: Tenant, applicationId: string, step: WaitStep, output: unknown) {
  const deadline = Date.now() + RECOVERY_GRACE_MS;
  while ((await waitingSteps(tenant, applicationId)).includes(step)) {
    if (Date.now() >= deadline) {
      const token = await takeWaitToken(tenant, applicationId, step);
      if (token) await completeTask(token, output);
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
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
 *
 * With `replacing` (the record the claim expected to find: none, or a failed attempt), any
 * other record is a concurrent winner's, whatever its status: the sandbox can finish the step
 * before the slowest of N identical callers reads it, and that caller must still answer with
 * the winner's referenceID, not FBX-E-010. Without it, only a winner still PROCESSING is.
 */
export async function claimStep(
  tenant: Tenant,
  applicationId: string,
  field: 'agreement' | 'disbursal',
  claim: () => Promise<void>,
  options?: { replacing: string | undefined },
): Promise<true | string> {
  try {
    await claim();
    return true;
  } catch (error) {
    if (!(error instanceof InvalidStateError)) throw error;
    const winner = (await getApplication(tenant, applicationId))[field];
    if (winner?.status === 'PROCESSING') return winner.referenceId;
    if (options && winner && winner.referenceId !== options.replacing) return winner.referenceId;
    throw error;
  }
}

/** Longer than any trigger runs (API Gateway's 29 s): a PROCESSING run older than this has no trigger alive. */
const ORPHAN_AFTER_MS = 30_000;

/**
 * A run that reads PROCESSING while the workflow still waits for it was claimed by a trigger
 * that died before handing it over (a crash between the claim and the callback). The
 * partner's next trigger finishes that job: the workflow gets the run, and the run goes on.
 */
export async function adoptOrphanedRun(
  tenant: Tenant,
  borrower: Borrower,
  step: WaitStep,
  run: { status: string; createdAt: string },
  output: unknown,
): Promise<void> {
  if (run.status !== 'PROCESSING' || Date.now() - Date.parse(run.createdAt) < ORPHAN_AFTER_MS) return;
  await answerIfWaiting(tenant, applicationIdOf(borrower), step, output);
}
