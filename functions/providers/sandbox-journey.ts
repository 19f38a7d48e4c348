/** The journey API's sandbox magic values (like test card numbers), listed on /docs and in the README. */

/** KYC outcome by the PAN's four digits (AAAAA**9999**A). */
export const JOURNEY_KYC_MAGIC = {
  '8001':
    'CKYC asks for an OTP (ACTION_PENDING, SUBMIT_CKYC_OTP): the sandbox OTP is 123456; a wrong one is INVALID_CKYC_OTP, the third FAILED',
  '8002': 'no CKYC record: FAILED (CKYC_FAILED), unless an Aadhaar XML was uploaded (OKYC)',
  '8003': 'manual review: PROCESSING with action WAIT until POST /v1/kyc-reviews/{referenceID}',
  '8004': 'face match fails: REJECTED (FACE_MISMATCH)',
  '8005': 'liveness fails: REJECTED (LIVENESS_REJECT)',
  '8006':
    'no Udyam (MSME) registration on the PAN: APPROVED with outputVariables.udyamStatus "N" (any other APPROVED KYC reads "Y", as the spec\'s sample)',
} as const;

export type JourneyKycMagic = keyof typeof JOURNEY_KYC_MAGIC;

/** Outcomes by the end of the customerID. */
export const JOURNEY_CUSTOMER_MAGIC = {
  _sign_reject: 'the borrower declines to sign: the agreement is REJECTED',
  _sign_expire: 'the borrower never signs: the signing link expires at once, as the 7-day timeout would (REJECTED)',
  _disburse_fail: 'the sandbox bank refuses every transfer: the disbursal FAILED after the workflow retries',
  _disburse_fail_once:
    'the sandbox bank refuses the first disbursal (FAILED after the workflow retries); a new POST /v2/loan/disburse then succeeds',
} as const;

/** Whether a customerID carries a magic ending. */
export const hasCustomerMagic = (customerId: string, ending: keyof typeof JOURNEY_CUSTOMER_MAGIC) =>
  customerId.toLowerCase().endsWith(ending);

/**
 * The partner API's loans (POST /api/core/loans/…) by the end of their reference_id: the same
 * sandbox signer and bank as the journey's, so the same endings.
 */
export const PARTNER_LOAN_MAGIC = {
  _sign_reject: 'the borrower declines to sign: the loan goes SIGNING -> REJECTED',
  _sign_expire: 'the signing link expires unsigned (at once, as the 7-day timeout would): SIGNING -> REJECTED',
  _disburse_fail:
    'the sandbox bank refuses every transfer: after the workflow retries, the loan stays ACTIVE with a `loan` callback saying the disbursement failed',
  _disburse_fail_once:
    'the sandbox bank refuses the first transfer (the loan stays ACTIVE, callback with the reason); a second POST /api/core/loans/{id}/disbursement then disburses',
} as const satisfies Partial<Record<keyof typeof JOURNEY_CUSTOMER_MAGIC, string>>;
