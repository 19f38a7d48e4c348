/**
 * Repayment over HTTP against `npm start`'s runtime: disbursed partner loans are paid through
 * their collection channels (VA, QRIS, payment link) by the sandbox gateway's signed callbacks
 * and by ops' manual payments, serviced on the sandbox clock (OVERDUE, late fees, buckets,
 * reminders), and settled early. Every amount is checked against the loan engine's own
 * arithmetic on the loan's own terms (test/helpers/repayment.ts's LoanModel), to the rupiah;
 * every partner callback is checked once each. One runtime for the whole file; the loans are
 * disbursed in parallel up front, so the file stays well under a minute and a half.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { daysBetween } from '#core/loans/dates';
import { divRound } from '#core/loans/money';
import type { LedgerChange } from '#core/repayment/ledger';
import { parseQris } from '#core/repayment/qris';
import type { LocalRuntime } from '../../lib/local/runtime.ts';
import { personalBorrower } from '../helpers/factories.ts';
import { client, eventually } from '../helpers/http.ts';
import {
  gatewaySignature,
  groupedRupiah,
  isMagicAmount,
  LoanModel,
  payForm,
  twoParts,
  unissuedVaNumber,
} from '../helpers/repayment.ts';
import { startSandbox, subscribe } from '../helpers/sandbox.ts';
import { startReceiver } from '../helpers/webhook-receiver.ts';

let runtime: LocalRuntime;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let partner: ReturnType<typeof client>;
let platform: ReturnType<typeof client>;
let userId: string;

interface Disbursed {
  id: string;
  model: LoanModel;
}
/** The file's loans, disbursed in parallel while the first tests run. */
const loans: Record<
  'vaSingle' | 'overdueBnpl' | 'callbackSingle' | 'magicSingle' | 'rerunBnpl' | 'settleBnpl',
  Promise<Disbursed>
> = {} as never;

beforeAll(async () => {
  receiver = await startReceiver();
  const sandbox = await startSandbox('repayment');
  ({ runtime, platform, partner } = sandbox);
  await subscribe(sandbox, receiver, '/hooks/loans');
  userId = await approvedBorrower();
  loans.vaSingle = disbursedLoan('single');
  loans.overdueBnpl = disbursedLoan('bnpl');
  loans.callbackSingle = disbursedLoan('single');
  loans.magicSingle = disbursedLoan('single');
  loans.rerunBnpl = disbursedLoan('bnpl');
  loans.settleBnpl = disbursedLoan('bnpl');
  // Awaited by the tests that use them; a failure is reported there, not as an unhandled rejection.
  for (const loan of Object.values(loans)) loan.catch(() => undefined);
}, 90_000);

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
const ref = () => `repay-${Date.now()}-${++refs}`;
const account = { bank_code: 'BCA', account_number: '1234567890', account_name: 'Siti Rahayu' };
const singleBody = () => ({
  principal: 1000000,
  currency: 'IDR',
  tenor_days: 30,
  interest_rate: 0.1,
  rate_period: 'day',
  fees: [{ type: 'processing', percent: 2, deduct_from_principal: true }],
  reference_id: ref(),
  disbursement_account: account,
});
const bnplBody = () => ({
  principal: 3000000,
  currency: 'IDR',
  installments: 4,
  frequency: 'weekly',
  interest_rate: 2,
  rate_period: 'month',
  method: 'flat',
  reference_id: ref(),
  merchant_reference: 'merchant-42',
  disbursement_account: account,
});

const details = (id: string) => partner('GET', `/api/core/loans/details/${id}`);
const statusOf = async (id: string, status: string, timeoutMs = 30_000) =>
  eventually(async () => {
    const loan = (await details(id)).body;
    return loan.status === status && loan;
  }, timeoutMs);

/** A loan through signing and disbursal to DISBURSED, with the engine's model of it. */
async function disbursedLoan(kind: 'single' | 'bnpl'): Promise<Disbursed> {
  const created =
    kind === 'single'
      ? await partner('POST', `/api/core/loans/${userId}`, { body: singleBody() })
      : await partner('POST', `/api/core/loans/${userId}/bnpl`, { body: bnplBody() });
  if (created.status !== 201)
    throw new Error(`loan creation answered ${created.status} ${JSON.stringify(created.body)}`);
  const id: string = created.body.loanUniqueId;
  await partner('POST', '/api/core/loans/signing/initiate', { body: { loanUniqueId: id } });
  await statusOf(id, 'ACTIVE');
  await partner('POST', `/api/core/loans/${id}/disbursement`);
  const loan = await statusOf(id, 'DISBURSED', 45_000);
  return { id, model: new LoanModel(loan) };
}

/** The callbacks the partner received for a loan, in arrival order. */
const hooksOf = (loanUniqueId: string) =>
  receiver.received.filter((r) => r.path === '/hooks/loans' && r.payload.data.loanUniqueId === loanUniqueId);
const hooksNamed = (loanUniqueId: string, type: string, status: string) =>
  hooksOf(loanUniqueId).filter((h) => h.payload.type === type && h.payload.status === status);

/**
 * Waits until the loan's `repayment` is the model's, then asserts it (a diff on failure). A
 * callback is asynchronous (the sandbox gateway delivers it from a workflow): the view moves
 * when it lands.
 */
async function ledgerMatches(loan: Disbursed, timeoutMs = 20_000) {
  const want = loan.model.repaymentView();
  let last: any;
  await eventually(async () => {
    last = (await details(loan.id)).body;
    try {
      expect(last.repayment).toMatchObject(want);
      return true;
    } catch {
      return false;
    }
  }, timeoutMs).catch(() => undefined);
  expect(last?.repayment, `loan ${loan.id} at ${loan.model.today()}`).toMatchObject(want);
  return last;
}

/** The platform API's ledger fields of a loan (GET /v1/loans/{id}), as the model has them. */
function platformLedger(model: LoanModel) {
  const r = model.repaymentView();
  return {
    status: model.ledger.status,
    outstanding: r.outstanding,
    days_past_due: r.days_past_due,
    delinquency_bucket: r.delinquency_bucket,
    credit: r.credit,
  };
}

/** Asks the sandbox gateway to pay, as a developer would; answers the gateway's payment id. */
async function sandboxPay(body: Record<string, unknown>): Promise<string> {
  const res = await platform('POST', '/v1/sandbox/payments', { body });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  expect(res.body.data).toMatchObject({ id: expect.any(String), status: 'PENDING' });
  return res.body.data.id;
}

/** The partner callbacks a model's ledger changes must produce (the contract's event table). */
function expectedHooks(kind: 'loan' | 'bnpl', changes: LedgerChange[]) {
  return changes.flatMap((c): { type: string; status: string; data: Record<string, unknown> }[] => {
    switch (c.kind) {
      case 'installment_overdue':
        return [{ type: kind, status: 'INSTALLMENT_OVERDUE', data: { installment: c.number } }];
      case 'overdue':
        return [{ type: kind, status: 'OVERDUE', data: { days_past_due: c.daysPastDue } }];
      case 'bucket_changed':
        return [{ type: kind, status: 'DELINQUENCY_CHANGED', data: { delinquency_bucket: c.to } }];
      case 'payment_due':
        return [{ type: 'payment_due', status: 'DUE', data: { installment: c.number, due_date: c.dueDate } }];
      case 'installment_partially_paid':
        return [{ type: kind, status: 'INSTALLMENT_PARTIALLY_PAID', data: { installment: c.number } }];
      case 'installment_paid':
        return [{ type: kind, status: 'INSTALLMENT_PAID', data: { installment: c.number } }];
      default:
        return [];
    }
  });
}
const SERVICING_HOOKS = new Set([
  'INSTALLMENT_OVERDUE',
  'OVERDUE',
  'DELINQUENCY_CHANGED',
  'DUE',
  'INSTALLMENT_PARTIALLY_PAID',
  'INSTALLMENT_PAID',
]);
/** The loan's servicing and installment callbacks received so far, as [type, status, data] for comparison. */
const servicingHooks = (loanUniqueId: string) =>
  hooksOf(loanUniqueId)
    .filter((h) => SERVICING_HOOKS.has(h.payload.status))
    .map((h) => ({ type: h.payload.type, status: h.payload.status, data: h.payload.data }));
const byKey = (h: { type: string; status: string; data: Record<string, unknown> }) =>
  `${h.type}/${h.status}/${h.data.installment ?? ''}/${h.data.due_date ?? ''}`;

/** Waits until the loan has heard exactly these servicing callbacks (each once), then asserts them. */
async function heardExactly(loanUniqueId: string, expected: ReturnType<typeof expectedHooks>) {
  const sorted = (list: ReturnType<typeof expectedHooks>) => [...list].sort((a, b) => (byKey(a) < byKey(b) ? -1 : 1));
  await eventually(() => servicingHooks(loanUniqueId).length >= expected.length, 15_000).catch(() => undefined);
  await runtime.settle();
  const got = sorted(servicingHooks(loanUniqueId));
  expect(got.map(byKey)).toEqual(sorted(expected).map(byKey));
  expect(got).toMatchObject(sorted(expected));
}

/**
 * The hosted payment page of a link: 200 HTML showing the amount due, with the sandbox pay form
 * posting that amount. Checked softly (the test goes on without the form when the page fails).
 */
async function pageForm(url: string, due: bigint) {
  const page = await fetch(url);
  const html = await page.text();
  expect.soft(page.status, html.slice(0, 300)).toBe(200);
  expect.soft(page.headers.get('content-type')).toMatch(/^text\/html/);
  expect.soft(html).toContain(groupedRupiah(due));
  const form = page.status === 200 ? payForm(html, url) : null;
  expect.soft(form, 'the sandbox page has a pay form').not.toBeNull();
  expect.soft(form?.fields.amount).toBe(due.toString());
  return form;
}

async function advance(loan: Disbursed, days: number) {
  const res = await platform('POST', `/v1/sandbox/loans/${loan.id}/advance-time`, { body: { days } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const changes = loan.model.advance(days);
  return { res, changes };
}

describe('repayment', () => {
  it('pays a single-payment loan by VA in two parts: PARTIALLY_PAID with the rest outstanding, then REPAID with its callback', async () => {
    const loan = await loans.vaSingle;
    const { model } = loan;
    const first = await ledgerMatches(loan);
    // The disbursed loan's schedule is the engine's for its own terms from the disbursal day.
    expect(first.schedule).toEqual(model.scheduleView());
    expect(first.repayment.installments[0].status).toBe('DUE');

    // To the due date: the reminders 3 and 1 days before and on the day go out, nothing is late yet.
    const dueDate = model.schedule.installments[0]!.dueDate;
    const toDue = await advance(loan, daysBetween(model.today(), dueDate));
    expect(toDue.res.body.data).toMatchObject(platformLedger(model));
    await ledgerMatches(loan);
    expect(model.ledger.daysPastDue).toBe(0);

    const va = await partner('POST', `/api/core/loans/${loan.id}/virtual-account`, { body: { bank_code: 'BCA' } });
    expect(va.status, JSON.stringify(va.body)).toBe(201);
    const total = model.due();
    expect(total).toBe(model.schedule.totals.total);
    expect(va.body).toMatchObject({
      va_number: expect.stringMatching(/^12345\d{11}$/),
      bank_code: 'BCA',
      amount: model.major(total),
      partner_service_id: '   12345',
      customer_no: expect.stringMatching(/^\d{11}$/),
    });
    expect(`${va.body.partner_service_id.trim()}${va.body.customer_no}`).toBe(va.body.va_number);
    expect(Date.parse(va.body.expires_at)).toBeGreaterThan(Date.now());
    // Asked again while it is live and nothing is paid: the same VA, unchanged.
    const again = await partner('POST', `/api/core/loans/${loan.id}/virtual-account`, { body: { bank_code: 'BCA' } });
    expect(again.body.va_number).toBe(va.body.va_number);
    expect.soft(again.body, 'the live VA answered unchanged').toEqual(va.body);

    const [part1, part2] = twoParts(total);
    const changes: LedgerChange[] = [...toDue.changes];
    await sandboxPay({ channel: 'virtual_account', va_number: va.body.va_number, amount: model.major(part1) });
    changes.push(...model.pay(part1).changes);
    const partly = await ledgerMatches(loan);
    expect(partly.status).toBe('DISBURSED');
    expect(partly.repayment.outstanding).toBe(model.major(total - part1));
    expect(partly.repayment.installments[0].status).toBe('PARTIALLY_PAID');

    // The same VA for the rest, its amount now what is left.
    const rest = await partner('POST', `/api/core/loans/${loan.id}/virtual-account`, { body: { bank_code: 'BCA' } });
    expect(rest.body).toMatchObject({ va_number: va.body.va_number, amount: model.major(part2) });
    await sandboxPay({ channel: 'virtual_account', va_number: va.body.va_number, amount: model.major(part2) });
    changes.push(...model.pay(part2).changes);
    expect(model.ledger.status).toBe('REPAID');
    await ledgerMatches(loan);
    // The view reads the loan, then its ledger: the status is awaited on its own, not taken
    // from the response in which the ledger first showed the last payment.
    const repaid = await statusOf(loan.id, 'REPAID', 5_000);
    expect(repaid.repayment).toMatchObject({ ...model.repaymentView(), outstanding: 0, credit: 0 });
    expect(repaid.status_history.at(-1).status).toBe('REPAID');

    const platformView = await platform('GET', `/v1/loans/${loan.id}`);
    expect(platformView.status).toBe(200);
    expect(platformView.body.data).toMatchObject({ id: loan.id, ...platformLedger(model) });
    const payments = await platform('GET', `/v1/payments?loan_id=${loan.id}`);
    expect(payments.status).toBe(200);
    expect(payments.body.meta).toMatchObject({ total: 2 });
    expect(payments.body.data.map((p: any) => Number(p.amount)).sort((a: number, b: number) => a - b)).toEqual(
      [model.major(part1), model.major(part2)].sort((a, b) => a - b),
    );
    expect(payments.body.data.every((p: any) => p.channel === 'virtual_account')).toBe(true);

    // Callbacks: REPAID once, in the loan's status sequence; a payment_gateway PAID per payment.
    const repaidHook = await eventually(() => hooksNamed(loan.id, 'loan', 'REPAID')[0]);
    expect(repaidHook.signatureOk && repaidHook.authKeyOk).toBe(true);
    expect(repaidHook.payload.data.sequence).toBe(repaid.status_history.length);
    await heardExactly(loan.id, expectedHooks('loan', changes));
    expect(hooksNamed(loan.id, 'loan', 'REPAID')).toHaveLength(1);
    const paid = hooksNamed(loan.id, 'payment_gateway', 'PAID');
    expect(paid.map((h) => h.payload.data.amount).sort()).toEqual([model.major(part1), model.major(part2)].sort());
  });

  it('takes a weekly BNPL 10 days ahead: installment 1 OVERDUE with its late fee, 3 days past due in 1-30, then paid by QRIS and payment link to REPAID', async () => {
    const loan = await loans.overdueBnpl;
    const { model } = loan;
    const start = await ledgerMatches(loan);
    expect(start.schedule).toEqual(model.scheduleView());
    expect(model.schedule.installments).toHaveLength(4);

    const { res, changes } = await advance(loan, 10);
    const first = model.ledger.installments[0]!;
    // From the dates: due on day 7, today is day 10.
    const daysPastDue = daysBetween(first.dueDate, model.today());
    expect(daysPastDue).toBe(3);
    expect(res.body.data).toMatchObject({ ...platformLedger(model), days_past_due: 3, delinquency_bucket: '1-30' });
    const overdue = await ledgerMatches(loan);
    expect(overdue.repayment.installments.map((i: any) => i.status)).toEqual(['OVERDUE', 'DUE', 'DUE', 'DUE']);
    // The late fee by the product's policy: percentPerDay of what installment 1 owes, each day past the grace.
    const { percentPerDay, graceDays } = model.policy.lateFee;
    const owed = model.schedule.installments[0]!.total;
    const feeDays = daysPastDue - graceDays;
    expect(feeDays).toBe(2);
    const fee = BigInt(feeDays) * divRound(owed * percentPerDay.num, percentPerDay.den * 100n, 'half_even');
    expect(fee).toBeGreaterThan(0n);
    expect(overdue.repayment.installments[0].due.penalty).toBe(model.major(fee));
    expect(overdue.repayment.late_fees_charged).toBe(model.major(fee));
    expect(overdue.repayment.late_fee_cap_reached).toBe(false);
    await heardExactly(loan.id, expectedHooks('bnpl', changes));
    expect(hooksNamed(loan.id, 'bnpl', 'INSTALLMENT_OVERDUE')).toHaveLength(1);
    expect(hooksNamed(loan.id, 'bnpl', 'OVERDUE')[0]?.payload.data).toMatchObject({ days_past_due: 1 });
    const bucketHook = hooksNamed(loan.id, 'bnpl', 'DELINQUENCY_CHANGED');
    expect(bucketHook.map((h) => h.payload.data.delinquency_bucket)).toEqual(['1-30']);

    const paidChanges: LedgerChange[] = [];
    const paymentsMade: { channel: string; amount: number }[] = [];

    // QRIS for what is due now: installment 1 with its late fee.
    const qris = await partner('POST', `/api/core/loans/${loan.id}/qris`);
    expect(qris.status, JSON.stringify(qris.body)).toBe(201);
    const due1 = model.due();
    expect(due1).toBe(owed + fee);
    expect(qris.body.amount).toBe(model.major(due1));
    const parsed = parseQris(qris.body.qr_string);
    expect(parsed.crcValid).toBe(true);
    expect(parsed.amount).toBe(due1);
    const png = await fetch(qris.body.qr_image_url);
    expect(png.status).toBe(200);
    expect(png.headers.get('content-type')).toBe('image/png');
    expect([...new Uint8Array(await png.arrayBuffer()).slice(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    await sandboxPay({ channel: 'qris', qr_string: qris.body.qr_string, amount: qris.body.amount });
    paidChanges.push(...model.pay(due1).changes);
    paymentsMade.push({ channel: 'qris', amount: model.major(due1) });
    const afterQris = await ledgerMatches(loan, isMagicAmount(due1) ? 30_000 : 20_000);
    expect(afterQris.repayment.installments[0].status).toBe('PAID');
    expect(afterQris.repayment).toMatchObject({ days_past_due: 0, delinquency_bucket: 'CURRENT' });

    // The payment link for each installment after: the first through the hosted page's form.
    for (let n = 0; model.ledger.status !== 'REPAID'; n++) {
      expect(n).toBeLessThan(4);
      const link = await partner('POST', `/api/core/loans/${loan.id}/payment-link`);
      expect(link.status, JSON.stringify(link.body)).toBe(201);
      const due = model.due();
      expect(link.body.amount).toBe(model.major(due));
      expect(Date.parse(link.body.expires_at)).toBeGreaterThan(Date.now());
      // The first through the hosted page's own form; soft, so a broken page still lets the rest be checked.
      const form = n === 0 ? await pageForm(link.body.url, due) : null;
      if (form) {
        const posted = await fetch(form.action, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(link.body.url).origin },
          body: new URLSearchParams(form.fields).toString(),
          redirect: 'manual',
        });
        expect(posted.status, await posted.clone().text()).toBeLessThan(400);
      } else {
        await sandboxPay({ channel: 'payment_link', url: link.body.url, amount: link.body.amount });
      }
      paidChanges.push(...model.pay(due).changes);
      paymentsMade.push({ channel: 'payment_link', amount: model.major(due) });
      await ledgerMatches(loan, isMagicAmount(due) ? 30_000 : 20_000);
    }

    const repaid = await statusOf(loan.id, 'REPAID', 5_000);
    expect(repaid.repayment).toMatchObject(model.repaymentView());
    const payments = await platform('GET', `/v1/payments?loan_id=${loan.id}`);
    expect(payments.body.meta).toMatchObject({ total: paymentsMade.length });
    const listed = payments.body.data.map((p: any) => ({ channel: p.channel, amount: Number(p.amount) }));
    const order = (a: { channel: string; amount: number }, b: { channel: string; amount: number }) =>
      a.channel === b.channel ? a.amount - b.amount : a.channel < b.channel ? -1 : 1;
    expect(listed.sort(order)).toEqual([...paymentsMade].sort(order));
    const qrisOnly = await platform('GET', `/v1/payments?loan_id=${loan.id}&channel=qris`);
    expect(qrisOnly.body.meta).toMatchObject({ total: 1 });

    const repaidHook = await eventually(() => hooksNamed(loan.id, 'bnpl', 'REPAID')[0], 10_000);
    expect(repaidHook.payload.data.sequence).toBe(repaid.status_history.length);
    await heardExactly(loan.id, expectedHooks('bnpl', [...changes, ...paidChanges]));
    expect(hooksNamed(loan.id, 'payment_gateway', 'PAID')).toHaveLength(paymentsMade.length);
  });

  it('refuses forged callbacks with 401 and applies nothing; the same signed callback 20 times at once is applied once', async () => {
    const loan = await loans.callbackSingle;
    const { model } = loan;
    const gateway = await platform('GET', '/v1/sandbox/payment-gateway');
    expect(gateway.status, JSON.stringify(gateway.body)).toBe(200);
    expect(gateway.body.data).toMatchObject({
      account_id: runtime.credentials.partnerId,
      secret: expect.any(String),
      callback_url: `${runtime.baseUrl}/api/core/payment-gateway/sandbox/status`,
      signature_header: 'x-lendstack-gateway-signature',
    });
    const { secret, callback_url: callbackUrl, account_id: accountId } = gateway.body.data;
    const va = await partner('POST', `/api/core/loans/${loan.id}/virtual-account`, { body: { bank_code: 'BNI' } });
    expect(va.status, JSON.stringify(va.body)).toBe(201);
    const amount = 100000n;
    const body = JSON.stringify({
      id: `gw-${loan.id}`,
      status: 'PAID',
      channel: 'virtual_account',
      amount: model.major(amount),
      va_number: va.body.va_number,
      paid_at: new Date().toISOString(),
      sequence: 1,
    });
    const post = (headers: Record<string, string>, payload = body) =>
      fetch(callbackUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: payload,
      });
    const before = await ledgerMatches(loan);
    const now = Math.floor(Date.now() / 1000);
    const forgeries: [string, Record<string, string>, string?][] = [
      ['a wrong secret', { 'x-lendstack-gateway-signature': gatewaySignature(`${secret}x`, body) }],
      ['a stale timestamp', { 'x-lendstack-gateway-signature': gatewaySignature(secret, body, now - 3600) }],
      ['no signature', {}],
      [
        'a body changed after signing',
        { 'x-lendstack-gateway-signature': gatewaySignature(secret, body) },
        body.replace('"amount":100000', '"amount":1030000'),
      ],
    ];
    expect(forgeries[3]?.[2]).not.toBe(body);
    for (const [what, headers, payload] of forgeries) {
      const res = await post({ 'x-lendstack-gateway-account': accountId, ...headers }, payload);
      const answer: any = await res.json();
      expect(res.status, what).toBe(401);
      expect(answer.error?.code, what).toBe('invalid_gateway_signature');
    }
    const noAccount = await post({ 'x-lendstack-gateway-signature': gatewaySignature(secret, body) });
    expect(noAccount.status, 'no account header').toBe(401);
    await runtime.settle();
    expect((await details(loan.id)).body.repayment).toEqual(before.repayment);
    expect((await platform('GET', `/v1/payments?loan_id=${loan.id}`)).body.meta).toMatchObject({ total: 0 });
    expect(hooksNamed(loan.id, 'payment_gateway', 'PAID')).toHaveLength(0);

    // The genuine callback, delivered 20 times at once (each freshly signed, as a retrying gateway would).
    const answers = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const res = await post({
          'x-lendstack-gateway-account': accountId,
          'x-lendstack-gateway-signature': gatewaySignature(secret, body),
        });
        return { status: res.status, body: (await res.json()) as any };
      }),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    expect(answers.every((a) => a.body.received === true)).toBe(true);
    const outcomes = answers.map((a) => a.body.outcome);
    expect(outcomes.filter((o) => o === 'applied')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(19);
    model.pay(amount);
    await ledgerMatches(loan);
    await runtime.settle();
    const after = (await details(loan.id)).body;
    expect(after.repayment.outstanding).toBe(model.major(model.schedule.totals.total - amount));
    const payments = await platform('GET', `/v1/payments?loan_id=${loan.id}`);
    expect(payments.body.meta).toMatchObject({ total: 1 });
    expect(payments.body.data).toHaveLength(1);
    expect(Number(payments.body.data[0].amount)).toBe(model.major(amount));
    expect(hooksNamed(loan.id, 'payment_gateway', 'PAID')).toHaveLength(1);
  });

  it("applies the sandbox gateway's duplicated (992) and out-of-order (993) deliveries once each", async () => {
    const loan = await loans.magicSingle;
    const { model } = loan;
    await ledgerMatches(loan);
    const va = await partner('POST', `/api/core/loans/${loan.id}/virtual-account`, { body: { bank_code: 'BRI' } });
    expect(va.status, JSON.stringify(va.body)).toBe(201);
    let payments = 0;
    for (const amount of [200992n, 300993n]) {
      expect(isMagicAmount(amount)).toBe(true);
      const id = await sandboxPay({ channel: 'virtual_account', va_number: va.body.va_number, amount: Number(amount) });
      model.pay(amount);
      payments += 1;
      await ledgerMatches(loan);
      // Every planned delivery made (three at once; the stale PENDING 2 s after the PAID): still applied once.
      await runtime.settle();
      expect((await details(loan.id)).body.repayment).toMatchObject(model.repaymentView());
      const listed = await platform('GET', `/v1/payments?loan_id=${loan.id}`);
      expect(listed.body.meta).toMatchObject({ total: payments });
      expect(listed.body.data.filter((p: any) => p.provider_payment_id === id)).toHaveLength(1);
    }
    expect(hooksNamed(loan.id, 'payment_gateway', 'PAID')).toHaveLength(payments);
  });

  it('answers 404 to the sandbox clock and the sandbox gateway for a live key', async () => {
    const loan = await loans.magicSingle;
    const partners = await import('#store/partners');
    const live = await partners.issueCredential(runtime.credentials.partnerId, 'live');
    const liveKey = client(runtime.baseUrl, { authorization: `Bearer ${live.apiKey}` });
    const before = (await details(loan.id)).body.repayment;
    const res = await liveKey('POST', `/v1/sandbox/loans/${loan.id}/advance-time`, { body: { days: 5 } });
    expect(res.status).toBe(404);
    expect((await liveKey('GET', '/v1/sandbox/payment-gateway')).status).toBe(404);
    expect((await details(loan.id)).body.repayment).toEqual(before);
  });

  it('changes nothing when servicing runs again for the same day (advance-time 0): the same ledger, no new callbacks', async () => {
    const loan = await loans.rerunBnpl;
    const { model } = loan;
    const { changes } = await advance(loan, 9);
    const serviced = await ledgerMatches(loan);
    await heardExactly(loan.id, expectedHooks('bnpl', changes));
    const heard = hooksOf(loan.id).length;
    const platformBefore = (await platform('GET', `/v1/loans/${loan.id}`)).body.data;

    for (let i = 0; i < 2; i++) {
      const { res, changes: none } = await advance(loan, 0);
      expect(none).toEqual([]);
      expect(res.body.data).toMatchObject(platformLedger(model));
    }
    await runtime.settle();
    const again = (await details(loan.id)).body;
    expect(again.repayment).toEqual(serviced.repayment);
    expect(again.status).toBe(serviced.status);
    const platformAfter = (await platform('GET', `/v1/loans/${loan.id}`)).body.data;
    expect(platformAfter.installments).toEqual(platformBefore.installments);
    expect(platformLedgerOf(platformAfter)).toEqual(platformLedgerOf(platformBefore));
    // Deliveries are asynchronous: give a stray one time to arrive before counting.
    await new Promise((r) => setTimeout(r, 1000));
    await runtime.settle();
    expect(hooksOf(loan.id)).toHaveLength(heard);
  });

  it('records a payment to an unknown VA as a payment exception and applies it nowhere', async () => {
    const vaNumber = unissuedVaNumber();
    const loansBefore = await platform('GET', '/v1/loans?limit=100');
    expect(loansBefore.status).toBe(200);
    const paymentsBefore = (await platform('GET', '/v1/payments?limit=100')).body.meta.total;
    const exceptionsBefore = await platform('GET', '/v1/payment-exceptions');
    expect(exceptionsBefore.status).toBe(200);
    const amount = 250000;
    const paymentId = await sandboxPay({ channel: 'virtual_account', va_number: vaNumber, amount });

    const exception = await eventually(async () => {
      const list = await platform('GET', '/v1/payment-exceptions?limit=100');
      return list.body.data.find((e: any) => JSON.stringify(e).includes(vaNumber));
    }, 20_000);
    expect(JSON.stringify(exception)).toContain(paymentId);
    expect(Number(exception.amount)).toBe(amount);
    expect(exception.reason).toBe('UNKNOWN_CHANNEL');
    const exceptionsAfter = await platform('GET', '/v1/payment-exceptions');
    expect(exceptionsAfter.body.meta.total).toBe(exceptionsBefore.body.meta.total + 1);

    await runtime.settle();
    expect((await platform('GET', '/v1/payments?limit=100')).body.meta.total).toBe(paymentsBefore);
    const loansAfter = await platform('GET', '/v1/loans?limit=100');
    // Tests run one at a time: no loan is being paid now, so every ledger is as it was.
    const ledgers = (list: any[]) => new Map(list.map((l) => [l.id, platformLedgerOf(l)]));
    const was = ledgers(loansBefore.body.data);
    const now = ledgers(loansAfter.body.data);
    expect(was.size).toBeGreaterThan(0);
    for (const [id, ledger] of was) expect(now.get(id), id).toEqual(ledger);
  });

  it('keeps an overpayment as credit; a mid-term settlement quote is less than the outstanding (interest to that date) and paying it settles the loan', async () => {
    const loan = await loans.settleBnpl;
    const { model } = loan;
    // A week on: installment 1 due today, installments 2-4 ahead.
    const dueDate = model.schedule.installments[0]!.dueDate;
    await advance(loan, daysBetween(model.today(), dueDate));
    await ledgerMatches(loan);

    // Ops record installment 1 in cash; the same reference again is the same payment, applied once.
    const due1 = model.due();
    const reference = `cash-${loan.id}`;
    const manual = { amount: model.major(due1), method: 'cash', reference };
    const paid = await platform('POST', `/v1/loans/${loan.id}/payments`, { body: manual });
    expect(paid.status, JSON.stringify(paid.body)).toBe(201);
    const repeat = await platform('POST', `/v1/loans/${loan.id}/payments`, { body: manual });
    expect([200, 201]).toContain(repeat.status);
    expect(repeat.body.data.id ?? repeat.body.data.payment_id).toBe(paid.body.data.id ?? paid.body.data.payment_id);
    model.pay(due1);
    await ledgerMatches(loan);

    // The quote for today, mid-term: interest only to today, the future periods' interest waived.
    const today = model.today();
    expect(today < model.schedule.installments.at(-1)!.dueDate).toBe(true);
    const quote = await platform('POST', `/v1/loans/${loan.id}/settlement-quote`, { body: { date: today } });
    expect(quote.status, JSON.stringify(quote.body)).toBe(200);
    const want = model.quote(today);
    expect(quote.body.data).toMatchObject({
      amount: model.major(want.amount),
      principal: model.major(want.principal),
      accrued_interest: model.major(want.accruedInterest),
      fees: model.major(want.fees),
      penalties: model.major(want.penalties),
      waived_interest: model.major(want.waivedInterest),
      waived_fees: model.major(want.waivedFees),
    });
    expect(want.waivedInterest).toBeGreaterThan(0n);
    expect(want.amount).toBeLessThan(model.outstanding());
    expect(quote.body.data.amount).toBeLessThan((await details(loan.id)).body.repayment.outstanding);

    // Paid with a little more than asked: the loan settles and the rest is the borrower's credit.
    const extra = 25000n;
    const settle = await platform('POST', `/v1/loans/${loan.id}/payments`, {
      body: { amount: model.major(want.amount + extra), method: 'bank_transfer', reference: `bt-${loan.id}` },
    });
    expect(settle.status, JSON.stringify(settle.body)).toBe(201);
    const { toCredit } = model.pay(want.amount + extra);
    expect(toCredit).toBe(extra);
    expect(model.ledger.status).toBe('REPAID');
    await ledgerMatches(loan);
    const settled = await statusOf(loan.id, 'REPAID', 5_000);
    expect(settled.repayment).toMatchObject({ outstanding: 0, credit: model.major(extra) });
    const platformView = (await platform('GET', `/v1/loans/${loan.id}`)).body.data;
    expect(platformView).toMatchObject(platformLedger(model));
    expect((await platform('GET', `/v1/payments?loan_id=${loan.id}`)).body.meta).toMatchObject({ total: 2 });
    await eventually(() => hooksNamed(loan.id, 'bnpl', 'REPAID').length === 1, 10_000);
  });

  it('lists the loans by status, bucket and borrower with exact totals and pages', async () => {
    const mine = await Promise.all(Object.values(loans));
    const views = await Promise.all(mine.map(async (l) => (await platform('GET', `/v1/loans/${l.id}`)).body.data));
    const ids = (list: any[]) => list.map((l: any) => l.id).sort();
    const all = await platform('GET', `/v1/loans?borrower_id=${userId}&limit=100`);
    expect(all.status).toBe(200);
    expect(ids(all.body.data)).toEqual(ids(views));
    expect(all.body.meta).toEqual({ total: views.length, limit: 100, offset: 0 });
    for (const [param, field] of [
      ['status', 'status'],
      ['delinquency_bucket', 'delinquency_bucket'],
    ] as const) {
      for (const value of new Set(views.map((v) => v[field]))) {
        const res = await platform('GET', `/v1/loans?${param}=${encodeURIComponent(value)}&limit=100`);
        expect(ids(res.body.data), `${param}=${value}`).toEqual(ids(views.filter((v) => v[field] === value)));
        expect(res.body.meta.total, `${param}=${value}`).toBe(views.filter((v) => v[field] === value).length);
      }
    }
    const page = await platform('GET', '/v1/loans?limit=2&offset=1');
    expect(page.body.meta).toEqual({ total: views.length, limit: 2, offset: 1 });
    expect(page.body.data).toHaveLength(2);
  });
});

/** The ledger fields of a platform loan view. */
const platformLedgerOf = (v: any) => ({
  status: v.status,
  outstanding: v.outstanding,
  days_past_due: v.days_past_due,
  delinquency_bucket: v.delinquency_bucket,
  credit: v.credit,
});
