import middy from '@middy/core';
import { http } from '#http/middleware';
import type { ApiResult } from '#http/route';
import { SANDBOX_BANKS } from '#providers/banks';
import { routes } from './routes.ts';

/** GET /v2/bank/list: the banks whose statements the banking flow accepts (the spec's own shape, no envelope). */
const bankList = async (): Promise<ApiResult> => ({
  statusCode: 200,
  body: { count: SANDBOX_BANKS.length, banks: SANDBOX_BANKS, statusCode: 'BANK-GBL-S-000' },
});

export const handler = middy(bankList).use(http(routes.journeyBankList));
