import middy from '@middy/core';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { getTenantEvent } from '#store/events';
import { eventView } from './event-view.ts';
import { routes } from './routes.ts';

type Route = typeof routes.getEvent;

/** GET /v1/events/{id}: one of the tenant's events; another tenant's id is 404, as an unknown one. */
const getEvent = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => ({
  statusCode: 200,
  body: { data: eventView(await getTenantEvent(input.principal, input.params.id)) },
});

export const handler = middy(getEvent).use(http(routes.getEvent));
