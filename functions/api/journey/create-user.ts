import middy from '@middy/core';
import type { Borrower } from '#core/borrowers';
import { ConflictError } from '#core/errors';
import { newId } from '#core/ids';
import type { Tenant } from '#core/tenant';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { recordApplicationStart } from '#store/application-index';
import { findApplication } from '#store/applications';
import { findBorrowerByCustomerId, getBorrower, insertBorrower, setJourneyFields } from '#store/borrowers';
import { newEvent } from '#store/outbox';
import { ensureWorkflow } from '#store/workflows';
import type { ApplicationInput } from '../../workflows/application.ts';
import { applicationIdOf } from './application-of.ts';
import { journeyOk } from './respond.ts';
import { routes } from './routes.ts';

type Route = typeof routes.journeyCreateUser;

/**
 * POST /v2/user/create: idempotent on customerID. The same customerID with the same mobile
 * continues the journey from its stage (CUR-S-000, with the stage; before any progress the
 * very answer of the first create); with another mobile it is CUR-E-002 (User Exists). Another
 * customerID with a known mobile is a new customer: dedupe is the BRE's rule, not the door's.
 * A new customer is a new loan application: its workflow starts here.
 */
const createUser = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const { principal, body } = input;
  const existing = await findBorrowerByCustomerId(principal, body.customerID);
  if (existing) return resume(principal, existing, body.mobile);
  const now = new Date().toISOString();
  const borrower: Borrower = {
    borrowerId: newId('bor'),
    borrowerType: 'PERSONAL',
    status: 'PENDING',
    name: '',
    phone: body.mobile,
    email: '',
    customerId: body.customerID,
    journey: { stage: 'USER_CREATED', applicationId: newId('app') },
    createdAt: now,
    updatedAt: now,
  };
  const event = newEvent(principal, 'user_created', 'PENDING', {
    userId: borrower.borrowerId,
    customerID: body.customerID,
  });
  try {
    await insertBorrower(principal, borrower, event);
  } catch (error) {
    // A concurrent create of the same customer won the race: answer as its retry would be answered.
    if (error instanceof ConflictError && error.code === 'customer_exists') {
      const winner = await findBorrowerByCustomerId(principal, body.customerID);
      if (winner) return resume(principal, winner, body.mobile);
    }
    throw error;
  }
  await startApplication(principal, borrower);
  return created();
};

/** The first create's answer (the spec's sample, with the stage): its retries, concurrent or not, get the same. */
const created = () => journeyOk({ message: 'user created!', stage: 'USER_CREATED' }, 'CUR-S-000');

async function resume(tenant: Tenant, existing: Borrower, mobile: string): Promise<ApiResult> {
  if (existing.phone !== mobile) {
    throw new ConflictError('customer_exists', 'A user with this customerID exists with another mobile number');
  }
  // The first attempt may have died before starting the workflow: starting it again is harmless.
  await startApplication(tenant, existing);
  const stage = await stageOf(tenant, existing);
  if (stage === 'USER_CREATED') return created();
  return journeyOk({ message: 'user exists: the journey continues', stage }, 'CUR-S-000');
}

/** Where the customer stands: past the offer acceptance, the application's own status (SIGNED, DISBURSED, …). */
async function stageOf(tenant: Tenant, borrower: Borrower): Promise<string> {
  const stage = borrower.journey?.stage ?? 'USER_CREATED';
  const applicationId = borrower.journey?.applicationId;
  if (stage !== 'OFFER_ACCEPTED' || !applicationId) return stage;
  return (await findApplication(tenant, applicationId))?.status ?? stage;
}

/**
 * The customer's loan application workflow: one execution, named after the application, so
 * every start after the first finds it (a customer from before applications existed gets its
 * application id here).
 */
async function startApplication(tenant: Tenant, borrower: Borrower): Promise<void> {
  let applicationId = borrower.journey?.applicationId;
  if (!applicationId) {
    applicationId = newId('app');
    const set = await setJourneyFields(tenant, borrower.borrowerId, { applicationId }, { ifAbsent: 'applicationId' });
    if (!set) applicationId = applicationIdOf(await getBorrower(tenant, borrower.borrowerId));
  }
  const input: ApplicationInput = {
    applicationId,
    partnerId: tenant.partnerId,
    mode: tenant.mode,
    borrowerId: borrower.borrowerId,
    customerId: borrower.customerId ?? '',
  };
  await recordApplicationStart(tenant, {
    applicationId,
    borrowerId: borrower.borrowerId,
    customerId: borrower.customerId ?? '',
    origin: 'journey',
    startedAt: new Date().toISOString(),
  });
  await ensureWorkflow('application', applicationId, input);
}

export const handler = middy(createUser).use(http(routes.journeyCreateUser));
