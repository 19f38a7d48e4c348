import middy from '@middy/core';
import { appErrors, OK } from '#core/app/text';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { findAppUser, findUserIdByPhone } from '#store/app-users';
import { appTenant, e164, ok, sendOtp } from './common.ts';
import { routes } from './routes.ts';

type Route = typeof routes.appLoginSendOtp;

/** POST /api/v1/auth/login/send-otp: a login code for a registered app user; 404 PHONE_NUMBER_NOT_FOUND otherwise. */
const loginSendOtp = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const tenant = appTenant();
  const phone = e164(input.body.phone_number);
  const userId = await findUserIdByPhone(tenant, phone);
  if (!userId || !(await findAppUser(tenant, userId))) throw appErrors.phoneNotFound(input.body.phone_number);
  const sent = await sendOtp(tenant, 'LOGIN', phone, input.headers['x-device-id']);
  return ok(input.headers, OK.otpSent, sent);
};

export const handler = middy(loginSendOtp).use(http(routes.appLoginSendOtp));
