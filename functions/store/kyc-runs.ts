/** Journey KYC runs (CKYC/OKYC): one per trigger, read by GET /v2/kyc/details. */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { InvalidStateError } from '#core/errors';
import type { AadhaarKyc } from '#core/kyc-india';
import type { Tenant } from '#core/tenant';
import { ddb, getEntity, tableName } from './client.ts';
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

/** The write of a new run, for a transaction that also claims it as the customer's current run. */
export function kycRunPut(tenant: Tenant, run: KycRun) {
  return {
    Put: {
      TableName: tableName(),
      Item: { ...key(tenant, run.referenceId), ...run, expiresAt: expiryFor(tenant.mode) },
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
        Item: { ...key(tenant, run.referenceId), ...run, expiresAt: expiryFor(tenant.mode) },
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
