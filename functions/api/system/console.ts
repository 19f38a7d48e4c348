import middy from '@middy/core';
import { http } from '#http/middleware';
import type { ApiResult } from '#http/route';
import { CONSOLE_CSP, renderConsole } from '../console-page.ts';
import { routes } from './routes.ts';

const page = renderConsole();

/**
 * GET /console: the ops console, served by the stage itself (the local runtime and a deployed
 * stage alike, from this one route). A static page: the data comes from the platform API, with
 * the key the operator enters; nothing of a tenant's is in it.
 */
const consolePage = async (): Promise<ApiResult> => ({
  statusCode: 200,
  body: page,
  headers: {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': CONSOLE_CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-cache',
  },
});

export const handler = middy(consolePage).use(http(routes.console));
