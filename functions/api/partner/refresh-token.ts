import middy from '@middy/core';
import { UnauthenticatedError } from '#core/errors';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { tokenPair } from '#http/tokens';
import { type RefreshTokenRedemption, redeemRefreshToken } from '#store/auth-tokens';
import { isCredentialActive } from '#store/partners';
import { routes } from './routes.ts';

type Route = typeof routes.refreshToken;

/** Why a refresh token is refused, as the partner reads it. */
const REFUSED: Record<Exclude<RefreshTokenRedemption<unknown>['outcome'], 'rotated' | 'replayed'>, string> = {
  unknown: 'Unknown, used or expired refresh token',
  reused:
    'This refresh token was used before: every refresh token of its login is revoked. Get a new pair with POST /api/auth/token/v2',
  revoked:
    'This refresh token was revoked when an earlier token of its login was reused. Get a new pair with POST /api/auth/token/v2',
};

/**
 * POST /api/auth/refresh: rotates the pair; the refresh token given is spent, and the new one
 * continues its family. The same token again within the grace (its successor unspent) answers
 * the same pair; later it is reuse and revokes the family (#store/refresh-rotation).
 */
const refreshToken = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const redeemed = await redeemRefreshToken(input.body.refresh_token, (principal, _familyId, successor) =>
    tokenPair(principal, successor),
  );
  if (redeemed.outcome !== 'rotated' && redeemed.outcome !== 'replayed') {
    throw new UnauthenticatedError(REFUSED[redeemed.outcome], 'invalid_grant');
  }
  const { principal } = redeemed;
  if (!(await isCredentialActive(principal.partnerId, principal.credentialId))) {
    throw new UnauthenticatedError(REFUSED.unknown, 'invalid_grant');
  }
  return { statusCode: 200, body: redeemed.answer, headers: { 'cache-control': 'no-store' } };
};

export const handler = middy(refreshToken).use(http(routes.refreshToken));
