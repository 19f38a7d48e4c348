import middy from '@middy/core';
import { LendstackError } from '#core/errors';
import { escapeHtml } from '#http/html';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { findApplication } from '#store/applications';
import { getBorrower } from '#store/borrowers';
import { getSession } from '#store/sessions';
import { routes } from './routes.ts';

type Route = typeof routes.journeySessionPage;

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:560px;margin:2em auto;padding:0 1em;color:#222}.card{border:1px solid #ddd;border-radius:8px;padding:1em 1.2em}a.button{display:inline-block;background:#234;color:#fff;padding:.6em 1.2em;border-radius:6px;text-decoration:none}</style></head><body>${body}</body></html>`;

/** GET /v2/session/{sessionId}: the borrower-facing page: where the journey stands, and the way back. */
const sessionPage = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const html = { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' };
  let session: Awaited<ReturnType<typeof getSession>>;
  try {
    session = await getSession(input.params.sessionId);
  } catch (error) {
    if (error instanceof LendstackError && error.type === 'not_found') {
      return {
        statusCode: 404,
        headers: html,
        body: page(
          'Link expired',
          '<h1>This link has expired</h1><p>Go back to the app and open the journey again.</p>',
        ),
      };
    }
    throw error;
  }
  const tenant = { partnerId: session.partnerId, mode: session.mode };
  const borrower = await getBorrower(tenant, session.borrowerId);
  const app = borrower.journey?.applicationId ? await findApplication(tenant, borrower.journey.applicationId) : null;
  const steps = [
    ['Details shared', borrower.journey?.stage !== 'USER_CREATED'],
    ['Identity verified', borrower.status === 'APPROVED'],
    ['Offer accepted', Boolean(app)],
    ['Agreement signed', app ? ['SIGNED', 'DISBURSAL_PROCESSING', 'DISBURSED'].includes(app.status) : false],
    ['Loan disbursed', app?.status === 'DISBURSED'],
  ] as const;
  const loan = app
    ? `<p>Loan: ${escapeHtml(app.currency)} ${app.amount} over ${app.tenure} months at ${app.interest} % a year; you receive ${escapeHtml(app.currency)} ${escapeHtml(app.schedule.netDisbursed)}.</p>`
    : '';
  const body = `<h1>Your loan application</h1><div class="card">${loan}<ul>${steps
    .map(([label, done]) => `<li>${done ? '✅' : '⬜'} ${escapeHtml(label)}</li>`)
    .join('')}</ul></div><p><a class="button" href="${escapeHtml(session.redirectURL)}">Continue</a></p>`;
  return { statusCode: 200, headers: html, body: page('Your loan application', body) };
};

export const handler = middy(sessionPage).use(http(routes.journeySessionPage));
