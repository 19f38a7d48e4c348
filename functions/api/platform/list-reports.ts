import middy from '@middy/core';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { listReports } from '#store/reports';
import { reportView } from './report-view.ts';
import { routes } from './routes.ts';

type Route = typeof routes.listReports;

/** GET /v1/reports: the tenant's reports, newest first (links only on GET by id). */
const list = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const { limit, offset } = input.query;
  const page = await listReports(input.principal, { limit, offset });
  const data = await Promise.all(page.items.map((r) => reportView(r, false)));
  return { statusCode: 200, body: { data, meta: { total: page.total, limit, offset } } };
};

export const handler = middy(list).use(http(routes.listReports));
