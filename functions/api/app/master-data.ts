import middy from '@middy/core';
import { MASTER_DATA } from '#core/app/master-data';
import { OK } from '#core/app/text';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { ok } from './common.ts';
import { routes } from './routes.ts';

type Route = typeof routes.appMasterData;

/** GET /api/v1/master-data/{category}: the list behind one of personal-info's reference ids. */
const masterData = async ({ input }: ApiEvent<Route>): Promise<ApiResult> =>
  ok(
    input.headers,
    OK.masterData,
    { category: input.params.category, items: MASTER_DATA[input.params.category] },
    200,
    {
      'cache-control': 'public, max-age=3600',
    },
  );

export const handler = middy(masterData).use(http(routes.appMasterData));
