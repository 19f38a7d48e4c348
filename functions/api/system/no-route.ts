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
import { errorResponse } from '#http/envelopes';
import { compileRoute, matchRoute, surfaceOfPath } from '#http/route-match';
import { routeList } from '../routes.ts';

const compiled = routeList.map(compileRoute);

export async function handler(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const requestId = event.requestContext?.requestId ?? `req_${randomUUID()}`;
  // `path` is the request path without the stage (requestContext.path has it).
  const path = event.path;
  const found = matchRoute(compiled, event.httpMethod, path);
  const error = new NoRouteError(event.httpMethod, path, found !== null);
  const { statusCode, body } = errorResponse(surfaceOfPath(routeList, path), error, requestId);
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'x-request-id': requestId },
    body: JSON.stringify(body),
  };
}
