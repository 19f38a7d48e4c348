import middy from '@middy/core';
import { InvalidStateError } from '#core/errors';
import { newId } from '#core/ids';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { getBorrowerByCustomerId } from '#store/borrowers';
import { routes } from '../routes.ts';
import { evaluateKyc, recordKyc } from './kyc-flow.ts';
import { journeyOk } from './respond.ts';

type Route = typeof routes.journeyTriggerKyc;

/** POST /v2/kyc/ckyc: runs KYC (OKYC when an Aadhaar XML was uploaded, CKYC otherwise); GET /v2/kyc/details polls it. */
const triggerKyc = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const { principal, body } = input;
  const borrower = await getBorrowerByCustomerId(principal, body.customerID);
  if (!borrower.journey || borrower.journey.stage === 'USER_CREATED') {
    throw new InvalidStateError(
      'invalid_user_state',
      'Share the user details (POST /v2/user/details/update) before KYC',
    );
  }
  const now = new Date().toISOString();
  const outcome = await evaluateKyc(principal, borrower);
  const referenceId = newId('kyr');
  await recordKyc(principal, borrower, {
    referenceId,
    customerId: body.customerID,
    borrowerId: borrower.borrowerId,
    ...outcome,
    otpAttempts: 0,
    createdAt: now,
    updatedAt: now,
  });
  return journeyOk({ referenceID: referenceId }, 'TCK-S-000');
};

export const handler = middy(triggerKyc).use(http(routes.journeyTriggerKyc));
