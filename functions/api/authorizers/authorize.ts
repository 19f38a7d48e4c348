/**
 * API Gateway REQUEST authorizers, one per scheme. Allow puts the caller (partner, mode,
 * credential) in the request context; Deny carries the surface's own 401 body, which the
 * ACCESS_DENIED gateway response returns as it is (lib/aws/api.ts). Results are not cached,
 * so a revoked key fails at once.
 */
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { UnauthenticatedError } from '#core/errors';
import { modeOfSecret } from '#core/tenant';
import { errorResponse } from '#http/envelopes';
import { logger } from '#http/logger';
import { lowerHeaders } from '#http/middleware';
import type { AuthScheme, Surface } from '#http/route';
import { verifyAccessToken } from '#http/tokens';
import { findPrincipalByApiKey, isCredentialActive, type Principal } from '#store/partners';

type ProtectedScheme = Extract<AuthScheme, 'partnerJwt' | 'apiKeyBearer' | 'apiKeyHeader'>;

const SURFACE: Record<ProtectedScheme, Surface> = {
  partnerJwt: 'partner',
  apiKeyBearer: 'platform',
  apiKeyHeader: 'journey',
};

const header = (event: APIGatewayRequestAuthorizerEvent, name: string) => lowerHeaders(event)[name] || undefined;

const bearer = (event: APIGatewayRequestAuthorizerEvent) =>
  /^Bearer\s+(\S+)$/i.exec(header(event, 'authorization')?.trim() ?? '')?.[1];

/** Who is calling, or the reason they are not let in. */
async function identify(scheme: ProtectedScheme, event: APIGatewayRequestAuthorizerEvent): Promise<Principal | string> {
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
      context: { partnerId: who.partnerId, mode: who.mode, credentialId: who.credentialId },
    };
  };
}
