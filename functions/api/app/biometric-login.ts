import middy from '@middy/core';
import { BIOMETRIC_POLICY, challengeSignatureValid } from '#core/app/security';
import { appErrors, OK } from '#core/app/text';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { reserveAttempt, resetAttempts } from '#store/app-attempts';
import { consumeChallenge, deviceKeyKey, findDeviceBiometric } from '#store/app-biometrics';
import { findAppUser, touchLastLogin } from '#store/app-users';
import { appTenant, greetingName, ok, startSession } from './common.ts';
import { routes } from './routes.ts';

type Route = typeof routes.appBiometricLogin;

/**
 * POST /api/v1/auth/login/biometric: the device's registered key verifies an ECDSA-SHA256
 * signature (DER, base64) of the UTF-8 bytes of challenge_id. The challenge is spent first
 * (a replay finds it gone: 410), the attempt counted, then the signature checked.
 */
const biometricLogin = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const tenant = appTenant();
  const deviceId = input.headers['x-device-id'];
  const registered = await findDeviceBiometric(tenant, deviceId);
  if (!registered) throw appErrors.biometricNotFound();
  if (!(await consumeChallenge(tenant, input.body.challenge_id, deviceId))) throw appErrors.challengeExpired('login');
  const key = deviceKeyKey(tenant, deviceId);
  const reserved = await reserveAttempt(key, 'bio', BIOMETRIC_POLICY);
  if (!reserved.ok) throw appErrors.biometricFailed(0, true);
  if (!challengeSignatureValid(registered.publicKey, input.body.challenge_id, input.body.signature)) {
    const remaining = BIOMETRIC_POLICY.maxAttempts - reserved.used;
    throw appErrors.biometricFailed(remaining, remaining <= 0);
  }
  const account = await findAppUser(tenant, registered.userId);
  if (account?.app.status !== 'ACTIVE') throw appErrors.accountNotActive();
  await resetAttempts(key, 'bio');
  await touchLastLogin(tenant, registered.userId, deviceId);
  const session = await startSession(tenant, registered.userId, deviceId);
  return ok(input.headers, OK.loggedIn, { ...session, user: { name: greetingName(account.name) } }, 200, {
    'cache-control': 'no-store',
  });
};

export const handler = middy(biometricLogin).use(http(routes.appBiometricLogin));
