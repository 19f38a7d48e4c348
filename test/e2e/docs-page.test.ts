/**
 * /docs in headless Chromium against the local runtime: Scalar's reference, loaded from the
 * stage itself under the page's CSP (no request leaves the stage, no console error, no CSP
 * violation), renders every operation of the OpenAPI document, the getting-started guides and
 * the magic-value tables, and its try-it console calls the stage and shows the answer.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalRuntime, startLocalRuntime } from '../../lib/local/runtime.ts';
import { browserTests, launchChromium, watch } from '../helpers/browser.ts';
import { client } from '../helpers/http.ts';

const BROWSER = browserTests('docs page');

let runtime: LocalRuntime;
let anonymous: ReturnType<typeof client>;

beforeAll(async () => {
  runtime = await startLocalRuntime({ port: 0, credentialsDir: mkdtempSync(join(tmpdir(), 'lendstack-docs-')) });
  anonymous = client(runtime.baseUrl);
});

afterAll(async () => {
  await runtime?.stop();
});

describe('the /docs route', () => {
  it('sends the page with a CSP that allows scripts from the stage only, and the script from the stage', async () => {
    const page = await anonymous('GET', '/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/=]+';/);
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-eval');
    expect(page.body).toContain('src="docs/assets/scalar-api-reference.js"');
    const script = await fetch(`${runtime.baseUrl}/docs/assets/scalar-api-reference.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toContain('text/javascript');
    const bytes = (await script.arrayBuffer()).byteLength;
    console.log(`Scalar standalone bundle served from the stage: ${bytes.toLocaleString('en')} bytes`);
    // Under Lambda's 6 MB synchronous response limit.
    expect(bytes).toBeLessThan(6 * 1024 * 1024);
    expect((await fetch(`${runtime.baseUrl}/docs/assets/other.js`)).status).toBeGreaterThanOrEqual(400);
  });
});

describe.skipIf(!BROWSER)('the API reference in Chromium', () => {
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const elsewhere: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    page = watch(
      await browser.newPage({ viewport: { width: 1280, height: 900 } }),
      runtime.baseUrl,
      problems,
      elsewhere,
    );
    await page.goto(`${runtime.baseUrl}/docs`, { waitUntil: 'networkidle' });
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('renders every operation of the OpenAPI document', { timeout: 240_000 }, async () => {
    const doc = (await anonymous('GET', '/openapi.json')).body as {
      paths: Record<string, Record<string, { summary: string }>>;
    };
    const expected = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, summary: op.summary })),
    );
    // Scalar renders sections as they near the viewport: scroll until nothing new appears.
    const ids = (): Promise<string[]> =>
      page.evaluate(() => [...(globalThis as any).document.querySelectorAll('section[id]')].map((s: any) => s.id));
    // Under load a section can come late: keep going until every operation is there, or nothing
    // new has come for 3 s.
    let seen = 0;
    let stable = 0;
    for (let i = 0; i < 1000 && stable < 75; i++) {
      await page.mouse.wheel(0, 4000);
      await page.waitForTimeout(40);
      const now = await ids();
      if (expected.every((e) => now.some((id) => id.endsWith(`/${e.key.replace(' ', '')}`) && id.includes('/tag/'))))
        break;
      stable = now.length === seen ? stable + 1 : 0;
      seen = now.length;
    }
    const sectionIds = await ids();
    /** An operation's section id ends in /<METHOD><path> (`api-1/tag/system/GET/health`). */
    const idOf = (key: string) => {
      const [method, path] = key.split(' ');
      return sectionIds.find((id) => id.endsWith(`/${method}${path}`) && id.includes('/tag/'));
    };
    const found = expected.filter((e) => idOf(e.key));
    console.log(`/docs rendered ${found.length} of ${expected.length} operations`);
    expect(expected.filter((e) => !idOf(e.key)).map((e) => e.key)).toEqual([]);
    const sections: Record<string, string> = {};
    for (const e of expected) {
      sections[e.key] = await page
        .locator(`section[id="${idOf(e.key)}"]`)
        .first()
        .innerText();
    }
    for (const { key, summary } of expected) expect(sections[key], key).toContain(summary);
  });

  it('shows the getting-started guide of each surface and the magic-value tables', async () => {
    const text = await page.evaluate(() => (globalThis as any).document.body.innerText as string);
    for (const surface of ['partner API', 'journey API', 'platform API', 'borrower app API'])
      expect(text).toContain(`Getting started: ${surface}`);
    expect(text).toContain('…_sign_reject');
    expect(text).toContain('…9001');
    expect(await page.locator('table').count()).toBeGreaterThanOrEqual(6);
  });

  it('sends a request from the try-it console to this stage and shows the answer', async () => {
    const section = page.locator('section[id$="/GET/health"]');
    await section.scrollIntoViewIfNeeded();
    await section
      .getByRole('button', { name: /Test Request/i })
      .first()
      .click();
    const send = page.getByRole('button', { name: new RegExp(`Send get request to ${runtime.baseUrl}/health`) });
    const answered = page.waitForResponse((r) => r.url() === `${runtime.baseUrl}/health`);
    await send.click();
    expect((await answered).status()).toBe(200);
    await expect
      .poll(() => page.evaluate(() => (globalThis as any).document.body.innerText as string), { timeout: 10_000 })
      .toMatch(/200 OK[\s\S]*"status": "ok"/);
  });

  it('loads nothing from elsewhere and logs no error (no CSP violation)', () => {
    expect(elsewhere).toEqual([]);
    expect(problems).toEqual([]);
  });
});
