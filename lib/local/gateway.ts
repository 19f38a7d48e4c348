/**
 * The local API gateway: routes from functions/api/routes.ts, the proxy event API Gateway
 * builds (REST API, payload 1.0), the same request authorizers, and the same handlers.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { APIGatewayAuthorizerResult, APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { routeList } from '../../functions/api/routes.ts';
import type { RouteDef } from '../../functions/http/route.ts';
import { compileRoute, matchRoute } from '../../functions/http/route-match.ts';
import { authorizers, noRoute } from '../model.ts';
import { invoke } from './functions.ts';

const TEXT_TYPES = /json|text|xml|x-www-form-urlencoded|javascript/;

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The proxy event API Gateway would send for this request. */
export function proxyEvent(
  req: IncomingMessage,
  body: Buffer,
  route: Pick<RouteDef, 'id' | 'path'> & { method: string },
  params: Record<string, string>,
  url: URL,
): APIGatewayProxyEvent {
  // Null-prototype maps: a header or query parameter named `constructor` or `__proto__` is data, as in API Gateway's JSON.
  const headers: Record<string, string> = Object.create(null);
  const multiValueHeaders: Record<string, string[]> = Object.create(null);
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i] ?? '';
    const value = req.rawHeaders[i + 1] ?? '';
    headers[name] = value;
    multiValueHeaders[name] = [...(multiValueHeaders[name] ?? []), value];
  }
  // API Gateway adds these; handlers build links from them.
  const forwarded = {
    'X-Forwarded-For': req.socket.remoteAddress ?? '127.0.0.1',
    'X-Forwarded-Proto': 'http',
    'X-Forwarded-Port': String(req.socket.localPort ?? ''),
  };
  for (const [name, value] of Object.entries(forwarded)) {
    headers[name] = value;
    multiValueHeaders[name] = [value];
  }
  const query: Record<string, string> = Object.create(null);
  const multiQuery: Record<string, string[]> = Object.create(null);
  for (const [k, v] of url.searchParams) {
    query[k] = v;
    multiQuery[k] = [...(multiQuery[k] ?? []), v];
  }
  const text = TEXT_TYPES.test(String(req.headers['content-type'] ?? 'application/json'));
  const requestId = randomUUID();
  return {
    resource: route.path,
    path: url.pathname,
    httpMethod: route.method,
    headers,
    multiValueHeaders,
    queryStringParameters: Object.keys(query).length ? query : null,
    multiValueQueryStringParameters: Object.keys(multiQuery).length ? multiQuery : null,
    pathParameters: Object.keys(params).length ? params : null,
    stageVariables: null,
    body: body.length ? (text ? body.toString('utf8') : body.toString('base64')) : null,
    isBase64Encoded: body.length > 0 && !text,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: null,
      protocol: `HTTP/${req.httpVersion}`,
      httpMethod: route.method,
      identity: { sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: req.headers['user-agent'] ?? null },
      path: url.pathname,
      stage: 'local',
      requestId,
      requestTimeEpoch: Date.now(),
      resourceId: route.id,
      resourcePath: route.path,
    } as unknown as APIGatewayProxyEvent['requestContext'],
  };
}

function stringHeaders(headers: APIGatewayProxyResult['headers']): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k, String(v)]));
}

export interface LocalGateway extends Server {
  /** Until this is set, every request is 503 (the runtime is still starting). */
  ready: boolean;
}

export function createGateway(options: { log: (line: string) => void }): LocalGateway {
  const compiled = routeList.map(compileRoute);
  const server = createServer(async (req, res) => {
    // The request target is a path, even one starting with `//` (relative to a base URL, that would name a host).
    const requestTarget = req.url ?? '/';
    const url = new URL(`http://gateway${requestTarget.startsWith('/') ? '' : '/'}${requestTarget}`);
    const send = (status: number, headers: Record<string, string | number>, body: string) => {
      res.writeHead(status, headers);
      res.end(body);
    };
    try {
      if (!server.ready) {
        return send(
          503,
          { 'content-type': 'application/json', 'retry-after': 1 },
          JSON.stringify({ status: 'starting' }),
        );
      }
      if (url.pathname === '/' && req.method === 'GET') return send(302, { location: '/docs' }, '');
      const found = matchRoute(compiled, req.method ?? 'GET', url.pathname);
      if (!found || found === 'method') {
        // As API Gateway's ANY and {proxy+} fallbacks: the no-route function answers in the path's surface.
        const target = { id: 'noRoute', path: '/{proxy+}', method: req.method ?? 'GET' };
        const event = proxyEvent(req, await readBody(req), target, { proxy: url.pathname.slice(1) }, url);
        const result = (await invoke(noRoute, event)) as APIGatewayProxyResult;
        options.log(`${req.method} ${url.pathname} -> ${result.statusCode} (no route)`);
        return send(result.statusCode, stringHeaders(result.headers), result.body);
      }
      const body = await readBody(req);
      const event = proxyEvent(req, body, found.route, found.params, url);
      const scheme = found.route.auth;
      if (scheme !== 'none' && scheme !== 'basic') {
        // As API Gateway: the authorizer decides; Deny is the ACCESS_DENIED gateway response (401, its body).
        const decision = (await invoke(authorizers[scheme], {
          type: 'REQUEST',
          methodArn: `arn:aws:execute-api:local:000000000000:local/local/${found.route.method}${found.route.path}`,
          resource: event.resource,
          path: event.path,
          httpMethod: event.httpMethod,
          headers: event.headers,
          multiValueHeaders: event.multiValueHeaders,
          queryStringParameters: event.queryStringParameters,
          pathParameters: event.pathParameters,
          requestContext: event.requestContext,
        })) as APIGatewayAuthorizerResult;
        const allowed = decision.policyDocument.Statement.every((s) => s.Effect === 'Allow');
        if (!allowed) {
          options.log(`${req.method} ${url.pathname} -> 401 (authorizer)`);
          return send(
            401,
            { 'content-type': 'application/json', 'x-request-id': event.requestContext.requestId },
            String(decision.context?.errorBody ?? '{"message":"Unauthorized"}'),
          );
        }
        (event.requestContext as unknown as { authorizer: unknown }).authorizer = {
          ...decision.context,
          principalId: decision.principalId,
        };
      }
      const result = (await invoke(
        { module: found.route.handler, access: found.route.access, timeout: 29 },
        event,
      )) as APIGatewayProxyResult;
      const headers = stringHeaders(result.headers);
      const payload = result.isBase64Encoded
        ? Buffer.from(result.body, 'base64')
        : Buffer.from(result.body ?? '', 'utf8');
      res.writeHead(result.statusCode, headers);
      res.end(payload);
      options.log(`${req.method} ${url.pathname} -> ${result.statusCode}`);
    } catch (error) {
      // API Gateway answers 502 when the integration fails; the handler's own error middleware should prevent this.
      options.log(`${req.method} ${url.pathname} -> 502: ${error instanceof Error ? error.stack : error}`);
      if (!res.headersSent)
        send(502, { 'content-type': 'application/json' }, JSON.stringify({ message: 'Internal server error' }));
    }
  }) as LocalGateway;
  server.ready = false;
  return server;
}
