/**
 * Reports over HTTP against `npm start`'s runtime: loans disbursed, paid and aged through the
 * real flows (partner API loans, the platform's manual payments, the sandbox clock), a webhook
 * endpoint receiving their events; then each report type is requested, polled until it
 * succeeded, downloaded through its presigned link and compared, row by row, with what the
 * platform API answers for the same objects. Plus: range filtering, validation that stores
 * nothing, Idempotency-Key, another tenant's 404, and the 10-a-minute limit.
 *
 * Report routes are limited to 10 requests a minute per key, so each part uses a key of its
 * own (a new credential of the same partner and mode: the same tenant, its own window).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '#core/loans/dates';
import { parseCsv } from '#core/reports/csv';
import type { LocalRuntime } from '../../lib/local/runtime.ts';
import { personalBorrower } from '../helpers/factories.ts';
import { client, eventually, type Reply } from '../helpers/http.ts';
import { jakartaDate } from '../helpers/repayment.ts';
import { startSandbox, subscribe } from '../helpers/sandbox.ts';
import { startReceiver } from '../helpers/webhook-receiver.ts';

let runtime: LocalRuntime;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let partnerId: string;
let partner: ReturnType<typeof client>;
let endpointId: string;
let single: string;
let bnpl: string;
const today = jakartaDate(Date.now());
let issue: (partnerId: string, mode: 'sandbox' | 'live') => Promise<{ apiKey: string }>;
let newPartner: () => Promise<string>;

/** A platform API client with a key of its own (its own rate-limit windows); `who` defaults to the runtime's partner. */
async function platformKey(who = partnerId, mode: 'sandbox' | 'live' = 'sandbox') {
  const { apiKey } = await issue(who, mode);
  return client(runtime.baseUrl, { authorization: `Bearer ${apiKey}` });
}

beforeAll(async () => {
  receiver = await startReceiver();
  const sandbox = await startSandbox('reports');
  ({ runtime, partner } = sandbox);
  partnerId = runtime.credentials.partnerId;
  // Imported after the runtime set the endpoints: the store's clients read them when created.
  const partners = await import('#store/partners');
  issue = partners.issueCredential;
  newPartner = async () => (await partners.createPartner('Reports other partner')).partnerId;
  const ops = await platformKey();
  endpointId = (await subscribe(sandbox, receiver, '/hooks/reports')).id;
  const userId = await approvedBorrower();
  [single, bnpl] = await Promise.all([disbursedLoan(userId, 'single'), disbursedLoan(userId, 'bnpl')]);
  // Payments through the platform's manual payment (two on one loan, one of them with a comma
  // and quotes in its reference), and the BNPL loan's clock 10 days on: its first installment overdue.
  for (const [loan, amount, reference] of [
    [single, 250000, 'RCPT-1, "front desk"'],
    [single, 100000, 'RCPT-2'],
    [bnpl, 50000, 'RCPT-3'],
  ] as const) {
    const paid = await ops('POST', `/v1/loans/${loan}/payments`, { body: { amount, method: 'cash', reference } });
    if (paid.status !== 201) throw new Error(`payment answered ${paid.status} ${JSON.stringify(paid.body)}`);
  }
  const aged = await ops('POST', `/v1/sandbox/loans/${bnpl}/advance-time`, { body: { days: 10 } });
  if (aged.status !== 200) throw new Error(`advance-time answered ${aged.status} ${JSON.stringify(aged.body)}`);
  // The loan events' deliveries are opened by their workflow: wait for some to exist.
  await eventually(
    async () => (await ops('GET', `/v1/webhook-endpoints/${endpointId}/deliveries`)).body.data.length >= 3,
  );
}, 150_000);

afterAll(async () => {
  await runtime?.stop();
  await receiver?.close();
});

/** A borrower through KYC to APPROVED (NIK serial 0001: the sandbox approves). */
async function approvedBorrower(): Promise<string> {
  const created = await partner('POST', '/api/core/users', { body: personalBorrower({ name: 'Siti Rahayu' }) });
  const id = created.body.userId;
  for (const type of ['KTP', 'SELFIE']) {
    const doc = await partner('POST', '/api/documents', {
      body: { userId: id, document_type: type, content_type: 'image/jpeg' },
    });
    await fetch(doc.body.upload_url, {
      method: 'PUT',
      headers: { 'content-type': 'image/jpeg' },
      body: new Uint8Array([0xff, 0xd8, 0xff, 1]),
    });
  }
  await partner('POST', `/api/core/users/${id}/kyc`, { headers: { 'data-source': 'VIDA' } });
  await eventually(async () => (await partner('GET', `/api/core/users/${id}`)).body.status === 'APPROVED');
  return id;
}

let refs = 0;
const account = { bank_code: 'BCA', account_number: '1234567890', account_name: 'Siti Rahayu' };

/** A partner loan through signing and disbursal to DISBURSED. */
async function disbursedLoan(userId: string, kind: 'single' | 'bnpl'): Promise<string> {
  const reference_id = `report-${Date.now()}-${++refs}`;
  const created =
    kind === 'single'
      ? await partner('POST', `/api/core/loans/${userId}`, {
          body: {
            principal: 1000000,
            currency: 'IDR',
            tenor_days: 30,
            interest_rate: 0.1,
            rate_period: 'day',
            reference_id,
            disbursement_account: account,
          },
        })
      : await partner('POST', `/api/core/loans/${userId}/bnpl`, {
          body: {
            principal: 3000000,
            currency: 'IDR',
            installments: 4,
            frequency: 'weekly',
            interest_rate: 2,
            rate_period: 'month',
            method: 'flat',
            reference_id,
            disbursement_account: account,
          },
        });
  if (created.status !== 201)
    throw new Error(`loan creation answered ${created.status} ${JSON.stringify(created.body)}`);
  const id: string = created.body.loanUniqueId;
  const status = (want: string) =>
    eventually(async () => (await partner('GET', `/api/core/loans/details/${id}`)).body.status === want, 45_000);
  await partner('POST', '/api/core/loans/signing/initiate', { body: { loanUniqueId: id } });
  await status('ACTIVE');
  await partner('POST', `/api/core/loans/${id}/disbursement`);
  await status('DISBURSED');
  return id;
}

/** Every answer of the report routes carries the three rate-limit headers. */
function expectRateHeaders(reply: Reply, limit = '10') {
  expect(reply.headers.get('x-ratelimit-limit')).toBe(limit);
  expect(reply.headers.get('x-ratelimit-remaining')).toMatch(/^\d+$/);
  expect(reply.headers.get('x-ratelimit-reset')).toMatch(/^\d{10}$/);
}

/** Requests a report and waits for its outcome (polling within the 10 a minute: every 6.5 s after the first look). */
async function generated(api: ReturnType<typeof client>, body: Record<string, unknown>) {
  const created = await api('POST', '/v1/reports', { body });
  expectRateHeaders(created);
  expect(created.status, JSON.stringify(created.body)).toBe(202);
  expect(created.body).toMatchObject({
    object: 'report',
    status: 'pending',
    type: body.type,
    from: body.from,
    to: body.to,
  });
  await new Promise((r) => setTimeout(r, 1500));
  for (const deadline = Date.now() + 90_000; Date.now() < deadline; ) {
    const got = await api('GET', `/v1/reports/${created.body.id}`);
    expectRateHeaders(got);
    expect(got.status).toBe(200);
    if (got.body.status !== 'pending') return got.body;
    await new Promise((r) => setTimeout(r, 6500));
  }
  throw new Error(`report ${created.body.id} still pending`);
}

/** The CSV behind a report's presigned link, as header + rows of objects. */
async function download(report: { download_url: string }) {
  const res = await fetch(report.download_url);
  expect(res.status).toBe(200);
  const text = await res.text();
  expect(text.endsWith('\r\n')).toBe(true);
  const [header, ...rows] = parseCsv(text) as [string[], ...string[][]];
  return { header, rows: rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? '']))) };
}

const range = { from: addDays(today, -1), to: addDays(today, 1) };

describe('each report type, compared with what the API holds', () => {
  it('loan_book: one row per loan disbursed in the range, as GET /v1/loans/{id} shows it', async () => {
    const api = await platformKey();
    const report = await generated(api, { type: 'loan_book', ...range });
    expect(report).toMatchObject({ status: 'succeeded', row_count: 2, failure_reason: null });
    expect(Date.parse(report.expires_at) - Date.now()).toBeGreaterThan(10 * 60_000);
    expect(Date.parse(report.expires_at) - Date.now()).toBeLessThanOrEqual(15 * 60_000);
    const { header, rows } = await download(report);
    expect(header.slice(0, 3)).toEqual(['loan_id', 'borrower_id', 'origin']);
    expect(rows.map((r) => r.loan_id).sort()).toEqual([single, bnpl].sort());
    for (const row of rows) {
      const view = (await api('GET', `/v1/loans/${row.loan_id}`)).body.data;
      expect(row).toMatchObject({
        borrower_id: view.borrower_id,
        type: view.type,
        product: view.product,
        reference: view.reference,
        currency: view.currency,
        principal: String(view.principal),
        outstanding: String(view.outstanding),
        paid_total: String(view.paid_total),
        status: view.status,
        days_past_due: String(view.days_past_due),
        delinquency_bucket: view.delinquency_bucket,
        installments: String(view.installments.length),
        disbursement_date: view.disbursement_date,
        disbursed_at: view.disbursed_at,
      });
    }
    // A later GET makes a new link (signed at its own second), with its own expiry.
    await new Promise((r) => setTimeout(r, 1100));
    const again = await api('GET', `/v1/reports/${report.id}`);
    expect(again.body.download_url).not.toBe(report.download_url);
    expect(Date.parse(again.body.expires_at)).toBeGreaterThan(Date.parse(report.expires_at));
  }, 90_000);

  it('payments: one row per payment received in the range, oldest first, as GET /v1/payments shows it', async () => {
    const api = await platformKey();
    const report = await generated(api, { type: 'payments', ...range });
    const listed = (await api('GET', '/v1/payments?limit=100')).body.data as any[];
    expect(report).toMatchObject({ status: 'succeeded', row_count: listed.length });
    const { rows } = await download(report);
    expect(rows.map((r) => r.payment_id)).toEqual(listed.map((p) => p.id).reverse());
    for (const row of rows) {
      const p = listed.find((x) => x.id === row.payment_id);
      expect(row).toEqual({
        payment_id: p.id,
        loan_id: p.loan_id,
        borrower_id: p.borrower_id,
        status: p.status,
        channel: p.channel,
        provider: p.provider,
        provider_payment_id: p.provider_payment_id,
        reference: p.reference ?? '',
        currency: p.currency,
        amount: String(p.amount),
        to_credit: String(p.to_credit),
        applied_on: p.applied_on,
        paid_at: p.received_at,
      });
    }
    // The reference with a comma and quotes came back whole.
    expect(rows.map((r) => r.reference)).toContain('RCPT-1, "front desk"');
  }, 90_000);

  it('delinquency: the overdue loan in its bucket, with what is overdue; the current one absent', async () => {
    const api = await platformKey();
    const report = await generated(api, { type: 'delinquency', from: addDays(today, -1), to: addDays(today, 30) });
    expect(report).toMatchObject({ status: 'succeeded', row_count: 1 });
    const { rows } = await download(report);
    const view = (await api('GET', `/v1/loans/${bnpl}`)).body.data;
    const overdue = view.installments.filter((i: any) => i.status === 'OVERDUE');
    expect(overdue.length).toBeGreaterThan(0);
    expect(rows[0]).toMatchObject({
      loan_id: bnpl,
      delinquency_bucket: view.delinquency_bucket,
      days_past_due: String(view.days_past_due),
      overdue_since: overdue[0].due_date,
      overdue_installments: String(overdue.length),
      overdue_amount: String(overdue.reduce((s: number, i: any) => s + i.outstanding, 0)),
      outstanding: String(view.outstanding),
    });
    expect(view.delinquency_bucket).toBe('1-30');
  }, 90_000);

  it('webhook_deliveries: the endpoint deliveries opened in the range, as its deliveries list shows them', async () => {
    const api = await platformKey();
    const report = await generated(api, { type: 'webhook_deliveries', ...range });
    expect(report.status).toBe('succeeded');
    const { rows } = await download(report);
    const listed = (await api('GET', `/v1/webhook-endpoints/${endpointId}/deliveries?limit=100`)).body.data as any[];
    expect(rows.length).toBe(report.row_count);
    expect(rows.length).toBeGreaterThanOrEqual(3);
    for (const row of rows) {
      const d = listed.find((x) => x.id === row.delivery_id);
      expect(d, row.delivery_id).toBeDefined();
      expect(row).toMatchObject({
        event_id: d.event_id,
        event_type: d.event_type,
        endpoint_id: endpointId,
        endpoint_url: receiver.url('/hooks/reports'),
        created_at: d.created_at,
      });
      expect(['true', 'false']).toContain(row.delivered);
    }
  }, 90_000);
});

describe('ranges, validation and idempotency', () => {
  it('leaves out what falls outside the range: a month long past has the header row only', async () => {
    const api = await platformKey();
    const report = await generated(api, { type: 'payments', from: '2026-01-01', to: '2026-01-31' });
    expect(report).toMatchObject({ status: 'succeeded', row_count: 0 });
    const res = await fetch(report.download_url);
    const text = await res.text();
    expect(text.split('\r\n')).toEqual([expect.stringMatching(/^payment_id,loan_id,/), '']);
  }, 60_000);

  it('refuses a bad type, date or range naming the field, and stores nothing; ignores unknown fields', async () => {
    const api = await platformKey();
    const before = (await api('GET', '/v1/reports')).body.meta.total;
    const cases: [Record<string, unknown>, string][] = [
      [{ type: 'everything', from: '2026-01-01', to: '2026-01-02' }, 'type'],
      [{ type: 'payments', from: '2026-13-01', to: '2026-12-02' }, 'from'],
      [{ type: 'payments', from: '2026-01-05', to: '2026-01-01' }, 'to'],
      [{ type: 'payments', from: '2024-01-01', to: '2026-01-01' }, 'to'],
      [{ type: 'payments', from: '2026-01-01' }, 'to'],
    ];
    for (const [body, field] of cases) {
      const refused = await api('POST', '/v1/reports', { body });
      expectRateHeaders(refused);
      expect(refused.status).toBe(400);
      expect(refused.body.error.details.map((d: any) => d.field)).toContain(field);
    }
    expect((await api('GET', '/v1/reports')).body.meta.total).toBe(before);
    const extra = await api('POST', '/v1/reports', {
      body: { type: 'payments', from: '2026-01-01', to: '2026-01-02', format: 'xlsx' },
    });
    expect(extra.status).toBe(202);
  }, 60_000);

  it('makes one report of the same call sent 10 times at once with one Idempotency-Key', async () => {
    const api = await platformKey();
    const headers = { 'idempotency-key': `report-${Date.now()}` };
    const body = { type: 'loan_book', ...range };
    const answers = await Promise.all(Array.from({ length: 10 }, () => api('POST', '/v1/reports', { body, headers })));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(202));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    const listed = (await api('GET', '/v1/reports?limit=100')).body.data as any[];
    expect(listed.filter((r) => r.id === answers[0]?.body.id)).toHaveLength(1);
  }, 60_000);
});

describe('tenants', () => {
  it("answers another partner's key, and the same partner's live key, 404 for a report, and lists none of it", async () => {
    const owner = await platformKey();
    const created = await owner('POST', '/v1/reports', { body: { type: 'loan_book', ...range } });
    expect(created.status).toBe(202);
    for (const other of [await platformKey(await newPartner()), await platformKey(partnerId, 'live')]) {
      const got = await other('GET', `/v1/reports/${created.body.id}`);
      expectRateHeaders(got);
      expect(got.status).toBe(404);
      expect(got.body.error.code).toBe('report_not_found');
      expect(JSON.stringify(got.body)).not.toContain(partnerId);
      const listed = await other('GET', '/v1/reports');
      expect(listed.body.data.map((r: any) => r.id)).not.toContain(created.body.id);
    }
  }, 60_000);

  it("generates another partner's loan book from its own loans only (none)", async () => {
    const other = await platformKey(await newPartner());
    const report = await generated(other, { type: 'loan_book', ...range });
    expect(report).toMatchObject({ status: 'succeeded', row_count: 0 });
  }, 60_000);
});

describe('the object writer on the local runtime', () => {
  it('uploads a CSV larger than a part as a multipart upload that reads back whole through a presigned link', async () => {
    const { ObjectStream, PART_BYTES } = await import('#store/object-stream');
    const { presignDownload } = await import('#store/documents-bucket');
    const key = `reports/sandbox/${partnerId}/multipart-check.csv`;
    const out = new ObjectStream(key, 'text/csv; charset=utf-8');
    const line = `${'x'.repeat(1023)}\n`;
    const lines = Math.ceil((PART_BYTES * 2.5) / line.length);
    for (let i = 0; i < lines; i += 1024) await out.write(line.repeat(Math.min(1024, lines - i)));
    await out.close();
    const res = await fetch(await presignDownload(key, 60));
    expect(res.status).toBe(200);
    const bytes = (await res.arrayBuffer()).byteLength;
    expect(bytes).toBe(out.bytes);
    expect(bytes).toBeGreaterThan(PART_BYTES * 2);
  }, 60_000);
});

describe('the rate limit', () => {
  it('answers the 11th report request in a minute 429 with Retry-After, each answer with the X-RateLimit headers', async () => {
    const api = await platformKey();
    // Eleven requests in one fixed minute-window: start early in a window.
    const msLeft = 60_000 - (Date.now() % 60_000);
    if (msLeft < 40_000) await new Promise((r) => setTimeout(r, msLeft + 100));
    const answers: Reply[] = [];
    for (let i = 0; i < 11; i++) {
      answers.push(
        await api('POST', '/v1/reports', { body: { type: 'payments', from: '2026-01-01', to: '2026-01-01' } }),
      );
    }
    expect(answers.map((a) => a.status)).toEqual([...Array(10).fill(202), 429]);
    expect(answers.map((a) => a.headers.get('x-ratelimit-remaining'))).toEqual([
      ...Array.from({ length: 10 }, (_, i) => String(9 - i)),
      '0',
    ]);
    const refused = answers[10] as Reply;
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.body.error.code).toBe('rate_limited');
    for (const a of answers) expectRateHeaders(a);
    // The rest of the platform API counts apart (100 a minute).
    const other = await api('GET', '/v1/loans');
    expect(other.status).toBe(200);
    expectRateHeaders(other, '100000');
  }, 120_000);
});
