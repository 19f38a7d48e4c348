import middy from '@middy/core';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { getBorrowerByCustomerId, saveJourneyDetails } from '#store/borrowers';
import { journeyOk } from './respond.ts';
import { routes } from './routes.ts';

type Route = typeof routes.journeyUpdateDetails;

/** POST /v2/user/details/update: everything the partner knows about the customer, and its consents as an audit trail. */
const updateDetails = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const { principal, body } = input;
  const borrower = await getBorrowerByCustomerId(principal, body.customerID);
  const personal = body.basicDetails?.personalDetails;
  const { customerID: _c, consents, program, ...details } = body;
  await saveJourneyDetails(principal, borrower, {
    details: details as Record<string, unknown>,
    program,
    name: personal?.name,
    email: personal?.email,
    pan: personal?.pan,
    consents,
  });
  return journeyOk({ message: 'success' }, 'UUD-S-000');
};

export const handler = middy(updateDetails).use(http(routes.journeyUpdateDetails));
