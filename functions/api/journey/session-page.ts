import middy from '@middy/core';
import type { ApiEvent, ApiResult } from '#http/route';
import { getSession } from '#store/sessions';
import { routes } from './routes.ts';
import { journeyPage } from './session-page-html.ts';
import { pageUrlOf, sessionPageStack } from './session-page-http.ts';
import { loadJourney, outcomeOf, stepsOf } from './session-page-state.ts';

type Route = typeof routes.journeySessionPage;

/**
 * GET /v2/session/{sessionId}: the borrower's page. Every step of the journey with its state,
 * the form of the step the application waits on (a selfie for KYC, the CKYC OTP, the agreement
 * to read and sign), a clear end when the application was rejected or expired, and the way
 * back to the partner (redirectURL). An unknown or expired link is a 404 page.
 */
const sessionPage = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const session = await getSession(input.params.sessionId);
  const view = await loadJourney(session);
  return journeyPage({
    view,
    steps: stepsOf(view),
    outcome: outcomeOf(view),
    pageUrl: pageUrlOf(input),
    redirectURL: session.redirectURL,
    notice: input.query.n,
  });
};

export const handler = middy(sessionPage).use(sessionPageStack(routes.journeySessionPage));
