/**
 * The report generator against DynamoDB Local (S3 stubbed): it reads only the tenant's own
 * collection over the range (Query on byCollection, never a Scan), writes exactly the rows in
 * the range's Jakarta days, oldest first, and records the outcome once.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '#core/ids';
import { parseCsv } from '#core/reports/csv';
import type { Tenant } from '#core/tenant';
import { ddb, tableName } from '#store/client';
import { s3 } from '#store/documents-bucket';
import { type Payment, paymentItems } from '#store/payments';
import { getReport, insertReport, newReportId } from '#store/reports';

process.env.DOCUMENTS_BUCKET = 'lendstack-test-documents';
const { generate, recordFailure } = await import('../../functions/workflows/report.ts');

const s3Mock = mockClient(s3);
const objects = new Map<string, string>();
s3Mock.on(PutObjectCommand).callsFake((input: { Key: string; Body: Buffer }) => {
  objects.set(input.Key, Buffer.from(input.Body).toString('utf8'));
  return {};
});

/** Every DynamoDB command the generator sends, by name, with its input. */
const sent: { name: string; input: Record<string, unknown> }[] = [];
ddb.middlewareStack.add(
  ((next: (a: unknown) => Promise<unknown>, context: { commandName?: string }) =>
    async (args: { input: Record<string, unknown> }) => {
      sent.push({ name: context.commandName ?? '?', input: args.input });
      return next(args);
    }) as never,
  { name: 'reportCommandSpy', step: 'initialize' },
);

const a: Tenant = { partnerId: newId('ptn'), mode: 'sandbox' };
const b: Tenant = { partnerId: newId('ptn'), mode: 'sandbox' };
const aLive: Tenant = { partnerId: a.partnerId, mode: 'live' };

const payment = (receivedAt: string, reference = 'RCPT'): Payment => ({
  paymentId: newId('pay'),
  loanId: newId('loan'),
  borrowerId: newId('bor'),
  provider: 'manual',
  providerPaymentId: newId('pay'),
  channel: 'cash',
  currency: 'IDR',
  amount: '125000',
  status: 'APPLIED',
  appliedOn: receivedAt.slice(0, 10),
  receivedAt,
  allocations: [],
  toCredit: '0',
  reference,
});

async function store(t: Tenant, payments: Payment[]) {
  const puts = payments.map((p) => ({ PutRequest: { Item: (paymentItems(t, p)[1] as any).Put.Item } }));
  for (let i = 0; i < puts.length; i += 25) {
    await ddb.send(new BatchWriteCommand({ RequestItems: { [tableName()]: puts.slice(i, i + 25) } }));
  }
}

/** 1,500 payments of A in November 2026 (Jakarta), spread over the month. */
const november = Array.from({ length: 1500 }, (_, i) =>
  payment(new Date(Date.parse('2026-10-31T17:00:00Z') + i * 1_700_000).toISOString(), i === 7 ? '=cmd|x, "y"' : 'RCPT'),
);
const boundary = {
  // 1 Nov 00:00 Jakarta: in; 31 Oct 23:59:59.999 Jakarta: out; 1 Dec 00:00 Jakarta: out.
  firstInstant: payment('2026-10-31T17:00:00.000Z'),
  before: payment('2026-10-31T16:59:59.999Z'),
  after: payment('2026-11-30T17:00:00.000Z'),
};

beforeAll(async () => {
  await store(a, [...november, ...Object.values(boundary)]);
  await store(
    b,
    Array.from({ length: 20 }, () => payment('2026-11-10T03:00:00.000Z')),
  );
  await store(
    aLive,
    Array.from({ length: 5 }, () => payment('2026-11-10T03:00:00.000Z')),
  );
}, 120_000);

afterAll(() => s3Mock.restore());

describe('the payments report generator', () => {
  let reportId: string;
  let csv: string;
  let ms: number;

  beforeAll(async () => {
    reportId = newReportId();
    await insertReport(a, {
      reportId,
      type: 'payments',
      from: '2026-11-01',
      to: '2026-11-30',
      status: 'pending',
      createdAt: new Date().toISOString(),
      requestedBy: 'cred_test',
    });
    sent.length = 0;
    const started = performance.now();
    await generate({ ...a, reportId });
    ms = performance.now() - started;
    csv = objects.get(`reports/sandbox/${a.partnerId}/${reportId}.csv`) ?? '';
  }, 60_000);

  it("writes exactly the tenant's payments received in the range's Jakarta days, oldest first", () => {
    const [header, ...rows] = parseCsv(csv) as [string[], ...string[][]];
    expect(header[0]).toBe('payment_id');
    const ids = rows.map((r) => r[0]);
    const want = [boundary.firstInstant, ...november]
      .sort((x, y) => (x.receivedAt + x.paymentId).localeCompare(y.receivedAt + y.paymentId))
      .map((p) => p.paymentId);
    expect(ids).toEqual(want);
    expect(ids).not.toContain(boundary.before.paymentId);
    expect(ids).not.toContain(boundary.after.paymentId);
    // A reference with a formula, a comma and quotes comes back as text.
    expect(rows.find((r) => r[0] === november[7]?.paymentId)?.[7]).toBe(`'=cmd|x, "y"`);
    console.log(
      `report generator: ${rows.length} payment rows, ${csv.length} bytes in ${ms.toFixed(0)} ms (DynamoDB Local)`,
    );
  });

  it("reads with Query on the tenant's own PAYMENTS collection only: never a Scan, never another tenant's key", () => {
    const names = new Set(sent.map((c) => c.name));
    expect(names.has('ScanCommand')).toBe(false);
    const queries = sent.filter((c) => c.name === 'QueryCommand');
    expect(queries.length).toBeGreaterThan(1); // paged (500 a page)
    for (const q of queries) {
      expect(q.input.IndexName).toBe('byCollection');
      expect((q.input.ExpressionAttributeValues as Record<string, string>)[':pk']).toBe(
        `T#${a.partnerId}#sandbox#PAYMENTS`,
      );
    }
  });

  it('records succeeded with the row count once: a retried task and a late failure change nothing', async () => {
    const report = await getReport(a, reportId);
    expect(report).toMatchObject({ status: 'succeeded', rowCount: 1501, bytes: Buffer.byteLength(csv) });
    const puts = s3Mock.commandCalls(PutObjectCommand).length;
    expect(await generate({ ...a, reportId })).toEqual({ status: 'succeeded' });
    await recordFailure({ ...a, reportId, error: { Error: 'Late', Cause: 'a retry that lost' } });
    expect((await getReport(a, reportId)).status).toBe('succeeded');
    expect(s3Mock.commandCalls(PutObjectCommand).length).toBe(puts);
  });
});
