import middy from '@middy/core';
import type { BorrowerBlock } from '#core/borrowers';
import { InvalidStateError } from '#core/errors';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { blockBorrower, listStatusChanges } from '#store/borrower-blocks';
import { getBorrower } from '#store/borrowers';
import { newEvent } from '#store/outbox';
import { routes } from './routes.ts';

type Route = typeof routes.blockBorrower;

/**
 * POST /v1/borrowers/{id}/block: the lender's ops block a borrower. Status BLOCKED with the
 * reason, the credential and the time; a history item and `user_verify` (BLOCKED) in the same
 * transaction. A borrower blocked while its KYC runs (VERIFIED) keeps the KYC result when it
 * comes, and unblocking restores the status that result gives (see kyc-record).
 */
const block = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const { principal, params, body } = input;
  const borrower = await getBorrower(principal, params.id);
  if (borrower.status === 'BLOCKED') {
    throw new InvalidStateError('borrower_already_blocked', `Borrower ${borrower.borrowerId} is already BLOCKED`);
  }
  const record: BorrowerBlock = {
    reason: body.reason,
    actor: principal.credentialId,
    at: new Date().toISOString(),
    previousStatus: borrower.status,
  };
  const event = newEvent(principal, 'user_verify', 'BLOCKED', {
    userId: borrower.borrowerId,
    borrower_status: 'BLOCKED',
    previous_status: borrower.status,
    reason: body.reason,
  });
  await blockBorrower(principal, borrower.borrowerId, record, event);
  return {
    statusCode: 200,
    body: {
      data: {
        id: borrower.borrowerId,
        status: 'BLOCKED',
        previous_status: borrower.status,
        reason: record.reason,
        changed_by: record.actor,
        changed_at: record.at,
        status_history: await listStatusChanges(principal, borrower.borrowerId),
      },
    },
  };
};

export const handler = middy(block).use(http(routes.blockBorrower));
