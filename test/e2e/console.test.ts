/**
 * The ops console (/console) in headless Chromium against the local runtime, on data made
 * through the real flows (route-samples' fixtures: journey customers, one held for a manual KYC
 * review, partner loans disbursed and paid; plus a payment exception, a loan made overdue by the
 * sandbox clock, and a webhook endpoint whose delivery died): the page shows what the platform
 * API holds, an ops person approves the review and replays the dead delivery from it, and the
 * API then shows both done. Writes the README's screenshot to docs/console.png when
 * UPDATE_SCREENSHOTS=1.
 *
 * The read APIs the console uses (GET /v1/applications, /v1/applications/{id}, /v1/kyc-reviews)
 * are checked over HTTP first: pagination, filters, 400 naming the field, another tenant's 404.
 */
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserTests, launchChromium, watch } from '../helpers/browser.ts';
import { personalBorrower } from '../helpers/factories.ts';
import { client, eventually } from '../helpers/http.ts';
import { unissuedVaNumber } from '../helpers/repayment.ts';
import { type Harness, startHarness, type Tenant } from '../helpers/route-harness.ts';
import { buildFixtures, type Fixtures } from '../helpers/route-samples.ts';
import { startReceiver } from '../helpers/webhook-receiver.ts';

const BROWSER = browserTests('ops console');
/**
 * The README's screenshot is rewritten only when asked (UPDATE_SCREENSHOTS=1), so `npm test`
 * leaves the working tree clean; otherwise it goes to a temporary folder.
 */
const SCREENSHOT =
  process.env.UPDATE_SCREENSHOTS === '1'
    ? resolve(import.meta.dirname, '..', '..', 'docs', 'console.png')
    : join(mkdtempSync(join(tmpdir(), 'lendstack-console-')), 'console.png');

let h: Harness;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let a: Tenant;
let other: Tenant;
let fx: Fixtures;
let platform: ReturnType<typeof client>;
/** The delivery that died: its endpoint and event. */
let dead: { endpointId: string; eventId: string };
let exceptionVa: string;

beforeAll(async () => {
  receiver = await startReceiver();
  h = await startHarness();
  [a, other] = await Promise.all([h.tenant('sandbox'), h.tenant('sandbox')]);
  fx = await buildFixtures(h, a, receiver.url('/hooks/console'), 'console');
  platform = client(h.baseUrl, { authorization: `Bearer ${a.apiKey}` });

  // A loan 45 days on: its single payment is 15 days overdue (bucket 1-30).
  const advanced = await platform('POST', `/v1/sandbox/loans/${fx.servicedLoanId}/advance-time`, {
    body: { days: 45 },
    headers: { 'idempotency-key': `console-advance-${Date.now()}` },
  });
  expect(advanced.status).toBe(200);
  // A payment to a VA nobody issued: the gateway's callback ends as a payment exception.
  exceptionVa = unissuedVaNumber();
  const paid = await platform('POST', '/v1/sandbox/payments', {
    body: { channel: 'virtual_account', va_number: exceptionVa, amount: '125000' },
    headers: { 'idempotency-key': `console-exception-${Date.now()}` },
  });
  expect(paid.status).toBe(202);

  // A receiver that refuses everything: the delivery of the next event to it fails.
  receiver.failNext('/hooks/dead', 1_000_000);
  const endpoint = await platform('POST', '/v1/webhook-endpoints', {
    body: { url: receiver.url('/hooks/dead'), events: ['user_created'] },
  });
  const client_ = await platform('POST', '/v1/clients', { body: personalBorrower() });
  expect(client_.status).toBe(201);
  // Three failed attempts, so the next retry waits a while (backoff from 5 s, doubling, full jitter).
  const failed = await eventually(async () => {
    const list = await platform('GET', `/v1/webhook-endpoints/${endpoint.body.id}/deliveries`);
    return list.body.data.find((d: { status: string; attempts: number }) => d.status === 'FAILED' && d.attempts >= 3);
  }, 60_000);
  dead = { endpointId: endpoint.body.id, eventId: failed.event_id };
  // Three days of retries are out of a test's reach: the execution is stopped where it retries
  // (the receiver keeps refusing whatever of it still runs) and, in the replay test, the delivery
  // is recorded DEAD as the dead-letter step would (functions/workflows/webhook-delivery.ts).
  const { sfn, stateMachineArn } = await import('#store/workflows');
  const { DescribeExecutionCommand, ListExecutionsCommand, StopExecutionCommand } = await import('@aws-sdk/client-sfn');
  const { executions = [] } = await sfn.send(
    new ListExecutionsCommand({ stateMachineArn: stateMachineArn('webhookDelivery'), statusFilter: 'RUNNING' }),
  );
  for (const e of executions) {
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn: e.executionArn }));
    if (described.input?.includes(dead.eventId)) {
      await sfn.send(new StopExecutionCommand({ executionArn: e.executionArn }));
    }
  }
}, 300_000);

afterAll(async () => {
  await h?.stop();
  await receiver?.close();
});

describe('the ops read APIs', () => {
  it('lists the applications newest first with their status and waits, paginated, filtered by status', async () => {
    const all = await platform('GET', '/v1/applications?limit=100');
    expect(all.status).toBe(200);
    const ids = all.body.data.map((x: { id: string }) => x.id);
    expect(ids).toContain(fx.loanUniqueId);
    expect(all.body.meta).toEqual({ total: ids.length, limit: 100, offset: 0 });
    const started = all.body.data.map((x: { started_at: string }) => x.started_at);
    expect([...started].sort().reverse()).toEqual(started);
    const review = all.body.data.find((x: { customer_id: string }) => x.customer_id === 'console-review');
    expect(review).toMatchObject({ origin: 'journey', status: 'STARTED' });
    expect(review.waiting_for).toContain('KYC_REVIEW');
    const second = await platform('GET', '/v1/applications?limit=1&offset=1');
    expect(second.body.data.map((x: { id: string }) => x.id)).toEqual([ids[1]]);
    expect(second.body.meta).toEqual({ total: ids.length, limit: 1, offset: 1 });
    const disbursed = await platform('GET', '/v1/applications?status=DISBURSED&limit=100');
    expect(disbursed.body.data.length).toBeGreaterThanOrEqual(2);
    for (const x of disbursed.body.data) expect(x.status).toBe('DISBURSED');
    expect(disbursed.body.meta.total).toBe(disbursed.body.data.length);
  });

  it('refuses a bad filter or page with 400 naming the field', async () => {
    for (const [query, field] of [
      ['status=NOPE', 'status'],
      ['limit=0', 'limit'],
      ['offset=-1', 'offset'],
    ] as const) {
      const res = await platform('GET', `/v1/applications?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error.details[0].field).toMatch(new RegExp(`(^|\\.)${field}$`));
    }
    const reviews = await platform('GET', '/v1/kyc-reviews?limit=101');
    expect(reviews.status).toBe(400);
    expect(reviews.body.error.details[0].field).toMatch(/(^|\.)limit$/);
    expect((await platform('GET', '/v1/applications/app_nope')).status).toBe(400);
  });

  it("shows an application's execution: status, current states, history; no console link locally", async () => {
    const res = await platform('GET', `/v1/applications/${fx.loanUniqueId}`);
    expect(res.status).toBe(200);
    const { execution } = res.body.data;
    expect(res.body.data.execution_name).toBe(fx.loanUniqueId);
    // The deployment's account and region stay inside (the console link, in a deployed stage, is the one way out).
    expect(JSON.stringify(res.body)).not.toContain('arn:aws:');
    expect(['RUNNING', 'SUCCEEDED']).toContain(execution.status);
    expect(execution.history.length).toBeGreaterThan(3);
    expect(execution.history[0].id).toBeGreaterThan(execution.history.at(-1).id);
    expect(execution.history.map((e: { type: string }) => e.type)).toContain('ExecutionStarted');
    expect(execution.console_url).toBeNull();
    expect(JSON.stringify(execution.history)).not.toContain(fx.nik);
  });

  it('lists the KYC runs waiting for a review', async () => {
    const res = await platform('GET', '/v1/kyc-reviews');
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([
      expect.objectContaining({
        reference_id: fx.kycReviewReference,
        customer_id: 'console-review',
        message: 'MANUAL_REVIEW_REQUIRED',
      }),
    ]);
    expect(res.body.meta).toEqual({ total: 1, limit: 20, offset: 0 });
  });

  it("never shows another tenant's applications or reviews, and answers 404 for its application", async () => {
    const as = client(h.baseUrl, { authorization: `Bearer ${other.apiKey}` });
    const apps = await as('GET', '/v1/applications?limit=100');
    expect(apps.body.meta.total).toBe(0);
    expect((await as('GET', '/v1/kyc-reviews')).body.meta.total).toBe(0);
    const theirs = await as('GET', `/v1/applications/${fx.loanUniqueId}`);
    expect(theirs.status).toBe(404);
    expect(JSON.stringify(theirs.body)).not.toContain(':execution:');
  });
});

describe('the /console route', () => {
  it('sends a static page under a strict CSP, with its script and style from the stage', async () => {
    const page = await fetch(`${h.baseUrl}/console`);
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe');
    const html = await page.text();
    expect(html).toContain('src="console/assets/console.js"');
    expect(html).not.toMatch(/sk_(sandbox|prod)_[A-Za-z0-9]{8}/);
    const script = await fetch(`${h.baseUrl}/console/assets/console.js`);
    expect(script.headers.get('content-type')).toContain('text/javascript');
    expect(await script.text()).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(/);
    expect((await fetch(`${h.baseUrl}/console/assets/console.css`)).headers.get('content-type')).toContain('text/css');
    expect((await fetch(`${h.baseUrl}/console/assets/other.js`)).status).toBeGreaterThanOrEqual(400);
  });
});

describe.skipIf(!BROWSER)('the ops console in Chromium', () => {
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const elsewhere: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    page = watch(await browser.newPage({ viewport: { width: 1440, height: 900 } }), h.baseUrl, problems, elsewhere);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('asks for a key, refuses a wrong one, and keeps the right one in sessionStorage only', async () => {
    await page.goto(`${h.baseUrl}/console`);
    await page.locator('#api-key').fill('sk_sandbox_not_a_key');
    await page.locator('#sign-in button[type=submit]').click();
    await expect.poll(() => page.locator('#sign-in-error').textContent()).toContain('refused');
    await page.locator('#api-key').fill(a.apiKey);
    await page.locator('#sign-in button[type=submit]').click();
    await page.locator('#console').waitFor({ state: 'visible' });
    expect(await page.evaluate(() => sessionStorage.getItem('lendstack.console.apiKey'))).toBe(a.apiKey);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    expect((await page.context().cookies()).length).toBe(0);
  });

  it('takes the key from the link `npm start` prints, and removes it from the URL', async () => {
    const fresh = await browser.newPage();
    await fresh.goto(`${h.baseUrl}/console#key=${a.apiKey}`);
    await fresh.locator('#console').waitFor({ state: 'visible' });
    expect(fresh.url()).toBe(`${h.baseUrl}/console`);
    await fresh.close();
  });

  it('shows the applications the API holds, and an execution with its states and history', async () => {
    const api = await platform('GET', '/v1/applications?limit=100');
    await page.locator('[data-application]').first().waitFor();
    const rows = await page
      .locator('[data-application]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-application')));
    expect(rows).toEqual(api.body.data.map((x: { id: string }) => x.id));
    await page.locator(`[data-application="${fx.loanUniqueId}"] button`).click();
    const detail = page.locator(`[data-detail="${fx.loanUniqueId}"]`);
    await detail.waitFor();
    const text = (await detail.textContent()) ?? '';
    const { execution } = (await platform('GET', `/v1/applications/${fx.loanUniqueId}`)).body.data;
    expect(text).toContain(`Execution ${execution.status}`);
    expect(text).toContain(`Execution name ${fx.loanUniqueId}`);
    expect(text).toContain('ExecutionStarted');
    expect(text).toContain('No AWS console link (local runtime)');
  });

  it('resolves a manual KYC review: the API then shows it approved', async () => {
    await page.locator('nav button[data-tab="kyc"]').click();
    const row = page.locator(`[data-review="${fx.kycReviewReference}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('MANUAL_REVIEW_REQUIRED');
    await row.locator('button', { hasText: 'Approve' }).click();
    await expect.poll(() => page.locator('#kyc-notice').textContent()).toContain(`${fx.kycReviewReference}: APPROVED`);
    await row.waitFor({ state: 'detached' });
    expect((await platform('GET', '/v1/kyc-reviews')).body.meta.total).toBe(0);
    const journey = client(h.baseUrl, { 'x-api-key': a.apiKey });
    const kyc = await journey('GET', `/v2/kyc/details?referenceID=${fx.kycReviewReference}`);
    expect(kyc.body.data.status).toBe('APPROVED');
  });

  it('replays a dead webhook delivery: a new attempt gets through', async () => {
    const { markDeliveryDead } = await import('#store/webhooks');
    await markDeliveryDead(a, dead.eventId, dead.endpointId, 'States.ALL: receiver answered 500');
    await page.locator('nav button[data-tab="webhooks"]').click();
    const row = page.locator(`[data-delivery="${dead.eventId}"][data-endpoint="${dead.endpointId}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('DEAD');
    const before = Number(await row.locator('.attempts').textContent());
    // The receiver is back: the replay gets through.
    receiver.failNext('/hooks/dead', 0);
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(`/deliveries/${dead.eventId}/replay`)),
      row.locator('button', { hasText: 'Replay' }).click(),
    ]);
    expect(answer.status()).toBe(202);
    await expect.poll(() => page.locator('#webhooks-notice').textContent()).toContain('replay started');
    const delivered = await eventually(async () => {
      const list = await platform('GET', `/v1/webhook-endpoints/${dead.endpointId}/deliveries`);
      const d = list.body.data.find((x: { event_id: string }) => x.event_id === dead.eventId);
      return d?.status === 'DELIVERED' ? d : undefined;
    });
    expect(delivered.attempts).toBeGreaterThan(before);
    expect(delivered.last_status_code).toBe(200);
    const ok = receiver.received.filter((r) => r.path === '/hooks/dead' && r.answered === 200);
    expect(ok).toHaveLength(1);
    expect(ok[0]?.payload.id).toBe(dead.eventId);
  });

  it('shows the payments and the payment exception the API holds', async () => {
    const [payments, exceptions] = await Promise.all([
      platform('GET', '/v1/payments?limit=100'),
      eventually(async () => {
        const res = await platform('GET', '/v1/payment-exceptions?limit=100');
        return res.body.meta.total > 0 ? res : undefined;
      }),
    ]);
    await page.locator('nav button[data-tab="payments"]').click();
    await page.locator('[data-exception]').first().waitFor();
    const shown = (attr: string) =>
      page.locator(`[${attr}]`).evaluateAll((els, name) => els.map((e) => e.getAttribute(name)), attr);
    expect(await shown('data-payment')).toEqual(payments.body.data.map((p: { id: string }) => p.id));
    expect(await shown('data-exception')).toEqual(exceptions.body.data.map((x: { id: string }) => x.id));
    expect(payments.body.data.length).toBeGreaterThan(0);
  });

  it('shows the loans by delinquency bucket, the overdue one in 1-30', async () => {
    await page.locator('nav button[data-tab="loans"]').click();
    await page.locator('[data-bucket="1-30"]').waitFor();
    for (const bucket of ['CURRENT', '1-30', '31-60', '61-90', '90+']) {
      const api = await platform('GET', `/v1/loans?delinquency_bucket=${encodeURIComponent(bucket)}`);
      expect(await page.locator(`[data-bucket="${bucket}"] strong`).textContent(), bucket).toBe(
        String(api.body.meta.total),
      );
    }
    const loan = (await platform('GET', `/v1/loans/${fx.servicedLoanId}`)).body.data;
    expect(loan).toMatchObject({ status: 'DISBURSED', delinquency_bucket: '1-30' });
    const listed = await platform('GET', `/v1/loans?delinquency_bucket=${encodeURIComponent('1-30')}&limit=100`);
    expect(listed.body.data.map((l: { id: string }) => l.id)).toContain(fx.servicedLoanId);
    const overdue = page.locator(`[data-loan="${fx.servicedLoanId}"]`);
    expect(await overdue.getAttribute('data-loan-bucket')).toBe('1-30');
    expect(await page.locator('#loans-list').textContent()).not.toContain('[object');
  });

  it('renders partner-supplied text as text, loads nothing from elsewhere, and logs no error or CSP violation', async () => {
    // A payment's reference is whatever the partner's ops typed: markup in it must show as text.
    const hostile = '<img src=x onerror=alert(1)>';
    const created = await platform('POST', `/v1/loans/${fx.servicedLoanId}/payments`, {
      body: { amount: 1000, method: 'cash', reference: hostile },
      headers: { 'idempotency-key': `console-hostile-${Date.now()}` },
    });
    expect(created.status).toBe(201);
    let dialogs = 0;
    page.on('dialog', (d) => {
      dialogs++;
      void d.dismiss();
    });
    await page.locator('nav button[data-tab="payments"]').click();
    await expect.poll(() => page.locator('#payments-list').textContent()).toContain(hostile);
    expect(await page.locator('#payments-list img').count()).toBe(0);
    expect(dialogs).toBe(0);
    expect(elsewhere).toEqual([]);
    expect(problems.filter((p) => !p.includes('401'))).toEqual([]);
  });

  it('writes the screenshot the README shows', async () => {
    mkdirSync(resolve(SCREENSHOT, '..'), { recursive: true });
    await page.locator('nav button[data-tab="applications"]').click();
    await page.locator(`[data-application="${fx.loanUniqueId}"] button`).click();
    await page.locator(`[data-detail="${fx.loanUniqueId}"]`).waitFor();
    await page.screenshot({ path: SCREENSHOT, fullPage: false });
    expect(existsSync(SCREENSHOT)).toBe(true);
  });
});
