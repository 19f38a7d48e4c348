/**
 * API Gateway REQUEST authorizers, one per scheme. Allow puts the caller (partner, mode,
 * credential) in the request context; Deny carries the surface's own 401 body, which the
 * ACCESS_DENIED gateway response returns as it is (lib/aws/api.ts). Results are not cached,
 * so a revoked key fails at once.
 */
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { UnauthenticatedError } from '#core/errors';
import { modeOfSecret } from '#core/tenant';
import { verifyAppAccessToken } from '#http/app-tokens';
import { appLang, errorResponse } from '#http/envelopes';
import { logger } from '#http/logger';
import { lowerHeaders } from '#http/middleware';
import type { AuthScheme, Surface } from '#http/route';
import { verifyAccessToken } from '#http/tokens';
import { isAppSessionRevoked } from '#store/app-sessions';
import { type AppCaller, findPrincipalByApiKey, isCredentialActive, type Principal } from '#store/partners';

type ProtectedScheme = Exclude<AuthScheme, 'basic' | 'none'>;

const SURFACE: Record<ProtectedScheme, Surface> = {
  partnerJwt: 'partner',
  apiKeyBearer: 'platform',
  apiKeyHeader: 'journey',
  appOnboarding: 'app',
  appLogin: 'app',
  appJwt: 'app',
};

/** The token scope each borrower-app scheme accepts (functions/http/app-tokens.ts). */
const APP_SCOPE: Partial<Record<ProtectedScheme, AppCaller['scope']>> = {
  appOnboarding: 'onboarding',
  appLogin: 'login',
  appJwt: 'full',
};

/** A borrower-app caller: a valid token of the scheme's scope, from the device it was issued to, of a live session. */
async function identifyAppUser(
  scope: AppCaller['scope'],
  event: APIGatewayRequestAuthorizerEvent,
): Promise<Principal | string> {
  const token = bearer(event);
  if (!token) return 'Send Authorization: Bearer <access_token>';
  const claims = await verifyAppAccessToken(token);
  if (!claims) return 'The access token is invalid or expired';
  // The device binding: a token copied to another device is refused there.
  if (header(event, 'x-device-id') !== claims.deviceId) return 'The access token was issued to another device';
  if (claims.scope !== scope) return `This endpoint needs a ${scope} token, not a ${claims.scope} token`;
  if (claims.sessionId && (await isAppSessionRevoked(claims.sessionId))) return 'The session was revoked';
  const { partnerId, mode, ...app } = claims;
  return { partnerId, mode, credentialId: `usr:${claims.userId}`, app };
}

const header = (event: APIGatewayRequestAuthorizerEvent, name: string) => lowerHeaders(event)[name] || undefined;

const bearer = (event: APIGatewayRequestAuthorizerEvent) =>
  /^Bearer\s+(\S+)$/i.exec(header(event, 'authorization')?.trim() ?? '')?.[1];

/** Who is calling, or the reason they are not let in. */
async function identify(scheme: ProtectedScheme, event: APIGatewayRequestAuthorizerEvent): Promise<Principal | string> {
  const appScope = APP_SCOPE[scheme];
  if (appScope) return identifyAppUser(appScope, event);
  if (scheme === 'partnerJwt') {
    const token = bearer(event);
    if (!token) return 'Send Authorization: Bearer <access_token> from POST /api/auth/token/v2';
    const principal = await verifyAccessToken(token);
    if (!principal) return 'The access token is invalid or expired';
    if (!(await isCredentialActive(principal.partnerId, principal.credentialId))) return 'The credential was revoked';
    return principal;
  }
  const key = scheme === 'apiKeyHeader' ? header(event, 'x-api-key') : bearer(event);
  const how = scheme === 'apiKeyHeader' ? 'x-api-key: <apiKey>' : 'Authorization: Bearer <apiKey>';
  if (!key) return `Send ${how}`;
  if (!modeOfSecret(key)) return 'API keys start with sk_sandbox_ or sk_prod_';
  return (await findPrincipalByApiKey(key)) ?? 'Unknown or revoked API key';
}

export function authorizer(scheme: ProtectedScheme) {
  return async (event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
    const who = await identify(scheme, event);
    const requestId = event.requestContext?.requestId ?? 'unknown';
    if (typeof who === 'string') {
      logger.info('access denied', { scheme, reason: who, path: event.path });
      const { body } = errorResponse(SURFACE[scheme], new UnauthenticatedError(who), requestId, {
        path: event.resource,
        lang: appLang(header(event, 'accept-language')),
      });
      return {
        principalId: 'anonymous',
        policyDocument: {
          Version: '2012-10-17',
          Statement: [{ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: event.methodArn }],
        },
        context: { errorBody: JSON.stringify(body) },
      };
    }
    return {
      principalId: who.partnerId,
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: event.methodArn }],
      },
      // The context is flat strings: the app caller's fields are spelled out.
      context: {
        partnerId: who.partnerId,
        mode: who.mode,
        credentialId: who.credentialId,
        ...(who.app
          ? {
              appUserId: who.app.userId,
              appDeviceId: who.app.deviceId,
              appScope: who.app.scope,
              ...(who.app.sessionId ? { appSessionId: who.app.sessionId } : {}),
              ...(who.app.loginId ? { appLoginId: who.app.loginId } : {}),
            }
          : {}),
      },
    };
  };
}
