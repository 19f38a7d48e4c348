/** The OpenAPI 3.1 document, generated from the route table's zod schemas (zod's own JSON Schema output). */
import * as z from 'zod';
import { DEFAULT_RATE_LIMITS, RATE_LIMITED_SURFACES } from '#http/rate-limit-config';
import type { RouteDef } from '#http/route';

const SECURITY: Record<RouteDef['auth'], Record<string, string[]>[] | undefined> = {
  partnerJwt: [{ partnerJwt: [] }],
  apiKeyBearer: [{ apiKeyBearer: [] }],
  apiKeyHeader: [{ apiKeyHeader: [] }],
  appOnboarding: [{ appOnboarding: [] }],
  appLogin: [{ appLogin: [] }],
  appJwt: [{ appJwt: [] }],
  basic: [{ clientCredentials: [] }],
  none: [],
};

function schema(s: z.ZodType, io: 'input' | 'output') {
  const { $schema: _ignored, ...json } = z.toJSONSchema(s, {
    io,
    unrepresentable: 'any',
    target: 'draft-2020-12',
  }) as Record<string, unknown>;
  return json;
}

function parameters(route: RouteDef) {
  const out: Record<string, unknown>[] = [];
  const add = (where: 'path' | 'query' | 'header', s: z.ZodType | undefined) => {
    if (!s) return;
    const json = schema(s, 'input') as { properties?: Record<string, unknown>; required?: string[] };
    for (const [name, prop] of Object.entries(json.properties ?? {})) {
      out.push({
        name,
        in: where,
        required: where === 'path' || (json.required ?? []).includes(name),
        schema: prop,
        ...((prop as { description?: string }).description
          ? { description: (prop as { description: string }).description }
          : {}),
      });
    }
  };
  add('path', route.request.params);
  add('query', route.request.query);
  add('header', route.request.headers);
  if (route.idempotent) {
    out.push({
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description:
        'Any unique string (≤255). The first response is stored for 24 h and replayed for the same key; the same key with a different body is 422; a retry while the first is still running is 409.',
      schema: { type: 'string', maxLength: 255 },
    });
  }
  return out;
}

const RATE_LIMITS_TEXT = `Rate limits are per credential and per surface, in fixed one-minute windows: by default ${RATE_LIMITED_SURFACES.map(
  (s) => `${DEFAULT_RATE_LIMITS[s].toLocaleString('en')} a minute on the ${s} API`,
).join(
  ', ',
)} (the platform API's is its spec's 100; the journey API's lets 500 applications poll every 5 s). A deployment may set other limits per stage and per partner. Every counted response carries X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset; past the limit the answer is 429 in the surface's envelope with Retry-After.`;

const RATE_LIMIT_HEADERS = {
  'X-RateLimit-Limit': { description: 'Requests allowed in the window', schema: { type: 'integer' } },
  'X-RateLimit-Remaining': {
    description: 'Requests left in the window (an estimate when the limit is above 15,000 a minute)',
    schema: { type: 'integer' },
  },
  'X-RateLimit-Reset': { description: 'When the window ends, in epoch seconds', schema: { type: 'integer' } },
  'Retry-After': { description: 'Seconds until the window ends', schema: { type: 'integer' } },
};

export function openApiDocument(routes: readonly RouteDef[], serverUrl?: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const responses: Record<string, unknown> = {};
    for (const [status, r] of Object.entries(route.responses)) {
      responses[status] = r.schema
        ? { description: r.description, content: { 'application/json': { schema: schema(r.schema, 'output') } } }
        : { description: r.description };
    }
    if (route.auth !== 'none') responses['401'] ??= { description: 'Missing, invalid or revoked credentials' };
    if (!route.unmetered) {
      const limit = route.rateLimitPerMinute ?? DEFAULT_RATE_LIMITS[route.surface];
      const own = route.rateLimitPerMinute
        ? ', counted apart from the rest of the API'
        : ' (stage and partner may differ)';
      responses['429'] ??= {
        description: `Rate limit exceeded: ${limit.toLocaleString('en')} requests a minute per credential by default${own}; retry after Retry-After seconds`,
        headers: RATE_LIMIT_HEADERS,
      };
    }
    paths[route.path] ??= {};
    (paths[route.path] as Record<string, unknown>)[route.method.toLowerCase()] = {
      operationId: route.id,
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: route.tags,
      security: SECURITY[route.auth],
      parameters: parameters(route),
      ...(route.request.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: schema(route.request.body, 'input') } },
            },
          }
        : {}),
      responses,
      'x-lendstack-surface': route.surface,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'lendstack',
      version: '0.1.0',
      description:
        "Open-source lending infrastructure. Four surfaces on one core: the partner API (/api/…), the journey API (/v2/…), the borrower app API (/api/v1/…) and the platform API (/v1/…). The mode (sandbox or live) comes from the credential: sk_sandbox_… or sk_prod_…. The borrower app API has no partner key: its tenant (partner and mode) is configuration of the stage (CDK context appTenant; `npm start` uses its sandbox partner), its tokens are bound to X-Device-ID, and two of the spec's URLs are fixed (verify OTP login at /api/v1/auth/login/verify-otp, personal information at /api/v1/profile/personal-info). " +
        RATE_LIMITS_TEXT,
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    components: {
      securitySchemes: {
        clientCredentials: { type: 'http', scheme: 'basic', description: 'base64(clientId:clientSecret)' },
        partnerJwt: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'access_token from /api/auth/token/v2',
        },
        apiKeyBearer: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer <apiKey>' },
        apiKeyHeader: { type: 'apiKey', in: 'header', name: 'x-api-key' },
        appOnboarding: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'Borrower app: the onboarding-only access_token of POST /api/v1/onboarding/verify-otp, with the X-Device-ID it was issued to',
        },
        appLogin: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'Borrower app: the access_token of POST /api/v1/auth/login/verify-otp (good for verify-pin only), with its X-Device-ID',
        },
        appJwt: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'Borrower app: a session access_token (verify-pin, biometric login or refresh; 1 hour), with the X-Device-ID it is bound to',
        },
      },
    },
    paths,
  };
}
