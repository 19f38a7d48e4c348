/**
 * The hosted session page as HTML: server-rendered, a little inline JS (nonce'd, optional: every
 * form works without it), no framework and nothing loaded from elsewhere. Built for a phone
 * (360 px and up). Everything that comes from data goes through escapeHtml.
 */
import { randomBytes } from 'node:crypto';
import { escapeHtml } from '#http/html';
import type { ApiResult } from '#http/route';
import type { LoanApplication } from '#store/applications';
import { SIGNING_CONSENT_TEXT } from './agreement-step.ts';
import type { SessionNotice } from './session-page-schemas.ts';
import type { JourneyView, Outcome, Step, StepState } from './session-page-state.ts';

const e = escapeHtml;

const NOTICE_TEXT: Record<SessionNotice, { kind: 'ok' | 'error'; text: string }> = {
  kyc_started: { kind: 'ok', text: 'Thank you, we received your selfie.' },
  otp_sent: { kind: 'ok', text: 'Thank you, we received the OTP.' },
  agreement_ready: { kind: 'ok', text: 'Here is your loan agreement.' },
  signed: { kind: 'ok', text: 'You signed your loan agreement.' },
  invalid_file: {
    kind: 'error',
    text: 'That file could not be used. The selfie must be a JPEG or PNG photo, the Aadhaar file an offline e-KYC XML.',
  },
  file_too_large: { kind: 'error', text: 'That file is larger than 5 MB. Please choose a smaller photo.' },
  selfie_missing: { kind: 'error', text: 'Please take or choose a selfie first.' },
  consent_missing: {
    kind: 'error',
    text: 'Tick the box to confirm that you have read the agreement and agree to sign it.',
  },
  otp_invalid: { kind: 'error', text: 'The OTP is 4 to 8 digits.' },
  step_closed: {
    kind: 'error',
    text: 'That step is not open right now. The page below shows where your application stands.',
  },
  try_again: { kind: 'error', text: 'Something went wrong on our side. Please try again in a moment.' },
};

const MARK: Record<StepState, string> = {
  done: '✅',
  action: '👉',
  processing: '⏳',
  waiting: '🕒',
  todo: '⬜',
  failed: '❌',
  closed: '⬜',
};

const BADGE: Record<StepState, string> = {
  done: 'Done',
  action: 'Your turn',
  processing: 'In progress',
  waiting: "Lender's turn",
  todo: 'Later',
  failed: 'Did not go through',
  closed: 'Closed',
};

const STYLE = `*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1c2430;background:#f2f4f7;-webkit-text-size-adjust:100%}
main{max-width:560px;margin:0 auto;padding:16px 14px 32px}
h1{font-size:1.45rem;line-height:1.25;margin:.2em 0 .3em}
h2{font-size:1.05rem;line-height:1.3;margin:0}
p{margin:.4em 0}
.lead{color:#4a5566}
.card{background:#fff;border:1px solid #dde3ea;border-radius:12px;padding:14px;margin:12px 0}
.notice{border-radius:10px;padding:12px 14px;margin:12px 0;font-weight:500}
.notice.ok{background:#e6f4ea;color:#14532d}
.notice.error{background:#fdecea;color:#8a1c12}
.ended{background:#fff4e5;border:1px solid #f0b35b;border-radius:12px;padding:14px;margin:12px 0}
.ended h2{font-size:1.15rem;color:#7a3e00}
ol.steps{list-style:none;padding:0;margin:12px 0}
.step{background:#fff;border:1px solid #dde3ea;border-radius:12px;padding:12px 14px;margin:0 0 10px}
.step.action{border:2px solid #1a56db}
.step.failed{border-color:#e0a39b}
.step .note{color:#4a5566;margin:.3em 0 0}
.step.todo h2,.step.closed h2{color:#6b7685}
.badge{display:inline-block;font-size:.75rem;font-weight:600;padding:1px 8px;border-radius:999px;background:#eef1f5;color:#4a5566;margin-top:4px}
.action .badge{background:#1a56db;color:#fff}
.done .badge{background:#e6f4ea;color:#14532d}
.failed .badge{background:#fdecea;color:#8a1c12}
form{margin:12px 0 0}
label{display:block;font-weight:600;margin:10px 0 4px}
input[type=file],input[type=text]{display:block;width:100%;font-size:1rem;padding:10px;border:1px solid #b8c2cf;border-radius:8px;background:#fff}
.check{display:flex;gap:10px;align-items:flex-start;font-weight:400}
.check input{width:22px;height:22px;margin:2px 0 0;flex:none}
button,.button{display:block;width:100%;min-height:48px;margin:12px 0 0;padding:12px;font-family:inherit;font-size:1rem;font-weight:600;line-height:1.3;text-align:center;text-decoration:none;color:#fff;background:#1a56db;border:0;border-radius:10px;cursor:pointer}
button:disabled{background:#9aabcb;cursor:default}
.button.secondary{color:#1a56db;background:#fff;border:1px solid #1a56db}
.preview{display:block;max-width:160px;max-height:160px;margin:8px 0;border-radius:8px}
.hint{font-size:.875rem;color:#6b7685}
.warn{color:#8a1c12}
dl.terms{display:grid;grid-template-columns:1fr auto;gap:4px 12px;margin:8px 0}
dl.terms dt{color:#4a5566}
dl.terms dd{margin:0;text-align:right;font-weight:600}
details{margin:8px 0}
summary{cursor:pointer;color:#1a56db;font-weight:600;min-height:32px}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:.75rem}
th,td{padding:4px 3px;text-align:right;border-bottom:1px solid #eef1f5;white-space:nowrap}
th:first-child,td:first-child{text-align:left}
a{color:#1a56db}
footer{font-size:.8rem;color:#6b7685;margin-top:20px}
[hidden]{display:none!important}`;

/** The notice out of the address (a reload does not repeat it), busy labels while a form is sent, the selfie preview and size check, and the consent box gating the button. */
const SCRIPT = `if(location.search)history.replaceState(null,'',location.pathname);
document.querySelectorAll('form[data-busy]').forEach(function(f){f.addEventListener('submit',function(){var b=f.querySelector('button');if(b){b.disabled=true;b.textContent=f.getAttribute('data-busy');}});});
var s=document.getElementById('selfie');if(s){s.addEventListener('change',function(){var f=s.files&&s.files[0],p=document.getElementById('selfie-preview'),w=document.getElementById('selfie-size');if(!f){p.hidden=true;return;}p.src=URL.createObjectURL(f);p.hidden=false;w.hidden=f.size<=5242880;});}
var c=document.getElementById('consent'),g=document.getElementById('sign');if(c&&g){var sync=function(){g.disabled=!c.checked;};c.addEventListener('change',sync);sync();}`;

export interface PageOptions {
  /** Reload the page after this many seconds (while lendstack works on a step). */
  refreshSeconds?: number;
  /** Where the reload goes (the page without its notice). */
  refreshUrl?: string;
  /** Extra response headers (Retry-After). */
  headers?: Record<string, string>;
}

/**
 * A whole page as the handler's result. The headers keep the link's secret in it: no referrer
 * leaves for another site (the PDF link, the partner's Continue link), nothing caches it, no
 * other site can frame it (the consent button), and only this response's inline script runs.
 */
export function htmlPage(statusCode: number, title: string, body: string, options: PageOptions = {}): ApiResult {
  const nonce = randomBytes(16).toString('base64');
  const refresh = options.refreshSeconds
    ? `<meta http-equiv="refresh" content="${options.refreshSeconds}${options.refreshUrl ? `;url=${e(options.refreshUrl)}` : ''}">`
    : '';
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="referrer" content="same-origin"><link rel="icon" href="data:,">${refresh}<title>${e(title)}</title><style nonce="${nonce}">${STYLE}</style></head><body><main>${body}</main><script nonce="${nonce}">${SCRIPT}</script></body></html>`;
  return {
    statusCode,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      // Not no-referrer: the page's own form posts must carry their Origin (no-referrer makes it "null").
      'referrer-policy': 'same-origin',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'content-security-policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; img-src 'self' blob: data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
      ...options.headers,
    },
    body: html,
  };
}

/** A page with one message and no journey: an expired link, a refused request, an error. */
export function messagePage(statusCode: number, title: string, text: string, options: PageOptions = {}): ApiResult {
  return htmlPage(statusCode, title, `<h1>${e(title)}</h1><div class="card"><p>${e(text)}</p></div>`, options);
}

const money = (currency: string, amount: string | number) => `${e(currency)} ${e(String(amount))}`;

/** The key facts of the loan, as the agreement states them, and its schedule. */
function keyFacts(app: LoanApplication): string {
  const first = app.schedule.installments[0];
  const rows: [string, string][] = [
    ['Loan amount', money(app.currency, app.amount)],
    ['Interest', `${e(String(app.interest))}\u00a0% a year`],
    ['Tenure', `${e(String(app.tenure))} months`],
    ['Fees deducted upfront', money(app.currency, app.schedule.upfrontFees)],
    ['You receive', money(app.currency, app.schedule.netDisbursed)],
    ...(first ? ([['Monthly installment', money(app.currency, first.total)]] as [string, string][]) : []),
    ['Total you repay', money(app.currency, app.schedule.totals.total)],
  ];
  const schedule = app.schedule.installments
    .map(
      (i) =>
        `<tr><td>${e(i.dueDate)}</td><td>${e(i.principal)}</td><td>${e(i.interest)}</td><td>${e(i.total)}</td></tr>`,
    )
    .join('');
  return `<dl class="terms">${rows.map(([k, v]) => `<dt>${e(k)}</dt><dd>${v}</dd>`).join('')}</dl>
<details><summary>Repayment schedule (${app.schedule.installments.length} installments)</summary><div class="scroll"><table><thead><tr><th>Due</th><th>Principal</th><th>Interest</th><th>Total</th></tr></thead><tbody>${schedule}</tbody></table></div><p class="hint">Interest on the reducing balance. Due dates move with the day the money is sent; the amounts stay as shown.</p></details>`;
}

/** The form of the step the application waits on, posting to the action's route. */
function actionForm(step: Step, view: JourneyView, pageUrl: string): string {
  const app = view.app;
  switch (step.action) {
    case 'kyc':
      return `<form method="post" action="${e(pageUrl)}/kyc" enctype="multipart/form-data" data-busy="Uploading…">
<label for="selfie">Your selfie</label>
<input type="file" id="selfie" name="selfie" accept="image/jpeg,image/png" capture="user" required>
<p class="hint">Face the camera in good light, without glasses or a mask. JPEG or PNG, up to 5\u00a0MB.</p>
<img id="selfie-preview" class="preview" alt="Your selfie" hidden>
<p id="selfie-size" class="hint warn" hidden>This photo is larger than 5 MB: please take a smaller one.</p>
<details><summary>Add your Aadhaar offline e-KYC file (optional)</summary>
<label for="aadhaar">Aadhaar offline e-KYC (XML)</label>
<input type="file" id="aadhaar" name="digilocker_aadhaar_xml" accept=".xml,text/xml,application/xml">
<p class="hint">With it we verify you from your Aadhaar instead of the CKYC registry.</p></details>
<button type="submit">Verify my identity</button></form>`;
    case 'kyc_otp':
      return `<form method="post" action="${e(pageUrl)}/kyc/otp" enctype="multipart/form-data" data-busy="Checking…">
<label for="otp">OTP</label>
<input type="text" id="otp" name="otp" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{4,8}" maxlength="8" required>
<button type="submit">Submit OTP</button></form>`;
    case 'agreement_open':
      return `${app ? keyFacts(app) : ''}<form method="post" action="${e(pageUrl)}/agreement" enctype="multipart/form-data" data-busy="Preparing…">
<button type="submit">Read my agreement</button></form>`;
    case 'agreement_sign':
      return `${app ? keyFacts(app) : ''}${
        view.agreementUrl
          ? `<p><a class="button secondary" id="agreement-pdf" href="${e(view.agreementUrl)}" target="_blank" rel="noopener noreferrer">Read the full agreement (PDF)</a></p>`
          : ''
      }<form method="post" action="${e(pageUrl)}/agreement/consent" enctype="multipart/form-data" data-busy="Signing…">
<label class="check"><input type="checkbox" id="consent" name="consent" value="yes" required><span>${e(SIGNING_CONSENT_TEXT)}</span></label>
<button type="submit" id="sign">Sign the agreement</button></form>`;
    default:
      return '';
  }
}

function stepItem(step: Step, view: JourneyView, pageUrl: string): string {
  const signedPdf =
    step.id === 'agreement' && step.state === 'done' && view.agreementUrl
      ? `<p><a href="${e(view.agreementUrl)}" target="_blank" rel="noopener noreferrer">Your signed agreement (PDF)</a></p>`
      : '';
  return `<li class="step ${step.state}" id="step-${step.id}" data-state="${step.state}"><h2>${MARK[step.state]} ${e(step.label)}</h2><span class="badge">${e(BADGE[step.state])}</span><p class="note">${e(step.note)}</p>${signedPdf}${step.state === 'action' ? actionForm(step, view, pageUrl) : ''}</li>`;
}

export interface JourneyPage {
  view: JourneyView;
  steps: Step[];
  outcome: Outcome | null;
  /** The page's own URL (actions post below it). */
  pageUrl: string;
  redirectURL: string;
  notice?: SessionNotice;
}

/** The borrower's page: the loan, a notice, the end if it ended, every step, and the way back. */
export function journeyPage({ view, steps, outcome, pageUrl, redirectURL, notice }: JourneyPage): ApiResult {
  const app = view.app;
  const name = view.borrower.name?.trim();
  const noticeHtml = notice
    ? `<p class="notice ${NOTICE_TEXT[notice].kind}" role="status" id="notice">${e(NOTICE_TEXT[notice].text)}</p>`
    : '';
  const ended = outcome
    ? `<section class="ended" role="alert" id="outcome" data-status="${e(outcome.status)}"><h2>${e(outcome.title)}</h2><p>${e(outcome.reason)}</p></section>`
    : '';
  const loan = app
    ? `<div class="card" id="loan"><p>Loan: ${money(app.currency, app.amount)} over ${e(String(app.tenure))} months at ${e(String(app.interest))}\u00a0% a year; you receive ${money(app.currency, app.schedule.netDisbursed)}.</p></div>`
    : '';
  const yourTurn = steps.some((s) => s.state === 'action');
  const working = steps.some((s) => s.state === 'processing');
  const body = `<header><h1>Your loan application</h1><p class="lead">${name ? `Hi ${e(name)}. ` : ''}${
    outcome
      ? ''
      : yourTurn
        ? 'One step needs you now.'
        : working
          ? 'We are working on your application. This page updates by itself.'
          : 'Here is where your application stands.'
  }</p></header>${noticeHtml}${ended}${loan}<ol class="steps">${steps.map((s) => stepItem(s, view, pageUrl)).join('')}</ol>
<p><a class="button${yourTurn ? ' secondary' : ''}" id="continue" href="${e(redirectURL)}" rel="noreferrer">Continue</a></p>
<footer>This is a private link to your application. It works for one hour; do not share it.</footer>`;
  // Nothing to fill in: follow lendstack's work closely, the lender's more slowly, until the end.
  const over = outcome !== null || steps.every((s) => s.state === 'done');
  const refreshSeconds = yourTurn || over ? undefined : working ? 3 : 10;
  return htmlPage(200, 'Your loan application', body, refreshSeconds ? { refreshSeconds, refreshUrl: pageUrl } : {});
}
