import middy from '@middy/core';
import { NotFoundError } from '#core/errors';
import { routeFile } from '#http/assets';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { routes } from './routes.ts';

const TYPES: Record<string, string> = {
  'console.js': 'text/javascript; charset=utf-8',
  'console.css': 'text/css; charset=utf-8',
};

/** GET /console/assets/{file}: the console's script and style sheet, from the function's own bundle (no CDN). */
const asset = async ({ input }: ApiEvent<typeof routes.consoleAsset>): Promise<ApiResult> => {
  const text = routeFile(routes.consoleAsset, input.params.file);
  if (text === undefined) throw new NotFoundError('asset', input.params.file);
  return {
    statusCode: 200,
    body: text,
    headers: {
      'content-type': TYPES[input.params.file] ?? 'application/octet-stream',
      // Short: the names do not change with the contents.
      'cache-control': 'public, max-age=300',
      'x-content-type-options': 'nosniff',
    },
  };
};

export const handler = middy(asset).use(http(routes.consoleAsset));
