/**
 * Borrowers: the one record behind the partner API's "borrower", the journey API's
 * "customer", the app's "user" and the platform API's "client". Pure rules, no I/O.
 */
import type { CreditScoreRun } from './credit/score.ts';
import { BorrowerStatusError, InvalidStateError } from './errors.ts';
import type { DisbursementAccount } from './partner-loans.ts';

export type BorrowerType = 'PERSONAL' | 'BUSINESS';

/** The partner guide's lifecycle: PENDING -> VERIFIED (KYC running) -> APPROVED | REJECTED; BLOCKED by ops. */
export type BorrowerStatus = 'PENDING' | 'VERIFIED' | 'APPROVED' | 'REJECTED' | 'BLOCKED';

/** Journey API stages, in order; a customer created again continues from its stage. */
export type JourneyStage = 'USER_CREATED' | 'DETAILS_UPDATED' | 'OFFER_ACCEPTED' | 'REJECTED' | 'EXPIRED';

export type KycStatus = 'NOT_STARTED' | 'IN_PROGRESS' | 'APPROVED' | 'REJECTED' | 'FAILED';

export interface KycCheck {
  name: 'ocr' | 'liveness' | 'face_match';
  passed: boolean;
  /** Provider score 0..1 where the check produces one. */
  score?: number;
  reason?: string;
}

export interface KycResult {
  kycId: string;
  status: KycStatus;
  provider: string;
  startedAt: string;
  completedAt?: string;
  checks: KycCheck[];
  /** Why the KYC was rejected or failed, in words a partner can show ops. */
  reason?: string;
}

export interface Borrower {
  borrowerId: string;
  borrowerType: BorrowerType;
  status: BorrowerStatus;
  name: string;
  phone: string;
  email: string;
  nik?: string;
  business?: {
    businessName: string;
    nib: string;
    npwp: string;
    directorName: string;
    directorNik: string;
  };
  kyc?: KycResult;
  /** The latest credit score run (partner API), its result once the workflow recorded it. */
  creditScore?: CreditScoreRun;
  /** While BLOCKED: who blocked the borrower, why, when, and the status unblocking restores. */
  block?: BorrowerBlock;
  /** The partner's own id for this customer (journey API `customerID`): unique per tenant. */
  customerId?: string;
  /** India: PAN, unique per tenant (dedupe). */
  pan?: string;
  /** Where the journey API's customer stands, and what the partner told us about them. */
  journey?: {
    stage: JourneyStage;
    program?: string;
    details?: Record<string, unknown>;
    /** The loan application this journey is, from /v2/user/create on: its workflow execution is named after it. */
    applicationId?: string;
    /** The latest journey KYC run. */
    kycReferenceId?: string;
    /** The latest BRE run: its offers are the live ones, an earlier run's have expired. */
    breReferenceId?: string;
  };
  /**
   * Where loans are disbursed to: set by the first partner loan that names one (a later loan
   * may name another for itself; the borrower's stays). Table encryption covers it at rest;
   * logs mask accountNumber.
   */
  disbursementAccount?: DisbursementAccount;
  /** A user of the lender's own borrower app: its onboarding, KYC preview and profile. */
  app?: AppAccount;
  createdAt: string;
  updatedAt: string;
}

/**
 * The borrower app's account on the borrower record: PENDING from OTP verification until the
 * personal information (with the security PIN) is in, then ACTIVE. The PIN is not here: it
 * lives in an item of its own (#store/app-users), never read with the profile.
 */
export interface AppAccount {
  status: 'PENDING' | 'ACTIVE';
  /** The device that verified the phone. */
  registeredDeviceId: string;
  kycStatus?: 'SYSTEM_VERIFIED' | 'REJECTED_RETRY';
  kycReferenceId?: string;
  faceMatchScore?: number;
  ocrPreview?: Record<string, string>;
  /** What personal-info stored (item 4 without the PIN), as the app sent it (ids, strings). */
  profile?: Record<string, unknown>;
  activatedAt?: string;
}

/** An ops decision to block a borrower (platform API), kept on the borrower while it holds. */
export interface BorrowerBlock {
  reason: string;
  /** The credential that blocked (platform API key id). */
  actor: string;
  at: string;
  /** The status before blocking: unblocking returns the borrower to it. */
  previousStatus: Exclude<BorrowerStatus, 'BLOCKED'>;
}

/** The documents a KYC run needs, per borrower type. */
export const REQUIRED_KYC_DOCUMENTS: Record<BorrowerType, readonly string[]> = {
  PERSONAL: ['KTP', 'SELFIE'],
  BUSINESS: ['NIB', 'DIRECTOR_KTP', 'SELFIE'],
};

/**
 * Whether a KYC run may start. REJECTED borrowers may retry with new documents; a run in
 * progress (VERIFIED), an approved or a blocked borrower may not start another.
 */
export function assertCanStartKyc(borrower: Pick<Borrower, 'borrowerId' | 'status'>): void {
  if (borrower.status === 'PENDING' || borrower.status === 'REJECTED') return;
  assertNotBlocked(borrower, 'KYC');
  const why: Record<string, string> = {
    VERIFIED: 'a KYC verification is already in progress',
    APPROVED: 'the borrower is already approved',
  };
  throw new InvalidStateError(
    'kyc_not_allowed',
    `Cannot start KYC for borrower ${borrower.borrowerId}: ${why[borrower.status] ?? borrower.status}`,
  );
}

/** The outcome of the checks: every check must pass; the first failure names the reason. */
export function decideKyc(checks: readonly KycCheck[]): { status: 'APPROVED' | 'REJECTED'; reason?: string } {
  const failed = checks.find((c) => !c.passed);
  return failed
    ? { status: 'REJECTED', reason: failed.reason ?? `${failed.name} check failed` }
    : { status: 'APPROVED' };
}

/** Borrower status after a KYC outcome; a technical failure returns the borrower to PENDING so the partner can retry. */
export function borrowerStatusAfterKyc(kyc: KycStatus): Exclude<BorrowerStatus, 'BLOCKED'> {
  if (kyc === 'APPROVED') return 'APPROVED';
  if (kyc === 'REJECTED') return 'REJECTED';
  return 'PENDING';
}

/** A BLOCKED borrower starts nothing (KYC, credit score): 400 naming the status. */
export function assertNotBlocked(borrower: Pick<Borrower, 'borrowerId' | 'status'>, what: string): void {
  if (borrower.status !== 'BLOCKED') return;
  throw new BorrowerStatusError(
    'borrower_blocked',
    `Cannot start ${what} for borrower ${borrower.borrowerId}: its status is BLOCKED (the lender's ops must unblock it first)`,
  );
}

/**
 * Why a borrower cannot take a loan, or null when it can (APPROVED only). The reason is a
 * sentence naming the status, for a 400 (BorrowerStatusError) at loan creation.
 */
export function loanRefusal(borrower: Pick<Borrower, 'borrowerId' | 'status'>): string | null {
  const why: Record<BorrowerStatus, string | null> = {
    APPROVED: null,
    PENDING: 'its status is PENDING: KYC has not been completed (POST /api/core/users/{userId}/kyc)',
    VERIFIED: 'its status is VERIFIED: KYC is still in progress',
    REJECTED: 'its status is REJECTED: KYC was rejected (run KYC again with new documents)',
    BLOCKED: "its status is BLOCKED: no loan can be created until the lender's ops unblock it",
  };
  const reason = why[borrower.status];
  return reason === null ? null : `Borrower ${borrower.borrowerId} cannot take a loan: ${reason}`;
}
