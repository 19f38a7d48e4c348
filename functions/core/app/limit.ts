/**
 * The initial credit limit decision for an app user: rules as data (the credit rules
 * engine), the bureau's facts, and the product's initial limit. Pure.
 */
import { type Facts, firstRejection, type RejectRule } from '../credit/rules.ts';

/** Indonesian consumer policy for the app's initial limit (versioned data, as credit policies). */
export const APP_LIMIT_POLICY = {
  id: 'app-initial-limit',
  version: 1,
  rules: [
    {
      id: 'kyc_not_approved',
      reason: 'KYC is not approved',
      rejectWhen: { fact: 'kycApproved', op: 'neq', value: true },
    },
    { id: 'under_age', reason: 'Applicant is younger than 21', rejectWhen: { fact: 'age', op: 'lt', value: 21 } },
    { id: 'over_age', reason: 'Applicant is older than 60', rejectWhen: { fact: 'age', op: 'gt', value: 60 } },
    {
      id: 'bureau_delinquent',
      reason: 'Active delinquency at the bureau',
      rejectWhen: { fact: 'bureauDelinquent', op: 'eq', value: true },
    },
    {
      id: 'bureau_low_score',
      reason: 'Bureau score below 600',
      rejectWhen: { fact: 'bureauScore', op: 'lt', value: 600 },
    },
  ] satisfies RejectRule[],
} as const;

export type LimitDecision =
  | { status: 'APPROVED'; limit: bigint; policy: string }
  | { status: 'REJECTED'; rule: string; reason: string; policy: string };

/**
 * APPROVED with the product's initial limit, halved for a thin file (no bureau history), or
 * REJECTED by the first rule that holds.
 */
export function decideInitialLimit(facts: Facts, initialLimit: bigint): LimitDecision {
  const policy = `${APP_LIMIT_POLICY.id}@v${APP_LIMIT_POLICY.version}`;
  const rejected = firstRejection(APP_LIMIT_POLICY.rules, facts);
  if (rejected) return { status: 'REJECTED', rule: rejected.id, reason: rejected.reason, policy };
  const thinFile = facts.bureauScore === null || facts.bureauScore === undefined;
  return { status: 'APPROVED', limit: thinFile ? initialLimit / 2n : initialLimit, policy };
}

/** Age in whole years on `today` of someone born on `birthDate` (ISO dates). */
export function ageOn(birthDate: string, today: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}
