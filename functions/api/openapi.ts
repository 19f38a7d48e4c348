/** The OpenAPI 3.1 document, generated from the route table's zod schemas (zod's own JSON Schema output). */
import * as z from 'zod';
import type { RouteDef } from '#http/route';

const SECURITY: Record<RouteDef['auth'], Record<string, string[]>[] | undefined> = {
  partnerJwt: [{ partnerJwt: [] }],
  apiKeyBearer: [{ apiKeyBearer: [] }],
  apiKeyHeader: [{ apiKeyHeader: [] }],
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
      responses['429'] ??= {
        description: 'Rate limit exceeded (X-RateLimit-Limit / X-RateLimit-Remaining on every response)',
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
        'Open-source lending infrastructure. Four surfaces on one core: the partner API (/api/…), the journey API (/v2/…), the borrower app API (/api/v1/…) and the platform API (/v1/…). The mode (sandbox or live) comes from the credential: sk_sandbox_… or sk_prod_….',
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
      },
    },
    paths,
  };
}
