import middy from '@middy/core';
import type { Borrower } from '#core/borrowers';
import { ConflictError } from '#core/errors';
import { newId } from '#core/ids';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { findBorrowerByCustomerId, insertBorrower } from '#store/borrowers';
import { newEvent } from '#store/outbox';
import { routes } from '../routes.ts';
import { journeyOk } from './respond.ts';

type Route = typeof routes.journeyCreateUser;

/**
 * POST /v2/user/create: idempotent on customerID. The same customerID with the same mobile
 * continues the journey from its stage (CUR-S-000, with the stage); with another mobile it is
 * CUR-E-002 (User Exists).
 */
const createUser = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const { principal, body } = input;
  const existing = await findBorrowerByCustomerId(principal, body.customerID);
  if (existing) return resume(existing, body.mobile);
  const now = new Date().toISOString();
  const borrower: Borrower = {
    borrowerId: newId('bor'),
    borrowerType: 'PERSONAL',
    status: 'PENDING',
    name: '',
    phone: body.mobile,
    email: '',
    customerId: body.customerID,
    journey: { stage: 'USER_CREATED' },
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
      if (winner) return resume(winner, body.mobile);
    }
    throw error;
  }
  return journeyOk({ message: 'user created!' }, 'CUR-S-000');
};

function resume(existing: Borrower, mobile: string): ApiResult {
  if (existing.phone !== mobile) {
    throw new ConflictError('customer_exists', 'A user with this customerID exists with another mobile number');
  }
  return journeyOk(
    { message: 'user exists: the journey continues', stage: existing.journey?.stage ?? 'USER_CREATED' },
    'CUR-S-000',
  );
}

export const handler = middy(createUser).use(http(routes.journeyCreateUser));
