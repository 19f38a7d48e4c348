import { describe, expect, it } from 'vitest';
import { renderDocs } from '../../functions/api/docs-page.ts';
import { openApiDocument } from '../../functions/api/openapi.ts';
import { routeList } from '../../functions/api/routes.ts';
import type { RouteRequest } from '../../functions/http/route.ts';

describe('the OpenAPI document', () => {
  const doc = openApiDocument(routeList) as ReturnType<typeof openApiDocument> & {
    paths: Record<
      string,
      Record<string, { operationId: string; security: unknown; parameters: { name: string }[]; requestBody?: unknown }>
    >;
  };

  it('is OpenAPI 3.1 with every route of the table, once', () => {
    expect(doc.openapi).toBe('3.1.0');
    const operations = Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((o) => o.operationId));
    expect(operations.sort()).toEqual(routeList.map((r) => r.id).sort());
  });

  it('describes the create-user body from its zod schema, both borrower types', () => {
    const body = JSON.stringify(doc.paths['/api/core/users']?.post?.requestBody);
    expect(body).toContain('PERSONAL');
    expect(body).toContain('BUSINESS');
    expect(body).toContain('nik');
  });

  it('documents Idempotency-Key on idempotent routes and the data-source header on KYC', () => {
    const kyc = doc.paths['/api/core/users/{userId}/kyc']?.post;
    expect(kyc?.parameters.map((p) => p.name)).toEqual(
      expect.arrayContaining(['userId', 'data-source', 'Idempotency-Key']),
    );
  });

  it('names the security scheme of every protected route', () => {
    expect(doc.paths['/v1/webhook-endpoints']?.post?.security).toEqual([{ apiKeyBearer: [] }]);
    expect(doc.paths['/api/core/users']?.post?.security).toEqual([{ partnerJwt: [] }]);
    expect(doc.paths['/health']?.get?.security).toEqual([]);
  });

  it('has an example on every operation, and an error schema on every 4xx', () => {
    type Media = Record<string, { schema?: unknown; example?: unknown }>;
    const ops = Object.values(doc.paths).flatMap((o) => Object.values(o)) as unknown as {
      operationId: string;
      requestBody?: { content: Media };
      responses: Record<string, { content?: Media }>;
    }[];
    expect(ops).toHaveLength(routeList.length);
    for (const op of ops) {
      const media = [
        ...Object.values(op.requestBody?.content ?? {}),
        ...Object.values(op.responses).flatMap((r) => Object.values(r.content ?? {})),
      ];
      expect(
        media.some((m) => m.example !== undefined),
        op.operationId,
      ).toBe(true);
      for (const m of media) expect(m.example, op.operationId).toBeDefined();
      for (const [status, r] of Object.entries(op.responses)) {
        if (Number(status) < 400 || Number(status) >= 500) continue;
        const content = Object.values(r.content ?? {});
        expect(content.length, `${op.operationId} ${status}`).toBeGreaterThan(0);
        for (const c of content) expect(c.schema, `${op.operationId} ${status}`).toBeDefined();
      }
    }
  });

  it("has request examples the route's own zod schemas accept (refinements and transforms included)", () => {
    for (const route of routeList) {
      const op = (doc.paths[route.path] as any)[route.method.toLowerCase()];
      const request: RouteRequest = route.request;
      if (request.body) {
        const example = op.requestBody.content['application/json'].example;
        expect(request.body.safeParse(example).error?.issues, `${route.id} body`).toBeUndefined();
      }
      for (const [part, where] of [
        ['params', 'path'],
        ['query', 'query'],
        ['headers', 'header'],
      ] as const) {
        const schema = request[part];
        if (!schema) continue;
        const example = Object.fromEntries(
          op.parameters
            .filter((p: any) => p.in === where && p.example !== undefined)
            .map((p: any) => [p.name, String(p.example)]),
        );
        expect(schema.safeParse(example).error?.issues, `${route.id} ${part}`).toBeUndefined();
      }
    }
  });

  it('uses each surface envelope for the errors a route does not describe', () => {
    const ref = (path: string, method: string, status: string) =>
      JSON.stringify((doc.paths[path] as any)?.[method]?.responses[status]?.content);
    expect(ref('/v1/webhook-endpoints', 'get', '401')).toContain('#/components/schemas/Error');
    expect(ref('/v2/user/offers', 'get', '429')).toContain('#/components/schemas/JourneyError');
    expect(ref('/v2/user/session', 'post', '401')).toContain('#/components/schemas/JourneySessionError');
    expect(ref('/v2/session/{sessionId}', 'get', '404')).toContain('text/html');
  });

  it('has servers, security schemes, a license and a description for every tag, grouped by surface', () => {
    const d = doc as unknown as {
      servers: { url: string }[];
      tags: { name: string; description: string }[];
      'x-tagGroups': { name: string; tags: string[] }[];
      components: { securitySchemes: Record<string, unknown> };
      info: { license: { identifier: string } };
    };
    expect(d.servers.length).toBeGreaterThan(0);
    expect((openApiDocument(routeList, 'https://api.example.test/sandbox') as any).servers[0].url).toBe(
      'https://api.example.test/sandbox',
    );
    expect(Object.keys(d.components.securitySchemes).sort()).toEqual(
      ['apiKeyBearer', 'apiKeyHeader', 'appJwt', 'appLogin', 'appOnboarding', 'clientCredentials', 'partnerJwt'].sort(),
    );
    expect(d.info.license.identifier).toBe('Apache-2.0');
    const used = new Set(routeList.flatMap((r) => r.tags));
    expect(d.tags.map((t) => t.name).sort()).toEqual([...used].sort());
    for (const tag of d.tags) expect(tag.description.length, tag.name).toBeGreaterThan(10);
    expect(d['x-tagGroups'].flatMap((g) => g.tags).sort()).toEqual([...used].sort());
  });

  it('refuses two routes with one operationId', () => {
    const [first] = routeList;
    expect(() => openApiDocument([first!, { ...first! }])).toThrow(/operationId/);
  });

  it('puts the getting-started guides and the magic values in the description', () => {
    const description = (doc as any).info.description as string;
    for (const surface of ['partner API', 'journey API', 'platform API', 'borrower app API'])
      expect(description).toContain(`Getting started: ${surface}`);
    expect(description).toContain('<code>…_sign_reject</code>');
    expect(description).toContain('curl');
    expect(description).toContain('lendstack.partner.POST');
  });

  it('renders the docs page with every path and the sandbox magic values', () => {
    const html = renderDocs(routeList);
    for (const route of routeList) expect(html).toContain(route.path.replace(/[{}]/g, (c) => c));
    expect(html).toContain('9003');
    // Every journey outcome the sandbox can reach by a magic value is listed.
    for (const value of [
      '8001',
      '8002',
      '8003',
      '8004',
      '8005',
      '8006',
      '…_sign_reject',
      '…_disburse_fail',
      '9001',
      '9002',
    ]) {
      expect(html).toContain(`<code>${value}</code>`);
    }
  });
});
