import middy from '@middy/core';
import { LendstackError } from '#core/errors';
import { toMinor } from '#core/loans/money';
import { amountDue, remainingOf } from '#core/repayment/ledger';
import { BANK_CODES } from '#core/repayment/virtual-accounts';
import type { Tenant } from '#core/tenant';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { findLoanChannel } from '#store/collection-channels';
import { presignDownload } from '#store/documents-bucket';
import { loanToday } from '#store/loans';
import { paymentLinkOf } from '#workflows/collection';
import { formatRupiah, paymentPageHeaders, renderPaymentPage } from './payment-page-html.ts';
import { routes } from './routes.ts';

type Route = typeof routes.paymentLinkPage;

/** A page that says the link cannot be used, with the page's own headers. */
export function linkGonePage(status: number, title: string): ApiResult {
  const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${title}</title></head><body><main><h1>${title}</h1><p>Ask your lender for a new payment link.</p></main></body></html>`;
  return { statusCode: status, headers: paymentPageHeaders({}), body };
}

/** The live link a token names, or the page that says it has expired. */
export async function liveLink(
  token: string,
): Promise<Awaited<ReturnType<typeof paymentLinkOf>> | { gone: ApiResult }> {
  try {
    return await paymentLinkOf(token);
  } catch (error) {
    if (error instanceof LendstackError && error.type === 'not_found') {
      return { gone: linkGonePage(404, 'This payment link has expired') };
    }
    throw error;
  }
}

/**
 * GET /api/core/payment-links/{token}: the hosted payment page. What is due now, the schedule,
 * the loan's virtual accounts and live QRIS; in sandbox, a button that pays through the
 * sandbox gateway (the same callbacks a real payment makes). The token is the credential.
 */
const page = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const link = await liveLink(input.params.token);
  if ('gone' in link) return link.gone;
  const { channel, record } = link;
  const tenant: Tenant = { partnerId: channel.partnerId, mode: channel.mode };
  const ledger = record.ledger;
  const today = loanToday(record);
  const vas = (
    await Promise.all(BANK_CODES.map((bank) => findLoanChannel(tenant, record.loanId, `VA#${bank}`)))
  ).filter((c) => c !== null);
  const qr = await findLoanChannel(tenant, record.loanId, 'QR');
  const liveQr = qr && Date.parse(qr.expiresAt) > Date.now() ? qr : null;
  const next = ledger.installments.find((i) => i.status !== 'PAID');
  const view = {
    loanId: record.loanId,
    currency: 'IDR' as const,
    amountDue: amountDue(ledger, today),
    ...(next ? { dueDate: next.dueDate } : {}),
    expiresAt: channel.expiresAt,
    installments: ledger.installments.map((i) => {
      const left = remainingOf(i);
      const total = i.due.principal + i.due.interest + i.due.fee + i.due.penalty;
      return {
        number: i.number,
        dueDate: i.dueDate,
        total,
        paid: total - (left.principal + left.interest + left.fee + left.penalty),
        status: i.status,
      };
    }),
    virtualAccounts: vas.map((v) => ({ bankCode: v.bankCode ?? '', vaNumber: v.key })),
    ...(liveQr?.qrString
      ? {
          qris: {
            qrString: liveQr.qrString,
            imageUrl: await presignDownload(`qris/${liveQr.partnerId}/${liveQr.mode}/${liveQr.key}.png`, 900),
          },
        }
      : {}),
    sandbox: channel.mode === 'sandbox',
    ...(channel.mode === 'sandbox' ? { payAction: `${input.baseUrl}/api/core/payment-links/${channel.key}/pay` } : {}),
    status: ledger.status,
    ...(ledger.status === 'REPAID'
      ? { paidMessage: 'This loan is fully repaid. Thank you!' }
      : input.query.paid
        ? {
            paidMessage: `Payment of ${formatRupiah(toMinor(input.query.paid, 'IDR'))} received: it appears here within seconds.`,
          }
        : {}),
  };
  return { statusCode: 200, headers: paymentPageHeaders(view), body: renderPaymentPage(view) };
};

export const handler = middy(page).use(http(routes.paymentLinkPage));
