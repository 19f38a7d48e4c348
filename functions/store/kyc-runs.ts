/** Journey KYC runs (CKYC/OKYC): one per trigger, read by GET /v2/kyc/details. */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { InvalidStateError } from '#core/errors';
import type { AadhaarKyc } from '#core/kyc-india';
import type { Tenant } from '#core/tenant';
import { ddb, getEntity, tableName } from './client.ts';
import { collectionItems } from './collection-page.ts';
import { expiryFor, isConditionalCheckFailed, tenantKey } from './keys.ts';

export type KycRunStatus = 'PROCESSING' | 'ACTION_PENDING' | 'APPROVED' | 'REJECTED' | 'FAILED';

export interface KycRun {
  referenceId: string;
  customerId: string;
  borrowerId: string;
  status: KycRunStatus;
  /** SUBMIT_CKYC_OTP, INVALID_CKYC_OTP, WAIT, or ''. */
  action: string;
  /** The spec's message values: NAME_MISMATCH, FACE_MISMATCH, MANUAL_REVIEW_REQUIRED, CKYC_FAILED, … */
  message: string;
  personalKYC: (Omit<AadhaarKyc, 'signed'> & { type: 'CKYC' | 'OKYC_DIGILOCKER' })[] | null;
  results: { dobMatch: boolean; faceLiveliness: boolean; faceMatch: boolean; nameMatch: boolean } | null;
  manualReviewRequired: boolean;
  /** Whether the PAN has an Udyam (MSME) registration, Y or N: set once an identity record is verified. */
  udyamStatus?: 'Y' | 'N';
  otpAttempts: number;
  /** The digest of the OTP last handed to the workflow (a repeat of it is answered, not re-checked). */
  otpDigest?: string;
  /** A manual reviewer's note, when one decided. */
  reviewNote?: string;
  createdAt: string;
  updatedAt: string;
}

const key = (t: Tenant, referenceId: string) => ({ pk: tenantKey(t, 'KYCR', referenceId), sk: 'KYCR' });

/** A run held for a reviewer, for as long as it waits. */
export const isWaitingForReview = (run: KycRun) => run.status === 'PROCESSING' && run.manualReviewRequired;

/**
 * The stored item: a run waiting for a manual review is also in the byCollection index as
 * `T#…#KYCREVIEWS` / `<updatedAt>#<referenceId>` (a sparse collection: every save writes the
 * whole item, so the decision's save takes it out of the index again).
 */
function item(tenant: Tenant, run: KycRun) {
  return {
    ...key(tenant, run.referenceId),
    ...run,
    ...(isWaitingForReview(run)
      ? { gsi1pk: tenantKey(tenant, 'KYCREVIEWS'), gsi1sk: `${run.updatedAt}#${run.referenceId}` }
      : {}),
    expiresAt: expiryFor(tenant.mode),
  };
}

/** The write of a new run, for a transaction that also claims it as the customer's current run. */
export function kycRunPut(tenant: Tenant, run: KycRun) {
  return {
    Put: {
      TableName: tableName(),
      Item: item(tenant, run),
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/** Saves a run; with `from`, only while the stored run is in that status (FBX-E-010 otherwise). */
export async function saveKycRun(tenant: Tenant, run: KycRun, from?: KycRunStatus): Promise<void> {
  try {
    await ddb.send(
      new PutCommand({
        TableName: tableName(),
        Item: item(tenant, run),
        ...(from
          ? {
              ConditionExpression: '#s = :from',
              ExpressionAttributeNames: { '#s': 'status' },
              ExpressionAttributeValues: { ':from': from },
            }
          : {}),
      }),
    );
  } catch (error) {
    if (from && isConditionalCheckFailed(error)) {
      throw new InvalidStateError('invalid_user_state', `KYC run ${run.referenceId} is no longer ${from}`, {
        cause: error,
      });
    }
    throw error;
  }
}

export async function getKycRun(tenant: Tenant, referenceId: string): Promise<KycRun> {
  return getEntity<KycRun>(key(tenant, referenceId), 'reference', referenceId);
}

/** The tenant's KYC runs waiting for a manual review, the longest waiting first. */
export async function listKycRunsInReview(tenant: Tenant): Promise<KycRun[]> {
  const items = await collectionItems({ collection: tenantKey(tenant, 'KYCREVIEWS') });
  return items.map(({ pk: _p, sk: _s, gsi1pk: _g, gsi1sk: _h, expiresAt: _e, ...run }) => run as unknown as KycRun);
}
