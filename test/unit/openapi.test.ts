import { describe, expect, it } from 'vitest';
import { renderDocs } from '../../functions/api/docs-page.ts';
import { openApiDocument } from '../../functions/api/openapi.ts';
import { routeList } from '../../functions/api/routes.ts';

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
