import type { Borrower } from '#core/borrowers';
import { InvalidStateError } from '#core/errors';
import type { Tenant } from '#core/tenant';
import { getApplication, type LoanApplication, takeWaitToken, type WaitStep } from '#store/applications';
import { getBorrowerByCustomerId } from '#store/borrowers';

/** The customer and its loan application (the one its accepted offer created). */
export async function applicationOf(
  tenant: Tenant,
  customerId: string,
  missing: () => Error,
): Promise<{ borrower: Borrower; app: LoanApplication }> {
  const borrower = await getBorrowerByCustomerId(tenant, customerId);
  const applicationId = borrower.journey?.applicationId;
  if (!applicationId) throw missing();
  return { borrower, app: await getApplication(tenant, applicationId) };
}

/**
 * The task token of a step the lifecycle waits on. The workflow reaches the wait within
 * moments of the previous step, so a trigger right after it waits briefly rather than fail.
 */
export async function waitingToken(tenant: Tenant, applicationId: string, step: WaitStep): Promise<string> {
  for (let i = 0; i < 20; i++) {
    const token = await takeWaitToken(tenant, applicationId, step);
    if (token) return token;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new InvalidStateError(
    'invalid_user_state',
    `The application is not waiting for ${step.toLowerCase()} yet: retry shortly`,
  );
}
