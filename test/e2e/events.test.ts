/**
 * GET /v1/events over HTTP against `npm start`'s runtime: the events a partner's webhooks
 * received can be read back (to reconcile what a receiver missed), filtered, and the one
 * correlation id goes from the API request to the event and the webhook's header.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../lib/local/runtime.ts';
import { personalBorrower } from '../helpers/factories.ts';
import { type client, eventually } from '../helpers/http.ts';
import { startSandbox } from '../helpers/sandbox.ts';
import { startReceiver } from '../helpers/webhook-receiver.ts';

let runtime: LocalRuntime;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let partner: ReturnType<typeof client>;
let platform: ReturnType<typeof client>;

beforeAll(async () => {
  receiver = await startReceiver();
  ({ runtime, platform, partner } = await startSandbox('events'));
});

afterAll(async () => {
  await runtime?.stop();
  await receiver?.close();
});

describe('GET /v1/events', () => {
  it("lists the event a webhook delivered, with the creating request's id as correlation id everywhere", async () => {
    const endpoint = await platform('POST', '/v1/webhook-endpoints', {
      body: { url: receiver.url('/hooks/events'), events: ['user_created'] },
    });
    expect(endpoint.status).toBe(201);
    receiver.register('/hooks/events', endpoint.body.secret, endpoint.body.auth_key);

    const created = await partner('POST', '/api/core/users', { body: personalBorrower() });
    expect(created.status).toBe(201);
    const userId: string = created.body.userId;
    const requestId = created.headers.get('x-request-id');
    expect(requestId).toBeTruthy();

    const hook = await eventually(async () =>
      receiver.received.find((r) => r.path === '/hooks/events' && r.payload.data.userId === userId),
    );
    expect(hook).toMatchObject({ signatureOk: true, correlationId: requestId });
    // The webhook payload is unchanged: no object or correlation field was added to it.
    expect(Object.keys(hook.payload).sort()).toEqual(['created_at', 'data', 'id', 'status', 'type']);

    const listed = await platform('GET', `/v1/events?object_id=${userId}`);
    expect(listed.status).toBe(200);
    expect(listed.body.meta).toEqual({ total: 1, limit: 20, offset: 0 });
    expect(listed.body.data).toEqual([
      {
        id: hook.payload.id,
        type: 'user_created',
        status: 'PENDING',
        object_id: userId,
        data: hook.payload.data,
        created_at: hook.payload.created_at,
        correlation_id: requestId,
      },
    ]);

    const one = await platform('GET', `/v1/events/${hook.payload.id}`);
    expect(one.status).toBe(200);
    expect(one.body.data).toEqual(listed.body.data[0]);
  });

  it('filters by type and created range, newest first, and pages with meta.total', async () => {
    const before = new Date().toISOString();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const created = await partner('POST', '/api/core/users', { body: personalBorrower() });
      ids.push(created.body.userId);
    }
    const page = await platform('GET', `/v1/events?type=user_created&limit=2&created[gte]=${before}`);
    expect(page.status).toBe(200);
    expect(page.body.meta).toEqual({ total: 3, limit: 2, offset: 0 });
    expect(page.body.data.map((e: { data: { userId: string } }) => e.data.userId)).toEqual([ids[2], ids[1]]);
    const rest = await platform('GET', `/v1/events?type=user_created&limit=2&offset=2&created[gte]=${before}`);
    expect(rest.body.data.map((e: { data: { userId: string } }) => e.data.userId)).toEqual([ids[0]]);

    const none = await platform('GET', `/v1/events?type=user_verify&created[gte]=${before}`);
    expect(none.body).toEqual({ data: [], meta: { total: 0, limit: 20, offset: 0 } });
    const future = Math.floor(Date.now() / 1000) + 3600;
    expect((await platform('GET', `/v1/events?created[gte]=${future}`)).body.meta.total).toBe(0);
  });

  it('gives the KYC result, written by the workflow, the id of the request that started the run', async () => {
    const userId: string = (await partner('POST', '/api/core/users', { body: personalBorrower() })).body.userId;
    for (const type of ['KTP', 'SELFIE']) {
      const doc = await partner('POST', '/api/documents', {
        body: { userId, document_type: type, content_type: 'image/jpeg' },
      });
      const put = await fetch(doc.body.upload_url, {
        method: 'PUT',
        headers: { 'content-type': 'image/jpeg' },
        body: new Uint8Array([0xff, 0xd8, 0xff, 1, 2, 3]),
      });
      expect(put.status).toBe(200);
    }
    const kyc = await partner('POST', `/api/core/users/${userId}/kyc`, { headers: { 'data-source': 'VIDA' } });
    expect(kyc.status).toBe(202);
    const verified = await eventually(async () => {
      const page = await platform('GET', `/v1/events?type=user_verify&object_id=${userId}`);
      return page.body.meta.total > 0 && page.body.data[0];
    });
    expect(verified).toMatchObject({ object_id: userId, correlation_id: kyc.headers.get('x-request-id') });
  });

  it('answers 400 naming a bad filter, and 404 for an unknown event id', async () => {
    const bad = await platform('GET', '/v1/events?created[gte]=yesterday');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.error.details)).toContain('created[gte]');
    const missing = await platform('GET', '/v1/events/evt_01hzzzzzzzzzzzzzzzzzzzzzzz');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBeTruthy();
  });
});
