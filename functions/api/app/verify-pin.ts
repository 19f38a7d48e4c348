import middy from '@middy/core';
import { PIN_POLICY, pinMatches } from '#core/app/security';
import { appErrors, OK } from '#core/app/text';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { reserveAttempt, resetAttempts } from '#store/app-attempts';
import { appCredentialKey, findAppUser, findPin, touchLastLogin } from '#store/app-users';
import { caller, greetingName, ok, startSession } from './common.ts';
import { routes } from './routes.ts';

type Route = typeof routes.appVerifyPin;

/**
 * POST /api/v1/auth/login/verify-pin: the attempt is counted first (so guesses sent at once
 * get no more than the limit), then the PIN checked; right, the counter is cleared and a
 * session starts.
 */
const verifyPin = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const { tenant, user } = caller(input.principal);
  const [account, pin] = await Promise.all([findAppUser(tenant, user.userId), findPin(tenant, user.userId)]);
  if (!account || !pin || account.app.status !== 'ACTIVE') throw appErrors.accountNotActive();
  const key = appCredentialKey(tenant, user.userId);
  const reserved = await reserveAttempt(key, 'pin', PIN_POLICY);
  if (!reserved.ok) throw appErrors.invalidPin(0, true, reserved.retryAfter);
  if (!(await pinMatches(input.body.pin, pin))) {
    const remaining = PIN_POLICY.maxAttempts - reserved.used;
    throw appErrors.invalidPin(remaining, remaining <= 0, remaining <= 0 ? PIN_POLICY.lockSeconds : undefined);
  }
  await resetAttempts(key, 'pin');
  await touchLastLogin(tenant, user.userId, user.deviceId);
  const session = await startSession(tenant, user.userId, user.deviceId);
  return ok(input.headers, OK.loggedIn, { ...session, user: { name: greetingName(account.name) } }, 200, {
    'cache-control': 'no-store',
  });
};

export const handler = middy(verifyPin).use(http(routes.appVerifyPin));
