import middy from '@middy/core';
import { NotFoundError } from '#core/errors';
import { routeFile } from '#http/assets';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { routes } from './routes.ts';

/**
 * GET /docs/assets/{file}: the reference renderer's script, from the function's own bundle
 * (a deployed stage and an offline laptop alike: no CDN). Cached by browsers for a day; the
 * name changes with nothing, so a day keeps an upgrade visible the next day.
 */
const asset = async ({ input }: ApiEvent<typeof routes.docsAsset>): Promise<ApiResult> => {
  const text = routeFile(routes.docsAsset, input.params.file);
  if (text === undefined) throw new NotFoundError('asset', input.params.file);
  return {
    statusCode: 200,
    body: text,
    headers: {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'public, max-age=86400',
      'x-content-type-options': 'nosniff',
    },
  };
};

export const handler = middy(asset).use(http(routes.docsAsset));
