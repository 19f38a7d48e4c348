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
import idLocale from 'zod/v4/locales/id.js';
import { enterCorrelation } from '#core/correlation';
import {
  AppError,
  type FieldIssue,
  IdempotencyInProgressError,
  IdempotencyKeyReusedError,
  LendstackError,
  RateLimitedError,
  UnauthenticatedError,
  ValidationError,
} from '#core/errors';
import {
  claimOrAwaitIdempotencyKey,
  completeIdempotencyKey,
  releaseIdempotencyKey,
  type StoredResponse,
} from '#store/idempotency';
import { findPartnerRateLimits, type PartnerRateLimits, type Principal } from '#store/partners';
import { countRequest } from '#store/rate-limits';
import { appTenantOrNull } from './app-tenant.ts';
import { appLang, errorResponse, internalErrorResponse } from './envelopes.ts';
import { logger } from './logger.ts';
import { configuredRateLimit, routeRateLimit } from './rate-limit-config.ts';
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
      logger.appendKeys({ requestId, correlationId: requestId, route: route.id });
      // The request id is the correlation id of everything this request starts (#core/correlation).
      enterCorrelation(requestId);
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
      if (route.auth === 'basic') return;
      if (route.auth === 'none') {
        // The borrower app's public routes act for the stage's app tenant, counted per device:
        // the rate limit and Idempotency-Key need a caller, and the device is the only one there is.
        const deviceId = lowerHeaders(request.event)['x-device-id'];
        const tenant = route.surface === 'app' ? appTenantOrNull() : null;
        if (tenant && deviceId && deviceId.length <= 128) {
          request.internal.principal = { ...tenant, credentialId: `device:${digestOf(deviceId)}` };
        }
        return;
      }
      const ctx = request.event.requestContext?.authorizer as Record<string, string> | null | undefined;
      // An authorizer always runs before protected routes; a missing context is a wiring bug.
      if (!ctx?.partnerId || !ctx.mode || !ctx.credentialId) throw new UnauthenticatedError();
      request.internal.principal = {
        partnerId: ctx.partnerId,
        mode: ctx.mode as Principal['mode'],
        credentialId: ctx.credentialId,
        ...(ctx.appUserId && ctx.appDeviceId && ctx.appScope
          ? {
              app: {
                userId: ctx.appUserId,
                deviceId: ctx.appDeviceId,
                scope: ctx.appScope as NonNullable<Principal['app']>['scope'],
                ...(ctx.appSessionId ? { sessionId: ctx.appSessionId } : {}),
                ...(ctx.appLoginId ? { loginId: ctx.appLoginId } : {}),
              },
            }
          : {}),
      };
      logger.appendKeys({ partnerId: ctx.partnerId, mode: ctx.mode });
    },
  };
}

const digestOf = (value: string) => createHash('sha256').update(value).digest('hex').slice(0, 32);

/** Who the rate limit counts: the credential, or for the token exchange the clientId. */
function rateSubject(request: HttpRequest, route: RouteDef): string | null {
  if (request.internal.principal) return request.internal.principal.credentialId;
  if (route.auth === 'basic') {
    const auth = lowerHeaders(request.event).authorization ?? '';
    const clientId = Buffer.from(auth.replace(/^Basic\s+/i, ''), 'base64')
      .toString('utf8')
      .split(':')[0];
    // Digested: the header is the caller's, so its length is too (an 8,000-character one made a
    // key DynamoDB refuses, and the token route answered 500).
    return clientId ? `client:${digestOf(clientId)}` : null;
  }
  return null;
}

/** Partners' own limits, read at most once a minute per instance: an ops change applies within a minute. */
const partnerLimits = new Map<string, { limits: PartnerRateLimits; until: number }>();

/** The limit this request is counted against (precedence in ./rate-limit-config.ts). */
async function limitFor(route: RouteDef, principal: Principal | undefined): Promise<number> {
  const own = routeRateLimit(route);
  if (own) return own;
  if (principal) {
    let cached = partnerLimits.get(principal.partnerId);
    if (!cached || cached.until <= Date.now()) {
      cached = { limits: await findPartnerRateLimits(principal.partnerId), until: Date.now() + 60_000 };
      partnerLimits.set(principal.partnerId, cached);
    }
    const partners = cached.limits[route.surface];
    if (partners) return partners;
  }
  return configuredRateLimit(route.surface);
}

/**
 * Per-key fixed one-minute window, one limit per surface, shared by every instance (a DynamoDB
 * counter, sharded when the limit is high: #store/rate-limits). A credential's surfaces count
 * apart (one API key serves both the journey and the platform API), and a route with a limit
 * of its own counts apart from its surface.
 */
function rateLimit(route: RouteDef): MiddlewareObj {
  return {
    before: async (req) => {
      const request = req as HttpRequest;
      if (route.unmetered) return;
      const subject = rateSubject(request, route);
      if (!subject) return;
      const limit = await limitFor(route, request.internal.principal);
      const window = `${subject}#${route.rateLimitPerMinute ? route.id : route.surface}`;
      const { allowed, counted, remaining, resetsAt } = await countRequest(window, { limit, windowSeconds: 60 });
      // Every counted answer carries all three (the platform spec), 2xx, 4xx and 429 alike: they
      // are added before anything can refuse the request, and every response is built with them.
      addHeaders(request, {
        'x-ratelimit-limit': String(limit),
        'x-ratelimit-remaining': String(Math.max(0, remaining)),
        'x-ratelimit-reset': String(resetsAt),
      });
      if (!counted) logger.warn('rate-limit counter throttled: request let through uncounted', { limit });
      if (!allowed) {
        const retryAfter = Math.max(1, resetsAt - Math.floor(Date.now() / 1000));
        addHeaders(request, { 'retry-after': String(retryAfter) });
        throw new RateLimitedError(retryAfter);
      }
    },
  };
}

/**
 * How large and how deep a JSON body may be. Bodies end up in DynamoDB items (details,
 * consents, audit records), which hold at most 400 KB and 32 levels of nesting: a body past
 * either would fail at the write as a 500, so it is refused here, naming the limit.
 */
export const MAX_JSON_BODY_BYTES = 128 * 1024;
export const MAX_JSON_DEPTH = 20;

/**
 * The first thing in a parsed body no item can hold: nesting past MAX_JSON_DEPTH, a field
 * with an empty (or overlong) name, or a number the table cannot store exactly (DynamoDB: no
 * magnitude under 1e-130; the SDK: none past Number.MAX_SAFE_INTEGER, where a double stops
 * being exact; JSON has no range, and 1e309 parses to Infinity). Walked without recursion, so
 * a hostile body cannot exhaust the stack.
 */
function unstorable(value: unknown): FieldIssue | undefined {
  const stack: [unknown, string, number][] = [[value, 'body', 1]];
  while (stack.length) {
    const [node, field, depth] = stack.pop() as [unknown, string, number];
    if (typeof node === 'number') {
      const size = Math.abs(node);
      if (size !== 0 && !(size >= 1e-130 && size <= Number.MAX_SAFE_INTEGER)) {
        return { field, message: `must be 0 or between 1e-130 and ${Number.MAX_SAFE_INTEGER} in size` };
      }
    }
    if (!node || typeof node !== 'object') continue;
    if (depth > MAX_JSON_DEPTH) return { field, message: `nests deeper than ${MAX_JSON_DEPTH} levels` };
    for (const [key, child] of Object.entries(node)) {
      // DynamoDB refuses an empty attribute name, nested ones included.
      if (!Array.isArray(node) && (key === '' || key.length > 255)) {
        return { field, message: 'has a field whose name is empty or longer than 255 characters' };
      }
      stack.push([child, field === 'body' ? key : `${field}.${key}`, depth + 1]);
    }
  }
  return undefined;
}

function parseBody(event: APIGatewayProxyEvent): unknown {
  if (!event.body) return undefined;
  const bytes = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
  if (bytes.length > MAX_JSON_BODY_BYTES) {
    throw new ValidationError([{ field: 'body', message: `is larger than ${MAX_JSON_BODY_BYTES / 1024} KB` }]);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch (cause) {
    throw new ValidationError([{ field: 'body', message: 'is not valid JSON' }], 'The request body is not valid JSON', {
      cause,
    });
  }
  const issue = unstorable(parsed);
  if (issue) throw new ValidationError([issue]);
  return parsed;
}

/** The value at a dotted path of what was sent (the app's envelope echoes it beside each issue). */
function valueAt(value: unknown, path: string): unknown {
  let node = value;
  for (const part of path.split('.')) {
    if (!node || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  // Only scalars are echoed: a nested object could be large, and secrets are never sent back.
  return typeof node === 'object' ? undefined : node;
}

/** Fields whose value is never echoed in an error (the security PIN, OTP codes, tokens). */
const SECRET_FIELD = /pin|otp|token|signature|password|secret/i;

/** Zod's own messages in Bahasa Indonesia, for the borrower app (a schema's own message still wins). */
const BAHASA_ISSUES = { error: idLocale().localeError };

function check(schema: z.ZodType | undefined, value: unknown, prefix: string, echo = false, bahasa = false) {
  if (!schema) return undefined;
  const input = value ?? (prefix === 'body' ? undefined : {});
  const result = schema.safeParse(input, bahasa ? BAHASA_ISSUES : undefined);
  if (!result.success) {
    const issues = zodIssues(result.error, prefix === 'body' ? '' : prefix);
    if (echo) {
      for (const issue of issues) {
        const path = prefix === 'body' ? issue.field : issue.field.slice(prefix.length + 1);
        if (!SECRET_FIELD.test(issue.field)) issue.value = valueAt(input, path);
      }
    }
    throw new ValidationError(issues);
  }
  return result.data;
}

/**
 * Body fields the route does not know. A spec surface accepts and ignores them (a client
 * written against a newer spec keeps working); their names go to the log, never their values.
 */
function ignoredFields(raw: unknown, parsed: unknown): string[] {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw) || !parsed || typeof parsed !== 'object') return [];
  return Object.keys(raw).filter((key) => !Object.hasOwn(parsed, key));
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
      // Only JSON routes have a body schema; others (multipart uploads) read the raw event.
      const raw = route.request.body ? parseBody(event) : undefined;
      const echo = route.surface === 'app';
      const bahasa = echo && appLang(headers['accept-language']) === 'id';
      const body = route.request.body ? check(route.request.body, raw, 'body', echo, bahasa) : undefined;
      const ignored = ignoredFields(raw, body);
      if (ignored.length)
        logger.info('ignored unknown body fields', { ignoredFields: ignored.slice(0, 50).map((k) => k.slice(0, 64)) });
      const input = {
        body,
        query: check(route.request.query, event.queryStringParameters, 'query', echo, bahasa),
        params: check(route.request.params, event.pathParameters, 'path', echo, bahasa),
        headers: check(route.request.headers, headers, 'header', echo, bahasa),
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

/** Idempotency-Key: first response stored for 24 h and replayed; different body -> 422; concurrent -> awaited, else 409. */
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
      // App callers share one tenant: their keys are scoped to the caller (user or device) too.
      const scope =
        route.surface === 'app'
          ? `${route.method} ${request.event.path} ${tenant.credentialId}`
          : `${route.method} ${request.event.path}`;
      const result = await claimOrAwaitIdempotencyKey(tenant, scope, key, requestHash(request.event));
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
      const lang = appLang(lowerHeaders(request.event)['accept-language']);
      if (error instanceof LendstackError) {
        if (error.type === 'internal') logger.error('internal error', { error });
        const mapped = errorResponse(route.surface, error, requestId, {
          errorCodes: route.errorCodes,
          path: route.path,
          lang,
        });
        const retryAfter: Record<string, string> =
          error instanceof AppError && error.retryAfterSeconds
            ? { 'retry-after': String(error.retryAfterSeconds) }
            : {};
        request.response = respond(request, mapped.statusCode, mapped.body, retryAfter);
        return;
      }
      logger.error('unhandled error', { error });
      const mapped = internalErrorResponse(route.surface, requestId, route.path, lang);
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
