/**
 * The foundation journey over HTTP against `npm start`'s runtime: token -> webhook endpoint ->
 * borrower -> documents -> KYC workflow -> signed webhooks, with the failure paths around it.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalRuntime, startLocalRuntime } from '../../lib/local/runtime.ts';
import { nik, personalBorrower } from '../helpers/factories.ts';
import { client, eventually } from '../helpers/http.ts';
import { partnerClient } from '../helpers/sandbox.ts';
import { startReceiver } from '../helpers/webhook-receiver.ts';

let runtime: LocalRuntime;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let credentials: { clientId: string; clientSecret: string; apiKey: string; baseUrl: string };
let partner: ReturnType<typeof client>;
let platform: ReturnType<typeof client>;
let anonymous: ReturnType<typeof client>;
const ddbCalls = new Map<string, number>();
let journeyCalls: Record<string, number> = {};
const started = Date.now();

beforeAll(async () => {
  // These tests poll and make many calls with one key: lift the per-key limit (100/min by default).
  process.env.RATE_LIMIT_PER_MINUTE = '100000';
  receiver = await startReceiver();
  const credentialsDir = mkdtempSync(join(tmpdir(), 'lendstack-e2e-'));
  runtime = await startLocalRuntime({ port: 0, credentialsDir });
  credentials = JSON.parse(readFileSync(join(credentialsDir, 'sandbox-credentials.json'), 'utf8'));
  // Count every DynamoDB call the journey makes (handlers run in this process).
  const { ddb } = await import('#store/client');
  ddb.middlewareStack.add(
    (next, context) => async (args) => {
      ddbCalls.set(String(context.commandName), (ddbCalls.get(String(context.commandName)) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'countCalls' },
  );
  anonymous = client(runtime.baseUrl);
  platform = client(runtime.baseUrl, { authorization: `Bearer ${credentials.apiKey}` });
  partner = await partnerClient(runtime.baseUrl, credentials.clientId, credentials.clientSecret);
});

afterAll(async () => {
  const total = Object.values(journeyCalls).reduce((a, b) => a + b, 0);
  console.log(`e2e wall time ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`DynamoDB calls of the happy journey (steps 2-7, webhook deliveries included): ${total}`, journeyCalls);
  await runtime?.stop();
  await receiver?.close();
});

/** Uploads KTP and SELFIE for a borrower through presigned URLs, as a partner would. */
async function uploadKycDocuments(userId: string) {
  for (const type of ['KTP', 'SELFIE']) {
    const doc = await partner('POST', '/api/documents', {
      body: { userId, document_type: type, content_type: 'image/jpeg' },
    });
    expect(doc.status).toBe(201);
    const put = await fetch(doc.body.upload_url, {
      method: 'PUT',
      headers: { 'content-type': 'image/jpeg' },
      body: new Uint8Array([0xff, 0xd8, 0xff, 1, 2, 3]),
    });
    expect(put.status).toBe(200);
  }
}

async function kycOutcome(userId: string) {
  return eventually(async () => {
    const user = await partner('GET', `/api/core/users/${userId}`);
    return user.body.status !== 'VERIFIED' && user.body;
  });
}

describe('the local sandbox', () => {
  it('writes the credentials file with clientId, clientSecret, apiKey and baseUrl, sandbox secrets', () => {
    expect(Object.keys(credentials).sort()).toEqual(['apiKey', 'baseUrl', 'clientId', 'clientSecret']);
    expect(credentials.clientSecret).toMatch(/^sk_sandbox_/);
    expect(credentials.apiKey).toMatch(/^sk_sandbox_/);
    expect(credentials.baseUrl).toBe(runtime.baseUrl);
  });

  it('answers /health, /openapi.json and /docs', async () => {
    expect((await anonymous('GET', '/health')).body).toEqual({ status: 'ok' });
    const doc = await anonymous('GET', '/openapi.json');
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toContain('/api/core/users/{userId}/kyc');
    const docs = await anonymous('GET', '/docs');
    expect(docs.headers.get('content-type')).toContain('text/html');
    expect(docs.body).toContain('/api/auth/token/v2');
  });

  it('answers 404 for an unknown route', async () => {
    expect((await anonymous('GET', '/nope')).status).toBe(404);
  });
});

describe('the partner journey', () => {
  it('walks token -> webhook endpoint -> borrower -> documents -> KYC -> signed webhooks', async () => {
    await runtime.settle();
    ddbCalls.clear();
    const endpoint = await platform('POST', '/v1/webhook-endpoints', {
      body: { url: receiver.url('/hooks/main'), events: ['*'] },
    });
    expect(endpoint.status).toBe(201);
    expect(endpoint.body).toMatchObject({
      id: expect.stringMatching(/^whe_/),
      secret: expect.any(String),
      auth_key: expect.any(String),
    });
    receiver.register('/hooks/main', endpoint.body.secret, endpoint.body.auth_key);

    const created = await partner('POST', '/api/core/users', { body: personalBorrower() });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ userId: expect.stringMatching(/^bor_/), status: 'PENDING' });
    const userId = created.body.userId;

    await uploadKycDocuments(userId);
    const kyc = await partner('POST', `/api/core/users/${userId}/kyc`, { headers: { 'data-source': 'VIDA' } });
    expect(kyc.status).toBe(202);
    expect(kyc.body).toMatchObject({ userId, status: 'VERIFIED', kyc: { status: 'IN_PROGRESS', provider: 'VIDA' } });

    const user = await kycOutcome(userId);
    expect(user).toMatchObject({ status: 'APPROVED', kyc: { status: 'APPROVED' } });
    expect(user.kyc.checks.map((c: { name: string }) => c.name)).toEqual(['ocr', 'liveness', 'face_match']);
    expect(user.documents.map((d: { document_type: string }) => d.document_type).sort()).toEqual(['KTP', 'SELFIE']);

    const hooks = await eventually(() => {
      const mine = receiver.received.filter((r) => r.path === '/hooks/main' && r.payload.data.userId === userId);
      // In the order they happened: deliveries run concurrently and may arrive swapped.
      return mine.length >= 2 && mine.sort((a, b) => a.payload.created_at.localeCompare(b.payload.created_at));
    });
    expect(hooks.map((h) => [h.payload.type, h.payload.status])).toEqual([
      ['user_created', 'PENDING'],
      ['user_verify', 'APPROVED'],
    ]);
    for (const hook of hooks) {
      expect(hook.authKeyOk).toBe(true);
      expect(hook.signatureOk).toBe(true);
      expect(Object.keys(hook.payload).sort()).toEqual(['created_at', 'data', 'id', 'status', 'type']);
    }
    await runtime.settle();
    journeyCalls = Object.fromEntries(ddbCalls);
  });

  it('rotates the refresh token', async () => {
    const basic = Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`).toString('base64');
    const first = await anonymous('POST', '/api/auth/token/v2', { headers: { authorization: `Basic ${basic}` } });
    const second = await anonymous('POST', '/api/auth/refresh', { body: { refresh_token: first.body.refresh_token } });
    expect(second.status).toBe(200);
    // Once its successor is spent, the first token is spent for good.
    const third = await anonymous('POST', '/api/auth/refresh', { body: { refresh_token: second.body.refresh_token } });
    expect(third.status).toBe(200);
    expect(
      (await anonymous('POST', '/api/auth/refresh', { body: { refresh_token: first.body.refresh_token } })).status,
    ).toBe(401);
  });

  it('rejects KYC for the face-mismatch magic NIK and says why', async () => {
    const created = await partner('POST', '/api/core/users', { body: personalBorrower({ nik: nik('9003') }) });
    await uploadKycDocuments(created.body.userId);
    await partner('POST', `/api/core/users/${created.body.userId}/kyc`, { headers: { 'data-source': 'izidata' } });
    const user = await kycOutcome(created.body.userId);
    expect(user).toMatchObject({
      status: 'REJECTED',
      kyc: { status: 'REJECTED', reason: 'The selfie does not match the KTP photo' },
    });
  });

  it('records FAILED and returns the borrower to PENDING when the provider keeps failing (retries in the ASL)', async () => {
    const created = await partner('POST', '/api/core/users', { body: personalBorrower({ nik: nik('9004') }) });
    await uploadKycDocuments(created.body.userId);
    await partner('POST', `/api/core/users/${created.body.userId}/kyc`, { headers: { 'data-source': 'ASLIRI' } });
    const user = await kycOutcome(created.body.userId);
    expect(user).toMatchObject({ status: 'PENDING', kyc: { status: 'FAILED' } });
    expect(user.kyc.reason).toMatch(/ProviderError|outage/);
  });

  it('refuses KYC before the documents are uploaded, with 409 naming them', async () => {
    const created = await partner('POST', '/api/core/users', { body: personalBorrower() });
    const res = await partner('POST', `/api/core/users/${created.body.userId}/kyc`, {
      headers: { 'data-source': 'VIDA' },
    });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toContain('KTP, SELFIE');
  });

  it('refuses an unknown data-source, naming the header', async () => {
    const created = await partner('POST', '/api/core/users', { body: personalBorrower() });
    const res = await partner('POST', `/api/core/users/${created.body.userId}/kyc`, {
      headers: { 'data-source': 'acme' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].field).toBe('header.data-source');
  });
});

describe('webhook delivery', () => {
  it('retries a failing receiver with backoff and records every attempt', async () => {
    // Earlier tests' events must not reach the new endpoint: let them all be delivered first.
    await runtime.settle();
    const endpoint = await platform('POST', '/v1/webhook-endpoints', {
      body: { url: receiver.url('/hooks/flaky'), events: ['user_created'] },
    });
    receiver.register('/hooks/flaky', endpoint.body.secret, endpoint.body.auth_key);
    receiver.failNext('/hooks/flaky', 1);
    const created = await partner('POST', '/api/core/users', { body: personalBorrower() });
    const attempts = await eventually(() => {
      const mine = receiver.received.filter(
        (r) => r.path === '/hooks/flaky' && r.payload.data.userId === created.body.userId,
      );
      return mine.length >= 2 && mine;
    }, 40_000);
    expect(attempts.map((a) => a.answered)).toEqual([500, 200]);
    expect(attempts.every((a) => a.signatureOk && a.authKeyOk)).toBe(true);
    const eventId = attempts[0]?.payload.id;
    const delivery = await eventually(async () => {
      const list = await platform('GET', `/v1/webhook-endpoints/${endpoint.body.id}/deliveries`);
      return list.body.data.find(
        (d: { event_id: string; status: string }) => d.event_id === eventId && d.status === 'DELIVERED',
      );
    });
    expect(delivery).toMatchObject({ event_type: 'user_created', attempts: 2, last_status_code: 200 });

    // Ops (or the partner) replay it: the same event, signed afresh, one more recorded attempt.
    const replay = await platform('POST', `/v1/webhook-endpoints/${endpoint.body.id}/deliveries/${eventId}/replay`);
    expect(replay.status).toBe(202);
    const again = await eventually(() => {
      const mine = receiver.received.filter((r) => r.path === '/hooks/flaky' && r.payload.id === eventId);
      return mine.length >= 3 && mine;
    });
    expect(again[2]).toMatchObject({ answered: 200, signatureOk: true, authKeyOk: true });
    const replayed = await eventually(async () => {
      const list = await platform('GET', `/v1/webhook-endpoints/${endpoint.body.id}/deliveries`);
      return list.body.data.find(
        (d: { event_id: string; attempts: number; status: string }) =>
          d.event_id === eventId && d.attempts === 3 && d.status === 'DELIVERED',
      );
    });
    expect(replayed).toBeTruthy();
    const unknown = await platform(
      'POST',
      `/v1/webhook-endpoints/${endpoint.body.id}/deliveries/evt_00000000000000000000000000/replay`,
    );
    expect(unknown.status).toBe(404);
  });

  it('lists endpoints with limit/offset and meta, without secrets', async () => {
    const list = await platform('GET', '/v1/webhook-endpoints?limit=1&offset=0');
    expect(list.status).toBe(200);
    expect(list.body.meta).toMatchObject({ limit: 1, offset: 0, total: expect.any(Number) });
    expect(list.body.data).toHaveLength(1);
    expect(JSON.stringify(list.body)).not.toContain('whsec_');
  });

  it('refuses a webhook URL that is not http(s), naming the field', async () => {
    const res = await platform('POST', '/v1/webhook-endpoints', {
      body: { url: 'ftp://example.com/x', events: ['*'] },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].field).toBe('url');
  });
});

describe('authentication and tenancy', () => {
  it('answers 401 in the platform envelope for a wrong or missing API key', async () => {
    const wrong = await client(runtime.baseUrl, { authorization: 'Bearer sk_sandbox_nope' })(
      'GET',
      '/v1/webhook-endpoints',
    );
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toMatchObject({ code: 'unauthenticated', message: 'Unknown or revoked API key' });
    expect((await anonymous('GET', '/v1/webhook-endpoints')).status).toBe(401);
  });

  it('answers 401 for a partner call without a token', async () => {
    expect((await anonymous('POST', '/api/core/users', { body: personalBorrower() })).status).toBe(401);
  });

  it("never shows one partner's borrower to another", async () => {
    const created = await partner('POST', '/api/core/users', { body: personalBorrower() });
    const { createPartner, issueCredential } = await import('#store/partners');
    const other = await issueCredential((await createPartner('Other partner')).partnerId, 'sandbox');
    const otherPartner = await partnerClient(runtime.baseUrl, other.clientId, other.clientSecret);
    expect((await otherPartner('GET', `/api/core/users/${created.body.userId}`)).status).toBe(404);
  });
});
