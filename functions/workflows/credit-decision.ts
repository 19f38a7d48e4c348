/**
 * The credit decision (BRE) steps of the application workflow (statemachines/application.asl.json): pre-BRE
 * eligibility, the bureau pull (the ASL retries it), then lender rules, offers and the
 * `user_credit_score` event, recorded once. A bureau that keeps failing records FAILED.
 */

import type { Borrower } from '#core/borrowers';
import { applicantFacts, lenderBre, policyFor, preBre } from '#core/credit/policies';
import type { Facts } from '#core/credit/rules';
import { ConflictError } from '#core/errors';
import { newId } from '#core/ids';
import { addDays } from '#core/loans/dates';
import type { Mode, Tenant } from '#core/tenant';
import { logger } from '#http/logger';
import { countMetric } from '#http/metrics';
import { type BureauReport, pullBureauReport } from '#providers/bureau';
import { findApplication } from '#store/applications';
import { findDuplicateCustomers, getBorrower } from '#store/borrowers';
import { completeBreRun, getBreRun } from '#store/credit';
import { newEvent } from '#store/outbox';

export interface CreditDecisionInput {
  partnerId: string;
  mode: Mode;
  referenceId: string;
  borrowerId: string;
  decisionDate: string;
  pre?: { rejected: boolean; rule?: string; reason?: string; facts: Facts };
  bureau?: BureauReport;
  error?: { Error: string; Cause: string };
}

const tenantOf = (input: CreditDecisionInput) => ({ partnerId: input.partnerId, mode: input.mode });

async function load(input: CreditDecisionInput) {
  const tenant = tenantOf(input);
  const [run, borrower] = await Promise.all([
    getBreRun(tenant, input.referenceId),
    getBorrower(tenant, input.borrowerId),
  ]);
  const policy = policyFor(run.program, input.decisionDate);
  if (!policy) throw new Error(`No policy for program ${run.program}`);
  return { tenant, run, borrower, policy };
}

/** A journey that has ended: its customer may apply again under the `allow_closed` dedupe mode. */
const ENDED_STAGES = new Set(['REJECTED', 'EXPIRED']);
const ENDED_APPLICATIONS = new Set(['REJECTED', 'EXPIRED', 'DISBURSAL_FAILED', 'CLOSED', 'REPAID']);

/** The dedupe facts: other customers with this PAN or mobile, and how many of them are still open. */
async function dedupeFacts(tenant: Tenant, borrower: Borrower): Promise<Facts> {
  const matches = await findDuplicateCustomers(tenant, borrower);
  const open = await Promise.all(
    matches.map(async (borrowerId) => {
      const other = await getBorrower(tenant, borrowerId);
      if (ENDED_STAGES.has(other.journey?.stage ?? '')) return false;
      const applicationId = other.journey?.applicationId;
      const app = applicationId ? await findApplication(tenant, applicationId) : null;
      return !app || !ENDED_APPLICATIONS.has(app.status);
    }),
  );
  return { dedupeMatches: matches.length, dedupeOpenMatches: open.filter(Boolean).length };
}

/** Eligibility before any bureau cost is spent: dedupe, then the applicant's own facts. */
export const preCheck = async (input: CreditDecisionInput): Promise<NonNullable<CreditDecisionInput['pre']>> => {
  const { tenant, borrower, policy } = await load(input);
  const facts = {
    ...applicantFacts(borrower.journey?.details, input.decisionDate),
    ...(await dedupeFacts(tenant, borrower)),
  };
  const decision = preBre(policy, facts);
  return decision && decision.outcome !== 'OFFER'
    ? { rejected: true, rule: decision.rule, reason: decision.reason, facts }
    : { rejected: false, facts };
};

export const pullBureau = async (input: CreditDecisionInput): Promise<BureauReport> => {
  const borrower = await getBorrower(tenantOf(input), input.borrowerId);
  return pullBureauReport(input.mode, { pan: borrower.pan, mobile: borrower.phone });
};

/** The decision and its event, written once (a retried step finds the run complete). */
export const record = async (input: CreditDecisionInput): Promise<{ status: string }> => {
  const { tenant, run, borrower, policy } = await load(input);
  const facts: Facts = {
    ...(input.pre?.facts ?? {}),
    bureauScore: input.bureau?.score ?? null,
    bureauDelinquent: input.bureau?.delinquent ?? false,
  };
  const referred = policy.dedupe === 'refer' && Number(facts.dedupeMatches ?? 0) > 0;
  const audit = { policy: `${policy.id}@v${policy.version}`, facts, ...(referred ? { dedupe: 'REFER' } : {}) };
  let result: Parameters<typeof completeBreRun>[2];
  if (input.error) {
    result = { status: 'FAILED', outputVariables: { ...audit, error: input.error.Error } };
  } else if (input.pre?.rejected) {
    result = {
      status: 'REJECTED',
      rejectionReason: 'PRE_BRE_REJECT',
      detailedReason: input.pre.reason,
      outputVariables: { ...audit, rule: input.pre.rule, rejectionReason: input.pre.reason },
    };
  } else {
    const decision = lenderBre(policy, facts);
    if (decision.outcome === 'OFFER') {
      const createdAt = new Date().toISOString();
      result = {
        status: 'SUCCESS',
        outputVariables: { ...audit, band: decision.band },
        offers: [
          {
            offerID: newId('ofr'),
            createdAt,
            expiresAt: `${addDays(input.decisionDate, policy.offerValidityDays)}T00:00:00Z`,
            lenderID: `${policy.id}-lender`,
            lenderName: policy.lenderName,
            slabs: decision.slabs,
          },
        ],
      };
    } else {
      result = {
        status: 'REJECTED',
        rejectionReason: decision.outcome,
        detailedReason: decision.reason,
        outputVariables: { ...audit, rule: decision.rule, rejectionReason: decision.reason },
      };
    }
  }
  const event = newEvent(tenant, 'user_credit_score', result.status, {
    userId: borrower.borrowerId,
    customerID: run.customerId,
    referenceID: run.referenceId,
    bureauScore: input.bureau?.score ?? null,
    ...(result.rejectionReason ? { rejectionReason: result.rejectionReason } : {}),
  });
  try {
    await completeBreRun(tenant, run.referenceId, result, event);
  } catch (error) {
    if (error instanceof ConflictError) return { status: (await getBreRun(tenant, run.referenceId)).status };
    throw error;
  }
  countMetric('CreditDecisions', result.status);
  logger.info('BRE decided', {
    referenceId: run.referenceId,
    status: result.status,
    rejection: result.rejectionReason,
  });
  return { status: result.status };
};
