import middy from '@middy/core';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { getBorrower, listDocuments } from '#store/borrowers';
import { routes } from './routes.ts';
import { userView } from './views.ts';

type Route = typeof routes.getUser;

/** GET /api/core/users/{userId}: status, KYC result and documents. */
const getUser = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const borrower = await getBorrower(input.principal, input.params.userId);
  const documents = await listDocuments(input.principal, borrower.borrowerId);
  return { statusCode: 200, body: userView(borrower, documents) };
};

export const handler = middy(getUser).use(http(routes.getUser));
