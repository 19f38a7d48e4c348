import { monotonicFactory } from 'ulid';

const ulid = monotonicFactory();

/** Resource prefixes: an id says what it is (`bor_…`) and sorts by creation time (ULID). */
export type IdPrefix =
  | 'ptn' // partner
  | 'cred' // credential
  | 'bor' // borrower
  | 'doc' // document
  | 'kyc' // KYC check
  | 'whe' // webhook endpoint
  | 'evt' // domain event
  | 'dlv' // webhook delivery
  | 'bre' // credit decision (BRE) run
  | 'ofr' // offer
  | 'app' // loan application
  | 'loan' // partner API loan (a loan application of the partner surface)
  | 'agr' // agreement
  | 'dsb' // disbursal
  | 'bnk' // bank statement analysis
  | 'kyr' // journey KYC run (CKYC/OKYC)
  | 'csr' // credit score run (partner API)
  | 'pay' // payment
  | 'pex' // payment exception
  | 'chn' // collection channel (VA, QRIS, payment link)
  | 'sbp' // sandbox gateway payment
  | 'msg' // sandbox message (borrower app OTP delivery)
  | 'otp' // borrower app OTP (otp_log_id)
  | 'lgn' // borrower app login (a login-scoped token's id, spent by verify-pin)
  | 'ch' // borrower app biometric challenge
  | 'bio' // borrower app biometric registration
  | 'lim' // borrower app credit limit application
  | 'rpt' // platform API report (CSV)
  | 'inv' // borrower app payment instruction (generate payment's payment_id, the webhook's reference_no)
  | 'req'; // request

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${ulid().toLowerCase()}`;
}

export function hasPrefix(value: string, prefix: IdPrefix): boolean {
  return value.startsWith(`${prefix}_`) && /^[a-z]+_[0-9a-hjkmnp-tv-z]{26}$/.test(value);
}
