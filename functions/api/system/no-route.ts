/**
 * The answer for a request no route matches (an unknown path, or a known path with another
 * method), in the envelope of the surface the path belongs to: a journey client gets
 * `{ data: {}, error, statusCode: "FBX-E-000" }`, a platform client `{ error: { code } }`.
 * API Gateway sends such requests here through an ANY method on every resource and a greedy
 * `/{proxy+}` (lib/aws/api.ts); the local gateway calls the same function.
 */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { NoRouteError } from '#core/errors';
import { appLang, errorResponse } from '#http/envelopes';
import { compileRoute, matchRoute, surfaceOfPath } from '#http/route-match';
import { routeList } from '../routes.ts';

const compiled = routeList.map(compileRoute);

export async function handler(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const requestId = event.requestContext?.requestId ?? `req_${randomUUID()}`;
  // `path` is the request path without the stage (requestContext.path has it).
  const path = event.path;
  const found = matchRoute(compiled, event.httpMethod, path);
  const error = new NoRouteError(event.httpMethod, path, found !== null);
  const acceptLanguage = Object.entries(event.headers ?? {}).find(([k]) => k.toLowerCase() === 'accept-language')?.[1];
  const { statusCode, body } = errorResponse(surfaceOfPath(routeList, path), error, requestId, {
    lang: appLang(acceptLanguage),
  });
  // A 405 names the methods the path has (RFC 9110 §15.5.6).
  const allow = found === 'method' ? allowedMethods(path) : undefined;
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'x-request-id': requestId, ...(allow ? { allow } : {}) },
    body: JSON.stringify(body),
  };
}

/** The methods of the routes whose path matches `path`, as an Allow header. */
function allowedMethods(path: string): string {
  const methods = new Set(compiled.filter((c) => c.pattern.test(path)).map((c) => c.route.method));
  return [...methods].sort().join(', ');
}
