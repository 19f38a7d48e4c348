import middy from '@middy/core';
import { appErrors, OK } from '#core/app/text';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { findAppRefreshToken, revokeAppSession } from '#store/app-sessions';
import { caller, ok } from './common.ts';
import { routes } from './routes.ts';

type Route = typeof routes.appRevokeToken;

/** POST /api/v1/auth/revoke: the user's own session ends (its refresh tokens and access tokens), with the reason. */
const revoke = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const { user } = caller(input.principal);
  const token = await findAppRefreshToken(input.body.refresh_token);
  if (!token || token.userId !== user.userId) throw appErrors.invalidRefreshToken();
  await revokeAppSession(token.familyId, input.body.reason);
  return ok(input.headers, OK.revoked);
};

export const handler = middy(revoke).use(http(routes.appRevokeToken));
