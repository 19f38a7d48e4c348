import middy from '@middy/core';
import { appErrors, OK } from '#core/app/text';
import { issueAppAccessToken } from '#http/app-tokens';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { issueAppRefreshToken, redeemAppRefreshToken } from '#store/app-sessions';
import { ok } from './common.ts';
import { routes } from './routes.ts';

type Route = typeof routes.appRefreshToken;

/**
 * POST /api/v1/auth/refresh: spends the refresh token (from its own device) for a new access
 * token and the next refresh token of the session. A spent token again revokes the session.
 */
const refresh = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const redeemed = await redeemAppRefreshToken(input.body.refresh_token, input.headers['x-device-id']);
  if (redeemed.outcome !== 'rotated') throw appErrors.invalidRefreshToken();
  const { owner, familyId } = redeemed;
  const { refreshToken } = await issueAppRefreshToken(owner, familyId);
  const access = await issueAppAccessToken({
    partnerId: owner.partnerId,
    mode: owner.mode,
    userId: owner.userId,
    deviceId: owner.deviceId,
    scope: 'full',
    sessionId: familyId,
  });
  return ok(input.headers, OK.refreshed, { ...access, refresh_token: refreshToken }, 201, {
    'cache-control': 'no-store',
  });
};

export const handler = middy(refresh).use(http(routes.appRefreshToken));
