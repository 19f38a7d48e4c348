import middy from '@middy/core';
import { http } from '#http/middleware';
import type { ApiResult } from '#http/route';
import { renderDocs } from '../docs-page.ts';
import { routeList, routes } from '../routes.ts';

let page: string | undefined;

/** GET /docs: the reference page, rendered from the same OpenAPI document (no scripts, no CDN). */
const docs = async (): Promise<ApiResult> => {
  page ??= renderDocs(routeList);
  return { statusCode: 200, body: page, headers: { 'content-type': 'text/html; charset=utf-8' } };
};

export const handler = middy(docs).use(http(routes.docs));
