import middy from '@middy/core';
import { InvalidStateError } from '#core/errors';
import type { ApiResult } from '#http/route';
import { sendAgreement } from './agreement-step.ts';
import { applicationOf } from './application-of.ts';
import { routes } from './routes.ts';
import { backToPage, type SessionEvent, sessionActionStack } from './session-page-http.ts';

type Route = typeof routes.journeySessionAgreement;

/**
 * POST /v2/session/{sessionId}/agreement: the borrower opens the agreement. When the
 * application waits for it, the agreement is made and sent for signing exactly as the
 * partner's POST /v2/loan/agreement does (the same referenceID answers both); the page then
 * shows it with the consent that signs it.
 */
const sessionAgreement = async (event: SessionEvent<Route>): Promise<ApiResult> => {
  const { session, input } = event;
  const tenant = { partnerId: session.partnerId, mode: session.mode };
  const { borrower, app } = await applicationOf(
    tenant,
    session.customerId,
    () => new InvalidStateError('invalid_user_state', 'There is no accepted offer yet'),
  );
  await sendAgreement(tenant, borrower, app);
  return backToPage(input, 'agreement_ready');
};

export const handler = middy(sessionAgreement).use(sessionActionStack(routes.journeySessionAgreement));
