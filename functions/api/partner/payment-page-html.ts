/**
 * The hosted payment-link page as HTML: what is due, by when, the schedule, and the ways to
 * pay (a virtual account per bank, the QRIS image); in sandbox a button that pays. Pure: data
 * in, a whole document out, in the hosted session page's style (server-rendered, built for a
 * 360 px phone, nothing loaded from elsewhere, every value from data through escapeHtml). It
 * needs no script at all, and its one inline <style> is allowed by hash, so the page's CSP
 * (paymentPageHeaders) has no nonce to mint and no 'unsafe-inline'.
 */
import { createHash } from 'node:crypto';
import { escapeHtml } from '#http/html';

const e = escapeHtml;

export interface PaymentPageView {
  loanId: string;
  borrowerName?: string;
  currency: 'IDR';
  /** What the borrower owes now, whole rupiah. */
  amountDue: bigint;
  dueDate?: string;
  /** When this link stops working (ISO 8601). */
  expiresAt: string;
  installments: { number: number; dueDate: string; total: bigint; paid: bigint; status: string }[];
  virtualAccounts: { bankCode: string; vaNumber: string }[];
  qris?: { qrString: string; imageUrl: string };
  sandbox: boolean;
  /** Where the sandbox "pay" button posts (form fields `amount`, `channel`). */
  payAction?: string;
  status: 'DISBURSED' | 'REPAID';
  paidMessage?: string;
}

/** Rupiah as Indonesians write it: "Rp1.234.567" (dots group thousands, no decimals). */
export function formatRupiah(amount: bigint): string {
  const negative = amount < 0n;
  const digits = (negative ? -amount : amount).toString().replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return `${negative ? '-' : ''}Rp${digits}`;
}

const BANK_NAMES: Record<string, string> = {
  BCA: 'BCA',
  BNI: 'BNI',
  BRI: 'BRI',
  MANDIRI: 'Mandiri',
  PERMATA: 'Permata',
  CIMB: 'CIMB Niaga',
};

const STATUS_LABEL: Record<string, string> = {
  DUE: 'Due',
  PARTIALLY_PAID: 'Partly paid',
  PAID: 'Paid',
  OVERDUE: 'Overdue',
};

const STYLE = `*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1c2430;background:#f2f4f7;-webkit-text-size-adjust:100%}
main{max-width:560px;margin:0 auto;padding:16px 14px 32px}
h1{font-size:1.45rem;line-height:1.25;margin:.2em 0 .3em}
h2{font-size:1.05rem;line-height:1.3;margin:0 0 6px}
p{margin:.4em 0}
.lead{color:#4a5566}
.card{background:#fff;border:1px solid #dde3ea;border-radius:12px;padding:14px;margin:12px 0}
.due{font-size:2rem;font-weight:700;line-height:1.2;margin:4px 0;overflow-wrap:anywhere}
.notice{border-radius:10px;padding:12px 14px;margin:12px 0;font-weight:500}
.notice.ok{background:#e6f4ea;color:#14532d}
.sandbox{background:#fff4e5;border:1px solid #f0b35b;color:#7a3e00}
dl.terms{display:grid;grid-template-columns:1fr auto;gap:4px 12px;margin:8px 0}
dl.terms dt{color:#4a5566}
dl.terms dd{margin:0;text-align:right;font-weight:600}
ul.vas{list-style:none;padding:0;margin:0}
ul.vas li{display:flex;flex-wrap:wrap;justify-content:space-between;gap:4px 12px;padding:10px 0;border-bottom:1px solid #eef1f5}
ul.vas li:last-child{border-bottom:0}
.bank{font-weight:600}
.va{font:600 1.1rem/1.3 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;letter-spacing:.04em;overflow-wrap:anywhere;user-select:all}
.qr{display:block;width:100%;max-width:280px;height:auto;margin:8px auto;image-rendering:pixelated;background:#fff}
.qrtext{font:.75rem/1.3 ui-monospace,Menlo,Consolas,monospace;overflow-wrap:anywhere;user-select:all;color:#4a5566}
.hint{font-size:.875rem;color:#6b7685}
details{margin:8px 0}
summary{cursor:pointer;color:#1a56db;font-weight:600;min-height:32px}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:.8rem}
th,td{padding:5px 3px;text-align:right;border-bottom:1px solid #eef1f5;white-space:nowrap}
th:first-child,td:first-child{text-align:left}
td.overdue{color:#8a1c12;font-weight:600}
button{display:block;width:100%;min-height:48px;margin:12px 0 0;padding:12px;font-family:inherit;font-size:1rem;font-weight:600;line-height:1.3;color:#fff;background:#1a56db;border:0;border-radius:10px;cursor:pointer}
footer{font-size:.8rem;color:#6b7685;margin-top:20px}`;

/** The CSP source that allows exactly STYLE and nothing else inline. */
const STYLE_HASH = `'sha256-${createHash('sha256').update(STYLE, 'utf8').digest('base64')}'`;

/** The origin of an absolute http(s) URL, for the CSP; undefined for a relative one. */
function originOf(url: string | undefined): string | undefined {
  if (!url || !/^https?:\/\//i.test(url)) return undefined;
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/**
 * The response headers for the page: the session page's (no store, no framing, no referrer to
 * other sites, nosniff) and a CSP allowing only the hashed style, images from this origin (or
 * the QR image's origin, when it is a presigned S3 URL) and form posts to this origin (or the
 * pay action's).
 */
export function paymentPageHeaders(view: Pick<PaymentPageView, 'qris' | 'payAction'>): Record<string, string> {
  const imageOrigin = originOf(view.qris?.imageUrl);
  const formOrigin = originOf(view.payAction);
  return {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'referrer-policy': 'same-origin',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'content-security-policy': `default-src 'none'; style-src ${STYLE_HASH}; img-src 'self' data:${imageOrigin ? ` ${imageOrigin}` : ''}; form-action 'self'${formOrigin ? ` ${formOrigin}` : ''}; frame-ancestors 'none'; base-uri 'none'`,
  };
}

function schedule(view: PaymentPageView): string {
  if (!view.installments.length) return '';
  const rows = view.installments
    .map(
      (i) =>
        `<tr data-status="${e(i.status)}"><td>${e(String(i.number))}</td><td>${e(i.dueDate)}</td><td>${e(formatRupiah(i.total))}</td><td>${e(formatRupiah(i.paid))}</td><td${i.status === 'OVERDUE' ? ' class="overdue"' : ''}>${e(STATUS_LABEL[i.status] ?? i.status)}</td></tr>`,
    )
    .join('');
  return `<details class="card" id="schedule"${view.status === 'REPAID' ? ' open' : ''}><summary>Repayment schedule (${view.installments.length} installment${view.installments.length === 1 ? '' : 's'})</summary><div class="scroll"><table><thead><tr><th>#</th><th>Due</th><th>Amount</th><th>Paid</th><th>Status</th></tr></thead><tbody>${rows}</tbody></table></div></details>`;
}

function waysToPay(view: PaymentPageView): string {
  const vas = view.virtualAccounts.length
    ? `<section class="card" id="virtual-accounts"><h2>Bank transfer (virtual account)</h2><p class="hint">Transfer exactly ${e(formatRupiah(view.amountDue))} to your virtual account at one of these banks.</p><ul class="vas">${view.virtualAccounts
        .map(
          (va) =>
            `<li data-bank="${e(va.bankCode)}"><span class="bank">${e(BANK_NAMES[va.bankCode] ?? va.bankCode)}</span><span class="va">${e(va.vaNumber)}</span></li>`,
        )
        .join('')}</ul></section>`
    : '';
  const qris = view.qris
    ? `<section class="card" id="qris"><h2>QRIS</h2><p class="hint">Scan with any bank or e-wallet app that shows the QRIS logo.</p><img class="qr" src="${e(view.qris.imageUrl)}" alt="QRIS code for ${e(formatRupiah(view.amountDue))}" width="280" height="280"><details><summary>QR text</summary><p class="qrtext">${e(view.qris.qrString)}</p></details></section>`
    : '';
  const pay =
    view.sandbox && view.payAction && view.amountDue > 0n
      ? `<form method="post" action="${e(view.payAction)}" id="sandbox-pay"><input type="hidden" name="amount" value="${e(view.amountDue.toString())}"><input type="hidden" name="channel" value="payment_link"><button type="submit">Bayar (sandbox) · Pay ${e(formatRupiah(view.amountDue))}</button></form>`
      : '';
  return vas + qris + pay;
}

/** The whole page. A REPAID loan shows that it is paid and its schedule, and no way to pay. */
export function renderPaymentPage(view: PaymentPageView): string {
  const name = view.borrowerName?.trim();
  const repaid = view.status === 'REPAID';
  const sandboxBanner = view.sandbox
    ? '<p class="notice sandbox" id="sandbox">Sandbox: no real money moves. The pay button simulates a payment.</p>'
    : '';
  const paid = repaid
    ? `<p class="notice ok" role="status" id="paid">${e(view.paidMessage ?? 'This loan is fully paid. Thank you.')}</p>`
    : view.paidMessage
      ? `<p class="notice ok" role="status" id="paid">${e(view.paidMessage)}</p>`
      : '';
  const terms: [string, string][] = [
    ['Loan', view.loanId],
    ...(view.dueDate ? ([['Due date', view.dueDate]] as [string, string][]) : []),
    ['Link valid until', view.expiresAt],
  ];
  const due = repaid
    ? ''
    : `<section class="card" id="amount-due"><p class="lead">Amount due</p><p class="due">${e(formatRupiah(view.amountDue))}</p><dl class="terms">${terms.map(([k, v]) => `<dt>${e(k)}</dt><dd>${e(v)}</dd>`).join('')}</dl></section>`;
  const body = `<header><h1>${repaid ? 'Your loan is paid' : 'Pay your loan'}</h1><p class="lead">${name ? `Hi ${e(name)}. ` : ''}${repaid ? 'Nothing is due.' : 'Choose one way to pay below.'}</p></header>${sandboxBanner}${paid}${due}${repaid ? '' : waysToPay(view)}${schedule(view)}<footer>This is a private payment link for loan ${e(view.loanId)}. Do not share it.</footer>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="referrer" content="same-origin"><link rel="icon" href="data:,"><title>${repaid ? 'Loan paid' : 'Pay your loan'}</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
}
