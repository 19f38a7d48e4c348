import middy from '@middy/core';
import { UnauthenticatedError } from '#core/errors';
import { http, lowerHeaders } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { issueTokenPair } from '#http/tokens';
import { findPrincipalByClientSecret } from '#store/partners';
import { routes } from './routes.ts';

type Route = typeof routes.issueToken;

/** POST /api/auth/token/v2: Basic base64(clientId:clientSecret) -> access + refresh token. */
const issueToken = async (event: ApiEvent<Route>): Promise<ApiResult> => {
  const header = lowerHeaders(event).authorization ?? '';
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header.trim());
  if (!match?.[1]) throw new UnauthenticatedError('Send Authorization: Basic base64(clientId:clientSecret)');
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1) throw new UnauthenticatedError('Send Authorization: Basic base64(clientId:clientSecret)');
  const principal = await findPrincipalByClientSecret(decoded.slice(0, colon), decoded.slice(colon + 1));
  if (!principal) throw new UnauthenticatedError('Unknown client or wrong secret', 'invalid_client');
  return { statusCode: 200, body: await issueTokenPair(principal), headers: { 'cache-control': 'no-store' } };
};

export const handler = middy(issueToken).use(http(routes.issueToken));
