import middy from '@middy/core';
import { appErrors, OK } from '#core/app/text';
import { issueAppAccessToken } from '#http/app-tokens';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { redeemAppRefreshToken } from '#store/app-sessions';
import { ok } from './common.ts';
import { routes } from './routes.ts';

type Route = typeof routes.appRefreshToken;

/**
 * POST /api/v1/auth/refresh: spends the refresh token (from its own device) for a new access
 * token and the next refresh token of the session. The same token again within the grace (its
 * successor unspent) answers the same tokens; later it revokes the session
 * (#store/refresh-rotation).
 */
const refresh = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const redeemed = await redeemAppRefreshToken(
    input.body.refresh_token,
    input.headers['x-device-id'],
    async (owner, familyId, successor) => ({
      ...(await issueAppAccessToken({ ...owner, scope: 'full', sessionId: familyId })),
      refresh_token: successor,
    }),
  );
  if (redeemed.outcome !== 'rotated' && redeemed.outcome !== 'replayed') throw appErrors.invalidRefreshToken();
  return ok(input.headers, OK.refreshed, redeemed.answer, 201, { 'cache-control': 'no-store' });
};

export const handler = middy(refresh).use(http(routes.appRefreshToken));
