import middy from '@middy/core';
import { appErrors, OK } from '#core/app/text';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { spendLoginToken } from '#store/app-sessions';
import { touchLastLogin } from '#store/app-users';
import { caller, checkSecurityPin, greetingName, ok, startSession } from './common.ts';
import { routes } from './routes.ts';

type Route = typeof routes.appVerifyPin;

/**
 * POST /api/v1/auth/login/verify-pin: the PIN under its lockout (checkSecurityPin: the attempt
 * counted first, so guesses sent at once get no more than the limit); right, a session starts.
 * The login token is spent by the first right PIN: one OTP login starts one session, and the
 * same request sent twice at once (a double tap) is one session, the other answered 401. A
 * request whose attempt meets others still being checked waits for them (a few seconds at
 * most) instead of being told the PIN is locked.
 */
const verifyPin = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const { tenant, user } = caller(input.principal);
  const account = await checkSecurityPin(tenant, user.userId, input.body.pin, { waitForAttemptsInFlight: true });
  if (user.loginId && !(await spendLoginToken(user.loginId))) throw appErrors.loginTokenSpent();
  await touchLastLogin(tenant, user.userId, user.deviceId);
  const session = await startSession(tenant, user.userId, user.deviceId);
  return ok(input.headers, OK.loggedIn, { ...session, user: { name: greetingName(account.name) } }, 200, {
    'cache-control': 'no-store',
  });
};

export const handler = middy(verifyPin).use(http(routes.appVerifyPin));
