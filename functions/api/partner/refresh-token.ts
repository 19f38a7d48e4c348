import middy from '@middy/core';
import { UnauthenticatedError } from '#core/errors';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { issueTokenPair } from '#http/tokens';
import { consumeRefreshToken } from '#store/auth-tokens';
import { isCredentialActive } from '#store/partners';
import { routes } from './routes.ts';

type Route = typeof routes.refreshToken;

/** POST /api/auth/refresh: rotates the pair; the refresh token given is spent. */
const refreshToken = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const principal = await consumeRefreshToken(input.body.refresh_token);
  if (!principal || !(await isCredentialActive(principal.partnerId, principal.credentialId))) {
    throw new UnauthenticatedError('Unknown, used or expired refresh token', 'invalid_grant');
  }
  return { statusCode: 200, body: await issueTokenPair(principal), headers: { 'cache-control': 'no-store' } };
};

export const handler = middy(refreshToken).use(http(routes.refreshToken));
