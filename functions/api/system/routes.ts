/**
 * Health, the OpenAPI document, the docs page and the ops console.
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
    responses: {
      200: {
        description: 'The OpenAPI document, its server the stage that answers',
        schema: z
          .looseObject({ openapi: z.string(), info: z.looseObject({ title: z.string() }), paths: z.looseObject({}) })
          .meta({ examples: [{ openapi: '3.1.0', info: { title: 'lendstack' }, paths: {} }] }),
      },
    },
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
    summary: 'The API reference (Scalar), with a try-it console against this stage and the getting-started guides',
    tags: ['System'],
    contentType: 'text/html',
    request: {},
    responses: { 200: { description: 'HTML page' } },
    access: [],
    unmetered: true,
  }),
  docsAsset: route({
    id: 'docsAsset',
    method: 'GET',
    path: '/docs/assets/{file}',
    surface: 'system',
    auth: 'none',
    handler: 'api/system/docs-asset',
    summary: "The reference renderer's browser bundle, served by the stage itself (no CDN)",
    tags: ['System'],
    contentType: 'text/javascript',
    request: { params: z.object({ file: z.enum(['scalar-api-reference.js']) }) },
    responses: { 200: { description: 'JavaScript' }, 404: { description: 'No such asset' } },
    files: { 'scalar-api-reference.js': 'node_modules/@scalar/api-reference/dist/browser/standalone.js' },
    access: [],
    unmetered: true,
  }),
  console: route({
    id: 'console',
    method: 'GET',
    path: '/console',
    surface: 'system',
    auth: 'none',
    handler: 'api/system/console',
    summary:
      'The ops console: applications and their workflows, KYC reviews, webhook deliveries, payments, loans by bucket',
    description:
      "A static page served by the stage itself (the local runtime and a deployed stage alike). It carries no data and no key: its script asks for a platform API key, keeps it in the tab's sessionStorage and reads and acts through the platform API (`/v1/…`) of this stage with it.",
    tags: ['System'],
    contentType: 'text/html',
    request: {},
    responses: { 200: { description: 'HTML page' } },
    access: [],
    unmetered: true,
  }),
  consoleAsset: route({
    id: 'consoleAsset',
    method: 'GET',
    path: '/console/assets/{file}',
    surface: 'system',
    auth: 'none',
    handler: 'api/system/console-asset',
    summary: "The ops console's script and style sheet, served by the stage itself (no CDN)",
    tags: ['System'],
    contentType: 'text/javascript',
    request: { params: z.object({ file: z.enum(['console.js', 'console.css']) }) },
    responses: { 200: { description: 'JavaScript or CSS' }, 404: { description: 'No such asset' } },
    files: {
      'console.js': 'functions/api/system/console-assets/console.js',
      'console.css': 'functions/api/system/console-assets/console.css',
    },
    access: [],
    unmetered: true,
  }),
};
