/**
 * The OpenAPI 3.1 document, generated from the route table's zod schemas (zod's own JSON Schema
 * output). Everything a route does not say is added here, per surface and per route kind, so a
 * route added to the table later gets it without anyone writing it: an example for every
 * request and response (./openapi-examples.ts), the surface's error envelope on every 4xx,
 * the 401 and 429 answers, tags with descriptions grouped by surface, servers and security
 * schemes. The document passes `redocly lint` (recommended rules, see redocly.yaml), checked by
 * test/unit/openapi-lint.test.ts; the SDK's types are generated from it (npm run sdk).
 */
import * as z from 'zod';
import { journeyStatusKey } from '#http/envelopes';
import { DEFAULT_RATE_LIMITS, RATE_LIMITED_SURFACES } from '#http/rate-limit-config';
import type { RouteDef, Surface } from '#http/route';
import { guideMarkdown } from './docs-guide.ts';
import { exampleOf } from './openapi-examples.ts';

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
        example: exampleOf(prop, json, name),
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

/** The error envelopes, one per surface (functions/http/envelopes.ts), as named components. */
const ERROR_SCHEMAS = {
  Error: {
    type: 'object',
    description:
      'The error envelope of the partner, platform and system surfaces: a stable machine `code`, a human `message`, the fields at fault in `details`, and the `request_id` to quote to support.',
    properties: {
      error: {
        type: 'object',
        properties: {
          code: { type: 'string', description: 'Stable machine-readable code (not_found, validation_error, …)' },
          message: { type: 'string' },
          details: {
            type: 'array',
            items: {
              type: 'object',
              properties: { field: { type: 'string' }, message: { type: 'string' } },
              required: ['field', 'message'],
            },
          },
          request_id: { type: 'string' },
        },
        required: ['code', 'message', 'request_id'],
      },
    },
    required: ['error'],
    examples: [
      {
        error: {
          code: 'validation_error',
          message: 'The request is invalid',
          details: [{ field: 'phone', message: 'is not a valid phone number' }],
          request_id: 'req_6f1c2d0e-8a4b-4c1e-9f7a-2b3c4d5e6f70',
        },
      },
    ],
  },
  AppError: {
    type: 'object',
    description:
      "The borrower app API's error envelope (borrower-app-api spec): `status` error, the spec's `error_code`, a Bahasa Indonesia `message` (English with Accept-Language: en), and `details` naming each field and value.",
    properties: {
      status: { type: 'string', const: 'error' },
      error_code: { type: 'string' },
      message: { type: 'string' },
      details: {
        type: 'array',
        items: {
          type: 'object',
          properties: { field: { type: 'string' }, value: {}, message: { type: 'string' } },
          required: ['field', 'message'],
        },
      },
    },
    required: ['status', 'error_code', 'message'],
    examples: [
      {
        status: 'error',
        error_code: 'VALIDATION_ERROR',
        message: 'Validasi gagal',
        details: [{ field: 'phone_number', value: '0840123', message: 'Nomor telepon tidak valid' }],
      },
    ],
  },
  JourneyError: {
    type: 'object',
    description:
      "The journey API's error envelope (journey-api spec): an empty `data`, the message in `error`, the FBX-/endpoint code in `statusCode`.",
    properties: { data: { type: 'object' }, error: { type: 'string' }, statusCode: { type: 'string' } },
    required: ['data', 'error', 'statusCode'],
    examples: [{ data: {}, error: 'User not found', statusCode: 'FBX-E-006' }],
  },
  JourneySessionError: {
    type: 'object',
    description: "The journey session endpoint keeps its sample's key: the code is in `status`.",
    properties: { data: { type: 'object' }, error: { type: 'string' }, status: { type: 'string' } },
    required: ['data', 'error', 'status'],
    examples: [{ data: {}, error: 'User not found', status: 'FBX-E-006' }],
  },
} as const;

/** The named error envelope a route's errors come in. */
function errorSchemaName(route: RouteDef): keyof typeof ERROR_SCHEMAS {
  if (route.surface === 'app') return 'AppError';
  if (route.surface !== 'journey') return 'Error';
  return journeyStatusKey(route.path) === 'status' ? 'JourneySessionError' : 'JourneyError';
}

const SURFACE_TITLE: Record<Surface, string> = {
  partner: 'Partner API',
  journey: 'Journey API',
  platform: 'Platform API',
  app: 'Borrower app API',
  system: 'System',
};

/** Tag descriptions; a tag without one gets a generic line naming its surface. */
const TAG_DESCRIPTIONS: Record<string, string> = {
  System: 'Health, this OpenAPI document and the rendered reference. Public, not rate limited.',
  'Partner: auth':
    'HTTP Basic clientId:clientSecret for a 15-minute JWT access token and a rotating refresh token. The SDK does this for you.',
  'Partner: borrowers': 'PERSONAL and BUSINESS borrowers, unique by NIK, phone and NIB per partner and mode.',
  'Partner: documents': 'KYC documents: register one, then PUT its bytes to the presigned URL.',
  'Partner: KYC': "The KYC workflow (OCR, liveness, face match) with the data-source header's provider.",
  'Partner: credit score': 'Credit scores from the AFPI and CLIK bureaus, asynchronous.',
  'Partner: loans': 'Single-payment and BNPL loans: create, sign, disburse, reject; each status change is a callback.',
  'Platform: webhooks': 'Webhook endpoints, their signed deliveries and replays.',
  'Platform: operations': "The lender's manual KYC reviews.",
  'Platform: borrowers': 'Block and unblock a borrower across every surface.',
  'Platform: loans': 'The loan engine: schedules, fees and effective rates, checked against the product caps.',
  'Journey: user': 'Create the lending user for a customerID and share the details the BRE needs.',
  'Journey: offers': 'Trigger the BRE and poll its decision; accept an offer.',
  'Journey: KYC': 'CKYC / offline e-KYC, with the OTP step.',
  'Journey: documents': 'Documents for KYC and bank statement analysis (multipart).',
  'Journey: banking': 'Bank statement analysis and the bank list.',
  'Journey: agreement': 'Generate the agreement and poll its e-signature.',
  'Journey: disbursal': 'Disburse the accepted offer and poll the transfer (UTR).',
  'Journey: session': 'The hosted page a customer completes the journey on (HTML), and its form actions.',
};

function tagsOf(routes: readonly RouteDef[]) {
  const tags = new Map<string, Surface>();
  for (const route of routes) for (const tag of route.tags) if (!tags.has(tag)) tags.set(tag, route.surface);
  const list = [...tags].map(([name, surface]) => ({
    name,
    description: TAG_DESCRIPTIONS[name] ?? `${name}: operations of the ${SURFACE_TITLE[surface]}.`,
  }));
  const groups = (Object.keys(SURFACE_TITLE) as Surface[])
    .map((surface) => ({
      name: SURFACE_TITLE[surface],
      tags: [...tags].filter(([, s]) => s === surface).map(([name]) => name),
    }))
    .filter((g) => g.tags.length);
  return { list, groups };
}

/** A media type object with its example; `root` resolves `$ref`s into the document's components. */
function media(schemaJson: Record<string, unknown>, root: unknown) {
  return { schema: schemaJson, example: exampleOf(schemaJson, { ...(root as object), ...schemaJson }) };
}

/** The responses of a route, with examples and the surface's envelope on every 4xx. */
function responsesOf(route: RouteDef, root: unknown) {
  const html = route.contentType && route.contentType !== 'application/json' ? route.contentType : undefined;
  const errorRef = { $ref: `#/components/schemas/${errorSchemaName(route)}` };
  const errorContent = html
    ? { [html]: { schema: { type: 'string' }, example: '<!doctype html><p>…</p>' } }
    : { 'application/json': media(errorRef, root) };
  const responses: Record<string, unknown> = {};
  for (const [status, r] of Object.entries(route.responses)) {
    const code = Number(status);
    if (r.schema) {
      responses[status] = {
        description: r.description,
        content: { 'application/json': media(schema(r.schema, 'output'), root) },
      };
    } else if (code >= 400) {
      responses[status] = { description: r.description, content: errorContent };
    } else if (code >= 300 && code < 400) {
      responses[status] = {
        description: r.description,
        headers: { Location: { description: 'Where to go next', schema: { type: 'string' } } },
      };
    } else if (code === 204) {
      responses[status] = { description: r.description };
    } else if (html) {
      responses[status] = {
        description: r.description,
        content: { [html]: { schema: { type: 'string' }, example: html.includes('html') ? '<!doctype html>…' : '…' } },
      };
    } else {
      responses[status] = {
        description: r.description,
        content: { 'application/json': { schema: { type: 'object' }, example: {} } },
      };
    }
  }
  if (route.auth !== 'none') {
    responses['401'] ??= { description: 'Missing, invalid or revoked credentials', content: errorContent };
  }
  if (!route.unmetered) {
    const limit = route.rateLimitPerMinute ?? DEFAULT_RATE_LIMITS[route.surface];
    const own = route.rateLimitPerMinute
      ? ', counted apart from the rest of the API'
      : ' (stage and partner may differ)';
    responses['429'] ??= {
      description: `Rate limit exceeded: ${limit.toLocaleString('en')} requests a minute per credential by default${own}; retry after Retry-After seconds`,
      headers: RATE_LIMIT_HEADERS,
      content: errorContent,
    };
  }
  return responses;
}

export function openApiDocument(routes: readonly RouteDef[], serverUrl?: string) {
  const components = {
    securitySchemes: {
      clientCredentials: { type: 'http', scheme: 'basic', description: 'base64(clientId:clientSecret)' },
      partnerJwt: {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description: 'access_token from POST /api/auth/token/v2 (15 minutes), renewed with POST /api/auth/refresh',
      },
      apiKeyBearer: {
        type: 'http',
        scheme: 'bearer',
        description: 'Authorization: Bearer <apiKey> (sk_sandbox_… or sk_prod_…)',
      },
      apiKeyHeader: { type: 'apiKey', in: 'header', name: 'x-api-key', description: 'The journey API key' },
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
    schemas: ERROR_SCHEMAS,
  };
  const root = { components };
  const paths: Record<string, Record<string, unknown>> = {};
  const seen = new Set<string>();
  for (const route of routes) {
    if (seen.has(route.id)) throw new Error(`Two routes have the operationId ${route.id}`);
    seen.add(route.id);
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
              content: {
                'application/json': media(schema(route.request.body, 'input'), root),
              },
            },
          }
        : {}),
      responses: responsesOf(route, root),
      'x-lendstack-surface': route.surface,
    };
  }
  const tags = tagsOf(routes);
  return {
    openapi: '3.1.0',
    info: {
      title: 'lendstack',
      version: '0.1.0',
      description: guideMarkdown(RATE_LIMITS_TEXT),
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [
      serverUrl
        ? { url: serverUrl, description: 'This stage' }
        : { url: '/', description: 'The stage that serves this document' },
    ],
    tags: tags.list,
    'x-tagGroups': tags.groups,
    components,
    paths,
  };
}
