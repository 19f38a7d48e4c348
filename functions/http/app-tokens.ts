/**
 * Borrower app access tokens: HS256 JWTs (jose), one hour, bound to the device they were
 * issued to (`did`, checked against X-Device-ID by the authorizer) and scoped: `onboarding`
 * (onboarding verify-otp: KYC upload and personal info only), `login` (login verify-otp:
 * verify-pin only) and `full` (a session: verify-pin, biometric login, refresh). A full
 * token names its session (`sid`, the refresh-token family): revoking the session refuses
 * its access tokens at once. Same signing key as the partner API, another audience, so
 * neither API accepts the other's tokens.
 */
import { jwtVerify, SignJWT } from 'jose';
import type { Tenant } from '#core/tenant';
import { loadSigningKey } from '#store/auth-tokens';
import type { AppCaller } from '#store/partners';

export const APP_ACCESS_TOKEN_TTL_SECONDS = 3600;
const ISSUER = 'lendstack';
const AUDIENCE = 'lendstack-app-api';

let signingKey: Promise<Uint8Array> | undefined;
function key(): Promise<Uint8Array> {
  signingKey ??= loadSigningKey().catch((error: unknown) => {
    signingKey = undefined;
    throw error;
  });
  return signingKey;
}

export interface AppTokenClaims extends AppCaller, Tenant {}

/** The spec's token answer: access_token, token_type, expired_at, expires_in. */
export async function issueAppAccessToken(claims: AppTokenClaims) {
  const expiresAt = Math.floor(Date.now() / 1000) + APP_ACCESS_TOKEN_TTL_SECONDS;
  const access_token = await new SignJWT({
    pid: claims.partnerId,
    mode: claims.mode,
    did: claims.deviceId,
    scope: claims.scope,
    ...(claims.sessionId ? { sid: claims.sessionId } : {}),
    ...(claims.loginId ? { lid: claims.loginId } : {}),
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(expiresAt)
    .sign(await key());
  return {
    token_type: 'Bearer' as const,
    access_token,
    expired_at: new Date(expiresAt * 1000).toISOString().replace('.000Z', 'Z'),
    expires_in: APP_ACCESS_TOKEN_TTL_SECONDS,
  };
}

const SCOPES = new Set(['onboarding', 'login', 'full']);

/** The claims of a valid app token, or null (bad signature, expired, another audience, malformed). */
export async function verifyAppAccessToken(token: string): Promise<AppTokenClaims | null> {
  try {
    const { payload } = await jwtVerify(token, await key(), {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['HS256'],
    });
    const { sub, pid, mode, did, scope, sid, lid } = payload;
    if (typeof sub !== 'string' || typeof pid !== 'string' || typeof did !== 'string') return null;
    if ((mode !== 'sandbox' && mode !== 'live') || typeof scope !== 'string' || !SCOPES.has(scope)) return null;
    return {
      userId: sub,
      partnerId: pid,
      mode,
      deviceId: did,
      scope: scope as AppCaller['scope'],
      ...(typeof sid === 'string' ? { sessionId: sid } : {}),
      ...(typeof lid === 'string' ? { loginId: lid } : {}),
    };
  } catch {
    return null;
  }
}
