/**
 * The /docs page: Scalar's API reference (the standalone bundle of @scalar/api-reference,
 * served by the stage itself at docs/assets/…, no CDN) over the OpenAPI document inlined in the
 * page, with the stage's own URL as its server so "Try it" calls the sandbox that served it.
 * Without JavaScript the page still shows the sandbox magic values and every operation.
 */
import { createHash } from 'node:crypto';
import { escapeHtml } from '#http/html';
import type { RouteDef } from '#http/route';
import { magicTablesHtml } from './docs-guide.ts';
import { openApiDocument } from './openapi.ts';

/** Scalar's configuration: no fonts, telemetry or AI features from elsewhere; the document is in the page. */
const BOOT = `Scalar.createApiReference('#reference', {
  content: JSON.parse(document.getElementById('openapi-document').textContent),
  withDefaultFonts: false,
  telemetry: false,
  showDeveloperTools: 'never',
  mcp: { disabled: true },
  agent: { disabled: true },
  hideClientButton: false,
  defaultOpenAllTags: true,
  documentDownloadType: 'json',
  defaultHttpClient: { targetKey: 'shell', clientKey: 'curl' },
});`;

/**
 * The Content-Security-Policy of the page: scripts only from this stage plus the one inline
 * boot script (by its hash), requests only to this stage (the try-it console), no framing.
 * Scalar sets inline styles, hence 'unsafe-inline' for styles only.
 */
export const DOCS_CSP = `default-src 'none'; script-src 'self' 'sha256-${createHash('sha256').update(BOOT).digest('base64')}'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`;

/** The script's URL relative to /docs, so it resolves under a deployed stage's path prefix too. */
export const DOCS_SCRIPT = 'docs/assets/scalar-api-reference.js';

export function renderDocs(routes: readonly RouteDef[], serverUrl?: string): string {
  const doc = openApiDocument(routes, serverUrl);
  // Inside <script type="application/json">: nothing may close the element early.
  const json = JSON.stringify(doc).replace(/</g, '\\u003c');
  const operations = routes
    .map(
      (r) =>
        `<li><code>${r.method} ${escapeHtml(r.path)}</code> ${escapeHtml(r.summary)} <small>(${escapeHtml(r.id)})</small></li>`,
    )
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>lendstack API reference</title><link rel="icon" href="data:,"></head>
<body><noscript><h1>lendstack API reference</h1><p>The interactive reference needs JavaScript. Machine-readable: <a href="openapi.json">openapi.json</a> (OpenAPI 3.1).</p>
<h2>Sandbox magic values</h2>${magicTablesHtml()}<h2>Operations</h2><ul>${operations}</ul></noscript>
<div id="reference"></div>
<script type="application/json" id="openapi-document">${json}</script>
<script src="${DOCS_SCRIPT}"></script>
<script>${BOOT}</script>
</body></html>`;
}
