import middy from '@middy/core';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { applicationsById, listApplicationStarts } from '#store/application-index';
import { waitingSteps } from '#store/waits';
import { applicationView, statusOf } from './ops-views.ts';
import { routes } from './routes.ts';

type Route = typeof routes.listApplications;

/**
 * GET /v1/applications: the tenant's applications, newest first, each with its status and the
 * steps its workflow waits on. The status filter is applied to the newest 1,000 applications
 * (their statuses read by key in batches), so `meta.total` counts matches among those.
 */
const list = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const { limit, offset, status } = input.query;
  const tenant = input.principal;
  const starts = await listApplicationStarts(tenant);
  // Without a status filter only the page's statuses are read; with one, every listed application's.
  const apps = await applicationsById(
    tenant,
    (status ? starts : starts.slice(offset, offset + limit)).map((s) => s.applicationId),
  );
  const matching = status ? starts.filter((s) => statusOf(apps.get(s.applicationId)) === status) : starts;
  const page = matching.slice(offset, offset + limit);
  const waits = await Promise.all(page.map((s) => waitingSteps(tenant, s.applicationId)));
  return {
    statusCode: 200,
    body: {
      data: page.map((s, i) => applicationView(s, apps.get(s.applicationId), waits[i] ?? [])),
      meta: { total: matching.length, limit, offset },
    },
  };
};

export const handler = middy(list).use(http(routes.listApplications));
