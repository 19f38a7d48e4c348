import middy from '@middy/core';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { getReport } from '#store/reports';
import { reportView } from './report-view.ts';
import { routes } from './routes.ts';

type Route = typeof routes.getReport;

/** GET /v1/reports/{id}: the report, with a fresh presigned link once succeeded; another tenant's id is 404. */
const get = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => ({
  statusCode: 200,
  body: await reportView(await getReport(input.principal, input.params.id), true),
});

export const handler = middy(get).use(http(routes.getReport));
