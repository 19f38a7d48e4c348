/**
 * The borrower app's initial-limit workflow (statemachines/app-limit.asl.json): the bureau
 * pull, then the decision (#core/app/limit: the app's Indonesian consumer policy over the
 * KYC result, the age from the profile and the bureau) with its user_credit_score event,
 * recorded once.
 */
import { ageOn, decideInitialLimit } from '#core/app/limit';
import { appProducts } from '#core/app/products';
import type { Facts } from '#core/credit/rules';
import { ConflictError } from '#core/errors';
import type { Mode } from '#core/tenant';
import { logger } from '#http/logger';
import { type BureauReport, pullBureauReport } from '#providers/bureau';
import { completeCreditLimit } from '#store/app-limits';
import { getBorrower } from '#store/borrowers';
import { newEvent } from '#store/outbox';

export interface AppLimitInput {
  partnerId: string;
  mode: Mode;
  userId: string;
  applicationId: string;
  productId: string;
  bureau?: BureauReport;
  error?: { Error: string; Cause: string };
}

const tenantOf = (input: AppLimitInput) => ({ partnerId: input.partnerId, mode: input.mode });

export const pullBureau = async (input: AppLimitInput): Promise<BureauReport> => {
  const borrower = await getBorrower(tenantOf(input), input.userId);
  return pullBureauReport(input.mode, { nik: borrower.nik, mobile: borrower.phone });
};

export const record = async (input: AppLimitInput): Promise<{ status: string }> => {
  const tenant = tenantOf(input);
  const borrower = await getBorrower(tenant, input.userId);
  const product = appProducts(input.mode).find((p) => p.productId === input.productId);
  if (!product) throw new Error(`No app product ${input.productId} in ${input.mode}`);
  const birthDate = String(borrower.app?.profile?.birth_date ?? '');
  const today = new Date().toISOString().slice(0, 10);
  const facts: Facts = {
    kycApproved: borrower.kyc?.status === 'APPROVED',
    age: /^\d{4}-\d{2}-\d{2}$/.test(birthDate) ? ageOn(birthDate, today) : null,
    bureauScore: input.bureau?.score ?? null,
    bureauDelinquent: input.bureau?.delinquent ?? false,
  };
  const decision = input.error
    ? ({ status: 'REJECTED', rule: 'bureau_unavailable', reason: 'The bureau did not answer', policy: 'n/a' } as const)
    : decideInitialLimit(facts, product.initialLimit);
  const total = decision.status === 'APPROVED' ? String(decision.limit) : undefined;
  const event = newEvent(tenant, 'user_credit_score', decision.status, {
    userId: input.userId,
    source: 'borrower_app',
    limit_application_id: input.applicationId,
    bureauScore: input.bureau?.score ?? null,
    ...(total
      ? { credit_limit: Number(total), currency: 'IDR' }
      : { rejectionReason: decision.status === 'REJECTED' ? decision.reason : undefined }),
  });
  try {
    await completeCreditLimit(
      tenant,
      input.userId,
      input.applicationId,
      {
        status: decision.status,
        totalLimit: total,
        availableLimit: total,
        decision: {
          policy: decision.policy,
          facts,
          ...(decision.status === 'REJECTED' ? { rule: decision.rule, reason: decision.reason } : {}),
          ...(input.error ? { error: input.error.Error } : {}),
        },
      },
      event,
    );
  } catch (error) {
    if (error instanceof ConflictError) return { status: decision.status };
    throw error;
  }
  logger.info('app limit decided', { applicationId: input.applicationId, status: decision.status });
  return { status: decision.status };
};
