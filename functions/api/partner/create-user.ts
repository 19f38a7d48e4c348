import middy from '@middy/core';
import type { Borrower } from '#core/borrowers';
import { newId } from '#core/ids';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { insertBorrower } from '#store/borrowers';
import { newEvent } from '#store/outbox';
import { routes } from './routes.ts';

type Route = typeof routes.createUser;

/** POST /api/core/users: a PENDING borrower and its user_created event, in one transaction. */
const createUser = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const { body, principal } = input;
  const now = new Date().toISOString();
  const borrower: Borrower = {
    borrowerId: newId('bor'),
    borrowerType: body.borrower_type,
    status: 'PENDING',
    name: body.name,
    phone: body.phone,
    email: body.email,
    createdAt: now,
    updatedAt: now,
    ...(body.borrower_type === 'PERSONAL'
      ? { nik: body.nik }
      : {
          business: {
            businessName: body.business_name,
            nib: body.nib,
            npwp: body.npwp,
            directorName: body.director_name,
            directorNik: body.director_nik,
          },
        }),
  };
  const event = newEvent(principal, 'user_created', 'PENDING', {
    userId: borrower.borrowerId,
    borrower_type: borrower.borrowerType,
  });
  await insertBorrower(principal, borrower, event);
  return { statusCode: 201, body: { userId: borrower.borrowerId, status: borrower.status } };
};

export const handler = middy(createUser).use(http(routes.createUser));
