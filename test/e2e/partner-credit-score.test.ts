/**
 * The partner API's credit score over HTTP against `npm start`'s runtime: the credit-source
 * header, the sandbox bureaus' magic values, the credit score workflow's result on GET user
 * and as a signed `user_credit_score` callback, one run under concurrency; and the platform
 * API's block and unblock of a borrower.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../lib/local/runtime.ts';
import { nik, personalBorrower } from '../helpers/factories.ts';
import { type client, eventually } from '../helpers/http.ts';
import { partnerClient, startSandbox, subscribe } from '../helpers/sandbox.ts';
import { startReceiver } from '../helpers/webhook-receiver.ts';

let runtime: LocalRuntime;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let partner: ReturnType<typeof client>;
let platform: ReturnType<typeof client>;

/** A partner API client for a new credential of `partnerId` in `mode`. */
async function clientOf(partnerId: string, mode: 'sandbox' | 'live') {
  const { issueCredential } = await import('#store/partners');
  const credential = await issueCredential(partnerId, mode);
  return partnerClient(runtime.baseUrl, credential.clientId, credential.clientSecret);
}

beforeAll(async () => {
  receiver = await startReceiver();
  const sandbox = await startSandbox('credit');
  ({ runtime, platform, partner } = sandbox);
  await subscribe(sandbox, receiver, '/hooks/credit', ['user_credit_score', 'user_verify']);
});

afterAll(async () => {
  await runtime?.stop();
  await receiver?.close();
});

/** A borrower taken through KYC to APPROVED (documents uploaded through presigned URLs). */
async function approvedBorrower(serial?: string): Promise<string> {
  const created = await partner('POST', '/api/core/users', { body: personalBorrower({ nik: nik(serial) }) });
  expect(created.status).toBe(201);
  const userId = created.body.userId;
  await uploadKycDocuments(userId);
  expect((await partner('POST', `/api/core/users/${userId}/kyc`, { headers: { 'data-source': 'VIDA' } })).status).toBe(
    202,
  );
  const user = await eventually(async () => {
    const res = await partner('GET', `/api/core/users/${userId}`);
    return res.body.status !== 'VERIFIED' && res.body;
  });
  expect(user.status).toBe('APPROVED');
  return userId;
}

async function uploadKycDocuments(userId: string) {
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
}

/** Starts a credit score and waits for its result on GET user. */
async function scored(userId: string, sources = 'afpi,clik', client = partner) {
  const started = await client('POST', `/api/core/users/${userId}/credit-score`, {
    headers: { 'credit-source': sources },
  });
  expect(started.status).toBe(202);
  expect(started.body).toMatchObject({
    userId,
    credit_score: { reference_id: expect.stringMatching(/^csr_/), status: 'IN_PROGRESS' },
  });
  const score = await eventually(async () => {
    const user = await client('GET', `/api/core/users/${userId}`);
    return user.body.credit_score?.status !== 'IN_PROGRESS' && user.body.credit_score;
  }, 40_000);
  expect(score.reference_id).toBe(started.body.credit_score.reference_id);
  return score;
}

/** The user's callbacks of `type` in the order they happened (deliveries run concurrently and may arrive in any order). */
const callbacks = (userId: string, type = 'user_credit_score') =>
  receiver.received
    .filter((r) => r.path === '/hooks/credit' && r.payload.type === type && r.payload.data.userId === userId)
    .sort((a, b) => String(a.payload.created_at).localeCompare(String(b.payload.created_at)));

describe('POST /api/core/users/{userId}/credit-score', () => {
  it('scores a good borrower from both bureaus: score and grade on GET user, and a signed callback', async () => {
    const userId = await approvedBorrower();
    const score = await scored(userId, 'CLIK, afpi');
    expect(score).toMatchObject({
      status: 'COMPLETED',
      requested_sources: ['afpi', 'clik'],
      score: 808,
      grade: 'A',
      thin_file: false,
      completed_at: expect.any(String),
    });
    expect(score.sources).toEqual([
      {
        source: 'afpi',
        status: 'SUCCESS',
        hit: true,
        active_loans: 1,
        outstanding: 1_500_000,
        currency: 'IDR',
        worst_days_past_due: 0,
        history_months: 24,
      },
      {
        source: 'clik',
        status: 'SUCCESS',
        hit: true,
        active_loans: 2,
        outstanding: 8_000_000,
        currency: 'IDR',
        worst_days_past_due: 0,
        history_months: 36,
      },
    ]);
    const [hook] = await eventually(() => callbacks(userId).length > 0 && callbacks(userId));
    expect(hook).toMatchObject({ authKeyOk: true, signatureOk: true });
    expect(hook?.payload).toMatchObject({
      type: 'user_credit_score',
      status: 'COMPLETED',
      data: { userId, reference_id: score.reference_id, score: 808, grade: 'A', sources: score.sources },
    });
  });

  it('reports a thin file (7001) as COMPLETED with no score and no grade', async () => {
    const score = await scored(await approvedBorrower('7001'));
    expect(score).toMatchObject({ status: 'COMPLETED', score: null, grade: null, thin_file: true });
    expect(score.sources.map((s: { hit: boolean }) => s.hit)).toEqual([false, false]);
  });

  it('grades a delinquent borrower (7002) E with the worst days past due per source', async () => {
    const score = await scored(await approvedBorrower('7002'));
    expect(score).toMatchObject({ status: 'COMPLETED', score: 360, grade: 'E' });
    expect(score.sources.map((s: { worst_days_past_due: number }) => s.worst_days_past_due)).toEqual([120, 95]);
  });

  it('records a bureau that stays down (7006) as that source FAILED and keeps the other', async () => {
    const userId = await approvedBorrower('7006');
    const score = await scored(userId);
    expect(score).toMatchObject({ status: 'COMPLETED', score: 808, grade: 'A' });
    expect(score.sources[0]).toMatchObject({
      source: 'afpi',
      status: 'FAILED',
      reason: expect.stringMatching(/outage/),
    });
    expect(score.sources[1]).toMatchObject({ source: 'clik', status: 'SUCCESS', hit: true });
    const [hook] = await eventually(() => callbacks(userId).length > 0 && callbacks(userId));
    expect(hook?.payload.data).toMatchObject({ sources: [{ source: 'afpi', status: 'FAILED' }, { source: 'clik' }] });
  });

  it('asks only the source named: afpi alone', async () => {
    const score = await scored(await approvedBorrower('7003'), 'afpi');
    expect(score.requested_sources).toEqual(['afpi']);
    expect(score.sources.map((s: { source: string }) => s.source)).toEqual(['afpi']);
    expect(score).toMatchObject({ status: 'COMPLETED', grade: 'B' });
  });

  it('refuses a missing, unknown or repeated credit-source with 400 naming the header', async () => {
    const userId = (await partner('POST', '/api/core/users', { body: personalBorrower() })).body.userId;
    const variants: Record<string, string>[] = [
      {},
      { 'credit-source': 'pefindo' },
      { 'credit-source': 'afpi,afpi' },
      { 'credit-source': '' },
    ];
    for (const headers of variants) {
      const res = await partner('POST', `/api/core/users/${userId}/credit-score`, { headers });
      expect(res.status, JSON.stringify(headers)).toBe(400);
      expect(res.body.error.details[0].field).toBe('header.credit-source');
    }
  });

  it("is 404 for an unknown borrower and for another partner's", async () => {
    const missing = await partner('POST', '/api/core/users/bor_00000000000000000000000000/credit-score', {
      headers: { 'credit-source': 'afpi' },
    });
    expect(missing.status).toBe(404);
    const userId = (await partner('POST', '/api/core/users', { body: personalBorrower() })).body.userId;
    const { createPartner } = await import('#store/partners');
    const other = await clientOf((await createPartner('Other partner')).partnerId, 'sandbox');
    const res = await other('POST', `/api/core/users/${userId}/credit-score`, { headers: { 'credit-source': 'afpi' } });
    expect(res.status).toBe(404);
  });

  it('starts one run for 20 identical requests at once, and every caller gets its reference', async () => {
    const userId = await approvedBorrower();
    await runtime.settle();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        partner('POST', `/api/core/users/${userId}/credit-score`, { headers: { 'credit-source': 'afpi,clik' } }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(202));
    const references = new Set(answers.map((a) => a.body.credit_score.reference_id));
    expect(references.size).toBe(1);
    const score = await eventually(async () => {
      const user = await partner('GET', `/api/core/users/${userId}`);
      return user.body.credit_score?.status === 'COMPLETED' && user.body.credit_score;
    });
    expect(references.has(score.reference_id)).toBe(true);
    await runtime.settle();
    expect(callbacks(userId)).toHaveLength(1);
    // Once it has ended, the same request answers with that run (no new bureau inquiry) ...
    const again = await partner('POST', `/api/core/users/${userId}/credit-score`, {
      headers: { 'credit-source': 'clik,afpi' },
    });
    expect(again.status).toBe(202);
    expect(again.body.credit_score).toEqual({
      reference_id: score.reference_id,
      status: 'COMPLETED',
      requested_sources: ['afpi', 'clik'],
    });
    // ... and a request for other sources is a new run.
    const other = await scored(userId, 'afpi');
    expect(other.reference_id).not.toBe(score.reference_id);
  });

  it('in live mode records each unconfigured bureau as FAILED, never simulated', async () => {
    const { createPartner } = await import('#store/partners');
    const live = await clientOf((await createPartner('Live partner')).partnerId, 'live');
    const created = await live('POST', '/api/core/users', { body: personalBorrower() });
    expect(created.status).toBe(201);
    const score = await scored(created.body.userId, 'afpi,clik', live);
    expect(score).toMatchObject({ status: 'FAILED', score: null, grade: null });
    for (const source of score.sources) {
      expect(source).toMatchObject({
        status: 'FAILED',
        reason: expect.stringContaining('not configured for live mode'),
      });
    }
  });
});

describe('POST /v1/borrowers/{id}/block and /unblock (platform API)', () => {
  const status = async (userId: string) => (await partner('GET', `/api/core/users/${userId}`)).body.status;

  it('blocks an APPROVED borrower with reason, actor and time; KYC and credit score are refused; unblock restores', async () => {
    const userId = await approvedBorrower();
    const blocked = await platform('POST', `/v1/borrowers/${userId}/block`, {
      body: { reason: 'Suspected identity fraud, case 4411' },
    });
    expect(blocked.status).toBe(200);
    expect(blocked.body.data).toMatchObject({
      id: userId,
      status: 'BLOCKED',
      previous_status: 'APPROVED',
      reason: 'Suspected identity fraud, case 4411',
      changed_by: expect.stringMatching(/^cred_/),
      changed_at: expect.any(String),
    });
    expect(blocked.body.data.status_history).toEqual([
      {
        from: 'APPROVED',
        to: 'BLOCKED',
        reason: 'Suspected identity fraud, case 4411',
        actor: blocked.body.data.changed_by,
        at: blocked.body.data.changed_at,
      },
    ]);
    expect(await status(userId)).toBe('BLOCKED');

    const kyc = await partner('POST', `/api/core/users/${userId}/kyc`, { headers: { 'data-source': 'VIDA' } });
    expect(kyc.status).toBe(400);
    expect(kyc.body.error).toMatchObject({ code: 'borrower_blocked', message: expect.stringContaining('BLOCKED') });
    const score = await partner('POST', `/api/core/users/${userId}/credit-score`, {
      headers: { 'credit-source': 'afpi' },
    });
    expect(score.status).toBe(400);
    expect(score.body.error).toMatchObject({ code: 'borrower_blocked', message: expect.stringContaining('BLOCKED') });
    const again = await platform('POST', `/v1/borrowers/${userId}/block`, { body: { reason: 'twice' } });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('borrower_already_blocked');

    const unblocked = await platform('POST', `/v1/borrowers/${userId}/unblock`, {
      body: { reason: 'Cleared by the fraud team' },
    });
    expect(unblocked.status).toBe(200);
    expect(unblocked.body.data).toMatchObject({ status: 'APPROVED', previous_status: 'BLOCKED' });
    expect(unblocked.body.data.status_history.map((c: { to: string }) => c.to)).toEqual(['BLOCKED', 'APPROVED']);
    expect(await status(userId)).toBe('APPROVED');
    expect((await scored(userId, 'afpi')).status).toBe('COMPLETED');

    // Each change reached the partner as a signed user_verify, in order, after KYC's APPROVED.
    const hooks = await eventually(() => {
      const mine = callbacks(userId, 'user_verify');
      return mine.length >= 3 && mine;
    });
    expect(hooks.map((h) => h.payload.status)).toEqual(['APPROVED', 'BLOCKED', 'APPROVED']);
    expect(hooks[1]?.payload.data).toMatchObject({
      borrower_status: 'BLOCKED',
      previous_status: 'APPROVED',
      reason: 'Suspected identity fraud, case 4411',
    });
    expect(hooks.every((h) => h.signatureOk && h.authKeyOk)).toBe(true);
  });

  it('returns a PENDING borrower to PENDING, and KYC runs after the unblock', async () => {
    const userId = (await partner('POST', '/api/core/users', { body: personalBorrower() })).body.userId;
    await uploadKycDocuments(userId);
    expect((await platform('POST', `/v1/borrowers/${userId}/block`, { body: { reason: 'Chargeback' } })).status).toBe(
      200,
    );
    expect(
      (await partner('POST', `/api/core/users/${userId}/kyc`, { headers: { 'data-source': 'VIDA' } })).status,
    ).toBe(400);
    const unblocked = await platform('POST', `/v1/borrowers/${userId}/unblock`, { body: { reason: 'Resolved' } });
    expect(unblocked.body.data.status).toBe('PENDING');
    expect(
      (await partner('POST', `/api/core/users/${userId}/kyc`, { headers: { 'data-source': 'VIDA' } })).status,
    ).toBe(202);
  });

  it('keeps the result of a KYC that ends while the borrower is blocked, and unblocking restores its status', async () => {
    // 9004: the KYC provider is down, so the run stays VERIFIED through the workflow's retries.
    const userId = (await partner('POST', '/api/core/users', { body: personalBorrower({ nik: nik('9004') }) })).body
      .userId;
    await uploadKycDocuments(userId);
    expect(
      (await partner('POST', `/api/core/users/${userId}/kyc`, { headers: { 'data-source': 'VIDA' } })).status,
    ).toBe(202);
    const blocked = await platform('POST', `/v1/borrowers/${userId}/block`, { body: { reason: 'Fraud alert' } });
    expect(blocked.status).toBe(200);
    expect(blocked.body.data.previous_status).toBe('VERIFIED');
    const [hook] = await eventually(() => {
      const results = callbacks(userId, 'user_verify').filter((h) => h.payload.status === 'FAILED');
      return results.length > 0 && results;
    }, 60_000);
    expect(hook?.payload.data).toMatchObject({ borrower_status: 'BLOCKED' });
    const user = (await partner('GET', `/api/core/users/${userId}`)).body;
    expect(user).toMatchObject({ status: 'BLOCKED', kyc: { status: 'FAILED' } });
    const unblocked = await platform('POST', `/v1/borrowers/${userId}/unblock`, { body: { reason: 'False alarm' } });
    expect(unblocked.body.data.status).toBe('PENDING');
  });

  it('refuses a missing reason (named), an unknown borrower, and unblocking one that is not BLOCKED', async () => {
    const userId = (await partner('POST', '/api/core/users', { body: personalBorrower() })).body.userId;
    const noReason = await platform('POST', `/v1/borrowers/${userId}/block`, { body: {} });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.details[0].field).toBe('reason');
    const unknown = await platform('POST', '/v1/borrowers/bor_00000000000000000000000000/block', {
      body: { reason: 'Fraud' },
    });
    expect(unknown.status).toBe(404);
    const notBlocked = await platform('POST', `/v1/borrowers/${userId}/unblock`, { body: { reason: 'Nothing' } });
    expect(notBlocked.status).toBe(409);
    expect(notBlocked.body.error.code).toBe('borrower_not_blocked');
  });
});
