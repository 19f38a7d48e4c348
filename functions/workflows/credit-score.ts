/**
 * The credit score workflow's steps (statemachines/credit-score.asl.json): one bureau pull per
 * requested source (a Map; the ASL retries a ProviderError and catches the rest as that
 * source's failure), then the score and its `user_credit_score` event, recorded once.
 */
import {
  type CreditScoreRun,
  type CreditSource,
  decideCreditScore,
  type SourceReport,
  sourceView,
} from '#core/credit/score';
import type { Mode } from '#core/tenant';
import { logger } from '#http/logger';
import { creditBureau } from '#providers/credit-bureaus';
import { getBorrower } from '#store/borrowers';
import { recordCreditScore } from '#store/credit-scores';
import { newEvent } from '#store/outbox';
import { correlated } from './correlated.ts';

/** The workflow's input. No PII: each pull reads the NIK from the borrower itself. */
export interface CreditScoreWorkflowInput {
  partnerId: string;
  mode: Mode;
  borrowerId: string;
  referenceId: string;
  sources: CreditSource[];
  requestedAt: string;
  /** One per source, in the order of `sources` (the Map's output). */
  reports?: (SourceReport | FailedPull)[];
}

/** One Map iteration's input. */
export interface PullInput {
  partnerId: string;
  mode: Mode;
  borrowerId: string;
  source: CreditSource;
}

/** What the ASL's Catch leaves for a pull that failed: the source and the error. */
interface FailedPull {
  source: CreditSource;
  status: 'FAILED';
  error: { Error?: string; Cause?: string };
}

/** Pulls one bureau's summary of the borrower. Errors are the ASL's to retry or catch. */
export async function pull(input: PullInput): Promise<SourceReport> {
  const borrower = await getBorrower({ partnerId: input.partnerId, mode: input.mode }, input.borrowerId);
  const nik = borrower.nik ?? borrower.business?.directorNik ?? '';
  const summary = await creditBureau(input.mode, input.source).report({ nik });
  return { source: input.source, status: 'SUCCESS', summary };
}

/**
 * A failed pull's reason, in words: Lambda's Cause is JSON ({ errorMessage }) in AWS, the
 * message itself locally.
 */
function reasonOf(error: FailedPull['error']): string {
  const cause = error.Cause ?? '';
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: string };
    if (parsed.errorMessage) return parsed.errorMessage;
  } catch {
    // Not JSON: the message itself.
  }
  return cause || error.Error || 'the bureau call failed';
}

/** Scores the run from its sources' reports and records it with `user_credit_score`. */
export const record = correlated(async (input: CreditScoreWorkflowInput): Promise<{ status: string }> => {
  const tenant = { partnerId: input.partnerId, mode: input.mode };
  const reports: SourceReport[] = (input.reports ?? []).map((r) =>
    'error' in r ? { source: r.source, status: 'FAILED', reason: reasonOf(r.error) } : r,
  );
  const outcome = decideCreditScore(reports);
  const result: CreditScoreRun = {
    referenceId: input.referenceId,
    sources: input.sources,
    requestedAt: input.requestedAt,
    completedAt: new Date().toISOString(),
    reports,
    ...outcome,
  };
  const event = newEvent(tenant, 'user_credit_score', outcome.status, {
    userId: input.borrowerId,
    reference_id: input.referenceId,
    score: outcome.score ?? null,
    grade: outcome.grade ?? null,
    thin_file: outcome.thinFile ?? false,
    sources: reports.map(sourceView),
    ...(outcome.reason ? { reason: outcome.reason } : {}),
  });
  const recorded = await recordCreditScore(tenant, input.borrowerId, result, event);
  if (!recorded) logger.warn('Credit score already recorded or superseded', { referenceId: input.referenceId });
  else logger.info('Credit score recorded', { referenceId: input.referenceId, status: outcome.status });
  return { status: outcome.status };
});
