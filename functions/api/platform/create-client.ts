import middy from '@middy/core';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { createBorrower } from '../create-borrower.ts';
import { routes } from './routes.ts';

type Route = typeof routes.createClient;

/** POST /v1/clients: the partner API's POST /api/core/users under the platform's envelope (one path, one event). */
const createClient = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const borrower = await createBorrower(input.principal, input.body);
  return {
    statusCode: 201,
    body: { data: { id: borrower.borrowerId, status: borrower.status, borrower_type: borrower.borrowerType } },
  };
};

export const handler = middy(createClient).use(http(routes.createClient));
