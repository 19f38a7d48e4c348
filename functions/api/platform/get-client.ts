import middy from '@middy/core';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { getBorrower, listDocuments } from '#store/borrowers';
import { listLoanRecords } from '#store/loans';
import { clientView } from './client-views.ts';
import { routes } from './routes.ts';

type Route = typeof routes.getClient;

/** How many serviced loans a client view lists (GET /v1/loans?borrower_id= pages through more). */
const LOANS_SHOWN = 100;

/** GET /v1/clients/{id}: the borrower with its KYC, credit score, documents and serviced loans. */
const getClient = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const borrower = await getBorrower(input.principal, input.params.id);
  const [documents, loans] = await Promise.all([
    listDocuments(input.principal, borrower.borrowerId),
    listLoanRecords(input.principal, { borrowerId: borrower.borrowerId, limit: LOANS_SHOWN, offset: 0 }),
  ]);
  return { statusCode: 200, body: { data: clientView(borrower, documents, loans.items) } };
};

export const handler = middy(getClient).use(http(routes.getClient));
