/**
 * The borrower app's loan submission (issue 11 item 16) over HTTP against the local runtime,
 * as the app calls it: register -> OTP from the sandbox outbox -> KYC upload -> personal info
 * -> login by OTP + PIN -> biometric -> apply limit -> limit -> tenors -> submission ->
 * disbursed (the sandbox autopilot) -> bills -> VA paid through the sandbox gateway -> QRIS
 * paid by the signed webhook -> bills paid. And the abuse: submissions racing for one limit,
 * the same submission 20 times with one Idempotency-Key, the PIN lockout, bad input, a review
 * that refuses (the amount comes back). Every error is checked against the spec's envelope.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../lib/local/runtime.ts';
import { APP_PIN, appClient } from '../helpers/app-user.ts';
import { type client, eventually, type Reply } from '../helpers/http.ts';
import { gatewaySignature } from '../helpers/repayment.ts';
import { startSandbox } from '../helpers/sandbox.ts';

let runtime: LocalRuntime;
let app: ReturnType<typeof appClient>;
let platform: ReturnType<typeof client>;

beforeAll(async () => {
  ({ runtime, platform } = await startSandbox('app-submission'));
  app = appClient(runtime.baseUrl, runtime.credentials.apiKey);
}, 120_000);

afterAll(async () => {
  await runtime?.stop();
});

type User = { deviceId: string; accessToken: string; userId: string; phone: string };

function expectAppError(res: Reply, status: number, code: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body).toMatchObject({ status: 'error', error_code: code, message: expect.any(String) });
  expect(Object.keys(res.body).every((k) => ['status', 'error_code', 'message', 'details', 'data'].includes(k))).toBe(
    true,
  );
  expect(JSON.stringify(res.body)).not.toMatch(/stack|Exception|TABLE|pk"/);
}

const headers = (u: User, extra: Record<string, string> = {}) => app.as(u.deviceId, u.accessToken, extra);
const submit = (u: User, body: Record<string, unknown>, extra: Record<string, string> = {}) =>
  app.http('POST', '/api/v1/loan/submissions', { body, headers: headers(u, extra) });
const limitOf = async (u: User) => (await app.http('GET', '/api/v1/loan/limit', { headers: headers(u) })).body.data;
const billsOf = async (u: User) => {
  const res = await app.http('GET', '/api/v1/loan/bills/outstanding', { headers: headers(u) });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data as { total_outstanding: number; bills: any[] };
};
const SPEC_EXAMPLE = {
  product_id: 'prd_app_cash_loan',
  requested_amount: 8_000_000,
  tenor_months_id: 3,
  promo_id: 3,
  security_pin: APP_PIN,
};

/** A signed-in user whose limit (10,000,000 in the sandbox) is APPROVED. */
async function withLimit(): Promise<User> {
  const user = await app.signedIn();
  const applied = await app.http('POST', '/api/v1/loan/apply-limit', {
    body: { submission_type: 'INITIAL_CREDIT_LIMIT' },
    headers: headers(user),
  });
  expect(applied.status, JSON.stringify(applied.body)).toBe(201);
  await eventually(async () => (await limitOf(user))?.status === 'APPROVED', 30_000);
  return user;
}

describe('loan submission, the whole way to a paid bill', () => {
  it('onboards, logs in by OTP + PIN and biometrics, gets a limit, submits the spec example, is disbursed and pays two bills', async () => {
    const signed = await app.signedIn();
    // Biometric login with a real P-256 key (item 6, 10): the session the rest of the flow uses.
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const challenge = async () =>
      (await app.http('GET', '/api/v1/biometric/challenge', { headers: app.as(signed.deviceId) })).body.data
        .challenge_id as string;
    const registered = await app.http('POST', '/api/v1/biometric/register', {
      body: {
        challenge_id: await challenge(),
        public_key: (publicKey.export({ type: 'spki', format: 'der' }) as Buffer).toString('base64'),
        biometric_type: 'FACE_ID',
      },
      headers: app.as(signed.deviceId, signed.accessToken),
    });
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
    const ch = await challenge();
    const bio = await app.http('POST', '/api/v1/auth/login/biometric', {
      body: {
        challenge_id: ch,
        signature: sign('sha256', Buffer.from(ch), { key: privateKey, dsaEncoding: 'der' }).toString('base64'),
      },
      headers: app.as(signed.deviceId),
    });
    expect(bio.status, JSON.stringify(bio.body)).toBe(200);
    const user: User = { ...signed, accessToken: bio.body.data.access_token };

    // No limit yet: a submission is 404 LIMIT_NOT_FOUND, and nothing is stored.
    expectAppError(await submit(user, SPEC_EXAMPLE), 404, 'LIMIT_NOT_FOUND');
    const applied = await app.http('POST', '/api/v1/loan/apply-limit', {
      body: { submission_type: 'INITIAL_CREDIT_LIMIT' },
      headers: headers(user),
    });
    expect(applied.status).toBe(201);
    await eventually(async () => (await limitOf(user))?.status === 'APPROVED', 30_000);
    expect(await limitOf(user)).toMatchObject({ total_limit: 10_000_000, available_limit: 10_000_000 });
    const tenors = await app.http('GET', '/api/v1/loan/tenors', { headers: headers(user) });
    expect(tenors.body.data.tenor_list[2]).toMatchObject({ id: 3, month: 12, interest_rate: 2 });

    // The spec's example: 8,000,000 at 2 % flat for 12 months, fee 150,000, promo 100,000.
    const res = await submit(user, { ...SPEC_EXAMPLE, some_field_the_app_added: 'ignored' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toEqual({
      status: 'success',
      message: 'Pengajuan pinjaman berhasil dikirim dan sedang dalam peninjauan.',
      data: {
        application_no: expect.stringMatching(/^APP-LN-\d{8}-[0-9A-Z]{10}$/),
        loan_id: expect.stringMatching(/^loan_/),
        loan_title: 'Pinjaman Biaya Pendidikan',
        product_id: 'prd_app_cash_loan',
        requested_amount: 8_000_000,
        tenor_months_id: 3,
        tenor_months: 12,
        applied_interest_rate: 2,
        is_promo_applied: true,
        promo: { promo_id: 3, promo_code: 'PROMO-MERDEKA-2026', promo_discount_amount: 100_000 },
        service_fee_amount: 150_000,
        interest_amount: 1_920_000,
        total_repayment_amount: 9_970_000,
        status: 'UNDER REVIEW',
        applied_at: expect.stringMatching(/^\d{4}-\d\d-\d\d$/),
      },
    });
    const loanId = res.body.data.loan_id as string;
    // Reserved at once.
    expect(await limitOf(user)).toMatchObject({ total_limit: 10_000_000, available_limit: 2_000_000 });

    // The sandbox autopilot reviews, signs and disburses: the ledger opens, the bills appear.
    await eventually(async () => (await billsOf(user)).bills.length === 12, 45_000);
    const bills = await billsOf(user);
    expect(bills.total_outstanding).toBe(9_970_000);
    expect(bills.bills.every((b) => b.loan_id === loanId && b.status === 'UNPAID')).toBe(true);
    const serviced = await platform('GET', `/v1/loans/${loanId}`);
    expect(serviced.status, JSON.stringify(serviced.body)).toBe(200);
    expect(JSON.stringify(serviced.body)).toContain('DISBURSED');
    // Ops see it among the applications, with its workflow (the console's first tab).
    const listed = await platform('GET', '/v1/applications?limit=100');
    expect(listed.body.data.find((a: any) => a.id === loanId)).toMatchObject({
      origin: 'app',
    });

    // Bill 1 by VA through the sandbox gateway.
    const [first, second] = bills.bills;
    const scheduleOf = (b: any) => ({
      schedule_id: b.bill_id,
      total_installment_paid: b.total_amount,
      penalty_paid: b.pinalty_amount,
      amount_paid: b.total_amount,
    });
    const va = await app.http('POST', '/api/v1/payments/generate', {
      body: { payment_channel_id: 1, amount: first.total_amount, loan_repayment_schedules: [scheduleOf(first)] },
      headers: headers(user),
    });
    expect(va.status, JSON.stringify(va.body)).toBe(201);
    const paid = await platform('POST', '/v1/sandbox/payments', {
      body: { channel: 'virtual_account', va_number: va.body.data.payment_code, amount: String(first.total_amount) },
    });
    expect(paid.status, JSON.stringify(paid.body)).toBe(202);
    await eventually(async () => (await billsOf(user)).bills.length === 11, 30_000);

    // Bill 2 by QRIS, paid by the gateway's signed notification.
    const qris = await app.http('POST', '/api/v1/payments/generate', {
      body: { payment_channel_id: 2, amount: second.total_amount, loan_repayment_schedules: [scheduleOf(second)] },
      headers: headers(user),
    });
    expect(qris.status, JSON.stringify(qris.body)).toBe(201);
    const raw = JSON.stringify({
      reference_no: qris.body.data.payment_id,
      status: 'PAID',
      paid_amount: second.total_amount,
      payment_time: new Date().toISOString(),
    });
    const secret = (await platform('GET', '/v1/sandbox/payment-gateway')).body.data.secret as string;
    const hook = await fetch(`${runtime.baseUrl}/api/v1/webhooks/payments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-signature': gatewaySignature(secret, raw) },
      body: raw,
    });
    expect(hook.status).toBe(200);
    const after = await billsOf(user);
    expect(after.bills.map((b) => b.installment_no)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(after.total_outstanding).toBe(9_970_000 - first.total_amount - second.total_amount);
    // The limit comes back when the loan is repaid in full, not per installment.
    expect((await limitOf(user)).available_limit).toBe(2_000_000);
  }, 240_000);
});

describe('the limit after repayment', () => {
  it('comes back in full when the loan is repaid: every bill paid by one signed QRIS notification', async () => {
    const user = await withLimit();
    const res = await submit(user, {
      ...SPEC_EXAMPLE,
      requested_amount: 1_000_000,
      tenor_months_id: 1,
      promo_id: null,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    // 1,000,000 + 2.5 % × 3 + 150,000 fee, no promo.
    expect(res.body.data).toMatchObject({ total_repayment_amount: 1_225_000, is_promo_applied: false, promo: null });
    expect((await limitOf(user)).available_limit).toBe(9_000_000);
    await eventually(async () => (await billsOf(user)).bills.length === 3, 45_000);
    const { bills, total_outstanding } = await billsOf(user);
    expect(total_outstanding).toBe(1_225_000);
    const qris = await app.http('POST', '/api/v1/payments/generate', {
      body: {
        payment_channel_id: 2,
        amount: total_outstanding,
        loan_repayment_schedules: bills.map((b) => ({ schedule_id: b.bill_id })),
      },
      headers: headers(user),
    });
    expect(qris.status, JSON.stringify(qris.body)).toBe(201);
    const raw = JSON.stringify({
      reference_no: qris.body.data.payment_id,
      status: 'PAID',
      paid_amount: total_outstanding,
      payment_time: new Date().toISOString(),
    });
    const secret = (await platform('GET', '/v1/sandbox/payment-gateway')).body.data.secret as string;
    const hook = await fetch(`${runtime.baseUrl}/api/v1/webhooks/payments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-signature': gatewaySignature(secret, raw) },
      body: raw,
    });
    expect(hook.status).toBe(200);
    expect((await billsOf(user)).bills).toHaveLength(0);
    expect(await limitOf(user)).toMatchObject({ total_limit: 10_000_000, available_limit: 10_000_000 });
  }, 180_000);
});

describe('loan submission under abuse', () => {
  it('lets exactly the fitting submissions through when they race for one limit: 1 of 2, then 2 of 20', async () => {
    const user = await withLimit();
    const race = async (n: number, amount: number) => {
      const answers = await Promise.all(
        Array.from({ length: n }, () => submit(user, { ...SPEC_EXAMPLE, requested_amount: amount })),
      );
      for (const a of answers.filter((x) => x.status !== 201)) {
        expectAppError(a, 422, 'INSUFFICIENT_LIMIT');
        expect(a.body.message).toBe('Jumlah pinjaman melebihi sisa limit kredit Anda.');
      }
      const won = answers.filter((a) => a.status === 201);
      expect(new Set(won.map((a) => a.body.data.loan_id)).size).toBe(won.length);
      return won.length;
    };
    // Two submissions of 6,000,000 against 10,000,000: one.
    expect(await race(2, 6_000_000)).toBe(1);
    expect(await limitOf(user)).toMatchObject({ available_limit: 4_000_000 });
    // Twenty of 1,500,000 against the 4,000,000 left: two (the PIN counter lets them all through).
    expect(await race(20, 1_500_000)).toBe(2);
    expect(await limitOf(user)).toMatchObject({ total_limit: 10_000_000, available_limit: 1_000_000 });
    const en = await submit(user, { ...SPEC_EXAMPLE, requested_amount: 1_500_000 }, { 'accept-language': 'en' });
    expectAppError(en, 422, 'INSUFFICIENT_LIMIT');
    expect(en.body).toMatchObject({
      message: 'The loan amount exceeds your remaining credit limit.',
      data: { available_limit: 1_000_000 },
    });
  }, 180_000);

  it('answers the same submission sent 20 times at once with one Idempotency-Key once: one loan, one reservation', async () => {
    const user = await withLimit();
    const key = `sub-${Date.now()}`;
    const body = { ...SPEC_EXAMPLE, requested_amount: 1_000_000 };
    const answers = await Promise.all(Array.from({ length: 20 }, () => submit(user, body, { 'idempotency-key': key })));
    const ok = answers.filter((a) => a.status === 201);
    // Each is the first's answer (a replay), or 409 while the first is still running.
    for (const a of answers.filter((x) => x.status !== 201)) expect(a.status, JSON.stringify(a.body)).toBe(409);
    expect(ok.length).toBeGreaterThan(0);
    expect(new Set(ok.map((a) => a.body.data.loan_id)).size).toBe(1);
    expect(await limitOf(user)).toMatchObject({ available_limit: 9_000_000 });
    const again = await submit(user, body, { 'idempotency-key': key });
    expect(again.body.data.loan_id).toBe(ok[0]?.body.data.loan_id);
    expect(await limitOf(user)).toMatchObject({ available_limit: 9_000_000 });
  }, 180_000);

  it('locks the PIN after 3 wrong ones on submission, the same lockout as login; nothing is reserved', async () => {
    const user = await withLimit();
    const wrong = { ...SPEC_EXAMPLE, security_pin: '135792' };
    const first = await submit(user, wrong);
    expectAppError(first, 401, 'INVALID_PIN');
    expect(first.body.data).toMatchObject({ remaining_attempts: 2, is_locked: false });
    expect((await submit(user, wrong)).body.data).toMatchObject({ remaining_attempts: 1 });
    const third = await submit(user, wrong);
    expectAppError(third, 401, 'PIN_LOCKED');
    expect(third.body.data).toMatchObject({ remaining_attempts: 0, is_locked: true });
    // Locked: the right PIN is refused too, here and at login.
    const right = await submit(user, SPEC_EXAMPLE);
    expectAppError(right, 401, 'PIN_LOCKED');
    expect(right.headers.get('retry-after')).toMatch(/^\d+$/);
    const login = await app.loginToken(user.phone, user.deviceId);
    // A fresh login OTP unlocks it (the login rule), so the login's PIN then works.
    const session = await app.http('POST', '/api/v1/auth/login/verify-pin', {
      body: { pin: APP_PIN },
      headers: app.as(user.deviceId, login),
    });
    expect(session.status, JSON.stringify(session.body)).toBe(200);
    expect(await limitOf(user)).toMatchObject({ available_limit: 10_000_000 });
    expect((await billsOf(user)).bills).toHaveLength(0);
  }, 180_000);

  it('refuses bad input naming the field and the reason, stores nothing, and counts no PIN attempt', async () => {
    const user = await withLimit();
    const missing = await submit(user, { requested_amount: 'lots', security_pin: APP_PIN });
    expectAppError(missing, 400, 'VALIDATION_ERROR');
    expect(missing.body.message).toBe('Data yang Anda masukkan tidak valid.');
    const fields = missing.body.details.map((d: any) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['requested_amount', 'tenor_months_id']));
    for (const d of missing.body.details)
      expect(d).toMatchObject({ field: expect.any(String), message: expect.any(String) });

    const unknown = await submit(
      user,
      { ...SPEC_EXAMPLE, tenor_months_id: 9, promo_id: 77 },
      { 'accept-language': 'en' },
    );
    expectAppError(unknown, 400, 'VALIDATION_ERROR');
    expect(unknown.body.details).toEqual([
      { field: 'tenor_months_id', value: 9, message: 'Tenor not found (see GET /api/v1/loan/tenors).' },
      { field: 'promo_id', value: 77, message: 'Promo not found.' },
    ]);
    expectAppError(await submit(user, { ...SPEC_EXAMPLE, product_id: 'prd_nope' }), 400, 'VALIDATION_ERROR');
    const small = await submit(user, { ...SPEC_EXAMPLE, requested_amount: 1000 });
    expectAppError(small, 400, 'VALIDATION_ERROR');
    expect(small.body.details[0]).toMatchObject({ field: 'requested_amount', value: 1000 });
    const pin = await submit(user, { ...SPEC_EXAMPLE, security_pin: '12ab' });
    expectAppError(pin, 400, 'VALIDATION_ERROR');
    expect(pin.body.details[0].field).toBe('security_pin');
    expect(JSON.stringify(pin.body)).not.toContain('12ab"');
    expectAppError(await submit(user, { ...SPEC_EXAMPLE, requested_amount: 10_000_001 }), 422, 'INSUFFICIENT_LIMIT');
    expectAppError(
      await app.http('POST', '/api/v1/loan/submissions', { body: SPEC_EXAMPLE, headers: app.as(user.deviceId) }),
      401,
      'UNAUTHORIZED',
    );

    // Nothing stored, and the PIN's counter untouched: three wrong ones are still needed to lock it.
    expect(await limitOf(user)).toMatchObject({ available_limit: 10_000_000 });
    const wrong = await submit(user, { ...SPEC_EXAMPLE, security_pin: '135792' });
    expect(wrong.body.data).toMatchObject({ remaining_attempts: 2 });
  }, 180_000);

  it('gives the amount back to the limit when the review refuses the loan (sandbox: an amount ending in 013)', async () => {
    const user = await withLimit();
    const res = await submit(user, { ...SPEC_EXAMPLE, requested_amount: 2_000_013 });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    // Reserved at once; the sandbox review may already have refused it and given it back.
    expect([10_000_000 - 2_000_013, 10_000_000]).toContain((await limitOf(user)).available_limit);
    await eventually(async () => (await limitOf(user)).available_limit === 10_000_000, 30_000);
    expect((await billsOf(user)).bills).toHaveLength(0);
  }, 180_000);
});
