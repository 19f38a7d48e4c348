import middy from '@middy/core';
import { ValidationError } from '#core/errors';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { getBorrowerByCustomerId } from '#store/borrowers';
import { createSession } from '#store/sessions';
import { routes } from './routes.ts';

type Route = typeof routes.journeyCreateSession;

/** POST /v2/user/session: a one-hour link to the hosted journey page, which returns to redirectURL. */
const createSessionHandler = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const { principal, body } = input;
  if (principal.mode === 'live' && !body.redirectURL.startsWith('https://')) {
    throw new ValidationError([{ field: 'redirectURL', message: 'must use https in live mode' }]);
  }
  const borrower = await getBorrowerByCustomerId(principal, body.customerID);
  const session = await createSession(principal, {
    borrowerId: borrower.borrowerId,
    customerId: body.customerID,
    redirectURL: body.redirectURL,
  });
  return {
    statusCode: 200,
    body: { data: { url: `${input.baseUrl}/v2/session/${session.sessionId}` }, error: '', status: 'PSS-S-000' },
  };
};

export const handler = middy(createSessionHandler).use(http(routes.journeyCreateSession));
