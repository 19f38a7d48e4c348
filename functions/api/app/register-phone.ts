import middy from '@middy/core';
import { appErrors, OK } from '#core/app/text';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { findAppUser, findUserIdByPhone } from '#store/app-users';
import { appTenant, e164, ok, sendOtp } from './common.ts';
import { routes } from './routes.ts';

type Route = typeof routes.appRegisterPhone;

/** POST /api/v1/onboarding/register-phone: the onboarding OTP; an ACTIVE account's number is 409 (log in instead). */
const registerPhone = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const tenant = appTenant();
  const phone = e164(input.body.phone_number);
  const userId = await findUserIdByPhone(tenant, phone);
  if (userId) {
    const user = await findAppUser(tenant, userId);
    // Another surface's borrower, or an app account already active: the number is taken.
    if (!user || user.app.status === 'ACTIVE') throw appErrors.phoneRegistered(input.body.phone_number);
  }
  const sent = await sendOtp(tenant, 'ONBOARDING', phone, input.headers['x-device-id']);
  return ok(input.headers, OK.otpSent, sent);
};

export const handler = middy(registerPhone).use(http(routes.appRegisterPhone));
