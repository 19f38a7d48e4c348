import middy from '@middy/core';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { DOCS_CSP, renderDocs } from '../docs-page.ts';
import { routeList, routes } from '../routes.ts';

const pages = new Map<string, string>();

/**
 * GET /docs: the API reference (Scalar, served from this stage: docs/assets/…), its try-it
 * console pointed at the URL the caller used, so a deployed stage and `npm start` both test
 * themselves. One page per base URL, rendered once per instance.
 */
const docs = async ({ input }: ApiEvent<typeof routes.docs>): Promise<ApiResult> => {
  let page = pages.get(input.baseUrl);
  if (!page) {
    page = renderDocs(routeList, input.baseUrl);
    if (pages.size < 8) pages.set(input.baseUrl, page);
  }
  return {
    statusCode: 200,
    body: page,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': DOCS_CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    },
  };
};

export const handler = middy(docs).use(http(routes.docs));
