import middy from '@middy/core';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { listTenantEvents } from '#store/events';
import { eventView } from './event-view.ts';
import { routes } from './routes.ts';

type Route = typeof routes.listEvents;

/** GET /v1/events: the tenant's events of the last 30 days, newest first, filtered; total counts every match. */
const listEvents = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const { limit, offset, type, object_id: objectId } = input.query;
  const { events, total } = await listTenantEvents(
    input.principal,
    { type, objectId, createdGte: input.query['created[gte]'], createdLte: input.query['created[lte]'] },
    { limit, offset },
  );
  return { statusCode: 200, body: { data: events.map(eventView), meta: { total, limit, offset } } };
};

export const handler = middy(listEvents).use(http(routes.listEvents));
