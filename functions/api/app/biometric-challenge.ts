import { randomBytes } from 'node:crypto';
import middy from '@middy/core';
import { BIOMETRIC_POLICY } from '#core/app/security';
import { OK } from '#core/app/text';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { putChallenge } from '#store/app-biometrics';
import { appTenant, isoSeconds, ok } from './common.ts';
import { routes } from './routes.ts';

type Route = typeof routes.appBiometricChallenge;

/** GET /api/v1/biometric/challenge: 128 random bits, bound to this device, single use, 300 s. */
const challenge = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const tenant = appTenant();
  const challengeId = `ch_${randomBytes(16).toString('hex')}`;
  const expiresAt = Math.floor(Date.now() / 1000) + BIOMETRIC_POLICY.challengeTtlSeconds;
  await putChallenge(tenant, challengeId, input.headers['x-device-id'], expiresAt);
  return ok(
    input.headers,
    OK.challenge,
    { challenge_id: challengeId, expires_at: isoSeconds(expiresAt), expires_in: BIOMETRIC_POLICY.challengeTtlSeconds },
    200,
    { 'cache-control': 'no-store' },
  );
};

export const handler = middy(challenge).use(http(routes.appBiometricChallenge));
