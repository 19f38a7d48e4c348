/**
 * Credit policies per program, versioned. The BRE evaluates the policy in force on the
 * decision date: pre-BRE eligibility (before the bureau), lender rules (after the bureau),
 * then the offer slabs of the first score band that matches.
 */
import type { IsoDate } from '../loans/dates.ts';
import { valueAt } from '../paths.ts';
import { type Condition, type Facts, firstRejection, holds, type RejectRule } from './rules.ts';

export interface OfferSlab {
  minAmount: number;
  maxAmount: number;
  tenure: number;
  /** Percent per year. */
  interest: number;
  /** "rb": reducing balance (declining, equal installments), as the journey spec's sample names it. */
  method: 'rb' | 'flat';
  processingFee: number;
  processingFeeType: 'PERC' | 'FLAT';
  gst: number;
}

/**
 * What the BRE does when another customer of the partner has the same PAN or mobile:
 * `reject` any match; `allow_closed` reject only while a match's journey is open (a repeat
 * borrower whose earlier loan ended is welcome); `refer` decide as usual but flag the match
 * in outputVariables.dedupe for the lender's review.
 */
export type DedupeMode = 'reject' | 'refer' | 'allow_closed';

export interface Policy {
  id: string;
  version: number;
  program: string;
  effectiveFrom: IsoDate;
  offerValidityDays: number;
  lenderName: string;
  dedupe: DedupeMode;
  preBre: RejectRule[];
  lenderBre: RejectRule[];
  bands: { id: string; when: Condition; slabs: OfferSlab[] }[];
}

const slab = (min: number, max: number, tenure: number, interest: number): OfferSlab => ({
  minAmount: min,
  maxAmount: max,
  tenure,
  interest,
  method: 'rb',
  processingFee: 2.75,
  processingFeeType: 'PERC',
  gst: 18,
});

/** The sandbox lender's personal-loan policy. */
const personalLoanV1: Policy = {
  id: 'personal-loan',
  version: 1,
  program: 'PERSONAL_LOAN',
  effectiveFrom: '2024-01-01',
  // Within the application workflow's 24-day wait for the acceptance.
  offerValidityDays: 21,
  lenderName: 'lendstack sandbox lender',
  dedupe: 'allow_closed',
  preBre: [
    { id: 'age-min', reason: 'Applicant is younger than 21', rejectWhen: { fact: 'age', op: 'lt', value: 21 } },
    { id: 'age-max', reason: 'Applicant is older than 60', rejectWhen: { fact: 'age', op: 'gt', value: 60 } },
    { id: 'age-known', reason: 'Date of birth is missing', rejectWhen: { fact: 'age', op: 'missing' } },
    {
      id: 'income-min',
      reason: 'Monthly income is below 15,000',
      rejectWhen: { fact: 'monthlyIncomeUpper', op: 'lt', value: 15000 },
    },
    {
      id: 'pincode-serviceable',
      reason: 'Pincode is not serviceable',
      rejectWhen: {
        any: [
          { fact: 'pincode', op: 'missing' },
          { fact: 'pincodeServiceable', op: 'eq', value: false },
        ],
      },
    },
  ],
  lenderBre: [
    {
      id: 'bureau-score-min',
      reason: 'Bureau score is below 600',
      rejectWhen: { fact: 'bureauScore', op: 'lt', value: 600 },
    },
    {
      id: 'bureau-delinquency',
      reason: 'Active delinquency on the bureau report',
      rejectWhen: { fact: 'bureauDelinquent', op: 'eq', value: true },
    },
  ],
  bands: [
    {
      id: 'prime',
      when: { fact: 'bureauScore', op: 'gte', value: 750 },
      slabs: [slab(50000, 200000, 6, 22), slab(50000, 200000, 8, 25), slab(50000, 200000, 12, 25)],
    },
    {
      id: 'near-prime',
      when: { fact: 'bureauScore', op: 'gte', value: 650 },
      slabs: [slab(25000, 100000, 6, 28), slab(25000, 100000, 8, 30)],
    },
    // New to credit: no bureau history.
    { id: 'thin-file', when: { fact: 'bureauScore', op: 'missing' }, slabs: [slab(10000, 50000, 6, 30)] },
    { id: 'entry', when: { fact: 'bureauScore', op: 'gte', value: 600 }, slabs: [slab(10000, 50000, 6, 32)] },
  ],
};

const POLICIES: Policy[] = [personalLoanV1];
/**
 * EDI uses the personal-loan policy until it gets its own. BUSINESS_LOAN has no lender in the
 * sandbox: its BRE trigger is GNO-E-002 (Invalid Policy ID), as a program without a lender is.
 */
const PROGRAM_ALIASES: Record<string, string> = { EDI: 'PERSONAL_LOAN' };

/** The policy in force for a program on a date (the latest version that started by then). */
export function policyFor(program: string, on: IsoDate): Policy | null {
  const wanted = PROGRAM_ALIASES[program] ?? program;
  return (
    POLICIES.filter((p) => p.program === wanted && p.effectiveFrom <= on).sort((a, b) => b.version - a.version)[0] ??
    null
  );
}

export type Decision =
  | { outcome: 'PRE_BRE_REJECT' | 'LENDER_BRE_REJECT'; rule: string; reason: string }
  | { outcome: 'OFFER'; band: string; slabs: OfferSlab[] };

/**
 * The dedupe rule a policy's mode makes, over two facts: `dedupeMatches` (other customers with
 * this PAN or mobile) and `dedupeOpenMatches` (those whose journey has not ended).
 */
export function dedupeRule(mode: DedupeMode): RejectRule | null {
  if (mode === 'reject') {
    return {
      id: 'dedupe',
      reason: 'Dedupe: another customer has this PAN or mobile',
      rejectWhen: { fact: 'dedupeMatches', op: 'gt', value: 0 },
    };
  }
  if (mode === 'allow_closed') {
    return {
      id: 'dedupe',
      reason: 'Dedupe: another customer with this PAN or mobile has an application in progress or an open loan',
      rejectWhen: { fact: 'dedupeOpenMatches', op: 'gt', value: 0 },
    };
  }
  return null;
}

/** Pre-BRE rules (no bureau needed), the policy's dedupe rule first. */
export function preBre(policy: Policy, facts: Facts): Decision | null {
  const dedupe = dedupeRule(policy.dedupe);
  const rejected = firstRejection(dedupe ? [dedupe, ...policy.preBre] : policy.preBre, facts);
  return rejected ? { outcome: 'PRE_BRE_REJECT', rule: rejected.id, reason: rejected.reason } : null;
}

/** Lender rules and offer slabs, once the bureau facts are in. */
export function lenderBre(policy: Policy, facts: Facts): Decision {
  const rejected = firstRejection(policy.lenderBre, facts);
  if (rejected) return { outcome: 'LENDER_BRE_REJECT', rule: rejected.id, reason: rejected.reason };
  const band = policy.bands.find((b) => holds(b.when, facts));
  if (!band) return { outcome: 'LENDER_BRE_REJECT', rule: 'no-band', reason: 'No offer band matches the applicant' };
  return { outcome: 'OFFER', band: band.id, slabs: band.slabs };
}

/** Facts from the journey details: age on the decision date, income band, pincode. */
export function applicantFacts(details: Record<string, unknown> | undefined, on: IsoDate): Facts {
  const dob = valueAt(details, 'basicDetails', 'personalDetails', 'dob') as string | undefined;
  let age: number | undefined;
  if (dob) {
    age = Number(on.slice(0, 4)) - Number(dob.slice(0, 4));
    if (on.slice(5) < dob.slice(5)) age -= 1;
  }
  // Income comes as a band ("0-25000"); the rule reads its upper bound.
  const income = String(valueAt(details, 'basicDetails', 'employmentDetails', 'monthlyIncome') ?? '');
  const bounds = income.split('-').map((n) => Number(n.replace(/[^\d]/g, '')));
  const upper = bounds.length > 1 ? bounds[1] : bounds[0];
  const pincode = valueAt(details, 'basicDetails', 'personalDetails', 'currentAddress', 'pincode') as
    | string
    | undefined;
  return {
    age,
    monthlyIncomeUpper: income && Number.isFinite(upper) ? upper : undefined,
    pincode,
    // Sandbox serviceability: PIN codes starting 99 are not served (a documented magic value).
    pincodeServiceable: pincode ? !pincode.startsWith('99') : undefined,
    employmentType: valueAt(details, 'basicDetails', 'employmentDetails', 'employmentType') as string | undefined,
  };
}
