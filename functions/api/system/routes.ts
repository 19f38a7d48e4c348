/**
 * Health, the OpenAPI document and the docs page.
 * Merged into the one route table by ../routes.ts.
 */
import * as z from 'zod';
import { route } from '#http/route';

export const routes = {
  // ---------------------------------------------------------------- system
  health: route({
    id: 'health',
    method: 'GET',
    path: '/health',
    surface: 'system',
    auth: 'none',
    handler: 'api/system/health',
    summary: 'Liveness and readiness',
    tags: ['System'],
    request: {},
    responses: { 200: { description: 'Everything is up', schema: z.object({ status: z.literal('ok') }) } },
    access: ['table:read'],
    unmetered: true,
  }),
  openapi: route({
    id: 'openapi',
    method: 'GET',
    path: '/openapi.json',
    surface: 'system',
    auth: 'none',
    handler: 'api/system/openapi',
    summary: 'This API as an OpenAPI 3.1 document',
    tags: ['System'],
    request: {},
    responses: { 200: { description: 'The OpenAPI document' } },
    access: [],
    unmetered: true,
  }),
  docs: route({
    id: 'docs',
    method: 'GET',
    path: '/docs',
    surface: 'system',
    auth: 'none',
    handler: 'api/system/docs',
    summary: 'Rendered API reference',
    tags: ['System'],
    request: {},
    responses: { 200: { description: 'HTML page' } },
    access: [],
    unmetered: true,
  }),
};
