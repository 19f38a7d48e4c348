import middy from '@middy/core';
import { appErrors, OK } from '#core/app/text';
import { newId } from '#core/ids';
import { issueAppAccessToken } from '#http/app-tokens';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { resetAttempts } from '#store/app-attempts';
import { appCredentialKey, findAppUser, findUserIdByPhone } from '#store/app-users';
import { appTenant, e164, ok } from './common.ts';
import { spendOtp } from './otp-check.ts';
import { routes } from './routes.ts';

type Route = typeof routes.appLoginVerifyOtp;

/**
 * POST /api/v1/auth/login/verify-otp (the spec's item 8, whose URL it gives as send-otp's):
 * spends the login code and answers a token good for verify-pin only. A fresh OTP proves the
 * phone again, so it also lifts a PIN lockout.
 */
const loginVerifyOtp = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const tenant = appTenant();
  const phone = e164(input.body.phone_number);
  const userId = await findUserIdByPhone(tenant, phone);
  const user = userId ? await findAppUser(tenant, userId) : null;
  if (!userId || !user) throw appErrors.phoneNotFound(input.body.phone_number);
  await spendOtp(tenant, 'LOGIN', phone, input.body.otp_code);
  if (user.app.status !== 'ACTIVE') throw appErrors.accountNotActive();
  await resetAttempts(appCredentialKey(tenant, userId), 'pin');
  const deviceId = input.headers['x-device-id'];
  const token = await issueAppAccessToken({ ...tenant, userId, deviceId, scope: 'login', loginId: newId('lgn') });
  return ok(input.headers, OK.verified, token, 200, { 'cache-control': 'no-store' });
};

export const handler = middy(loginVerifyOtp).use(http(routes.appLoginVerifyOtp));
