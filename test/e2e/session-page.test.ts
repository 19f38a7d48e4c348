/**
 * The hosted session page in a real browser: Debian's Chromium, headless, at a phone's width
 * (360 x 740), driven by playwright-core against the local runtime. A customer walked through
 * the journey API to the steps the page owns takes a selfie (KYC), reads and signs the
 * agreement there, and the partner's API sees the application move on; a rejected customer
 * sees why. Screenshots go to /tmp/session-page-*.png.
 *
 * Without Chromium (`apt-get install chromium`) the browser tests are skipped with a message,
 * except in CI (CI=true), where that is a failure.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalRuntime, startLocalRuntime } from '../../lib/local/runtime.ts';
import { browserTests, launchChromium, watch } from '../helpers/browser.ts';
import { client, eventually } from '../helpers/http.ts';

const BROWSER = browserTests('session page');
const PHONE = { width: 360, height: 740 };

let runtime: LocalRuntime;
let api: ReturnType<typeof client>;

beforeAll(async () => {
  process.env.RATE_LIMIT_PER_MINUTE = '100000';
  runtime = await startLocalRuntime({ port: 0, credentialsDir: mkdtempSync(join(tmpdir(), 'lendstack-session-')) });
  api = client(runtime.baseUrl, { 'x-api-key': runtime.credentials.apiKey });
});

afterAll(async () => {
  await runtime?.stop();
});

// ---------------------------------------------------------------------------- test data

/** A valid PNG of one colour (signature, IHDR, IDAT, IEND with their CRCs), as a phone camera would not make it. */
function png(width: number, height: number, [r, g, b]: [number, number, number]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(8 + data.length + 4);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body) >>> 0, 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => [r, g, b]).flat())]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(Array.from({ length: height }, () => row)))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const SELFIE = png(48, 48, [224, 172, 105]);

let mobileSeq = 0;
const mobiles = new Map<string, string>();
/**
 * A customer through create and details (the spec's sample, PAN chosen by the test) and the
 * BRE; with an accepted offer (80,000 over 8 months at 25 %) unless the BRE rejects.
 */
async function customer(customerID: string, { pan, name = 'Test User' }: { pan: string; name?: string }) {
  const mobile = `97${String(Date.now() % 1e6).padStart(6, '0')}${String(++mobileSeq).padStart(2, '0')}`;
  mobiles.set(customerID, mobile);
  expect((await api('POST', '/v2/user/create', { body: { customerID, mobile } })).body.statusCode).toBe('CUR-S-000');
  const details = await api('POST', '/v2/user/details/update', {
    body: {
      customerID,
      program: 'PERSONAL_LOAN',
      basicDetails: {
        personalDetails: {
          pan,
          email: 'testuser@gmail.com',
          name,
          dob: '1997-11-18',
          gender: 'MALE',
          currentAddress: { pincode: '560095', currentAddressLine1: 'line 1', currentAddressCity: 'Bengaluru' },
        },
        employmentDetails: { employmentType: 'Salaried', monthlyIncome: '0-25000' },
      },
      consents: [{ type: 'BUREAU', timestamp: '2026-01-01T00:00:00Z', body: 'ok', ipAddress: '192.0.2.1', url: 'x' }],
    },
  });
  expect(details.body.statusCode).toBe('UUD-S-000');
  const trigger = await api('POST', '/v2/user/offers', { body: { customerID, riskVariables: {} } });
  const bre = await poll(
    `/v2/user/offers?referenceID=${trigger.body.data.referenceID}`,
    (b) => b.data.status !== 'PROCESSING',
  );
  if (bre.data.status !== 'SUCCESS') return bre;
  const accepted = await api('POST', '/user/acceptOffer', {
    body: {
      customerID,
      offerDetails: { offerID: bre.data.offers[0].offerID, amount: 80000, tenure: 8, interest: 25 },
    },
  });
  expect(accepted.body.statusCode).toBe('AOP-S-000');
  return bre;
}

const randomPan = (digits: string) =>
  `ABCP${String.fromCharCode(65 + Math.floor(Math.random() * 26))}${digits}${String.fromCharCode(65 + Math.floor(Math.random() * 26))}`;
const okPan = () => randomPan(String(1000 + Math.floor(Math.random() * 7000)));

async function poll(path: string, until: (body: any) => boolean) {
  return eventually(async () => {
    const res = await api('GET', path);
    return until(res.body) && res.body;
  }, 20_000);
}

async function sessionUrl(customerID: string, redirectURL = 'https://partner.example/back?from=lendstack&step=2') {
  const res = await api('POST', '/v2/user/session', { body: { customerID, redirectURL } });
  expect(res.body.status).toBe('PSS-S-000');
  return res.body.data.url as string;
}

/** The stage the partner sees when it creates the customer again (the journey's resume). */
async function stageOf(customerID: string) {
  const res = await api('POST', '/v2/user/create', { body: { customerID, mobile: mobiles.get(customerID) } });
  return res.body.data.stage as string;
}

/** A form post as the page makes it (multipart), from Node: no Origin unless given. */
async function post(url: string, fields: Record<string, string | Blob> = {}, headers: Record<string, string> = {}) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  return fetch(url, { method: 'POST', body: form, headers, redirect: 'manual' });
}

// ---------------------------------------------------------------------------- the browser

describe.skipIf(!BROWSER)('the session page in headless Chromium at 360 px', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    expect(scriptErrors).toEqual([]);
  });

  /** Script errors on any page (a CSP refusal included): none expected. */
  const scriptErrors: string[] = [];

  async function phone(): Promise<Page> {
    const context = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    return watch(await context.newPage(), runtime.baseUrl, scriptErrors);
  }

  /** Nothing wider than the phone: no sideways scrolling. */
  async function fitsThePhone(page: Page) {
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
  }

  const stateOf = (page: Page, step: string) => page.getAttribute(`#step-${step}`, 'data-state');

  it('takes a borrower from the selfie to the signed agreement, and the partner sees the application move on', async () => {
    const customerID = 'page-happy';
    await customer(customerID, { pan: okPan(), name: 'Asha <b>Rao</b>' });
    const url = await sessionUrl(customerID);
    const page = await phone();
    const response = await page.goto(url);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['referrer-policy']).toBe('same-origin');
    expect(response?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(await page.textContent('h1')).toBe('Your loan application');
    // The name the partner sent is text, never markup.
    expect(await page.textContent('header')).toContain('Hi Asha <b>Rao</b>.');
    expect(await page.locator('header b').count()).toBe(0);
    expect(await stateOf(page, 'details')).toBe('done');
    expect(await stateOf(page, 'offer')).toBe('done');
    expect(await stateOf(page, 'kyc')).toBe('action');
    expect(await stateOf(page, 'agreement')).toBe('todo');
    expect(await page.getAttribute('#continue', 'href')).toBe('https://partner.example/back?from=lendstack&step=2');
    await fitsThePhone(page);
    await page.screenshot({ path: '/tmp/session-page-1-kyc.png', fullPage: true });

    // The selfie: previewed, uploaded, KYC runs and the page follows it to the verdict.
    await page.setInputFiles('#selfie', { name: 'selfie.png', mimeType: 'image/png', buffer: SELFIE });
    // The page reads the file before it shows the preview: wait for it, do not sample it.
    await page.waitForSelector('#selfie-preview', { state: 'visible' });
    await page.click('text=Verify my identity');
    await page.waitForSelector('#notice:has-text("we received your selfie")');
    // The notice is for this view only: a reload does not repeat it.
    expect(page.url()).toBe(url);
    expect(['processing', 'done']).toContain(await stateOf(page, 'kyc'));
    await page.waitForSelector('#step-kyc[data-state="done"]', { timeout: 45_000 });
    expect(await page.textContent('#step-kyc')).toContain('Your identity is verified');

    // The agreement: opened on the page (the application waits for it), read, then signed.
    await page.waitForSelector('#step-agreement[data-state="action"]');
    await fitsThePhone(page);
    await page.screenshot({ path: '/tmp/session-page-2-agreement.png', fullPage: true });
    await page.click('text=Read my agreement');
    await page.waitForSelector('#notice:has-text("Here is your loan agreement")');
    await page.waitForSelector('#consent', { timeout: 45_000 });
    const terms = await page.textContent('dl.terms');
    expect(terms).toContain('INR 80000');
    expect(terms).toContain('25\u00a0% a year');
    await page.click('text=Repayment schedule');
    expect(await page.locator('#step-agreement table tbody tr').count()).toBe(8);
    const pdfUrl = (await page.getAttribute('#agreement-pdf', 'href')) as string;
    const pdf = Buffer.from(await (await fetch(pdfUrl)).arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(await page.isDisabled('#sign')).toBe(true);
    await page.check('#consent');
    expect(await page.isEnabled('#sign')).toBe(true);
    await fitsThePhone(page);
    await page.screenshot({ path: '/tmp/session-page-3-sign.png', fullPage: true });
    await page.click('#sign');
    await page.waitForSelector('#notice:has-text("You signed your loan agreement")');
    await page.waitForSelector('#step-agreement[data-state="done"]', { timeout: 45_000 });

    // The partner's API: the same agreement, signed by the page's consent; the stage moved on.
    const trigger = await api('POST', '/v2/loan/agreement', { body: { customerID } });
    expect(trigger.body.statusCode).toBe('TAS-S-000');
    const agreement = await poll(
      `/v2/loan/agreement?referenceID=${trigger.body.data.referenceID}`,
      (b) => b.data.status !== 'PROCESSING',
    );
    expect(agreement.data).toMatchObject({ status: 'SUCCESS', agreementURL: expect.stringContaining('http') });
    expect(await stageOf(customerID)).toBe('SIGNED');
    // What the borrower agreed to is kept: the very PDF they were shown.
    const { findSigningConsent } = await import('#store/sessions');
    const { findBorrowerByCustomerId } = await import('#store/borrowers');
    const tenant = { partnerId: runtime.credentials.partnerId, mode: 'sandbox' as const };
    const borrower = await findBorrowerByCustomerId(tenant, customerID);
    const consent = await findSigningConsent(
      tenant,
      String(borrower?.journey?.applicationId),
      trigger.body.data.referenceID,
    );
    expect(consent).toMatchObject({
      documentSha256: createHash('sha256').update(pdf).digest('hex'),
      text: expect.stringContaining('I agree to sign it electronically'),
      ipAddress: '127.0.0.1',
      userAgent: expect.stringContaining('Chrome'),
    });

    // The partner disburses; the page shows the money sent and sends the borrower back.
    const disburse = await api('POST', '/v2/loan/disburse', { body: { customerID } });
    await poll(`/v2/loan/disburse?referenceID=${disburse.body.data.referenceID}`, (b) => b.data.status === 'SUCCESS');
    await page.goto(url);
    expect(await stateOf(page, 'disbursal')).toBe('done');
    expect(await page.textContent('#step-disbursal')).toContain('was sent to your bank account');
    expect(await page.locator('form').count()).toBe(0);
    await page.screenshot({ path: '/tmp/session-page-4-done.png', fullPage: true });
  }, 240_000);

  it('asks for the CKYC OTP on the page when the registry sends one (magic PAN 8001)', async () => {
    const customerID = 'page-otp';
    await customer(customerID, { pan: randomPan('8001') });
    const page = await phone();
    await page.goto(await sessionUrl(customerID));
    await page.setInputFiles('#selfie', { name: 'selfie.png', mimeType: 'image/png', buffer: SELFIE });
    await page.click('text=Verify my identity');
    await page.waitForSelector('#otp', { timeout: 45_000 });
    expect(await page.textContent('#step-kyc')).toContain('Enter the OTP that the CKYC registry sent');
    await page.fill('#otp', '000000');
    await page.click('text=Submit OTP');
    await page.waitForSelector('#step-kyc:has-text("That OTP was not right") #otp', { timeout: 45_000 });
    expect(await page.textContent('#step-kyc')).toContain('That OTP was not right');
    await page.fill('#otp', '123456');
    await page.click('text=Submit OTP');
    await page.waitForSelector('#step-kyc[data-state="done"]', { timeout: 45_000 });
  });

  it('says clearly that a rejected application was not approved, and why, with nothing left to do', async () => {
    const customerID = 'page-rejected';
    const bre = await customer(customerID, { pan: randomPan('9001') });
    expect(bre.data.status).toBe('REJECTED');
    await eventually(async () => (await stageOf(customerID)) === 'REJECTED');
    const page = await phone();
    await page.goto(await sessionUrl(customerID));
    expect(await page.getAttribute('#outcome', 'data-status')).toBe('REJECTED');
    expect(await page.textContent('#outcome h2')).toBe('Your loan application was not approved');
    // Magic PAN 9001 is a low bureau score: the lender's credit review, in plain words.
    expect(await page.textContent('#outcome')).toContain("The lender's review of your credit history did not approve");
    expect(await stateOf(page, 'offer')).toBe('failed');
    expect(await page.locator('form').count()).toBe(0);
    expect(await page.getAttribute('#continue', 'class')).toBe('button');
    await fitsThePhone(page);
    await page.screenshot({ path: '/tmp/session-page-5-rejected.png', fullPage: true });
  });
});

// ---------------------------------------------------------------------------- over HTTP

describe('the session page actions (over HTTP)', () => {
  it("lets the borrower's consent sign an agreement the partner triggered, instead of the sandbox signer", async () => {
    const customerID = 'page-partner-agreement';
    await customer(customerID, { pan: okPan() });
    const kyc = await api('POST', '/v2/kyc/ckyc', { body: { customerID } });
    await poll(`/v2/kyc/details?referenceID=${kyc.body.data.referenceID}`, (b) => b.data.status === 'APPROVED');
    const url = await sessionUrl(customerID);
    const trigger = await api('POST', '/v2/loan/agreement', { body: { customerID } });
    const status = `/v2/loan/agreement?referenceID=${trigger.body.data.referenceID}`;
    // The sandbox signer would have signed by now; this customer signs on the page.
    await new Promise((r) => setTimeout(r, 1500));
    expect((await api('GET', status)).body.data.status).toBe('PROCESSING');
    const html = await eventually(async () => {
      const text = await (await fetch(url)).text();
      return text.includes('name="consent"') && text;
    });
    expect(html).toContain('Read the full agreement (PDF)');
    const unticked = await post(`${url}/agreement/consent`);
    expect(unticked.status).toBe(303);
    expect(unticked.headers.get('location')).toBe(`${url}?n=consent_missing`);
    const signed = await post(`${url}/agreement/consent`, { consent: 'yes' });
    expect(signed.headers.get('location')).toBe(`${url}?n=signed`);
    expect((await poll(status, (b) => b.data.status !== 'PROCESSING')).data.status).toBe('SUCCESS');
    // Once signed, there is nothing to consent to any more.
    expect((await post(`${url}/agreement/consent`, { consent: 'yes' })).headers.get('location')).toBe(
      `${url}?n=step_closed`,
    );
  });

  it('refuses a cross-site post (Origin or Sec-Fetch-Site) and changes nothing', async () => {
    const customerID = 'page-csrf';
    await customer(customerID, { pan: okPan() });
    const url = await sessionUrl(customerID);
    const selfie = new Blob([SELFIE], { type: 'image/png' });
    const crossSite: Record<string, string>[] = [
      { origin: 'https://evil.example' },
      { 'sec-fetch-site': 'cross-site' },
      { origin: 'null' },
    ];
    for (const headers of crossSite) {
      const res = await post(`${url}/kyc`, { selfie }, headers);
      expect(res.status).toBe(403);
      expect(res.headers.get('content-type')).toContain('text/html');
    }
    const page = await (await fetch(url)).text();
    expect(page).toContain('data-state="action"');
    expect(page).toContain('name="selfie"');
    // The page's own origin is welcome.
    const own = await post(`${url}/kyc`, { selfie }, { origin: new URL(url).origin, 'sec-fetch-site': 'same-origin' });
    expect(own.headers.get('location')).toBe(`${url}?n=kyc_started`);
  });

  it('sends the borrower back with a notice for a file that is not a photo, and a 404 page for an unknown link', async () => {
    const customerID = 'page-bad-file';
    await customer(customerID, { pan: okPan() });
    const url = await sessionUrl(customerID);
    const notPhoto = await post(`${url}/kyc`, { selfie: new Blob(['<svg/>'], { type: 'image/png' }) });
    expect(notPhoto.headers.get('location')).toBe(`${url}?n=invalid_file`);
    const none = await post(`${url}/kyc`, {});
    expect(none.headers.get('location')).toBe(`${url}?n=selfie_missing`);
    const shown = await (await fetch(`${url}?n=invalid_file`)).text();
    expect(shown).toContain('must be a JPEG or PNG photo');
    // An unknown notice is ignored, not an error.
    expect((await fetch(`${url}?n=<script>`)).status).toBe(200);
    const unknown = `${runtime.baseUrl}/v2/session/${'x'.repeat(43)}`;
    for (const res of [
      await fetch(unknown),
      await post(`${unknown}/kyc`),
      await fetch(`${runtime.baseUrl}/v2/session/short`),
    ]) {
      expect(res.status).toBe(404);
      expect(await res.text()).toContain('This link has expired');
    }
  });

  it('limits actions per link: 20 a minute, then a 429 page with Retry-After', async () => {
    const customerID = 'page-limit';
    await customer(customerID, { pan: okPan() });
    const url = await sessionUrl(customerID);
    // Not across a minute's boundary (the window is the clock minute): 21 posts get 40 s.
    const msLeft = 60_000 - (Date.now() % 60_000);
    if (msLeft < 40_000) await new Promise((r) => setTimeout(r, msLeft + 100));
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push((await post(`${url}/agreement`)).status);
    expect(statuses.slice(0, 20).every((s) => s === 303)).toBe(true);
    const limited = await post(`${url}/agreement`);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
