/** The hosted payment-link page: every value shown, escaped, the sandbox button only in sandbox, a strict CSP. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { escapeHtml } from '#http/html';
import {
  formatRupiah,
  type PaymentPageView,
  paymentPageHeaders,
  renderPaymentPage,
} from '../../functions/api/partner/payment-page-html.ts';

const view = (overrides: Partial<PaymentPageView> = {}): PaymentPageView => ({
  loanId: 'loan_01JD9ZQK',
  borrowerName: 'Siti Rahayu',
  currency: 'IDR',
  amountDue: 1_234_567n,
  dueDate: '2026-12-15',
  expiresAt: '2026-12-02T10:00:00Z',
  installments: [
    { number: 1, dueDate: '2026-11-15', total: 1_000_000n, paid: 1_000_000n, status: 'PAID' },
    { number: 2, dueDate: '2026-12-15', total: 1_234_567n, paid: 0n, status: 'OVERDUE' },
  ],
  virtualAccounts: [
    { bankCode: 'BCA', vaNumber: '1234512345678901' },
    { bankCode: 'MANDIRI', vaNumber: '8960898765432109' },
  ],
  qris: {
    qrString: '00020101021226580014ID.CO.QRIS.WWW0119936000081234567890102<x>0303UBE6304ABCD',
    imageUrl: 'https://bucket.s3.ap-southeast-3.amazonaws.com/qris/q.png?X-Amz-Signature=a&b=c',
  },
  sandbox: true,
  payAction: '/pay/plt_abc/sandbox-pay',
  status: 'DISBURSED',
  ...overrides,
});

describe('formatRupiah', () => {
  it('groups thousands with dots, no decimals', () => {
    expect(formatRupiah(0n)).toBe('Rp0');
    expect(formatRupiah(999n)).toBe('Rp999');
    expect(formatRupiah(1_000n)).toBe('Rp1.000');
    expect(formatRupiah(1_234_567n)).toBe('Rp1.234.567');
    expect(formatRupiah(10_000_000_000_000_000_000n)).toBe('Rp10.000.000.000.000.000.000');
    expect(formatRupiah(-25_000n)).toBe('-Rp25.000');
  });
});

describe('renderPaymentPage', () => {
  it('shows every value it is given, escaped', () => {
    const v = view();
    const html = renderPaymentPage(v);
    for (const value of [
      v.loanId,
      v.borrowerName!,
      v.dueDate!,
      v.expiresAt,
      v.qris!.qrString,
      v.qris!.imageUrl,
      v.payAction!,
      ...v.virtualAccounts.map((va) => va.vaNumber),
      ...v.installments.map((i) => i.dueDate),
    ]) {
      expect(html).toContain(escapeHtml(value));
    }
    // The QR string and URL carry characters that must be escaped; their raw form is absent.
    expect(html).not.toContain('<x>');
    expect(html).toContain('X-Amz-Signature=a&amp;b=c');
    for (const amount of ['Rp1.234.567', 'Rp1.000.000', 'Rp0']) expect(html).toContain(amount);
    expect(html).toContain('Mandiri');
    expect(html).toContain('Overdue');
  });

  it('cannot be injected through the borrower name or any other text', () => {
    const hostile = '<script>alert(1)</script><img src=x onerror=alert(2)>"\'&';
    const html = renderPaymentPage(
      view({
        borrowerName: hostile,
        loanId: `loan_"><b>x</b>`,
        virtualAccounts: [{ bankCode: '<i>BANK</i>', vaNumber: '"><script>1</script>' }],
        installments: [{ number: 1, dueDate: '<u>d</u>', total: 1n, paid: 0n, status: '<s>DUE</s>' }],
        paidMessage: '</p><iframe src=//evil>',
      }),
    );
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img src=x/i);
    expect(html).not.toMatch(/<(b|i|u|s|iframe)>/i);
    expect(html).not.toContain('<iframe');
    expect(html).toContain(escapeHtml(hostile));
    // The only tags are the page's own.
    const tags = new Set([...html.matchAll(/<([a-z0-9]+)[\s>]/gi)].map((m) => m[1]!.toLowerCase()));
    for (const tag of tags) {
      expect([
        'html',
        'head',
        'meta',
        'link',
        'title',
        'style',
        'body',
        'main',
        'header',
        'h1',
        'h2',
        'p',
        'section',
        'dl',
        'dt',
        'dd',
        'ul',
        'li',
        'span',
        'img',
        'details',
        'summary',
        'form',
        'input',
        'button',
        'div',
        'table',
        'thead',
        'tbody',
        'tr',
        'th',
        'td',
        'footer',
      ]).toContain(tag);
    }
  });

  it('in sandbox, has a pay button posting the amount due to payAction', () => {
    const html = renderPaymentPage(view());
    const form = /<form method="post" action="([^"]+)" id="sandbox-pay">(.*?)<\/form>/.exec(html);
    expect(form?.[1]).toBe('/pay/plt_abc/sandbox-pay');
    expect(form?.[2]).toContain('<input type="hidden" name="amount" value="1234567">');
    expect(form?.[2]).toContain('Bayar (sandbox)');
    expect(html).toContain('id="sandbox"');
  });

  it('outside sandbox has no pay button and no sandbox banner, even with a payAction', () => {
    const html = renderPaymentPage(view({ sandbox: false }));
    expect(html).not.toContain('<form');
    expect(html).not.toContain('<button');
    expect(html).not.toContain('id="sandbox"');
    expect(html).not.toMatch(/Bayar|no real money/);
    expect(html).toContain('1234512345678901');
  });

  it('for a REPAID loan says so and offers no way to pay', () => {
    const html = renderPaymentPage(view({ status: 'REPAID', amountDue: 0n, paidMessage: 'Lunas. Terima kasih!' }));
    expect(html).toContain('Lunas. Terima kasih!');
    expect(html).toContain('Your loan is paid');
    expect(html).not.toContain('<form');
    expect(html).not.toContain('id="virtual-accounts"');
    expect(html).not.toContain('id="qris"');
    expect(html).toContain('id="schedule" open');
  });

  it('leaves out the ways to pay it has no data for', () => {
    const html = renderPaymentPage(view({ virtualAccounts: [], qris: undefined, borrowerName: undefined }));
    expect(html).not.toContain('id="virtual-accounts"');
    expect(html).not.toContain('id="qris"');
    expect(html).not.toContain('Hi ');
    expect(html).toContain('id="sandbox-pay"');
  });

  it('is built for a phone and loads nothing from elsewhere', () => {
    const html = renderPaymentPage(view());
    expect(html).toContain('<meta name="viewport" content="width=device-width,initial-scale=1">');
    expect(html).toContain('max-width:560px');
    expect(html).not.toMatch(/<script|<link rel="stylesheet"|@import|url\(/i);
    // The only absolute URL is the QR image given to it.
    const urls = [...html.matchAll(/(?:src|href|action)="([^"]+)"/g)].map((m) => m[1]);
    expect(urls).toEqual(['data:,', escapeHtml(view().qris!.imageUrl), '/pay/plt_abc/sandbox-pay']);
  });
});

describe('paymentPageHeaders', () => {
  it("allows exactly the page's inline style by hash, and the QR image's origin", () => {
    const v = view();
    const html = renderPaymentPage(v);
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    const hash = createHash('sha256').update(style, 'utf8').digest('base64');
    const csp = paymentPageHeaders(v)['content-security-policy']!;
    expect(csp).toContain(`style-src 'sha256-${hash}'`);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("img-src 'self' data: https://bucket.s3.ap-southeast-3.amazonaws.com;");
    expect(csp).toContain("form-action 'self';");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('script-src');
    expect(paymentPageHeaders(v)['cache-control']).toBe('no-store');
    expect(paymentPageHeaders(v)['x-frame-options']).toBe('DENY');
  });

  it('adds an absolute pay action to form-action, and nothing for relative URLs', () => {
    const csp = paymentPageHeaders({
      payAction: 'https://api.example.com/pay',
      qris: { qrString: 'x', imageUrl: '/q.png' },
    })['content-security-policy']!;
    expect(csp).toContain("form-action 'self' https://api.example.com;");
    expect(csp).toContain("img-src 'self' data:;");
  });
});
