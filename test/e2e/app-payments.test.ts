/**
 * The borrower app's bills and payments (issue 11 items 15, 17, 18, 19) over HTTP: an app user
 * signed in, the same borrower given a serviced loan through the partner API (locally the app
 * tenant is the sandbox partner), then bills -> payment methods -> a VA paid through the
 * sandbox gateway -> the bill gone; a QRIS paid by the gateway's notification to
 * POST /api/v1/webhooks/payments: forged -> 401 and nothing applied, 20 at once -> applied once.
 * Then, on a fresh loan: one request asked again (20 at once, one by one) is one instruction,
 * and one instruction is paid at most once whichever path reports it (the gateway callback on
 * its VA, the notify webhook, both at once 20 times each).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_SIGNATURE_HEADER } from '#providers/payment-gateways';
import type { LocalRuntime } from '../../lib/local/runtime.ts';
import { appClient } from '../helpers/app-user.ts';
import { type client, eventually, type Reply } from '../helpers/http.ts';
import { gatewaySignature } from '../helpers/repayment.ts';
import { startSandbox } from '../helpers/sandbox.ts';

let runtime: LocalRuntime;
let app: ReturnType<typeof appClient>;
let platform: ReturnType<typeof client>;
let partner: ReturnType<typeof client>;
let user: Awaited<ReturnType<ReturnType<typeof appClient>['signedIn']>>;
let loanId: string;

beforeAll(async () => {
  ({ runtime, platform, partner } = await startSandbox('app-payments'));
  app = appClient(runtime.baseUrl, runtime.credentials.apiKey);
  user = await app.signedIn();
  loanId = await disbursedBnpl(user.userId);
}, 180_000);

afterAll(async () => {
  await runtime?.stop();
});

const statusOf = (id: string, status: string, timeoutMs = 45_000) =>
  eventually(async () => (await partner('GET', `/api/core/loans/details/${id}`)).body.status === status, timeoutMs);

/** A partner BNPL loan for the app user's borrower, signed and disbursed (as partner-loans.test.ts does). */
async function disbursedBnpl(borrowerId: string): Promise<string> {
  const created = await partner('POST', `/api/core/loans/${borrowerId}/bnpl`, {
    body: {
      principal: 3000000,
      currency: 'IDR',
      installments: 4,
      frequency: 'weekly',
      interest_rate: 2,
      rate_period: 'month',
      method: 'flat',
      reference_id: `app-pay-${Date.now()}`,
      merchant_reference: 'merchant-42',
      disbursement_account: { bank_code: 'BCA', account_number: '1234567890', account_name: 'Siti Rahayu' },
    },
  });
  if (created.status !== 201) throw new Error(`loan creation ${created.status} ${JSON.stringify(created.body)}`);
  const id: string = created.body.loanUniqueId;
  await partner('POST', '/api/core/loans/signing/initiate', { body: { loanUniqueId: id } });
  await statusOf(id, 'ACTIVE');
  await partner('POST', `/api/core/loans/${id}/disbursement`);
  await statusOf(id, 'DISBURSED');
  return id;
}

function expectAppError(res: Reply, status: number, code: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body).toMatchObject({ status: 'error', error_code: code, message: expect.any(String) });
  expect(JSON.stringify(res.body)).not.toMatch(/stack|Exception|TABLE|pk"/);
}

const h = (extra: Record<string, string> = {}) => app.as(user.deviceId, user.accessToken, extra);
const bills = async () => {
  const res = await app.http('GET', '/api/v1/loan/bills/outstanding', { headers: h() });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data as { total_outstanding: number; bills: any[] };
};
const generate = (body: Record<string, unknown>) =>
  app.http('POST', '/api/v1/payments/generate', { body, headers: h() });
const scheduleOf = (bill: any) => ({
  schedule_id: bill.bill_id,
  total_installment_paid: bill.total_amount,
  penalty_paid: bill.pinalty_amount,
  amount_paid: bill.total_amount,
});

/** A signed notification body and its header, as the gateway would send it. */
async function signedWebhook(body: Record<string, unknown>, secret?: string) {
  const raw = JSON.stringify(body);
  const key = secret ?? (await platform('GET', '/v1/sandbox/payment-gateway')).body.data.secret;
  return { raw, signature: gatewaySignature(key, raw) };
}
const postWebhook = (raw: string, signature?: string) =>
  fetch(`${runtime.baseUrl}/api/v1/webhooks/payments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(signature ? { 'x-signature': signature } : {}) },
    body: raw,
  }).then(async (r) => ({ status: r.status, body: (await r.json()) as any, headers: r.headers }));

describe('bills and payments, as the app calls them', () => {
  it('lists every unpaid installment of the loan, with pinalty_amount, in Bahasa and in English', async () => {
    const res = await app.http('GET', '/api/v1/loan/bills/outstanding', { headers: h() });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ status: 'success', message: 'Data tagihan aktif berhasil diambil.' });
    const data = res.body.data;
    expect(data.bills).toHaveLength(4);
    expect(data.bills.map((b: any) => b.installment_no)).toEqual([1, 2, 3, 4]);
    for (const bill of data.bills) {
      expect(bill).toMatchObject({ loan_id: loanId, pinalty_amount: 0, status: 'UNPAID' });
      expect(bill.bill_id).toBe(`${loanId}.${bill.installment_no}`);
      expect(bill.total_amount).toBe(bill.amount + bill.pinalty_amount);
      expect(Number.isInteger(bill.amount) && bill.amount > 0).toBe(true);
    }
    expect(data.total_outstanding).toBe(data.bills.reduce((s: number, b: any) => s + b.total_amount, 0));
    // 3,000,000 at 2 % a month flat over 4 weekly installments: principal and interest together.
    expect(data.total_outstanding).toBeGreaterThan(3_000_000);
    const en = await app.http('GET', '/api/v1/loan/bills/outstanding', { headers: h({ 'accept-language': 'en' }) });
    expect(en.body.message).toBe('Active bills retrieved.');
    expectAppError(
      await app.http('GET', '/api/v1/loan/bills/outstanding', { headers: app.as(user.deviceId) }),
      401,
      'UNAUTHORIZED',
    );
  });

  it('lists the payment methods with their fees; id is payment_channel_id', async () => {
    const res = await app.http('GET', '/api/v1/payments/methods', { headers: h() });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({
      status: 'success',
      message: 'Metode pembayaran berhasil diambil.',
      data: {
        payment_methods: [
          { id: 1, code: 'MANDIRI_VA', name: 'Mandiri Virtual Account', category: 'VIRTUAL_ACCOUNT', fee: 2500 },
          { id: 2, code: 'QRIS', name: 'QRIS', category: 'QR_CODE', fee: 0 },
        ],
      },
    });
  });

  it("refuses an unknown method (422), a stale amount, a bill not the user's and an empty choice (400)", async () => {
    const [first] = (await bills()).bills;
    const base = { amount: first.total_amount, loan_repayment_schedules: [scheduleOf(first)] };
    expectAppError(await generate({ ...base, payment_channel_id: 99 }), 422, 'PAYMENT_METHOD_UNAVAILABLE');
    const english = await app.http('POST', '/api/v1/payments/generate', {
      body: { ...base, payment_channel_id: 99 },
      headers: h({ 'accept-language': 'en' }),
    });
    expect(english.body.message).toBe('This payment method is not available.');
    const stale = await generate({ ...base, payment_channel_id: 1, amount: first.total_amount + 1 });
    expectAppError(stale, 400, 'VALIDATION_ERROR');
    expect(stale.body.details[0]).toMatchObject({ field: 'amount' });
    const other = await generate({
      ...base,
      payment_channel_id: 1,
      loan_repayment_schedules: [{ ...scheduleOf(first), schedule_id: 'loan_01jzzzzzzzzzzzzzzzzzzzzzzz.1' }],
    });
    expectAppError(other, 400, 'VALIDATION_ERROR');
    expectAppError(
      await generate({ ...base, payment_channel_id: 1, loan_repayment_schedules: [] }),
      400,
      'VALIDATION_ERROR',
    );
    expect((await bills()).bills).toHaveLength(4);
  });

  it('generates a Mandiri VA for the first bill; paying it through the sandbox gateway pays the bill', async () => {
    const before = await bills();
    const [first] = before.bills;
    const res = await generate({
      payment_channel_id: 1,
      amount: first.total_amount,
      loan_repayment_schedules: [scheduleOf(first)],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({
      status: 'success',
      message: 'Instruksi pembayaran berhasil dibuat.',
      data: {
        payment_id: expect.stringMatching(/^inv_/),
        payment_method: 'MANDIRI_VA',
        payment_code: expect.stringMatching(/^\d{10,20}$/),
        qr_url: null,
        paid_amount: first.total_amount,
        fee: 2500,
        expiry_time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      },
    });
    expect(Date.parse(res.body.data.expiry_time)).toBeGreaterThan(Date.now());
    const paid = await platform('POST', '/v1/sandbox/payments', {
      body: { channel: 'virtual_account', va_number: res.body.data.payment_code, amount: String(first.total_amount) },
    });
    expect(paid.status, JSON.stringify(paid.body)).toBe(202);
    await eventually(async () => (await bills()).bills.length === 3, 30_000);
    const after = await bills();
    expect(after.bills.map((b) => b.installment_no)).toEqual([2, 3, 4]);
    expect(after.total_outstanding).toBe(before.total_outstanding - first.total_amount);
  });

  it('generates a QRIS for the next bill (qr_url is its PNG); the gateway notification is verified, then applied once', async () => {
    const before = await bills();
    const [next] = before.bills;
    const res = await generate({
      payment_channel_id: 2,
      amount: next.total_amount,
      loan_repayment_schedules: [scheduleOf(next)],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.data).toMatchObject({
      payment_method: 'QRIS',
      payment_code: null,
      paid_amount: next.total_amount,
      fee: 0,
    });
    const png = await fetch(res.body.data.qr_url);
    expect(png.status).toBe(200);
    expect([...new Uint8Array(await png.arrayBuffer()).slice(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);

    const notification = {
      reference_no: res.body.data.payment_id,
      status: 'PAID',
      paid_amount: next.total_amount,
      payment_time: new Date().toISOString(),
    };
    // Forged: another secret, no signature, a tampered body under a good signature.
    const forged = await signedWebhook(notification, 'not-the-gateway-secret');
    expectAppError(await postWebhook(forged.raw, forged.signature), 401, 'INVALID_SIGNATURE');
    expectAppError(await postWebhook(forged.raw), 401, 'INVALID_SIGNATURE');
    const good = await signedWebhook(notification);
    const tampered = good.raw.replace(String(next.total_amount), String(next.total_amount * 2));
    expectAppError(await postWebhook(tampered, good.signature), 401, 'INVALID_SIGNATURE');
    expect(await bills()).toEqual(before);

    const unknown = await signedWebhook({ ...notification, reference_no: 'inv_unknown' });
    expectAppError(await postWebhook(unknown.raw, unknown.signature), 404, 'PAYMENT_NOT_FOUND');

    const answers = await Promise.all(Array.from({ length: 20 }, () => postWebhook(good.raw, good.signature)));
    for (const answer of answers) {
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      expect(answer.body).toEqual({ status: 'success', message: 'Webhook received and processed.' });
    }
    const after = await bills();
    expect(after.bills.map((b) => b.installment_no)).toEqual([3, 4]);
    expect(after.total_outstanding).toBe(before.total_outstanding - next.total_amount);
    // A late retry changes nothing either.
    expect((await postWebhook(good.raw, good.signature)).status).toBe(200);
    expect(await bills()).toEqual(after);
  });
});

describe('one payment instruction per request, paid at most once whichever path reports it', () => {
  // A fresh user and loan: the suite above spent the first loan's bills.
  beforeAll(async () => {
    user = await app.signedIn();
    loanId = await disbursedBnpl(user.userId);
  }, 120_000);

  /** The ledger's paid total and its payments, as ops see them. */
  const ledger = async () => {
    const loan = await platform('GET', `/v1/loans/${loanId}`);
    expect(loan.status, JSON.stringify(loan.body)).toBe(200);
    const payments = await platform('GET', `/v1/payments?loan_id=${loanId}&limit=100`);
    expect(payments.status, JSON.stringify(payments.body)).toBe(200);
    return { paidTotal: loan.body.data.paid_total as number, payments: payments.body.data.length as number };
  };
  const vaFor = (chosen: any[]) =>
    generate({
      payment_channel_id: 1,
      amount: chosen.reduce((s, b) => s + b.total_amount, 0),
      loan_repayment_schedules: chosen.map(scheduleOf),
    });
  /** The core gateway callback for a payment to `va`, signed by the app tenant's sandbox gateway account. */
  const gatewayCallback = async (id: string, va: string, amount: number) => {
    const { secret, account_id } = (await platform('GET', '/v1/sandbox/payment-gateway')).body.data;
    const body = JSON.stringify({
      id,
      status: 'PAID',
      channel: 'virtual_account',
      amount: String(amount),
      va_number: va,
      paid_at: new Date().toISOString(),
      sequence: 2,
    });
    const headers = {
      'content-type': 'application/json',
      [SANDBOX_SIGNATURE_HEADER]: gatewaySignature(secret, body),
      'x-lendstack-gateway-account': account_id,
    };
    return () =>
      fetch(`${runtime.baseUrl}/api/core/payment-gateway/sandbox/status`, { method: 'POST', headers, body }).then(
        async (r) => ({ status: r.status, body: (await r.json()) as any }),
      );
  };
  const paidNotification = (paymentId: string, amount: number) =>
    signedWebhook({
      reference_no: paymentId,
      status: 'PAID',
      paid_amount: amount,
      payment_time: new Date().toISOString(),
    });
  const success = { status: 'success', message: 'Webhook received and processed.' };

  it('answers the same payment_id to the same request, 20 at once and one by one; other bills make a new one', async () => {
    const [first, second] = (await bills()).bills;
    const answers = await Promise.all(Array.from({ length: 20 }, () => vaFor([first])));
    for (const answer of answers) expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    expect(new Set(answers.map((a) => a.body.data.payment_id)).size).toBe(1);
    expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1);
    const one = answers[0]?.body.data;
    expect((await vaFor([first])).body).toEqual(answers[0]?.body);

    // Another set of bills on the same VA: a new instruction (the VA now asks its amount), answered again as well.
    const both = await vaFor([first, second]);
    expect(both.status).toBe(201);
    expect(both.body.data.payment_id).not.toBe(one.payment_id);
    expect(both.body.data.payment_code).toBe(one.payment_code);
    expect(both.body.data.paid_amount).toBe(first.total_amount + second.total_amount);
    expect((await vaFor([second, first])).body.data.payment_id).toBe(both.body.data.payment_id);
    // The first bill alone again: the VA was renewed for both since, so the old one is not live: a new one.
    const firstAgain = await vaFor([first]);
    expect([one.payment_id, both.body.data.payment_id]).not.toContain(firstAgain.body.data.payment_id);

    // QRIS: 20 at once, one instruction and one QR.
    const qris = await Promise.all(
      Array.from({ length: 20 }, () =>
        generate({
          payment_channel_id: 2,
          amount: second.total_amount,
          loan_repayment_schedules: [scheduleOf(second)],
        }),
      ),
    );
    for (const answer of qris) expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    expect(new Set(qris.map((a) => a.body.data.payment_id)).size).toBe(1);
    expect(new Set(qris.map((a) => new URL(a.body.data.qr_url).pathname)).size).toBe(1);
    expect((await bills()).bills).toHaveLength(4);
  });

  it('a VA instruction paid through the gateway: its PAID notification then answers 200 and applies nothing', async () => {
    const before = await bills();
    const [first] = before.bills;
    const generated = await vaFor([first]);
    expect(generated.status, JSON.stringify(generated.body)).toBe(201);
    const { payment_id, payment_code } = generated.body.data;
    const ledgerBefore = await ledger();
    const paid = await platform('POST', '/v1/sandbox/payments', {
      body: { channel: 'virtual_account', va_number: payment_code, amount: String(first.total_amount) },
    });
    expect(paid.status, JSON.stringify(paid.body)).toBe(202);
    await eventually(async () => (await bills()).bills.length === before.bills.length - 1, 30_000);
    const after = await bills();
    expect(after.total_outstanding).toBe(before.total_outstanding - first.total_amount);

    const note = await paidNotification(payment_id, first.total_amount);
    for (const answer of await Promise.all([1, 2, 3].map(() => postWebhook(note.raw, note.signature)))) {
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      expect(answer.body).toEqual(success);
    }
    expect(await bills()).toEqual(after);
    expect(await ledger()).toEqual({
      paidTotal: ledgerBefore.paidTotal + first.total_amount,
      payments: ledgerBefore.payments + 1,
    });
    // A paid instruction is no longer live: asking for what is left makes a new one.
    const [next] = after.bills;
    expect((await vaFor([next])).body.data.payment_id).not.toBe(payment_id);
  });

  it('both paths at once, 20 deliveries of each interleaved: the instruction is applied exactly once', async () => {
    const before = await bills();
    const [next] = before.bills;
    const generated = await vaFor([next]);
    const { payment_id, payment_code } = generated.body.data;
    const ledgerBefore = await ledger();
    const callback = await gatewayCallback(`sbp_both_${Date.now()}`, payment_code, next.total_amount);
    const note = await paidNotification(payment_id, next.total_amount);
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        i % 2 ? callback().then((a) => ({ ...a, path: 'gateway' })) : postWebhook(note.raw, note.signature),
      ),
    );
    for (const answer of answers) expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const outcomes = answers.filter((a: any) => a.path === 'gateway').map((a) => a.body.outcome);
    expect(
      outcomes.every((o) => o === 'applied' || o === 'duplicate'),
      outcomes.join(),
    ).toBe(true);
    expect(outcomes.filter((o) => o === 'applied').length).toBeLessThanOrEqual(1);

    const after = await bills();
    expect(after.bills.map((b) => b.installment_no)).toEqual(before.bills.slice(1).map((b) => b.installment_no));
    expect(after.total_outstanding).toBe(before.total_outstanding - next.total_amount);
    expect(await ledger()).toEqual({
      paidTotal: ledgerBefore.paidTotal + next.total_amount,
      payments: ledgerBefore.payments + 1,
    });
    // Late retries of either path change nothing.
    expect((await callback()).body.outcome).toBe('duplicate');
    expect((await postWebhook(note.raw, note.signature)).body).toEqual(success);
    expect(await bills()).toEqual(after);
  });

  it("paid by the notification first: the gateway's report of that money is bound to it, a second transfer to the VA is applied", async () => {
    const before = await bills();
    const [next] = before.bills;
    const generated = await vaFor([next]);
    const { payment_id, payment_code } = generated.body.data;
    const ledgerBefore = await ledger();
    const note = await paidNotification(payment_id, next.total_amount);
    expect((await postWebhook(note.raw, note.signature)).body).toEqual(success);
    expect((await bills()).total_outstanding).toBe(before.total_outstanding - next.total_amount);

    // The gateway reports the same transfer on the VA: bound to the notification's payment, nothing applied.
    const report = await gatewayCallback(`sbp_report_${Date.now()}`, payment_code, next.total_amount);
    expect((await report()).body).toEqual({ received: true, outcome: 'duplicate' });
    expect((await report()).body).toEqual({ received: true, outcome: 'duplicate' });
    expect(await ledger()).toEqual({
      paidTotal: ledgerBefore.paidTotal + next.total_amount,
      payments: ledgerBefore.payments + 1,
    });

    // The borrower transfers to the same VA again: real money, applied (the next bill, then credit).
    const second = await gatewayCallback(`sbp_second_${Date.now()}`, payment_code, next.total_amount);
    expect((await second()).body).toEqual({ received: true, outcome: 'applied' });
    expect(await ledger()).toEqual({
      paidTotal: ledgerBefore.paidTotal + 2 * next.total_amount,
      payments: ledgerBefore.payments + 2,
    });
    expect((await bills()).total_outstanding).toBe(Math.max(0, before.total_outstanding - 2 * next.total_amount));
  });
});
