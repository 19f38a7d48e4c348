import middy from '@middy/core';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { listLoanRecords } from '#store/loans';
import { platformLoanView } from '../repayment-views.ts';
import { routes } from './routes.ts';

type Route = typeof routes.listLoans;

/** GET /v1/loans: serviced loans, newest disbursal first, filtered by status, bucket or borrower. */
const list = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const { limit, offset, status, delinquency_bucket, borrower_id } = input.query;
  const page = await listLoanRecords(input.principal, {
    limit,
    offset,
    ...(status ? { status } : {}),
    ...(delinquency_bucket ? { bucket: delinquency_bucket } : {}),
    ...(borrower_id ? { borrowerId: borrower_id } : {}),
  });
  return {
    statusCode: 200,
    body: { data: page.items.map(platformLoanView), meta: { total: page.total, limit, offset } },
  };
};

export const handler = middy(list).use(http(routes.listLoans));
