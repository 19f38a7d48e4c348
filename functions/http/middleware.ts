/**
 * The middleware stack every API handler runs, built from its route:
 *
 *   export const handler = middy(createBorrower).use(http(routes.createBorrower));
 *
 * In order: request id + access log, per-key rate limit, caller from the authorizer, zod
 * validation, Idempotency-Key, the surface's error mapper, JSON serialisation. Response
 * headers (request id, rate limit) are collected in `request.internal` and added by whichever
 * step produces the response, so replays and errors carry them too.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { MiddlewareObj, Request } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type * as z from 'zod';
import {
  IdempotencyInProgressError,
  IdempotencyKeyReusedError,
  LendstackError,
  RateLimitedError,
  UnauthenticatedError,
  ValidationError,
} from '#core/errors';
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  releaseIdempotencyKey,
  type StoredResponse,
} from '#store/idempotency';
import type { Principal } from '#store/partners';
import { countRequest } from '#store/rate-limits';
import { errorResponse, internalErrorResponse } from './envelopes.ts';
import { logger } from './logger.ts';
import type { ApiResult, RouteDef } from './route.ts';
import { zodIssues } from './validation.ts';

type HttpRequest = Request<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context> & {
  internal: {
    headers?: Record<string, string>;
    requestId?: string;
    startedAt?: number;
    principal?: Principal;
    idempotency?: { scope: string; key: string };
  };
};

/** Lower-cased request headers (API Gateway passes them as the client sent them). */
export function lowerHeaders(event: { headers?: Record<string, string | undefined> | null }): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(event.headers ?? {})) if (v !== undefined) out[k.toLowerCase()] = v;
  return out;
}

function addHeaders(request: HttpRequest, headers: Record<string, string>) {
  request.internal.headers = { ...request.internal.headers, ...headers };
}

function respond(request: HttpRequest, statusCode: number, body: unknown, extra?: Record<string, string>) {
  const headers = { 'content-type': 'application/json', ...request.internal.headers, ...extra };
  // A string body with a non-JSON content type (the docs page) is sent as it is.
  const raw = typeof body === 'string' && !headers['content-type'].includes('json');
  return {
    statusCode,
    headers,
    body: body === undefined ? '' : raw ? (body as string) : JSON.stringify(body),
  } satisfies APIGatewayProxyResult;
}

/** Request id (API Gateway's, or a new one), the access log line and timing. */
function observe(route: RouteDef): MiddlewareObj {
  const log = (request: HttpRequest) => {
    const status = request.response?.statusCode;
    const line = {
      route: route.id,
      method: route.method,
      path: route.path,
      status,
      durationMs: Date.now() - (request.internal.startedAt ?? Date.now()),
      partnerId: request.internal.principal?.partnerId,
      mode: request.internal.principal?.mode,
    };
    if ((status ?? 500) >= 500) logger.error('request failed', { ...line, error: request.error });
    else logger.info('request', line);
  };
  return {
    before: (req) => {
      const request = req as HttpRequest;
      request.internal.startedAt = Date.now();
      const requestId = request.event.requestContext?.requestId ?? `req_${randomUUID()}`;
      request.internal.requestId = requestId;
      // Keys from the previous invocation of this instance must not leak into this one.
      logger.resetKeys();
      logger.appendKeys({ requestId, route: route.id });
      addHeaders(request, { 'x-request-id': requestId });
    },
    after: (req) => log(req as HttpRequest),
    onError: (req) => log(req as HttpRequest),
  };
}

/** The caller, as the API Gateway authorizer put it in the request context. */
function principal(route: RouteDef): MiddlewareObj {
  return {
    before: (req) => {
      const request = req as HttpRequest;
      if (route.auth === 'none' || route.auth === 'basic') return;
      const ctx = request.event.requestContext?.authorizer as Record<string, string> | null | undefined;
      // An authorizer always runs before protected routes; a missing context is a wiring bug.
      if (!ctx?.partnerId || !ctx.mode || !ctx.credentialId) throw new UnauthenticatedError();
      request.internal.principal = {
        partnerId: ctx.partnerId,
        mode: ctx.mode as Principal['mode'],
        credentialId: ctx.credentialId,
      };
      logger.appendKeys({ partnerId: ctx.partnerId, mode: ctx.mode });
    },
  };
}

/** Who the rate limit counts: the credential, or for the token exchange the clientId. */
function rateSubject(request: HttpRequest, route: RouteDef): string | null {
  if (request.internal.principal) return request.internal.principal.credentialId;
  if (route.auth === 'basic') {
    const auth = lowerHeaders(request.event).authorization ?? '';
    const clientId = Buffer.from(auth.replace(/^Basic\s+/i, ''), 'base64')
      .toString('utf8')
      .split(':')[0];
    return clientId ? `client:${clientId}` : null;
  }
  return null;
}

/** Per-key fixed-window limit shared by every instance (DynamoDB counter). */
function rateLimit(route: RouteDef): MiddlewareObj {
  const limit = Number(process.env.RATE_LIMIT_PER_MINUTE ?? 100);
  return {
    before: async (req) => {
      const request = req as HttpRequest;
      if (route.unmetered) return;
      const subject = rateSubject(request, route);
      if (!subject) return;
      const { count, resetsAt } = await countRequest(subject, 60);
      addHeaders(request, {
        'x-ratelimit-limit': String(limit),
        'x-ratelimit-remaining': String(Math.max(0, limit - count)),
        'x-ratelimit-reset': String(resetsAt),
      });
      if (count > limit) {
        const retryAfter = Math.max(1, resetsAt - Math.floor(Date.now() / 1000));
        addHeaders(request, { 'retry-after': String(retryAfter) });
        throw new RateLimitedError(retryAfter);
      }
    },
  };
}

function parseBody(event: APIGatewayProxyEvent): unknown {
  if (!event.body) return undefined;
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new ValidationError([{ field: 'body', message: 'is not valid JSON' }], 'The request body is not valid JSON', {
      cause,
    });
  }
}

function check(schema: z.ZodType | undefined, value: unknown, prefix: string) {
  if (!schema) return undefined;
  const result = schema.safeParse(value ?? (prefix === 'body' ? undefined : {}));
  if (!result.success) throw new ValidationError(zodIssues(result.error, prefix === 'body' ? '' : prefix));
  return result.data;
}

/** Validates body, query, path and headers with the route's zod schemas; every issue names its field. */
function validate(route: RouteDef): MiddlewareObj {
  return {
    before: (req) => {
      const request = req as HttpRequest;
      const event = request.event;
      const headers = lowerHeaders(event);
      const host = headers['x-forwarded-host'] ?? headers.host ?? 'localhost';
      const proto = headers['x-forwarded-proto'] ?? 'https';
      // The execute-api domain carries the stage in the path; custom domains and the local gateway do not.
      const stage = host.includes('.execute-api.') ? `/${event.requestContext.stage}` : '';
      const input = {
        // Only JSON routes have a body schema; others (multipart uploads) read the raw event.
        body: route.request.body ? check(route.request.body, parseBody(event), 'body') : undefined,
        query: check(route.request.query, event.queryStringParameters, 'query'),
        params: check(route.request.params, event.pathParameters, 'path'),
        headers: check(route.request.headers, headers, 'header'),
        principal: request.internal.principal,
        requestId: request.internal.requestId,
        baseUrl: `${proto}://${host}${stage}`,
      };
      (request as unknown as { event: unknown }).event = Object.assign(Object.create(null), event, { input });
    },
  };
}

/** A stable hash of what makes two requests "the same" for Idempotency-Key purposes. */
function requestHash(event: APIGatewayProxyEvent): string {
  return createHash('sha256')
    .update(event.httpMethod)
    .update('\n')
    .update(event.path)
    .update('\n')
    .update(event.body ?? '')
    .digest('hex');
}

/** Idempotency-Key: first response stored for 24 h and replayed; different body -> 422; concurrent -> 409. */
function idempotency(route: RouteDef): MiddlewareObj {
  const finish = async (request: HttpRequest) => {
    const claim = request.internal.idempotency;
    const tenant = request.internal.principal;
    if (!claim || !tenant) return;
    const response = request.response;
    if (!response || response.statusCode >= 500) {
      // A server error is not an answer: free the key so the client's retry runs again.
      await releaseIdempotencyKey(tenant, claim.scope, claim.key);
      return;
    }
    const {
      'x-request-id': _r,
      'x-ratelimit-remaining': _l,
      'x-ratelimit-reset': _z,
      ...headers
    } = (response.headers as Record<string, string>) ?? {};
    const stored: StoredResponse = { statusCode: response.statusCode, headers, body: response.body };
    await completeIdempotencyKey(tenant, claim.scope, claim.key, stored);
  };
  return {
    before: async (req) => {
      const request = req as HttpRequest;
      if (!route.idempotent) return;
      const key = lowerHeaders(request.event)['idempotency-key'];
      const tenant = request.internal.principal;
      if (!key || !tenant) return;
      if (key.length > 255) throw new ValidationError([{ field: 'Idempotency-Key', message: 'is longer than 255' }]);
      const scope = `${route.method} ${request.event.path}`;
      const result = await claimIdempotencyKey(tenant, scope, key, requestHash(request.event));
      if (result.outcome === 'mismatch') throw new IdempotencyKeyReusedError();
      if (result.outcome === 'in_progress') throw new IdempotencyInProgressError();
      if (result.outcome === 'replay') {
        logger.info('idempotent replay', { idempotencyKey: key });
        return {
          statusCode: result.response.statusCode,
          headers: { ...result.response.headers, ...request.internal.headers, 'idempotent-replayed': 'true' },
          body: result.response.body,
        };
      }
      request.internal.idempotency = { scope, key };
    },
    after: async (req) => finish(req as HttpRequest),
    onError: async (req) => finish(req as HttpRequest),
  };
}

/** The surface's error mapper: domain errors to the spec's envelope; anything else to a generic 500. */
function errors(route: RouteDef): MiddlewareObj {
  return {
    onError: (req) => {
      const request = req as HttpRequest;
      const requestId = request.internal.requestId ?? 'unknown';
      const error = request.error;
      if (error instanceof LendstackError) {
        if (error.type === 'internal') logger.error('internal error', { error });
        const mapped = errorResponse(route.surface, error, requestId, route.errorCodes);
        request.response = respond(request, mapped.statusCode, mapped.body);
        return;
      }
      logger.error('unhandled error', { error });
      const mapped = internalErrorResponse(route.surface, requestId);
      request.response = respond(request, mapped.statusCode, mapped.body);
    },
  };
}

/** Turns the handler's `{ statusCode, body }` into API Gateway's proxy result. */
function serialize(): MiddlewareObj {
  return {
    after: (req) => {
      const request = req as HttpRequest;
      const result = request.response as unknown as ApiResult;
      request.response = respond(request, result.statusCode, result.body, result.headers);
    },
  };
}

/** The whole stack for a route, in order. */
export function http(route: RouteDef): MiddlewareObj[] {
  return [
    observe(route),
    principal(route),
    rateLimit(route),
    validate(route),
    idempotency(route),
    errors(route),
    serialize(),
  ];
}
