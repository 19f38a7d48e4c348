/**
 * The KYC workflow's last step: the borrower's status and KYC result, and the user_verify
 * event, in one transaction. Idempotent: a retried step finds the borrower already moved on.
 */
import { borrowerStatusAfterKyc, decideKyc, type KycCheck, type KycResult } from '#core/borrowers';
import { ConflictError } from '#core/errors';
import { logger } from '#http/logger';
import { countMetric } from '#http/metrics';
import { recordKycWhileBlocked } from '#store/borrower-blocks';
import { transitionBorrower } from '#store/borrowers';
import { newEvent } from '#store/outbox';
import { correlated } from './correlated.ts';
import type { KycWorkflowInput } from './kyc-types.ts';

export const handler = correlated(async (input: KycWorkflowInput): Promise<{ status: string }> => {
  const tenant = { partnerId: input.partnerId, mode: input.mode };
  const checks = (['ocr', 'liveness', 'face_match'] as const)
    .map((name) => input.checks?.[name])
    .filter((c): c is KycCheck => Boolean(c));
  const outcome = input.error
    ? {
        status: 'FAILED' as const,
        reason: `KYC provider failed: ${input.error.Cause || input.error.Error}. Retry the KYC.`,
      }
    : decideKyc(checks);
  const kyc: KycResult = {
    kycId: input.kycId,
    status: outcome.status,
    provider: input.provider,
    startedAt: input.startedAt,
    completedAt: new Date().toISOString(),
    checks,
    ...(outcome.reason ? { reason: outcome.reason } : {}),
  };
  const to = borrowerStatusAfterKyc(kyc.status);
  const event = newEvent(tenant, 'user_verify', kyc.status, {
    userId: input.borrowerId,
    kyc_id: kyc.kycId,
    borrower_status: to,
    ...(kyc.reason ? { reason: kyc.reason } : {}),
  });
  try {
    await transitionBorrower(tenant, input.borrowerId, { from: ['VERIFIED'], to, kyc, event });
  } catch (error) {
    if (error instanceof ConflictError) {
      // Blocked by ops while KYC ran: the result stands, and unblocking restores its status.
      const blocked = newEvent(tenant, 'user_verify', kyc.status, { ...event.data, borrower_status: 'BLOCKED' });
      if (await recordKycWhileBlocked(tenant, input.borrowerId, { kyc, to, event: blocked })) {
        logger.info('KYC recorded for a blocked borrower', { borrowerId: input.borrowerId, kycId: input.kycId });
        return { status: kyc.status };
      }
      // Already recorded by an earlier attempt of this step: nothing more to do.
      logger.warn('KYC result already recorded', { borrowerId: input.borrowerId, kycId: input.kycId });
      return { status: kyc.status };
    }
    throw error;
  }
  logger.info('KYC recorded', { borrowerId: input.borrowerId, kycId: input.kycId, status: kyc.status });
  countMetric('KycOutcomes', kyc.status);
  return { status: kyc.status };
});
