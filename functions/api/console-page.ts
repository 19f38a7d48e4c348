/**
 * The ops console (/console): a static page whose script (console/assets/console.js) reads the
 * platform API of the stage that served it with the API key the operator enters. The page
 * carries no data and no key: the key is kept in the tab's sessionStorage only (`npm start`
 * prints a link that hands the sandbox key over in the URL fragment, which never reaches a
 * server). Relative URLs, so it works under a deployed stage's path prefix too.
 */

/** Scripts, styles and requests from this stage only; no inline script or style, no framing, no form posts. */
export const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

const tab = (id: string, label: string, counts: string, selected = false) =>
  `<button type="button" role="tab" data-tab="${id}" aria-selected="${selected}">${label}<span class="count" id="${id}-count" title="${counts}"></span></button>`;

const section = (id: string, title: string, toolbar = '') =>
  `<section id="tab-${id}" role="tabpanel" aria-label="${title}" hidden><div class="toolbar"><h2>${title}</h2>${toolbar}<button type="button" data-reload="${id}">Reload</button></div><div id="${id}-notice"></div>${id === 'applications' ? '<div id="application-detail"></div>' : ''}<div id="${id}-list"></div></section>`;

/** The page: the same bytes for every stage and caller. */
export function renderConsole(): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>lendstack ops console</title><link rel="icon" href="data:,"><link rel="stylesheet" href="console/assets/console.css"></head>
<body><header><h1>lendstack ops console</h1><span class="mode" id="mode"></span><span class="spacer"></span><button type="button" id="sign-out" hidden>Sign out</button></header>
<noscript><p>The console needs JavaScript.</p></noscript>
<form id="sign-in" hidden><h2>Sign in</h2><p>A platform API key of the tenant to look after (<code>sk_sandbox_…</code> or <code>sk_prod_…</code>). It is kept in this tab only (sessionStorage) and sent to this stage's API as a Bearer token.</p>
<label for="api-key">Platform API key</label><input id="api-key" type="password" autocomplete="off" spellcheck="false" required><button type="submit">Open the console</button><p id="sign-in-error" role="alert"></p></form>
<main id="console" hidden><nav role="tablist">${tab('applications', 'Applications', 'applications listed', true)}${tab('kyc', 'KYC reviews', 'runs waiting for a review')}${tab('webhooks', 'Webhook deliveries', 'DEAD or FAILED deliveries')}${tab('payments', 'Payments', 'payment exceptions')}${tab('loans', 'Loans by bucket', 'loans past due')}</nav>
${section('applications', 'Applications and their workflows', '<label>Status <select id="application-status"></select></label>')}
${section('kyc', 'KYC runs waiting for a manual review')}
${section('webhooks', 'Webhook deliveries')}
${section('payments', 'Payments and payment exceptions')}
${section('loans', 'Loans by delinquency bucket')}
</main>
<script src="console/assets/console.js"></script>
</body></html>`;
}
