import middy from '@middy/core';
import { InvalidStateError } from '#core/errors';
import { lowerHeaders } from '#http/middleware';
import type { ApiResult } from '#http/route';
import { sessionDigest } from '#store/sessions';
import { signAgreement } from './agreement-step.ts';
import { applicationOf } from './application-of.ts';
import { routes } from './routes.ts';
import { backToPage, formFields, type SessionEvent, sessionActionStack } from './session-page-http.ts';
import { sessionConsentForm } from './session-page-schemas.ts';

type Route = typeof routes.journeySessionConsent;

/**
 * POST /v2/session/{sessionId}/agreement/consent (form field `consent=yes`): the borrower's
 * e-sign consent. For a customer sent to this page, it is the signature the workflow waits on
 * (the SIGNATURE step): the agreement is then SIGNED as after the e-sign provider's callback,
 * and GET /v2/loan/agreement reads SUCCESS. The consent is kept with the PDF's SHA-256, the
 * time, the IP address and the browser.
 */
const sessionConsent = async (event: SessionEvent<Route>): Promise<ApiResult> => {
  const { session, input } = event;
  const tenant = { partnerId: session.partnerId, mode: session.mode };
  await formFields(event, sessionConsentForm);
  const { app } = await applicationOf(
    tenant,
    session.customerId,
    () => new InvalidStateError('invalid_user_state', 'There is no agreement to sign'),
  );
  await signAgreement(tenant, app, {
    ipAddress: event.requestContext?.identity?.sourceIp ?? '',
    userAgent: (lowerHeaders(event)['user-agent'] ?? '').slice(0, 512),
    sessionDigest: sessionDigest(session.sessionId),
  });
  return backToPage(input, 'signed');
};

export const handler = middy(sessionConsent).use(sessionActionStack(routes.journeySessionConsent));
