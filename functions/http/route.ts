/**
 * What one row of the route table says. The table (functions/api/routes.ts) generates the
 * CDK API, the local gateway and the OpenAPI document; handlers take their schemas from it.
 */
import type * as z from 'zod';

export type Surface = 'partner' | 'platform' | 'journey' | 'app' | 'system';

/**
 * How a caller proves who it is. `partnerJwt`, `apiKeyBearer`, `apiKeyHeader` and the three
 * borrower-app schemes are checked by API Gateway request authorizers
 * (functions/api/authorizers); `basic` is checked by the token handler itself; `none` is public.
 *
 * The borrower app's access tokens carry a scope, and each app scheme accepts one:
 * `appOnboarding` the token of onboarding verify-otp (KYC upload, personal info),
 * `appLogin` the token of login verify-otp (verify-pin only), `appJwt` a full session
 * (verify-pin, biometric login, refresh). Every app token is bound to its X-Device-ID.
 */
export type AuthScheme =
  | 'partnerJwt'
  | 'apiKeyBearer'
  | 'apiKeyHeader'
  | 'appOnboarding'
  | 'appLogin'
  | 'appJwt'
  | 'basic'
  | 'none';

/** What a function may touch: the CDK grants exactly these and nothing else. */
export type Access =
  | 'table:read'
  | 'table:write'
  /** The per-key rate-limit counter every metered route keeps (UpdateItem) and the partner's own limit (GetItem). */
  | 'table:count'
  | 'documents:read'
  | 'documents:write'
  /** GetObject on the documents bucket's `reports/` prefix only (presigned report downloads). */
  | 'reports:read'
  /** PutObject (multipart included) and AbortMultipartUpload on the `reports/` prefix only. */
  | 'reports:write'
  | `workflow:start:${string}`
  /** SendTaskSuccess/Failure/Heartbeat for a workflow's waiting tasks. */
  | `workflow:callback:${string}`
  /** DescribeExecution and GetExecutionHistory on a workflow's executions (ops reads). */
  | `workflow:read:${string}`;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteRequest {
  body?: z.ZodType;
  query?: z.ZodType;
  params?: z.ZodType;
  /** Headers the handler reads, as a zod object keyed by lower-case header name. */
  headers?: z.ZodType;
}

export interface RouteDef<Req extends RouteRequest = RouteRequest> {
  /** operationId in OpenAPI, and the function's name in the stack. */
  id: string;
  method: HttpMethod;
  path: string;
  surface: Surface;
  auth: AuthScheme;
  /** Handler module, relative to functions/ without extension; it exports `handler`. */
  handler: string;
  summary: string;
  description?: string;
  tags: string[];
  request: Req;
  responses: Record<number, { description: string; schema?: z.ZodType }>;
  /** State-changing POST that honours the Idempotency-Key header. */
  idempotent?: boolean;
  access: Access[];
  /** Not counted by the per-key rate limit (health, docs). */
  unmetered?: boolean;
  /**
   * A limit of the route's own, counted in a window of its own instead of the surface's
   * (the platform spec's 10 requests per minute for report generation). Requests per minute.
   */
  rateLimitPerMinute?: number;
  /**
   * The journey API's endpoint-specific status codes for errors: keyed by the error's `code`
   * (`customer_exists`) or, for validation errors, by `field:<name>` (`field:mobile`).
   * Anything not listed falls back to the generic FBX codes.
   */
  errorCodes?: Record<string, string>;
  /**
   * The media type of the route's answers when it is not JSON (the docs and session pages are
   * text/html): OpenAPI describes its responses, errors included, with it.
   */
  contentType?: string;
  /**
   * Files the function reads at run time, by the name it asks for -> their path from the
   * project root (`node_modules/…`). The CDK copies each next to the function's bundle and the
   * local runtime reads it where it is (functions/http/assets.ts), so a route can serve a
   * package's browser bundle without a CDN and without esbuild inlining it.
   */
  files?: Record<string, string>;
  /**
   * Secrets the function reads from its environment (a gateway's callback token): in a deployed
   * stage each comes from the stage's Secrets Manager secret (context `paymentSecrets`, the
   * field of the same name), to this route's function only.
   */
  secrets?: readonly PaymentSecret[];
}

/** The payment secrets a stage may configure (lib/aws/api.ts passes them to the routes that name them). */
export type PaymentSecret = 'APP_PAYMENT_WEBHOOK_SECRET' | 'XENDIT_CALLBACK_TOKEN' | 'MIDTRANS_SERVER_KEY';

/**
 * What a route's function needs in all: its own declaration plus what the middleware stack
 * does for it (the rate-limit counter, the idempotency record).
 */
export function routeAccess(route: RouteDef): Access[] {
  const access = new Set<Access>(route.access);
  if (!route.unmetered) access.add('table:count');
  if (route.idempotent) access.add('table:write');
  return [...access];
}

/** Helper that keeps each route's literal types for the handler. */
export function route<Req extends RouteRequest>(def: RouteDef<Req>): RouteDef<Req> {
  return def;
}

type Infer<T> = T extends z.ZodType ? z.infer<T> : undefined;

/** What a handler receives: the validated request and the caller. */
export interface ApiInput<R extends RouteDef> {
  body: Infer<R['request']['body']>;
  query: Infer<R['request']['query']>;
  params: Infer<R['request']['params']>;
  headers: Infer<R['request']['headers']>;
  /** The caller's tenant and credential, from the authorizer (absent on public routes). */
  principal: R['auth'] extends 'none' | 'basic' ? undefined : import('#store/partners').Principal;
  requestId: string;
  /** Scheme + host the caller used, for links in responses. */
  baseUrl: string;
}

export interface ApiResult {
  statusCode: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** The event a handler function gets: API Gateway's proxy event plus the validated `input`. */
export type ApiEvent<R extends RouteDef> = import('aws-lambda').APIGatewayProxyEvent & { input: ApiInput<R> };
