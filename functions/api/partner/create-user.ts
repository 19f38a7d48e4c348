import middy from '@middy/core';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { createBorrower } from '../create-borrower.ts';
import { routes } from './routes.ts';

type Route = typeof routes.createUser;

/** POST /api/core/users: a PENDING borrower and its user_created event, in one transaction (shared with POST /v1/clients). */
const createUser = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const borrower = await createBorrower(input.principal, input.body);
  return { statusCode: 201, body: { userId: borrower.borrowerId, status: borrower.status } };
};

export const handler = middy(createUser).use(http(routes.createUser));
