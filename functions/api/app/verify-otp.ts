import middy from '@middy/core';
import { appErrors, OK } from '#core/app/text';
import type { Borrower } from '#core/borrowers';
import { ConflictError } from '#core/errors';
import { newId } from '#core/ids';
import { issueAppAccessToken } from '#http/app-tokens';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { findAppUser, findUserIdByPhone } from '#store/app-users';
import { insertBorrower } from '#store/borrowers';
import { newEvent } from '#store/outbox';
import { appTenant, e164, ok } from './common.ts';
import { spendOtp } from './otp-check.ts';
import { routes } from './routes.ts';

type Route = typeof routes.appVerifyOtp;

/**
 * POST /api/v1/onboarding/verify-otp: spends the code, creates the user (a PENDING borrower
 * of the app tenant, with user_created) unless this number is already onboarding, and
 * answers an onboarding-only token bound to the device.
 */
const verifyOtp = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const tenant = appTenant();
  const phone = e164(input.body.phone_number);
  const deviceId = input.headers['x-device-id'];
  await spendOtp(tenant, 'ONBOARDING', phone, input.body.otp_code);
  let userId = await findUserIdByPhone(tenant, phone);
  if (userId) {
    const user = await findAppUser(tenant, userId);
    if (!user || user.app.status === 'ACTIVE') throw appErrors.phoneRegistered(input.body.phone_number);
  } else {
    const now = new Date().toISOString();
    const borrower: Borrower = {
      borrowerId: newId('bor'),
      borrowerType: 'PERSONAL',
      status: 'PENDING',
      name: '',
      email: '',
      phone,
      app: { status: 'PENDING', registeredDeviceId: deviceId },
      createdAt: now,
      updatedAt: now,
    };
    const event = newEvent(tenant, 'user_created', 'PENDING', {
      userId: borrower.borrowerId,
      phone,
      source: 'borrower_app',
    });
    try {
      await insertBorrower(tenant, borrower, event);
      userId = borrower.borrowerId;
    } catch (error) {
      // The same number verified twice at once (two codes cannot both be spent, but a retry can race):
      // the borrower the other request created is this user.
      if (!(error instanceof ConflictError)) throw error;
      userId = await findUserIdByPhone(tenant, phone);
      if (!userId) throw error;
    }
  }
  const token = await issueAppAccessToken({ ...tenant, userId, deviceId, scope: 'onboarding' });
  return ok(input.headers, OK.verified, token, 201, { 'cache-control': 'no-store' });
};

export const handler = middy(verifyOtp).use(http(routes.appVerifyOtp));
