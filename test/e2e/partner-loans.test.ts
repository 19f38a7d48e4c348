/**
 * Partner API loans over HTTP against `npm start`'s runtime: an APPROVED borrower takes a
 * single-payment and a weekly BNPL loan, each goes PENDING -> SIGNING -> ACTIVE -> DISBURSED
 * through one execution of the application workflow, and the partner's webhook hears every
 * status change, signed and in order. Around it: refusals, rejection, concurrency, tenancy,
 * the sandbox's magic reference_id endings, and the cost of one loan.
 */
import { GetExecutionHistoryCommand, type HistoryEvent, ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../lib/local/runtime.ts';
import { personalBorrower } from '../helpers/factories.ts';
import { type client, eventually } from '../helpers/http.ts';
import { partnerClient, startSandbox, subscribe } from '../helpers/sandbox.ts';
import { startReceiver } from '../helpers/webhook-receiver.ts';

let runtime: LocalRuntime;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let partner: ReturnType<typeof client>;
let platform: ReturnType<typeof client>;
const WRITES = /^(PutItem|UpdateItem|DeleteItem|TransactWriteItems|BatchWriteItem)Command$/;
const writes = new Map<string, number>();
let counting = false;

type KeyOf = { Key?: { pk?: unknown }; Item?: { pk?: unknown } };
type WriteInput = KeyOf & {
  TransactItems?: { Put?: KeyOf; Update?: KeyOf; Delete?: KeyOf; ConditionCheck?: KeyOf }[];
};
/** The partition keys a write request touches. */
const keysOf = (input: WriteInput): string[] => {
  const one = (i?: KeyOf) => String(i?.Key?.pk ?? i?.Item?.pk ?? '');
  if (input.TransactItems)
    return input.TransactItems.map((t) => one(t.Put ?? t.Update ?? t.Delete ?? t.ConditionCheck));
  return [one(input)];
};

beforeAll(async () => {
  receiver = await startReceiver();
  const sandbox = await startSandbox('loans');
  ({ runtime, platform, partner } = sandbox);
  await subscribe(sandbox, receiver, '/hooks/loans');
  // Handlers and workflow tasks run in this process: count what one loan writes.
  const { ddb } = await import('#store/client');
  ddb.middlewareStack.add(
    (next, context) => async (args) => {
      const name = String(context.commandName);
      if (counting && WRITES.test(name)) {
        const keys = keysOf(args.input as WriteInput);
        const label = keys[0]?.startsWith('RATE#') ? 'rate-limit UpdateItem' : name.replace(/Command$/, '');
        writes.set(label, (writes.get(label) ?? 0) + 1);
        const items = (args.input as { TransactItems?: unknown[] }).TransactItems;
        if (items) writes.set('items in transactions', (writes.get('items in transactions') ?? 0) + items.length);
        // The loan's own writes, apart from the webhook deliveries of its callbacks (EVT# items).
        if (!label.startsWith('rate-limit') && !keys.every((k) => k.includes('#EVT#'))) {
          writes.set('loan requests', (writes.get('loan requests') ?? 0) + 1);
          writes.set('loan items', (writes.get('loan items') ?? 0) + keys.length);
        }
      }
      return next(args);
    },
    { step: 'initialize', name: 'countLoanWrites' },
  );
});

afterAll(async () => {
  await runtime?.stop();
  await receiver?.close();
});

/** A borrower through KYC to APPROVED (NIK serial 0001: the sandbox approves). */
async function approvedBorrower(): Promise<string> {
  const created = await partner('POST', '/api/core/users', { body: personalBorrower({ name: 'Siti Rahayu' }) });
  const userId = created.body.userId;
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

let refs = 0;
const ref = (suffix = '') => `order-${Date.now()}-${++refs}${suffix}`;
const account = { bank_code: 'BCA', account_number: '1234567890', account_name: 'Siti Rahayu' };
const singleBody = (overrides: Record<string, unknown> = {}) => ({
  principal: 1000000,
  currency: 'IDR',
  tenor_days: 30,
  interest_rate: 0.1,
  rate_period: 'day',
  fees: [{ type: 'processing', percent: 2, deduct_from_principal: true }],
  reference_id: ref(),
  disbursement_account: account,
  ...overrides,
});
const bnplBody = (overrides: Record<string, unknown> = {}) => ({
  principal: 3000000,
  currency: 'IDR',
  installments: 4,
  frequency: 'weekly',
  interest_rate: 2,
  rate_period: 'month',
  method: 'flat',
  reference_id: ref(),
  merchant_reference: 'merchant-42',
  ...overrides,
});

const details = (id: string) => partner('GET', `/api/core/loans/details/${id}`);
const statusOf = async (id: string, status: string) =>
  eventually(async () => {
    const loan = (await details(id)).body;
    return loan.status === status && loan;
  });
const disbursed = async (id: string) =>
  eventually(async () => {
    const loan = (await details(id)).body;
    return (loan.status === 'DISBURSED' || loan.disbursement?.status === 'FAILED') && loan;
  });

/** The callbacks the partner received for a loan, in arrival order. */
const hooksOf = (loanUniqueId: string) =>
  receiver.received.filter((r) => r.path === '/hooks/loans' && r.payload.data.loanUniqueId === loanUniqueId);

/**
 * Callbacks in the order of the changes they report. Each event is delivered by its own
 * execution, so two changes moments apart (SIGNING, then the sandbox's instant ACTIVE) may
 * arrive swapped: `data.sequence` is each change's place in the status history, and a partner
 * keeps the highest it has seen. The sequences must be exactly 1..n, each once.
 */
function inOrder(hooks: ReturnType<typeof hooksOf>) {
  const sorted = [...hooks].sort((a, b) => Number(a.payload.data.sequence) - Number(b.payload.data.sequence));
  expect(sorted.map((h) => h.payload.data.sequence)).toEqual(sorted.map((_, i) => i + 1));
  return sorted;
}

async function executionOf(loanUniqueId: string): Promise<{ status: string; events: HistoryEvent[] }> {
  const { sfn, stateMachineArn } = await import('#store/workflows');
  const { executions = [] } = await sfn.send(
    new ListExecutionsCommand({ stateMachineArn: stateMachineArn('application') }),
  );
  const execution = executions.find((e) => e.name === loanUniqueId);
  if (!execution?.executionArn) throw new Error(`no execution named ${loanUniqueId}`);
  const { events = [] } = await sfn.send(new GetExecutionHistoryCommand({ executionArn: execution.executionArn }));
  return { status: String(execution.status), events };
}
const entered = (events: HistoryEvent[]) =>
  events.filter((e) => String(e.type).endsWith('StateEntered')).map((e) => e.stateEnteredEventDetails?.name);

describe('partner loans', () => {
  let userId: string;
  beforeAll(async () => {
    userId = await approvedBorrower();
  });

  it('walks a single-payment loan PENDING -> SIGNING -> ACTIVE -> DISBURSED with signed callbacks in order, and counts its cost', async () => {
    await runtime.settle();
    writes.clear();
    counting = true;
    const created = await partner('POST', `/api/core/loans/${userId}`, { body: singleBody() });
    expect(created.status).toBe(201);
    const loan = created.body;
    expect(loan).toMatchObject({
      loanUniqueId: expect.stringMatching(/^loan_[0-9a-z]{26}$/),
      userId,
      type: 'SINGLE_PAYMENT',
      status: 'PENDING',
      currency: 'IDR',
      principal: 1000000,
      // 0.1 % a day for 30 days is 30,000; the 2 % processing fee is deducted upfront.
      net_disbursed: 980000,
      totals: { principal: 1000000, interest: 30000, fees: 0, total: 1030000 },
      agreement_url: null,
      disbursement_account: { bank_code: 'BCA', account_number: '******7890', account_name: 'Siti Rahayu' },
      status_history: [{ status: 'PENDING', at: expect.any(String) }],
    });
    expect(loan.schedule).toHaveLength(1);
    expect(loan.schedule[0]).toMatchObject({ number: 1, principal: 1000000, interest: 30000, fees: 0, total: 1030000 });
    expect(loan.apr).toBeGreaterThan(36);
    expect(loan.effective_daily_rate).toBeGreaterThan(0.1);

    const signing = await partner('POST', '/api/core/loans/signing/initiate', {
      body: { loanUniqueId: loan.loanUniqueId },
    });
    expect(signing.status).toBe(200);
    expect(['SIGNING', 'ACTIVE']).toContain(signing.body.status);
    expect(signing.body.agreement_url).toMatch(/^http/);
    const pdf = await fetch(signing.body.agreement_url);
    expect(new TextDecoder().decode((await pdf.arrayBuffer()).slice(0, 5))).toBe('%PDF-');

    await statusOf(loan.loanUniqueId, 'ACTIVE');
    const disbursing = await partner('POST', `/api/core/loans/${loan.loanUniqueId}/disbursement`);
    expect(disbursing.status).toBe(202);
    expect(disbursing.body.disbursement).toMatchObject({ attempt: 1 });
    const done = await disbursed(loan.loanUniqueId);
    expect(done).toMatchObject({
      status: 'DISBURSED',
      disbursement: { status: 'SUCCESS', disbursed_amount: 980000, transfer_reference: expect.any(String) },
    });
    expect(done.status_history.map((h: { status: string }) => h.status)).toEqual([
      'PENDING',
      'SIGNING',
      'ACTIVE',
      'DISBURSED',
    ]);
    await runtime.settle();
    counting = false;

    const hooks = await eventually(() => {
      const mine = hooksOf(loan.loanUniqueId);
      return mine.length >= 4 && mine;
    });
    expect(inOrder(hooks).map((h) => [h.payload.type, h.payload.status])).toEqual([
      ['loan', 'PENDING'],
      ['loan', 'SIGNING'],
      ['loan', 'ACTIVE'],
      ['loan', 'DISBURSED'],
    ]);
    for (const hook of hooks) {
      expect(hook.authKeyOk).toBe(true);
      expect(hook.signatureOk).toBe(true);
      expect(hook.payload.data).toMatchObject({ userId, type: 'SINGLE_PAYMENT', reference_id: loan.reference_id });
    }
    // The events the workflow's own steps wrote (ACTIVE, DISBURSED) name the request that started
    // the execution: one id to grep from the request to the webhook.
    const starters = [created.headers.get('x-request-id'), signing.headers.get('x-request-id')];
    const steps = inOrder(hooks).filter((h) => ['ACTIVE', 'DISBURSED'].includes(h.payload.status));
    for (const hook of steps) expect(starters).toContain(hook.correlationId);

    const execution = await executionOf(loan.loanUniqueId);
    expect(execution.status).toBe('SUCCEEDED');
    const states = entered(execution.events);
    expect(states).toEqual([
      'Origin',
      'AwaitAgreementTrigger',
      'AwaitSignature',
      'MarkSigned',
      'AwaitDisbursalTrigger',
      'Disburse',
      'LoanActive',
    ]);
    const total = [...writes.entries()]
      .filter(([k]) => k !== 'items in transactions' && !k.startsWith('rate-limit') && !k.startsWith('loan '))
      .reduce((n, [, v]) => n + v, 0);
    console.info(
      `one single-payment loan, creation to DISBURSED: ${execution.events.length} history events, ${states.length} states entered (${states.join(' -> ')}); ${total} DynamoDB write requests besides rate limiting, webhook deliveries of its 4 callbacks included; the loan's own: ${writes.get('loan requests')} requests writing ${writes.get('loan items')} items (${JSON.stringify(Object.fromEntries(writes))})`,
    );
  });

  it('walks a weekly BNPL loan to DISBURSED with `bnpl` callbacks, its schedule equal to the quote for the same terms', async () => {
    const created = await partner('POST', `/api/core/loans/${userId}/bnpl`, { body: bnplBody() });
    expect(created.status).toBe(201);
    const loan = created.body;
    expect(loan).toMatchObject({
      type: 'BNPL',
      status: 'PENDING',
      merchant_reference: 'merchant-42',
      terms: { method: 'flat', day_count: '364', installments: 4, frequency: 'weekly' },
    });
    expect(loan.schedule).toHaveLength(4);

    const quote = await platform('POST', '/v1/loan-quotes', {
      body: {
        principal: 3000000,
        currency: 'IDR',
        method: 'flat',
        interest_rate: 2,
        rate_period: 'month',
        term: { count: 4, frequency: 'weekly' },
        day_count: '364',
        disbursement_date: loan.disbursement_date,
      },
    });
    expect(quote.status).toBe(200);
    expect(loan.schedule).toEqual(
      quote.body.data.installments.map(({ remaining_principal: _, ...i }: { remaining_principal: number }) => i),
    );
    expect(loan.totals).toEqual(quote.body.data.totals);
    expect(loan.net_disbursed).toBe(quote.body.data.net_disbursed);
    expect(loan.apr).toBe(quote.body.data.apr);
    expect(loan.effective_daily_rate).toBe(quote.body.data.effective_daily_rate);

    await partner('POST', '/api/core/loans/signing/initiate', { body: { loanUniqueId: loan.loanUniqueId } });
    await statusOf(loan.loanUniqueId, 'ACTIVE');
    await partner('POST', `/api/core/loans/${loan.loanUniqueId}/disbursement`);
    expect((await disbursed(loan.loanUniqueId)).status).toBe('DISBURSED');
    const hooks = await eventually(() => {
      const mine = hooksOf(loan.loanUniqueId);
      return mine.length >= 4 && mine;
    });
    expect(inOrder(hooks).map((h) => [h.payload.type, h.payload.status])).toEqual([
      ['bnpl', 'PENDING'],
      ['bnpl', 'SIGNING'],
      ['bnpl', 'ACTIVE'],
      ['bnpl', 'DISBURSED'],
    ]);
    expect(hooks.every((h) => h.signatureOk && h.authKeyOk)).toBe(true);
  });

  it('prices a single-payment loan as the quote does for the same terms', async () => {
    const loan = (await partner('POST', `/api/core/loans/${userId}`, { body: singleBody({ tenor_days: 45 }) })).body;
    const quote = await platform('POST', '/v1/loan-quotes', {
      body: {
        principal: 1000000,
        currency: 'IDR',
        method: 'single_payment',
        interest_rate: 0.1,
        rate_period: 'day',
        term: { count: 45, frequency: 'daily' },
        day_count: 'actual/365',
        disbursement_date: loan.disbursement_date,
        fees: [{ type: 'processing', percent: 2, deduct_from_principal: true }],
      },
    });
    expect(loan.schedule).toEqual(
      quote.body.data.installments.map(({ remaining_principal: _, ...i }: { remaining_principal: number }) => i),
    );
    expect([loan.totals, loan.net_disbursed, loan.upfront_fees, loan.apr]).toEqual([
      quote.body.data.totals,
      quote.body.data.net_disbursed,
      quote.body.data.upfront_fees,
      quote.body.data.apr,
    ]);
  });

  it('refuses a borrower that is not APPROVED with 400 naming the status', async () => {
    const pending = (await partner('POST', '/api/core/users', { body: personalBorrower() })).body.userId;
    const res = await partner('POST', `/api/core/loans/${pending}`, { body: singleBody() });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('borrower_not_approved');
    expect(res.body.error.message).toContain('PENDING');
    const bnpl = await partner('POST', `/api/core/loans/${pending}/bnpl`, { body: bnplBody() });
    expect(bnpl.status).toBe(400);
  });

  it('refuses a borrower that ops blocked (400 naming BLOCKED), and lends again once unblocked', async () => {
    const borrower = await approvedBorrower();
    const blocked = await platform('POST', `/v1/borrowers/${borrower}/block`, { body: { reason: 'fraud check' } });
    expect(blocked.status).toBe(200);
    const refused = await partner('POST', `/api/core/loans/${borrower}`, { body: singleBody() });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain('BLOCKED');
    expect(await platform('POST', `/v1/borrowers/${borrower}/unblock`, { body: { reason: 'cleared' } })).toMatchObject({
      status: 200,
    });
    const lent = await partner('POST', `/api/core/loans/${borrower}`, { body: singleBody() });
    expect(lent.status).toBe(201);
    expect(lent.body.status).toBe('PENDING');
  });

  it('refuses terms over the OJK cap with 422 naming the cap', async () => {
    const res = await partner('POST', `/api/core/loans/${userId}`, { body: singleBody({ interest_rate: 0.5 }) });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('cap_daily_economic_benefit');
  });

  it('validates the bank code and uses the account stored on the borrower when the request has none', async () => {
    const bad = await partner('POST', `/api/core/loans/${userId}`, {
      body: singleBody({ disbursement_account: { ...account, bank_code: 'XYZ' } }),
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].field).toBe('disbursement_account.bank_code');
    const fresh = await approvedBorrower();
    const { disbursement_account: _, ...withoutAccount } = singleBody();
    const none = await partner('POST', `/api/core/loans/${fresh}`, { body: withoutAccount });
    expect(none.status, JSON.stringify(none.body)).toBe(400);
    expect(none.body.error.details[0].field).toBe('disbursement_account');
    const first = singleBody({ disbursement_account: { ...account, bank_code: 'bni', account_number: '9876543210' } });
    expect((await partner('POST', `/api/core/loans/${fresh}`, { body: first })).status).toBe(201);
    const res = await partner('POST', `/api/core/loans/${fresh}`, { body: withoutAccount });
    expect(res.status).toBe(201);
    expect(res.body.disbursement_account).toMatchObject({ bank_code: 'BNI', account_number: '******3210' });
  });

  it('answers the same loan for a repeated reference_id (10 at once: one loan) and 409 for another request', async () => {
    const body = singleBody();
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => partner('POST', `/api/core/loans/${userId}`, { body })),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(201));
    expect(new Set(answers.map((a) => a.body.loanUniqueId)).size).toBe(1);
    const other = await partner('POST', `/api/core/loans/${userId}`, { body: { ...body, tenor_days: 20 } });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('reference_id_taken');
  });

  it('rejects a PENDING loan, ending its workflow through MarkRejected, and answers a second reject the same', async () => {
    const loan = (await partner('POST', `/api/core/loans/${userId}`, { body: singleBody() })).body;
    const rejected = await partner('POST', `/api/core/loans/${loan.loanUniqueId}/reject`, {
      body: { reason: 'the order was cancelled' },
    });
    expect(rejected.status).toBe(200);
    expect(rejected.body.status).toBe('REJECTED');
    expect(rejected.body.status_history.at(-1)).toMatchObject({
      status: 'REJECTED',
      reason: 'the order was cancelled',
    });
    const again = await partner('POST', `/api/core/loans/${loan.loanUniqueId}/reject`, { body: { reason: 'again' } });
    expect(again.body.status_history).toEqual(rejected.body.status_history);
    const execution = await eventually(async () => {
      const e = await executionOf(loan.loanUniqueId);
      return e.status === 'SUCCEEDED' && e;
    });
    expect(entered(execution.events)).toEqual(['Origin', 'AwaitAgreementTrigger', 'MarkRejected']);
    expect(JSON.stringify(execution.events)).toContain('LoanRejected');
    const signing = await partner('POST', '/api/core/loans/signing/initiate', {
      body: { loanUniqueId: loan.loanUniqueId },
    });
    expect(signing.status).toBe(409);
  });

  it('rejects an ACTIVE loan (its disbursal wait fails with LoanRejected), then refuses its disbursement', async () => {
    const loan = (await partner('POST', `/api/core/loans/${userId}`, { body: singleBody() })).body;
    await partner('POST', '/api/core/loans/signing/initiate', { body: { loanUniqueId: loan.loanUniqueId } });
    await statusOf(loan.loanUniqueId, 'ACTIVE');
    const rejected = await partner('POST', `/api/core/loans/${loan.loanUniqueId}/reject`, {
      body: { reason: 'the borrower changed their mind' },
    });
    expect(rejected.body.status).toBe('REJECTED');
    const execution = await eventually(async () => {
      const e = await executionOf(loan.loanUniqueId);
      return e.status === 'SUCCEEDED' && e;
    });
    expect(entered(execution.events).slice(-2)).toEqual(['AwaitDisbursalTrigger', 'MarkRejected']);
    const disbursing = await partner('POST', `/api/core/loans/${loan.loanUniqueId}/disbursement`);
    expect(disbursing.status).toBe(409);
    const hooks = await eventually(() => {
      const mine = hooksOf(loan.loanUniqueId);
      return mine.length >= 4 && mine;
    });
    expect(inOrder(hooks).map((h) => h.payload.status)).toEqual(['PENDING', 'SIGNING', 'ACTIVE', 'REJECTED']);
    expect(inOrder(hooks).at(-1)?.payload.data.reason).toBe('the borrower changed their mind');
  });

  it('makes one transfer when the disbursement is triggered 5 times at once, and refuses a reject after it', async () => {
    const loan = (await partner('POST', `/api/core/loans/${userId}`, { body: singleBody() })).body;
    await partner('POST', '/api/core/loans/signing/initiate', { body: { loanUniqueId: loan.loanUniqueId } });
    await statusOf(loan.loanUniqueId, 'ACTIVE');
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => partner('POST', `/api/core/loans/${loan.loanUniqueId}/disbursement`)),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(5).fill(202));
    expect(new Set(answers.map((a) => a.body.disbursement.attempt)).size).toBe(1);
    expect((await disbursed(loan.loanUniqueId)).status).toBe('DISBURSED');
    await runtime.settle();
    const execution = await executionOf(loan.loanUniqueId);
    expect(entered(execution.events).filter((s) => s === 'Disburse')).toHaveLength(1);
    expect(hooksOf(loan.loanUniqueId).filter((h) => h.payload.status === 'DISBURSED')).toHaveLength(1);
    const reject = await partner('POST', `/api/core/loans/${loan.loanUniqueId}/reject`, { body: { reason: 'late' } });
    expect(reject.status).toBe(409);
    expect(reject.body.error.message).toContain('DISBURSED');
  });

  it('reaches REJECTED when the borrower declines (_sign_reject) or lets the link expire (_sign_expire)', async () => {
    for (const [suffix, reason] of [
      ['_sign_reject', 'The borrower declined to sign the agreement'],
      ['_sign_expire', 'The agreement was not signed in time'],
    ]) {
      const loan = (
        await partner('POST', `/api/core/loans/${userId}`, { body: singleBody({ reference_id: ref(suffix) }) })
      ).body;
      await partner('POST', '/api/core/loans/signing/initiate', { body: { loanUniqueId: loan.loanUniqueId } });
      const rejected = await statusOf(loan.loanUniqueId, 'REJECTED');
      expect(rejected.status_history.map((h: { status: string }) => h.status)).toEqual([
        'PENDING',
        'SIGNING',
        'REJECTED',
      ]);
      expect(rejected.status_history.at(-1).reason).toBe(reason);
    }
  });

  it('keeps a loan ACTIVE with the reason when the bank fails once (_disburse_fail_once), and disburses on the next call', async () => {
    const loan = (
      await partner('POST', `/api/core/loans/${userId}`, {
        body: singleBody({ reference_id: ref('_disburse_fail_once') }),
      })
    ).body;
    await partner('POST', '/api/core/loans/signing/initiate', { body: { loanUniqueId: loan.loanUniqueId } });
    await statusOf(loan.loanUniqueId, 'ACTIVE');
    await partner('POST', `/api/core/loans/${loan.loanUniqueId}/disbursement`);
    const failed = await disbursed(loan.loanUniqueId);
    expect(failed).toMatchObject({ status: 'ACTIVE', disbursement: { status: 'FAILED', attempt: 1 } });
    expect(failed.disbursement.reason).toContain('trigger the disbursal again');
    const retry = await eventually(async () => {
      const r = await partner('POST', `/api/core/loans/${loan.loanUniqueId}/disbursement`);
      return r.body.disbursement.attempt === 2 && r;
    });
    expect(retry.status).toBe(202);
    expect((await statusOf(loan.loanUniqueId, 'DISBURSED')).disbursement.attempt).toBe(2);
  }, 60_000);

  it('refuses a reject while the transfer is under way (_disburse_fail: the bank is retried), and rejects once it failed', async () => {
    const loan = (
      await partner('POST', `/api/core/loans/${userId}`, { body: singleBody({ reference_id: ref('_disburse_fail') }) })
    ).body;
    await partner('POST', '/api/core/loans/signing/initiate', { body: { loanUniqueId: loan.loanUniqueId } });
    await statusOf(loan.loanUniqueId, 'ACTIVE');
    const disbursing = await partner('POST', `/api/core/loans/${loan.loanUniqueId}/disbursement`);
    expect(disbursing.body.disbursement.status).toBe('PROCESSING');
    // The workflow retries the bank with backoff: the transfer is still under way.
    const refused = await partner('POST', `/api/core/loans/${loan.loanUniqueId}/reject`, {
      body: { reason: 'too late' },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain('under way');
    const failed = await disbursed(loan.loanUniqueId);
    expect(failed).toMatchObject({ status: 'ACTIVE', disbursement: { status: 'FAILED' } });
    const rejected = await eventually(async () => {
      const r = await partner('POST', `/api/core/loans/${loan.loanUniqueId}/reject`, { body: { reason: 'bank down' } });
      return r.status === 200 && r;
    });
    expect(rejected.body.status).toBe('REJECTED');
    const execution = await eventually(async () => {
      const e = await executionOf(loan.loanUniqueId);
      return e.status === 'SUCCEEDED' && e;
    });
    expect(entered(execution.events).slice(-4)).toEqual([
      'Disburse',
      'MarkDisbursalFailed',
      'AwaitDisbursalTrigger',
      'MarkRejected',
    ]);
  }, 60_000);

  it("answers 404 for another partner's loan and for the same partner's live mode", async () => {
    const loan = (await partner('POST', `/api/core/loans/${userId}`, { body: singleBody() })).body;
    const partners = await import('#store/partners');
    const other = await partners.createPartner('Another lender');
    const otherCredential = await partners.issueCredential(other.partnerId, 'sandbox');
    const live = await partners.issueCredential(runtime.credentials.partnerId, 'live');
    for (const credential of [otherCredential, live]) {
      const stranger = await partnerClient(runtime.baseUrl, credential.clientId, credential.clientSecret);
      expect((await stranger('GET', `/api/core/loans/details/${loan.loanUniqueId}`)).status).toBe(404);
      const reject = await stranger('POST', `/api/core/loans/${loan.loanUniqueId}/reject`, { body: { reason: 'x' } });
      expect(reject.status).toBe(404);
      const sign = await stranger('POST', '/api/core/loans/signing/initiate', {
        body: { loanUniqueId: loan.loanUniqueId },
      });
      expect(sign.status).toBe(404);
    }
    expect((await details(loan.loanUniqueId)).body.status).toBe('PENDING');
  });
});
