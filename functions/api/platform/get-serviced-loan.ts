import middy from '@middy/core';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { getLoanRecord } from '#store/loans';
import { platformLoanView } from '../repayment-views.ts';
import { routes } from './routes.ts';

type Route = typeof routes.getServicedLoan;

/** GET /v1/loans/{id}: the loan's ledger (installments due and paid per component, delinquency, credit). */
const get = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => ({
  statusCode: 200,
  body: { data: platformLoanView(await getLoanRecord(input.principal, input.params.id)) },
});

export const handler = middy(get).use(http(routes.getServicedLoan));
