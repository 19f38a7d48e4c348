/**
 * Headless Chromium for the browser tests (session page, API reference, ops console), driven
 * by playwright-core. Where Chromium is missing the browser tests are skipped with a line
 * saying so, except in CI (CI=true), where `.ci/run` installs it and a missing one fails.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);

/** Whether this machine runs the browser tests; says so once, by name, when it does not. */
export function browserTests(what: string): boolean {
  const run = HAVE_CHROMIUM || process.env.CI === 'true';
  if (!run) {
    console.warn(
      `${what}: browser tests SKIPPED, no Chromium at ${CHROMIUM} (apt-get install chromium); CI=true makes this a failure`,
    );
  }
  return run;
}

export async function launchChromium(): Promise<Browser> {
  if (!HAVE_CHROMIUM) throw new Error(`Chromium is required in CI and missing at ${CHROMIUM}: .ci/run installs it`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * Records on `page` what a page of the stage must not do: script errors (a CSP refusal among
 * them) into `problems`, requests to anywhere but the stage (and data:/blob: URLs) into
 * `elsewhere`.
 */
export function watch(page: Page, stage: string, problems: string[], elsewhere?: string[]): Page {
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  if (elsewhere) {
    page.on('request', (r) => {
      const url = r.url();
      if (!url.startsWith(stage) && !url.startsWith('data:') && !url.startsWith('blob:')) elsewhere.push(url);
    });
  }
  return page;
}
