import middy from '@middy/core';
import { InvalidStateError } from '#core/errors';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { listStatusChanges, unblockBorrower } from '#store/borrower-blocks';
import { getBorrower } from '#store/borrowers';
import { newEvent } from '#store/outbox';
import { routes } from './routes.ts';

type Route = typeof routes.unblockBorrower;

/**
 * POST /v1/borrowers/{id}/unblock: the borrower returns to the status it had before it was
 * blocked, with a history item and `user_verify` (that status) in the same transaction.
 */
const unblock = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const { principal, params, body } = input;
  const borrower = await getBorrower(principal, params.id);
  if (borrower.status !== 'BLOCKED' || !borrower.block) {
    throw new InvalidStateError(
      'borrower_not_blocked',
      `Borrower ${borrower.borrowerId} is not BLOCKED (its status is ${borrower.status})`,
    );
  }
  const restored = borrower.block.previousStatus;
  const change = { reason: body.reason, actor: principal.credentialId, at: new Date().toISOString() };
  const event = newEvent(principal, 'user_verify', restored, {
    userId: borrower.borrowerId,
    borrower_status: restored,
    previous_status: 'BLOCKED',
    reason: body.reason,
  });
  await unblockBorrower(principal, borrower.borrowerId, borrower.block, change, event);
  return {
    statusCode: 200,
    body: {
      data: {
        id: borrower.borrowerId,
        status: restored,
        previous_status: 'BLOCKED',
        reason: change.reason,
        changed_by: change.actor,
        changed_at: change.at,
        status_history: await listStatusChanges(principal, borrower.borrowerId),
      },
    },
  };
};

export const handler = middy(unblock).use(http(routes.unblockBorrower));
