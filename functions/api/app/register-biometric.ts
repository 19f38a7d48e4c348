import middy from '@middy/core';
import { parseDevicePublicKey } from '#core/app/security';
import { appErrors, OK } from '#core/app/text';
import { newId } from '#core/ids';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { consumeChallenge, registerBiometric } from '#store/app-biometrics';
import { caller, ok } from './common.ts';
import { routes } from './routes.ts';

type Route = typeof routes.appRegisterBiometric;

/**
 * POST /api/v1/biometric/register: the key is checked (P-256) before the challenge is
 * spent, so a malformed key does not cost the app its challenge; then the challenge, then
 * the key bound to the user and this device.
 */
const register = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const { tenant, user } = caller(input.principal);
  const key = parseDevicePublicKey(input.body.public_key);
  if (!key) throw appErrors.invalidPublicKey(input.body.public_key);
  if (!(await consumeChallenge(tenant, input.body.challenge_id, user.deviceId)))
    throw appErrors.challengeExpired('register');
  const biometricId = newId('bio');
  await registerBiometric(tenant, {
    biometricId,
    userId: user.userId,
    deviceId: user.deviceId,
    publicKey: key.spki,
    biometricType: input.body.biometric_type,
    createdAt: new Date().toISOString(),
  });
  return ok(input.headers, OK.biometricRegistered, { biometric_id: biometricId }, 201);
};

export const handler = middy(register).use(http(routes.appRegisterBiometric));
