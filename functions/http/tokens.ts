/** Partner API access tokens: HS256 JWTs (jose) naming the partner, the mode and the credential. */
import { jwtVerify, SignJWT } from 'jose';
import { issueRefreshToken, loadSigningKey } from '#store/auth-tokens';
import type { Principal } from '#store/partners';

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
const ISSUER = 'lendstack';
const AUDIENCE = 'lendstack-partner-api';

let signingKey: Promise<Uint8Array> | undefined;
/** Cached for the life of the function instance; a failed load is retried on the next call. */
function key(): Promise<Uint8Array> {
  signingKey ??= loadSigningKey().catch((error: unknown) => {
    signingKey = undefined;
    throw error;
  });
  return signingKey;
}

/** A new login's pair: an access token and the first refresh token of a new family. */
export async function issueTokenPair(principal: Principal) {
  return tokenPair(principal, await issueRefreshToken(principal));
}

/** The answer of a token exchange or a refresh: `refresh_token` already stored. */
export async function tokenPair(principal: Principal, refresh_token: string) {
  const access_token = await new SignJWT({ mode: principal.mode, cid: principal.credentialId })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(principal.partnerId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${ACCESS_TOKEN_TTL_SECONDS}s`)
    .sign(await key());
  return { access_token, refresh_token, token_type: 'Bearer' as const, expires_in: ACCESS_TOKEN_TTL_SECONDS };
}

/** The principal in a valid access token, or null (bad signature, expired, wrong audience, malformed). */
export async function verifyAccessToken(token: string): Promise<Principal | null> {
  try {
    const { payload } = await jwtVerify(token, await key(), {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['HS256'],
    });
    const mode = payload.mode;
    if (typeof payload.sub !== 'string' || typeof payload.cid !== 'string') return null;
    if (mode !== 'sandbox' && mode !== 'live') return null;
    return { partnerId: payload.sub, mode, credentialId: payload.cid };
  } catch {
    return null;
  }
}
