/**
 * THE route table. Every endpoint is listed once, in its surface's own table
 * (`<surface>/routes.ts`); this index merges them. The CDK API (one Lambda per route), the
 * local gateway and the OpenAPI document are generated from it and from nothing else.
 * Handlers import their own surface's table, so a bundle carries one surface's schemas.
 */
import { routes as app } from './app/routes.ts';
import { routes as journey } from './journey/routes.ts';
import { routes as partner } from './partner/routes.ts';
import { routes as platform } from './platform/routes.ts';
import { routes as system } from './system/routes.ts';

export const routes = { ...system, ...partner, ...platform, ...journey, ...app };

export type RouteId = keyof typeof routes;

/** Every route, in table order. */
export const routeList = Object.values(routes);
