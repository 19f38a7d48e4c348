/** The /docs page: a plain, self-contained HTML rendering of the OpenAPI document. */
import { escapeHtml } from '#http/html';
import type { RouteDef } from '#http/route';
import { SANDBOX_BUREAU_MAGIC } from '#providers/bureau';
import { SANDBOX_CREDIT_DEFAULT, SANDBOX_CREDIT_MAGIC } from '#providers/credit-bureaus';
import { SANDBOX_KYC_MAGIC } from '#providers/kyc';
import { JOURNEY_CUSTOMER_MAGIC, JOURNEY_KYC_MAGIC, PARTNER_LOAN_MAGIC } from '#providers/sandbox-journey';
import { openApiDocument } from './openapi.ts';

export function renderDocs(routes: readonly RouteDef[]): string {
  const doc = openApiDocument(routes);
  const sections = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => {
      const o = op as {
        operationId: string;
        summary: string;
        description?: string;
        tags: string[];
        parameters: { name: string; in: string; required: boolean }[];
        requestBody?: { content: Record<string, { schema: unknown }> };
        responses: Record<string, { description: string; content?: Record<string, { schema: unknown }> }>;
      };
      const params = o.parameters.length
        ? `<h4>Parameters</h4><ul>${o.parameters
            .map((p) => `<li><code>${escapeHtml(p.name)}</code> (${p.in}${p.required ? ', required' : ''})</li>`)
            .join('')}</ul>`
        : '';
      const body = o.requestBody
        ? `<h4>Request body</h4><pre>${escapeHtml(JSON.stringify(o.requestBody.content['application/json']?.schema, null, 2))}</pre>`
        : '';
      const responses = Object.entries(o.responses)
        .map(
          ([status, r]) =>
            `<li><b>${status}</b> ${escapeHtml(r.description)}${
              r.content
                ? `<details><summary>schema</summary><pre>${escapeHtml(JSON.stringify(r.content['application/json']?.schema, null, 2))}</pre></details>`
                : ''
            }</li>`,
        )
        .join('');
      return `<section id="${o.operationId}"><h3><span class="m">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h3>
<p>${escapeHtml(o.summary)}</p>${o.description ? `<p>${escapeHtml(o.description)}</p>` : ''}<p class="tags">${o.tags.map(escapeHtml).join(', ')}</p>${params}${body}<h4>Responses</h4><ul>${responses}</ul></section>`;
    }),
  );
  const magic = Object.entries(SANDBOX_KYC_MAGIC)
    .map(([digits, what]) => `<tr><td><code>…${digits}</code></td><td>${escapeHtml(what)}</td></tr>`)
    .join('');
  const bureau = Object.entries(SANDBOX_BUREAU_MAGIC)
    .map(([digits, what]) => `<tr><td><code>${digits}</code></td><td>${escapeHtml(what)}</td></tr>`)
    .join('');
  const rows = (table: Record<string, string>, key: (k: string) => string) =>
    Object.entries(table)
      .map(([k, what]) => `<tr><td><code>${escapeHtml(key(k))}</code></td><td>${escapeHtml(what)}</td></tr>`)
      .join('');
  const journeyKyc = rows(JOURNEY_KYC_MAGIC, (k) => k);
  const credit = rows(
    Object.fromEntries(Object.entries(SANDBOX_CREDIT_MAGIC).map(([digits, m]) => [digits, m.outcome])),
    (k) => `…${k}`,
  );
  const journeyCustomer = rows(JOURNEY_CUSTOMER_MAGIC, (k) => `…${k}`);
  const partnerLoans = rows(PARTNER_LOAN_MAGIC, (k) => `…${k}`);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>lendstack API reference</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:2em auto;padding:0 1em}pre{background:#f5f5f5;padding:.6em;overflow:auto;font-size:12px}
section{border-top:1px solid #ddd;padding:.5em 0}.m{background:#234;color:#fff;padding:0 .4em;border-radius:3px;font-size:13px}.tags{color:#777;font-size:13px}</style></head>
<body><h1>lendstack API reference</h1><p>${escapeHtml(doc.info.description)}</p><p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).</p>
<h2>Sandbox magic values</h2><p>KYC outcome by the last four digits of the NIK being verified (the director's NIK for BUSINESS borrowers):</p>
<table><tr><th>NIK ends in</th><th>outcome</th></tr>${magic}<tr><td>anything else</td><td>APPROVED</td></tr></table>
<p>Partner API credit score (credit-source afpi, clik or both) by the last four digits of the NIK:</p>
<table><tr><th>NIK ends in</th><th>outcome</th></tr>${credit}<tr><td>anything else</td><td>${escapeHtml(SANDBOX_CREDIT_DEFAULT)}</td></tr></table>
<p>Journey API BRE by the four digits of the PAN (AAAAA<b>9999</b>A); a PIN code starting 99 is not serviceable, an age outside 21-60 is rejected before the bureau:</p>
<table><tr><th>PAN digits</th><th>outcome</th></tr>${bureau}<tr><td>anything else</td><td>score 760: SUCCESS with offers</td></tr></table>
<p>Journey API KYC by the four digits of the PAN; an uploaded Aadhaar XML whose name or date of birth differs from the details is NAME_MISMATCH or PAN_DATA_MISMATCH:</p>
<table><tr><th>PAN digits</th><th>outcome</th></tr>${journeyKyc}<tr><td>anything else</td><td>APPROVED through CKYC</td></tr></table>
<p>Journey API signing and disbursal by the end of the customerID:</p>
<table><tr><th>customerID ends in</th><th>outcome</th></tr>${journeyCustomer}<tr><td>anything else</td><td>signed at once; disbursed with a UTR</td></tr></table>
<p>Partner API loans (POST /api/core/loans/…) by the end of their reference_id:</p>
<table><tr><th>reference_id ends in</th><th>outcome</th></tr>${partnerLoans}<tr><td>anything else</td><td>signed at once (SIGNING -> ACTIVE); disbursed within moments</td></tr></table>
<h2>Endpoints</h2>${sections.join('\n')}</body></html>`;
}
