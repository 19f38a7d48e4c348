/**
 * The partner and platform journeys through the SDK (sdk/index.ts) against `npm start`'s
 * runtime: what a partner's and a lender's back-office developers would write. Partner token
 * and its refresh against the real token endpoints, Idempotency-Key, pagination over the
 * platform lists, and every webhook verified with webhooks.constructEvent. Being typed by the
 * generated layer, this file also stops compiling when the OpenAPI document breaks its use.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalRuntime, startLocalRuntime } from '../../lib/local/runtime.ts';
import { Lendstack } from '../../sdk/index.ts';
import { nik, phone } from '../helpers/factories.ts';
import { eventually } from '../helpers/http.ts';
import { startReceiver } from '../helpers/webhook-receiver.ts';

let runtime: LocalRuntime;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let lendstack: Lendstack;
let credentials: { clientId: string; clientSecret: string; apiKey: string };
/** Every request the SDK sent, as "METHOD path", with its Idempotency-Key. */
const sent: { line: string; key: string | null }[] = [];
/** Added to the SDK's clock: moving it forward makes the access token due for renewal. */
let clockSkewMs = 0;
let secret = '';
let endpointId = '';

beforeAll(async () => {
  process.env.RATE_LIMIT_PER_MINUTE = '100000';
  receiver = await startReceiver();
  const credentialsDir = mkdtempSync(join(tmpdir(), 'lendstack-sdk-'));
  runtime = await startLocalRuntime({ port: 0, credentialsDir });
  credentials = JSON.parse(readFileSync(join(credentialsDir, 'sandbox-credentials.json'), 'utf8'));
  lendstack = new Lendstack({
    baseUrl: runtime.baseUrl,
    partner: { clientId: credentials.clientId, clientSecret: credentials.clientSecret },
    apiKey: credentials.apiKey,
    clock: { now: () => Date.now() + clockSkewMs },
    fetch: (async (request: Request) => {
      sent.push({
        line: `${request.method} ${new URL(request.url).pathname}`,
        key: request.headers.get('idempotency-key'),
      });
      return fetch(request);
    }) as typeof fetch,
  });
});

afterAll(async () => {
  await runtime?.stop();
  await receiver?.close();
});

const borrower = () => ({
  borrower_type: 'PERSONAL' as const,
  name: 'Siti Rahayu',
  phone: phone(),
  email: 'siti@example.com',
  nik: nik(),
});

async function user(userId: string) {
  const { data } = await lendstack.partner.GET('/api/core/users/{userId}', { params: { path: { userId } } });
  return data!;
}

async function loan(uniqueId: string) {
  const { data } = await lendstack.partner.GET('/api/core/loans/details/{uniqueId}', {
    params: { path: { uniqueId } },
  });
  return data!;
}

describe('the platform API through the SDK', () => {
  it('creates a webhook endpoint and pages through the endpoints with the async iterator', async () => {
    const { data, response } = await lendstack.platform.POST('/v1/webhook-endpoints', {
      body: { url: receiver.url('/hooks/sdk'), events: ['*'] },
    });
    expect(response.status).toBe(201);
    secret = data!.secret;
    endpointId = data!.id;
    receiver.register('/hooks/sdk', data!.secret, data!.auth_key);
    const more = [];
    for (let i = 0; i < 4; i++) {
      const made = await lendstack.platform.POST('/v1/webhook-endpoints', {
        body: { url: receiver.url(`/hooks/other-${i}`), events: ['loan'] },
      });
      more.push(made.data!.id);
    }
    const listed: string[] = [];
    for await (const endpoint of lendstack.platform.paginate('/v1/webhook-endpoints', { pageSize: 2 })) {
      listed.push(endpoint.id);
    }
    expect(listed).toEqual(expect.arrayContaining([endpointId, ...more]));
    expect(new Set(listed).size).toBe(listed.length);
    // Three pages of two for five endpoints.
    expect(sent.filter((s) => s.line === 'GET /v1/webhook-endpoints')).toHaveLength(3);
  });

  it('quotes a loan, and answers a typed error in the platform envelope', async () => {
    const { data } = await lendstack.platform.POST('/v1/loan-quotes', {
      body: {
        principal: 12000000,
        currency: 'IDR',
        interest_rate: 18,
        rate_period: 'year',
        method: 'declining_equal_installment',
        term: { count: 12, frequency: 'monthly' },
        day_count: '30/360',
        disbursement_date: '2026-01-15',
      },
    });
    expect(data?.data.installments).toHaveLength(12);
    const bad = await lendstack.platform.POST('/v1/loan-quotes', { body: { principal: -1 } as never });
    expect(bad.response.status).toBe(400);
    expect(bad.error?.error.code).toBeTruthy();
  });
});

describe('the partner API through the SDK', () => {
  let userId = '';
  let loanId = '';

  it('walks borrower -> documents -> KYC to APPROVED, the token fetched by the SDK', async () => {
    const created = await lendstack.partner.POST('/api/core/users', { body: borrower() });
    expect(created.response.status).toBe(201);
    userId = created.data!.userId;
    expect(sent[sent.length - 2]?.line).toBe('POST /api/auth/token/v2');
    expect(sent.at(-1)?.key).toMatch(/^[0-9a-f-]{36}$/);
    for (const type of ['KTP', 'SELFIE'] as const) {
      const doc = await lendstack.partner.POST('/api/documents', {
        body: { userId, document_type: type, content_type: 'image/jpeg' },
      });
      expect(doc.response.status).toBe(201);
      const put = await fetch(doc.data!.upload_url, {
        method: 'PUT',
        headers: { 'content-type': 'image/jpeg' },
        body: new Uint8Array([0xff, 0xd8, 0xff, 1]),
      });
      expect(put.status).toBe(200);
    }
    const kyc = await lendstack.partner.POST('/api/core/users/{userId}/kyc', {
      params: { path: { userId }, header: { 'data-source': 'VIDA' } },
    });
    expect(kyc.response.status).toBe(202);
    expect((await eventually(async () => (await user(userId)).status === 'APPROVED' && user(userId))).status).toBe(
      'APPROVED',
    );
  });

  it('replays an Idempotency-Key the caller chose', async () => {
    const body = borrower();
    const key = `sdk-e2e-${Date.now()}`;
    const a = await lendstack.partner.POST('/api/core/users', { body, headers: { 'Idempotency-Key': key } });
    const b = await lendstack.partner.POST('/api/core/users', { body, headers: { 'Idempotency-Key': key } });
    expect(a.response.status).toBe(201);
    expect(b.data).toEqual(a.data);
  });

  it('creates a loan, has it signed and disbursed', async () => {
    const created = await lendstack.partner.POST('/api/core/loans/{id}', {
      params: { path: { id: userId } },
      body: {
        principal: 1000000,
        currency: 'IDR',
        tenor_days: 30,
        interest_rate: 0.1,
        rate_period: 'day',
        fees: [{ type: 'processing', percent: 2, deduct_from_principal: true }],
        reference_id: `sdk-${Date.now()}`,
        disbursement_account: { bank_code: 'BCA', account_number: '1234567890', account_name: 'Siti Rahayu' },
      },
    });
    expect(created.response.status).toBe(201);
    loanId = created.data!.loanUniqueId;
    const signing = await lendstack.partner.POST('/api/core/loans/signing/initiate', {
      body: { loanUniqueId: loanId },
    });
    expect(signing.response.status).toBe(200);
    await eventually(async () => (await loan(loanId)).status === 'ACTIVE');
    const disbursing = await lendstack.partner.POST('/api/core/loans/{id}/disbursement', {
      params: { path: { id: loanId } },
    });
    expect(disbursing.response.status).toBe(202);
    expect((await eventually(async () => (await loan(loanId)).status === 'DISBURSED' && loan(loanId))).status).toBe(
      'DISBURSED',
    );
  });

  it('renews the access token with the refresh token before it expires, once for ten concurrent calls', async () => {
    const refreshesBefore = sent.filter((s) => s.line === 'POST /api/auth/refresh').length;
    clockSkewMs = 14.5 * 60_000; // inside the last minute of the 15-minute token
    const answers = await Promise.all(Array.from({ length: 10 }, () => user(userId)));
    for (const a of answers) expect(a.userId).toBe(userId);
    expect(sent.filter((s) => s.line === 'POST /api/auth/refresh').length - refreshesBefore).toBe(1);
    clockSkewMs = 0;
  });

  it('blocks the borrower through the platform API, and the partner call answers the typed 400', async () => {
    const blocked = await lendstack.platform.POST('/v1/borrowers/{id}/block', {
      params: { path: { id: userId } },
      body: { reason: 'fraud review' },
    });
    expect(blocked.response.status).toBe(200);
    const refused = await lendstack.partner.POST('/api/core/users/{userId}/credit-score', {
      params: { path: { userId }, header: { 'credit-source': 'afpi' } },
    });
    expect(refused.response.status).toBe(400);
    expect(JSON.stringify(refused.error)).toContain('BLOCKED');
    const unblocked = await lendstack.platform.POST('/v1/borrowers/{id}/unblock', {
      params: { path: { id: userId } },
      body: { reason: 'cleared' },
    });
    expect(unblocked.response.status).toBe(200);
  });

  it('delivers signed webhooks that webhooks.constructEvent verifies, and lists them as deliveries', async () => {
    const hooks = await eventually(() => {
      const mine = receiver.received.filter((r) => r.path === '/hooks/sdk');
      return mine.some((r) => r.payload.type === 'loan' && r.payload.status === 'DISBURSED') && mine;
    });
    // Verified as each arrived (the test reads them later; the default tolerance is 5 minutes).
    const events = hooks.map((h) =>
      lendstack.webhooks.constructEvent(h.raw.body, h.raw.signature, secret, {
        nowSeconds: Math.floor(h.receivedAt / 1000),
      }),
    );
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['user_created', 'user_verify', 'loan']));
    expect(() =>
      lendstack.webhooks.constructEvent(hooks[0]!.raw.body, hooks[0]!.raw.signature, 'whsec_wrong'),
    ).toThrow();
    const delivered: string[] = [];
    for await (const d of lendstack.platform.paginate('/v1/webhook-endpoints/{id}/deliveries', {
      path: { id: endpointId },
      pageSize: 3,
    })) {
      delivered.push(d.event_id);
    }
    expect(delivered).toEqual(expect.arrayContaining(events.map((e) => e.id)));
  });
});
