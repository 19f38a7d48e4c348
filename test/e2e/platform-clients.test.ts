/**
 * The platform API's clients and back-office loan actions over HTTP against `npm start`'s
 * runtime (issue 12). A client is the partner API's borrower: created on either surface it is
 * visible on the other, with the same uniqueness and the same `user_created` event. Searches
 * by phone and NIK read no Scan; list totals are exact; PATCH refuses identity changes after
 * KYC; approve/reject/disburse reach the states the partner calls reach; other tenants see 404.
 */

import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../lib/local/runtime.ts';
import { nik, personalBorrower, phone } from '../helpers/factories.ts';
import { client, eventually } from '../helpers/http.ts';
import { indianMobile, journeyDetails, panWith } from '../helpers/route-samples.ts';
import { startSandbox, subscribe } from '../helpers/sandbox.ts';
import { startReceiver } from '../helpers/webhook-receiver.ts';

let runtime: LocalRuntime;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let partner: ReturnType<typeof client>;
let platform: ReturnType<typeof client>;
/** DynamoDB commands sent while `recording` (handlers run in this process). */
const commands: string[] = [];
let recording = false;

beforeAll(async () => {
  receiver = await startReceiver();
  const sandbox = await startSandbox('clients');
  ({ runtime, platform, partner } = sandbox);
  const { ddb } = await import('#store/client');
  ddb.middlewareStack.add(
    (next, context) => async (args) => {
      if (recording) commands.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize', name: 'recordClientCommands' },
  );
  await subscribe(sandbox, receiver, '/hooks/clients');
  // An endpoint may subscribe to user_updated alone (it is one of the event types, not only part of '*').
  await subscribe(sandbox, receiver, '/hooks/client-updates', ['user_updated']);
}, 120_000);

afterAll(async () => {
  await runtime?.stop();
  await receiver?.close();
});

/** A borrower through KYC to APPROVED (NIK serial 0001: the sandbox approves), created on `how`'s surface. */
async function approvedBorrower(how: 'partner' | 'platform' = 'partner'): Promise<string> {
  const body = personalBorrower({ name: 'Siti Rahayu' });
  const userId =
    how === 'partner'
      ? (await partner('POST', '/api/core/users', { body })).body.userId
      : (await platform('POST', '/v1/clients', { body })).body.data.id;
  for (const type of ['KTP', 'SELFIE']) {
    const doc = await partner('POST', '/api/documents', {
      body: { userId, document_type: type, content_type: 'image/jpeg' },
    });
    await fetch(doc.body.upload_url, {
      method: 'PUT',
      headers: { 'content-type': 'image/jpeg' },
      body: new Uint8Array([0xff, 0xd8, 0xff, 1]),
    });
  }
  await partner('POST', `/api/core/users/${userId}/kyc`, { headers: { 'data-source': 'VIDA' } });
  await eventually(async () => (await partner('GET', `/api/core/users/${userId}`)).body.status === 'APPROVED');
  return userId;
}

/** Records what this process writes to stdout and stderr (the handlers' logs) until the returned stop is called. */
async function captureOutput(): Promise<() => string> {
  const { logger } = await import('#http/logger');
  // The suite runs with logs SILENT: this window logs as a deployed stage does.
  const level = logger.getLevelName();
  logger.setLogLevel('INFO');
  const chunks: string[] = [];
  const originals = [process.stdout.write, process.stderr.write] as const;
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      chunks.push(String(chunk));
      return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write;
  }
  return () => {
    [process.stdout.write, process.stderr.write] = originals;
    logger.setLogLevel(level);
    return chunks.join('');
  };
}

/** A BUSINESS borrower body with a fresh NIB and phone. */
const businessBorrower = () => ({
  borrower_type: 'BUSINESS',
  name: 'Hendra Gunawan',
  phone: phone(),
  email: 'finance@example.com',
  business_name: 'PT Maju Bersama',
  nib: String(randomInt(1e12, 9e12)),
  npwp: `${randomInt(100_000, 999_999)}${randomInt(100_000_000, 999_999_999)}`,
  director_name: 'Hendra Gunawan',
  director_nik: nik(),
});

let refs = 0;
const loanBody = () => ({
  principal: 1000000,
  currency: 'IDR',
  tenor_days: 30,
  interest_rate: 0.1,
  rate_period: 'day',
  reference_id: `clients-${Date.now()}-${++refs}`,
  disbursement_account: { bank_code: 'BCA', account_number: '1234567890', account_name: 'Siti Rahayu' },
});
const details = async (id: string) => (await partner('GET', `/api/core/loans/details/${id}`)).body;
const statusOf = (id: string, status: string) =>
  eventually(async () => {
    const loan = await details(id);
    return loan.status === status && loan;
  });

describe('clients are the partner API borrowers', () => {
  it('a client created on the platform API is the partner API borrower, with the same user_created event', async () => {
    const body = personalBorrower({ name: 'Dewi Lestari' });
    const created = await platform('POST', '/v1/clients', { body });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      data: { id: expect.stringMatching(/^bor_[0-9a-z]{26}$/), status: 'PENDING', borrower_type: 'PERSONAL' },
    });
    const id = created.body.data.id;
    const there = await partner('GET', `/api/core/users/${id}`);
    expect(there.status).toBe(200);
    expect(there.body).toMatchObject({ userId: id, status: 'PENDING', name: 'Dewi Lestari', nik: body.nik });
    const hook = await eventually(() =>
      receiver.received.find((r) => r.payload.type === 'user_created' && r.payload.data.userId === id),
    );
    expect(hook.payload).toMatchObject({ status: 'PENDING', data: { userId: id, borrower_type: 'PERSONAL' } });
    // The same uniqueness on both surfaces: the partner API refuses the platform client's NIK.
    const again = await partner('POST', '/api/core/users', { body: personalBorrower({ nik: body.nik }) });
    expect(again.status).toBe(409);
    // And the same validation: an invalid NIK is refused naming the field.
    const bad = await platform('POST', '/v1/clients', { body: personalBorrower({ nik: '123' }) });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBeTypeOf('string');
    expect(JSON.stringify(bad.body.error.details)).toContain('nik');
  });

  it('a borrower created on the partner API is a client, with its KYC, documents, credit score and loans', async () => {
    const userId = await approvedBorrower('partner');
    const got = await platform('GET', `/v1/clients/${userId}`);
    expect(got.status).toBe(200);
    expect(got.body.data).toMatchObject({
      id: userId,
      status: 'APPROVED',
      kyc_status: 'APPROVED',
      kyc: { status: 'APPROVED', provider: expect.any(String) },
      credit_score: null,
      loans: [],
    });
    expect(got.body.data.documents.map((d: { document_type: string }) => d.document_type).sort()).toEqual([
      'KTP',
      'SELFIE',
    ]);
    // The same phone on the platform API is the same clash.
    const phoneTaken = await platform('POST', '/v1/clients', {
      body: personalBorrower({ phone: got.body.data.phone }),
    });
    expect(phoneTaken.status).toBe(409);
    expect(phoneTaken.body.error.message).toContain('phone');
  }, 60_000);
});

describe('GET /v1/clients', () => {
  it('finds a client by exact phone or NIK through the unique items, never a Scan', async () => {
    const body = personalBorrower({ name: 'Rina Wijaya' });
    const id = (await platform('POST', '/v1/clients', { body })).body.data.id;
    commands.length = 0;
    const stopCapture = await captureOutput();
    recording = true;
    const byPhone = await platform('GET', `/v1/clients?phone=${body.phone}`);
    const byNik = await platform('GET', `/v1/clients?nik=${body.nik}`);
    const both = await platform(
      'GET',
      `/v1/clients?nik=${body.nik}&phone=${encodeURIComponent(`+62${body.phone.slice(1)}`)}`,
    );
    const none = await platform('GET', `/v1/clients?nik=${nik()}`);
    recording = false;
    const logged = stopCapture();
    // The request lines were written (the handlers run in this process), without the values searched.
    expect(logged).toContain('listClients');
    for (const secret of [body.nik, body.phone.slice(1), body.phone.slice(4)]) expect(logged).not.toContain(secret);
    for (const found of [byPhone, byNik, both]) {
      expect(found.status).toBe(200);
      expect(found.body.data.map((c: { id: string }) => c.id)).toEqual([id]);
      expect(found.body.meta).toEqual({ total: 1, limit: 20, offset: 0 });
    }
    expect(none.body).toEqual({ data: [], meta: { total: 0, limit: 20, offset: 0 } });
    expect(commands).not.toContain('ScanCommand');
    expect(commands.filter((c) => c === 'QueryCommand' || c === 'GetCommand').length).toBeGreaterThan(0);
    // A search combined with a filter that the client does not meet finds nothing.
    const filtered = await platform('GET', `/v1/clients?phone=${body.phone}&status=APPROVED`);
    expect(filtered.body.meta.total).toBe(0);
  });

  it("finds a journey customer by its PAN and Indian mobile through the dedupe index, the customer's name and KYC shown", async () => {
    const journey = client(runtime.baseUrl, { 'x-api-key': runtime.credentials.apiKey });
    const customerID = `clients-journey-${Date.now()}`;
    const mobile = indianMobile();
    const pan = panWith();
    expect((await journey('POST', '/v2/user/create', { body: { customerID, mobile } })).status).toBe(200);
    expect((await journey('POST', '/v2/user/details/update', { body: journeyDetails(customerID, pan) })).status).toBe(
      200,
    );
    commands.length = 0;
    recording = true;
    const byPan = await platform('GET', `/v1/clients?pan=${pan}`);
    const byMobile = await platform('GET', `/v1/clients?phone=${encodeURIComponent(`+91${mobile}`)}`);
    recording = false;
    expect(commands).not.toContain('ScanCommand');
    expect(byPan.body.meta.total).toBe(1);
    expect(byMobile.body.data.map((c: { id: string }) => c.id)).toEqual([byPan.body.data[0].id]);
    expect(byPan.body.data[0]).toMatchObject({ name: 'Test User', kyc_status: 'NOT_STARTED' });
    // Its identity belongs to the journey API.
    const patch = await platform('PATCH', `/v1/clients/${byPan.body.data[0].id}`, { body: { name: 'Someone Else' } });
    expect(patch.status).toBe(409);
    expect(patch.body.error.code).toBe('client_field_locked');
  });

  it('pages a created range with exact totals, filtered by type, status and KYC status', async () => {
    const from = new Date().toISOString();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await platform('POST', '/v1/clients', { body: personalBorrower() })).body.data.id);
    }
    const business = (await platform('POST', '/v1/clients', { body: businessBorrower() })).body;
    expect(business.data.borrower_type).toBe('BUSINESS');
    const to = new Date().toISOString();
    const range = `created_from=${from}&created_to=${to}`;
    // The index is eventually consistent: wait until it holds all six.
    await eventually(async () => (await platform('GET', `/v1/clients?${range}`)).body.meta.total === 6);
    const seen: string[] = [];
    for (const offset of [0, 2, 4]) {
      const page = await platform('GET', `/v1/clients?${range}&type=PERSONAL&limit=2&offset=${offset}`);
      expect(page.status).toBe(200);
      expect(page.body.meta).toEqual({ total: 5, limit: 2, offset });
      expect(page.body.data).toHaveLength(offset === 4 ? 1 : 2);
      seen.push(...page.body.data.map((c: { id: string }) => c.id));
    }
    // Newest first, each once.
    expect(seen).toEqual([...ids].reverse());
    const biz = await platform('GET', `/v1/clients?${range}&type=BUSINESS`);
    expect(biz.body.meta.total).toBe(1);
    expect(biz.body.data[0].id).toBe(business.data.id);
    const notStarted = await platform('GET', `/v1/clients?${range}&kyc_status=NOT_STARTED&status=PENDING&limit=1`);
    expect(notStarted.body.meta).toEqual({ total: 6, limit: 1, offset: 0 });
    const approved = await platform('GET', `/v1/clients?${range}&kyc_status=APPROVED`);
    expect(approved.body.meta.total).toBe(0);
    const badRange = await platform('GET', '/v1/clients?created_from=yesterday');
    expect(badRange.status).toBe(400);
  });
});

describe('PATCH /v1/clients/{id}', () => {
  it('changes email any time, name/phone/NIK only before KYC, with a user_updated event naming the fields', async () => {
    const id = (await platform('POST', '/v1/clients', { body: personalBorrower() })).body.data.id;
    const newPhone = phone();
    const before = await platform('PATCH', `/v1/clients/${id}`, {
      body: { name: 'Agus Salim', email: 'agus@example.com', phone: newPhone },
    });
    expect(before.status).toBe(200);
    expect(before.body.data).toMatchObject({ id, name: 'Agus Salim', email: 'agus@example.com' });
    expect((await partner('GET', `/api/core/users/${id}`)).body.name).toBe('Agus Salim');
    const hook = await eventually(() =>
      receiver.received.find((r) => r.payload.type === 'user_updated' && r.payload.data.userId === id),
    );
    expect([...(hook.payload.data.fields as string[])].sort()).toEqual(['email', 'name', 'phone']);
    expect(JSON.stringify(hook.payload)).not.toContain('agus@example.com');
    const subscribed = await eventually(() =>
      receiver.received.find((r) => r.path === '/hooks/client-updates' && r.payload.data.userId === id),
    );
    expect(subscribed).toMatchObject({ signatureOk: true, payload: { type: 'user_updated' } });
    expect(
      receiver.received
        .filter((r) => r.path === '/hooks/client-updates')
        .every((r) => r.payload.type === 'user_updated'),
    ).toBe(true);
    // The new phone is now taken (and searchable); the old one is free again.
    expect((await platform('GET', `/v1/clients?phone=${newPhone}`)).body.data[0].id).toBe(id);
    const taken = await platform('POST', '/v1/clients', { body: personalBorrower({ phone: newPhone }) });
    expect(taken.status).toBe(409);

    const approvedId = await approvedBorrower('platform');
    for (const body of [{ name: 'Someone Else' }, { nik: nik() }, { phone: phone() }]) {
      const refused = await platform('PATCH', `/v1/clients/${approvedId}`, { body });
      expect(refused.status).toBe(409);
      expect(refused.body.error.code).toBe('client_identity_locked');
    }
    const email = await platform('PATCH', `/v1/clients/${approvedId}`, { body: { email: 'new@example.com' } });
    expect(email.status).toBe(200);
    expect(email.body.data).toMatchObject({ email: 'new@example.com', status: 'APPROVED' });
    const unknown = await platform('PATCH', `/v1/clients/${approvedId}`, { body: { status: 'APPROVED' } });
    expect(unknown.status).toBe(400);
    const empty = await platform('PATCH', `/v1/clients/${approvedId}`, { body: {} });
    expect(empty.status).toBe(400);
    // A phone another borrower holds is refused, and the client is unchanged.
    const other = personalBorrower();
    await platform('POST', '/v1/clients', { body: other });
    const clash = await platform('PATCH', `/v1/clients/${id}`, { body: { phone: other.phone } });
    expect(clash.status).toBe(409);
    expect(clash.body.error.code).toBe('borrower_exists');
    expect((await platform('GET', `/v1/clients/${id}`)).body.data.phone).toBe(before.body.data.phone);
  }, 60_000);
});

describe('back-office loan actions', () => {
  let userId: string;
  beforeAll(async () => {
    userId = await approvedBorrower('platform');
  }, 60_000);

  it('approve sends the agreement for signing, disburse pays out: the states the partner calls reach', async () => {
    const loan = (await partner('POST', `/api/core/loans/${userId}`, { body: loanBody() })).body;
    expect(loan.status).toBe('PENDING');
    const early = await platform('POST', `/v1/loans/${loan.loanUniqueId}/disburse`);
    expect(early.status).toBe(409);
    const approved = await platform('POST', `/v1/loans/${loan.loanUniqueId}/approve`);
    expect(approved.status).toBe(200);
    expect(['SIGNING', 'ACTIVE']).toContain(approved.body.data.status);
    await statusOf(loan.loanUniqueId, 'ACTIVE');
    // Again: the loan as it stands, no second agreement.
    const again = await platform('POST', `/v1/loans/${loan.loanUniqueId}/approve`);
    expect(again.status).toBe(200);
    // Presigned URLs carry their signing second: compare the object they name.
    const objectOf = (url: string) => url.split('?')[0];
    expect(objectOf(again.body.data.agreement_url)).toBe(objectOf((await details(loan.loanUniqueId)).agreement_url));
    const disbursing = await platform('POST', `/v1/loans/${loan.loanUniqueId}/disburse`);
    expect(disbursing.status).toBe(202);
    expect(disbursing.body.data.disbursement).toMatchObject({ attempt: 1 });
    const done = await statusOf(loan.loanUniqueId, 'DISBURSED');
    expect(done.disbursement).toMatchObject({ status: 'SUCCESS' });
    const late = await platform('POST', `/v1/loans/${loan.loanUniqueId}/reject`, { body: { reason: 'too late' } });
    expect(late.status).toBe(409);
    // The client lists it among its loans once serviced.
    const client = await eventually(async () => {
      const c = (await platform('GET', `/v1/clients/${userId}`)).body.data;
      return c.loans.length > 0 && c;
    });
    expect(client.loans).toEqual([
      expect.objectContaining({ id: loan.loanUniqueId, status: 'DISBURSED', currency: 'IDR', principal: 1000000 }),
    ]);

    // The payment link is the partner's: the same live link.
    const link = await platform('POST', '/v1/payment-links', { body: { loan_id: loan.loanUniqueId } });
    expect(link.status).toBe(201);
    expect(link.body.data).toMatchObject({
      url: expect.stringContaining('/api/core/payment-links/'),
      amount: expect.any(Number),
      expires_at: expect.any(String),
    });
    expect(link.body.data.amount).toBeGreaterThan(0);
    const partnerLink = await partner('POST', `/api/core/loans/${loan.loanUniqueId}/payment-link`);
    expect(partnerLink.body.url).toBe(link.body.data.url);
    expect((await fetch(link.body.data.url)).status).toBe(200);
  }, 90_000);

  it('reject ends a PENDING loan REJECTED as the partner reject does; a rejected loan cannot be approved', async () => {
    const loan = (await partner('POST', `/api/core/loans/${userId}`, { body: loanBody() })).body;
    const rejected = await platform('POST', `/v1/loans/${loan.loanUniqueId}/reject`, {
      body: { reason: 'the order was cancelled' },
    });
    expect(rejected.status).toBe(200);
    expect(rejected.body.data.status).toBe('REJECTED');
    expect((await details(loan.loanUniqueId)).status).toBe('REJECTED');
    const approve = await platform('POST', `/v1/loans/${loan.loanUniqueId}/approve`);
    expect(approve.status).toBe(409);
    const link = await platform('POST', '/v1/payment-links', { body: { loan_id: loan.loanUniqueId } });
    expect(link.status).toBe(409);
  }, 60_000);

  it("answers 404 to another partner's key and to the same partner's live key", async () => {
    const loan = (await partner('POST', `/api/core/loans/${userId}`, { body: loanBody() })).body;
    const own = (await platform('GET', `/v1/clients/${userId}`)).body.data;
    const partners = await import('#store/partners');
    const other = await partners.createPartner('Another lender');
    const strangers = [
      (await partners.issueCredential(other.partnerId, 'sandbox')).apiKey,
      (await partners.issueCredential(runtime.credentials.partnerId, 'live')).apiKey,
    ];
    for (const apiKey of strangers) {
      const stranger = client(runtime.baseUrl, { authorization: `Bearer ${apiKey}` });
      expect((await stranger('GET', `/v1/clients/${userId}`)).status).toBe(404);
      expect((await stranger('PATCH', `/v1/clients/${userId}`, { body: { email: 'x@example.com' } })).status).toBe(404);
      const search = await stranger('GET', `/v1/clients?nik=${own.nik}`);
      expect(search.body.meta.total).toBe(0);
      const list = await stranger('GET', '/v1/clients?limit=100');
      expect(list.body.data.map((c: { id: string }) => c.id)).not.toContain(userId);
      for (const action of ['approve', 'disburse']) {
        expect((await stranger('POST', `/v1/loans/${loan.loanUniqueId}/${action}`)).status).toBe(404);
      }
      const reject = await stranger('POST', `/v1/loans/${loan.loanUniqueId}/reject`, { body: { reason: 'x' } });
      expect(reject.status).toBe(404);
      const link = await stranger('POST', '/v1/payment-links', { body: { loan_id: loan.loanUniqueId } });
      expect(link.status).toBe(404);
    }
    expect((await details(loan.loanUniqueId)).status).toBe('PENDING');
    expect((await platform('GET', `/v1/clients/${userId}`)).body.data.email).toBe(own.email);
  }, 60_000);
});
