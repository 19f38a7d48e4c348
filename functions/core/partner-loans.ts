/**
 * The partner API's loans (partner-api-guide.txt, "Loan status lifecycle"): the guide's status
 * table, mapped from the loan application lifecycle that every surface's loan goes through,
 * and the disbursement account's validation. Pure: no AWS.
 */

/** The guide's loan statuses, exactly. REPAID comes with servicing (the repayment issue). */
export type PartnerLoanStatus = 'PENDING' | 'SIGNING' | 'ACTIVE' | 'DISBURSED' | 'REPAID' | 'REJECTED';

export type PartnerLoanType = 'SINGLE_PAYMENT' | 'BNPL';

/** The fields of a loan application the mapping reads (functions/store/applications.ts). */
export interface LifecycleState {
  status:
    | 'OFFER_ACCEPTED'
    | 'EXPIRED'
    | 'SIGNED'
    | 'REJECTED'
    | 'DISBURSAL_PROCESSING'
    | 'DISBURSED'
    | 'DISBURSAL_FAILED'
    | 'REPAID';
  agreement?: { status: string };
}

/**
 * The guide's status of a loan in the application lifecycle:
 * - PENDING: accepted (OFFER_ACCEPTED) with no agreement sent yet;
 * - SIGNING: the agreement is out for signature (OFFER_ACCEPTED with an agreement);
 * - ACTIVE: signed and not yet disbursed: SIGNED, DISBURSAL_PROCESSING (the bank transfer is
 *   under way) and DISBURSAL_FAILED (the partner may trigger the disbursement again) are all
 *   "signed and awaiting disbursement"; the loan's `disbursement` says which;
 * - DISBURSED; REJECTED (signing declined or expired, or rejected by the partner) and EXPIRED
 *   (never reached for a partner loan: it has no verification step to expire in) both end the
 *   loan before disbursement, which the guide calls REJECTED.
 */
export function partnerLoanStatus(app: LifecycleState): PartnerLoanStatus {
  switch (app.status) {
    case 'OFFER_ACCEPTED':
      return app.agreement ? 'SIGNING' : 'PENDING';
    case 'SIGNED':
    case 'DISBURSAL_PROCESSING':
    case 'DISBURSAL_FAILED':
      return 'ACTIVE';
    case 'DISBURSED':
      return 'DISBURSED';
    case 'REPAID':
      return 'REPAID';
    case 'REJECTED':
    case 'EXPIRED':
      return 'REJECTED';
  }
}

/** The event type of a loan's status changes (the guide's callback table): `bnpl` for installment loans. */
export const loanEventType = (type: PartnerLoanType) => (type === 'BNPL' ? 'bnpl' : 'loan');

/**
 * Indonesian banks a disbursement may go to: the short code partners send (as Xendit's
 * disbursement API names them) and Bank Indonesia's three-digit clearing code (sandi bank),
 * which a live bank adapter transfers by. The list is data: a live deployment replaces it
 * with its disbursing bank's.
 */
export const INDONESIAN_BANKS = {
  BCA: { name: 'Bank Central Asia', biCode: '014' },
  BNI: { name: 'Bank Negara Indonesia', biCode: '009' },
  BRI: { name: 'Bank Rakyat Indonesia', biCode: '002' },
  MANDIRI: { name: 'Bank Mandiri', biCode: '008' },
  PERMATA: { name: 'Bank Permata', biCode: '013' },
  CIMB: { name: 'CIMB Niaga', biCode: '022' },
  DANAMON: { name: 'Bank Danamon', biCode: '011' },
  BSI: { name: 'Bank Syariah Indonesia', biCode: '451' },
  BTN: { name: 'Bank Tabungan Negara', biCode: '200' },
  MAYBANK: { name: 'Maybank Indonesia', biCode: '016' },
  OCBC: { name: 'OCBC NISP', biCode: '028' },
  PANIN: { name: 'Panin Bank', biCode: '019' },
  MEGA: { name: 'Bank Mega', biCode: '426' },
  BJB: { name: 'Bank BJB', biCode: '110' },
  SEABANK: { name: 'SeaBank Indonesia', biCode: '535' },
  JAGO: { name: 'Bank Jago', biCode: '542' },
} as const;

export type IndonesianBankCode = keyof typeof INDONESIAN_BANKS;

export const isIndonesianBankCode = (code: string): code is IndonesianBankCode => Object.hasOwn(INDONESIAN_BANKS, code);

export interface DisbursementAccount {
  bankCode: IndonesianBankCode;
  accountNumber: string;
  accountName: string;
}

/**
 * The day count a partner loan's rate is applied with, when the request names none. The
 * guide is silent; each choice makes the quoted rate mean what a borrower reads it as:
 * - a rate per day: actual/365, so 0.1 % a day for 30 days is exactly 3 %;
 * - a rate per month on monthly installments: 30/360, so each month costs exactly the rate;
 * - a rate per month on weekly or biweekly installments: the 364-day year of weekly products
 *   (Fineract; DOMAIN.md), so every week is exactly 7/364 of twelve months' rate;
 * - a single payment with a rate per month: actual/365 (interest accrues per calendar day).
 */
export function defaultDayCount(
  type: PartnerLoanType,
  ratePeriod: 'day' | 'month',
  frequency?: 'weekly' | 'biweekly' | 'monthly',
): '30/360' | 'actual/365' | '364' {
  if (type === 'SINGLE_PAYMENT' || ratePeriod === 'day') return 'actual/365';
  return frequency === 'monthly' ? '30/360' : '364';
}
