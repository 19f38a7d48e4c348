/** Request and response schemas of the partner API (shared/specs/partner-api-guide.txt). */
import * as z from 'zod';
import { parseCreditSources } from '#core/credit/score';
import { parseNik } from '#core/identity';
import { INDONESIAN_BANKS, isIndonesianBankCode } from '#core/partner-loans';
import { mobileNumber } from '../fields.ts';
import { loanQuoteFee } from '../platform/schemas.ts';
import { repaymentView } from '../repayment-schemas.ts';

const nik = z
  .string()
  .describe('16-digit Indonesian NIK (Nomor Induk Kependudukan)')
  .superRefine((value, ctx) => {
    const parsed = parseNik(value);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: `is not a valid NIK: it ${parsed.reason}` });
  });

const phone = mobileNumber('ID', 'Indonesian mobile number: 08…, 628… or +628…; stored in E.164 (+628…)');

const name = z.string().trim().min(2).max(100);

export const createUserBody = z.discriminatedUnion('borrower_type', [
  z.object({
    borrower_type: z.literal('PERSONAL'),
    name,
    phone,
    email: z.email(),
    nik,
  }),
  z.object({
    borrower_type: z.literal('BUSINESS'),
    name: name.describe('Name of the business contact person'),
    phone,
    email: z.email(),
    business_name: z.string().trim().min(2).max(200),
    nib: z.string().regex(/^\d{13}$/, 'must be the 13-digit Nomor Induk Berusaha'),
    npwp: z.string().regex(/^(\d{15}|\d{16})$/, 'must be a 15- or 16-digit NPWP'),
    director_name: name,
    director_nik: nik,
  }),
]);

export const userIdParams = z.object({ userId: z.string().regex(/^bor_[0-9a-z]{26}$/, 'is not a borrower id') });

export const createUserResponse = z.object({
  userId: z.string(),
  status: z.literal('PENDING'),
});

const kycView = z.object({
  kyc_id: z.string(),
  status: z.enum(['IN_PROGRESS', 'APPROVED', 'REJECTED', 'FAILED']),
  provider: z.string(),
  started_at: z.string(),
  completed_at: z.string().optional(),
  reason: z.string().optional(),
  checks: z.array(
    z.object({ name: z.string(), passed: z.boolean(), score: z.number().optional(), reason: z.string().optional() }),
  ),
});

const creditSourceView = z.object({
  source: z.enum(['afpi', 'clik']),
  status: z.enum(['SUCCESS', 'FAILED']),
  hit: z.boolean().optional().describe('Whether the bureau knows the borrower (false: a thin file there)'),
  active_loans: z.number().int().optional(),
  outstanding: z.number().int().optional().describe('Outstanding balance of the active loans, in rupiah'),
  currency: z.literal('IDR').optional(),
  worst_days_past_due: z.number().int().optional().describe('Worst days past due on any loan in the last 12 months'),
  history_months: z.number().int().optional().describe('Months since the oldest loan the bureau knows was opened'),
  reason: z.string().optional().describe('Why this source FAILED'),
});

export const creditScoreView = z.object({
  reference_id: z.string(),
  status: z
    .enum(['IN_PROGRESS', 'COMPLETED', 'FAILED'])
    .describe('COMPLETED when at least one source answered; FAILED when none did'),
  requested_sources: z.array(z.enum(['afpi', 'clik'])),
  score: z.number().int().nullable().describe('250-900; null while in progress, for a thin file, or when FAILED'),
  grade: z.enum(['A', 'B', 'C', 'D', 'E']).nullable(),
  thin_file: z.boolean().describe('No source knows the borrower: no score, no grade'),
  sources: z.array(creditSourceView),
  requested_at: z.string(),
  completed_at: z.string().optional(),
  reason: z.string().optional(),
});

export const userView = z.object({
  userId: z.string(),
  borrower_type: z.enum(['PERSONAL', 'BUSINESS']),
  status: z.enum(['PENDING', 'VERIFIED', 'APPROVED', 'REJECTED', 'BLOCKED']),
  name: z.string(),
  phone: z.string(),
  email: z.string(),
  nik: z.string().optional(),
  business: z
    .object({
      business_name: z.string(),
      nib: z.string(),
      npwp: z.string(),
      director_name: z.string(),
      director_nik: z.string(),
    })
    .optional(),
  kyc: kycView.nullable(),
  credit_score: creditScoreView
    .nullable()
    .describe('The latest credit score run (POST /api/core/users/{userId}/credit-score)'),
  documents: z.array(z.object({ documentId: z.string(), document_type: z.string(), created_at: z.string() })),
  created_at: z.string(),
  updated_at: z.string(),
});

export const DOCUMENT_TYPES = ['KTP', 'SELFIE', 'NPWP', 'NIB', 'DIRECTOR_KTP', 'BANK_STATEMENT', 'OTHER'] as const;
export const DOCUMENT_CONTENT_TYPES = ['image/jpeg', 'image/png', 'application/pdf'] as const;

export const createDocumentBody = z.object({
  userId: userIdParams.shape.userId,
  document_type: z.enum(DOCUMENT_TYPES),
  content_type: z.enum(DOCUMENT_CONTENT_TYPES),
});

export const createDocumentResponse = z.object({
  documentId: z.string(),
  upload_url: z.url().describe('PUT the file bytes here with the same Content-Type; valid until expires_at'),
  expires_at: z.string(),
});

export const KYC_SOURCES = ['izidata', 'VERIHUBS', 'ASLIRI', 'VIDA'] as const;

export const kycHeaders = z.object({
  'data-source': z
    .string()
    .describe('KYC provider: izidata | VERIHUBS | ASLIRI | VIDA (case-insensitive)')
    .meta({ examples: ['VIDA'] })
    .transform((value, ctx) => {
      const found = KYC_SOURCES.find((s) => s.toLowerCase() === value.toLowerCase());
      if (!found) {
        ctx.addIssue({ code: 'custom', message: `must be one of ${KYC_SOURCES.join(', ')}` });
        return z.NEVER;
      }
      return found;
    }),
});

export const startKycResponse = z.object({
  userId: z.string(),
  status: z.literal('VERIFIED'),
  kyc: z.object({ kyc_id: z.string(), status: z.literal('IN_PROGRESS'), provider: z.string() }),
});

export const creditScoreHeaders = z.object({
  'credit-source': z
    .string()
    .describe('Credit bureaus to ask: afpi, clik, or both comma-separated (afpi,clik) in any order, case-insensitive')
    .meta({ examples: ['afpi,clik'] })
    .transform((value, ctx) => {
      const parsed = parseCreditSources(value);
      if (!parsed.ok) {
        ctx.addIssue({ code: 'custom', message: parsed.reason });
        return z.NEVER;
      }
      return parsed.sources;
    }),
});

export const startCreditScoreResponse = z.object({
  userId: z.string(),
  credit_score: z.object({
    reference_id: z.string(),
    status: z
      .enum(['IN_PROGRESS', 'COMPLETED'])
      .describe('IN_PROGRESS for a new run; an identical recent run is answered as it stands'),
    requested_sources: z.array(z.enum(['afpi', 'clik'])),
  }),
});

export const tokenResponse = z.object({
  access_token: z.string(),
  refresh_token: z.string(),
  token_type: z.literal('Bearer'),
  expires_in: z.number().int().describe('Seconds until access_token expires'),
});

export const refreshBody = z.object({ refresh_token: z.string().min(1) });

export const errorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
    request_id: z.string(),
  }),
});

// ---------------------------------------------------------------- loans (issue 9)

const decimal = z.union([z.number(), z.string().regex(/^\d+(\.\d+)?$/, 'must be a decimal number')]);

const disbursementAccount = z
  .object({
    bank_code: z
      .string()
      .transform((code) => code.trim().toUpperCase())
      .refine(isIndonesianBankCode, `must be one of ${Object.keys(INDONESIAN_BANKS).join(', ')}`)
      .describe(
        `Indonesian bank: ${Object.entries(INDONESIAN_BANKS)
          .map(([code, b]) => `${code} (${b.name}, BI ${b.biCode})`)
          .join(', ')}`,
      ),
    account_number: z.string().regex(/^\d{6,20}$/, 'must be 6 to 20 digits'),
    account_name: z.string().trim().min(2).max(100),
  })
  .strict()
  .describe(
    "Where the loan is disbursed. Optional when the borrower already has one; the first loan that names one stores it on the borrower (a later loan's account is used for that loan only)",
  );

const referenceId = z
  .string()
  .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be 1 to 64 letters, digits or _ . : -')
  .describe(
    "The partner's own id for the loan, unique per partner and mode: the same reference_id with the same request answers the same loan, with another request 409. Sandbox: its ending chooses an outcome (_sign_reject, _sign_expire, _disburse_fail, _disburse_fail_once; see /docs)",
  );

const loanCommon = {
  principal: decimal.describe('Major units (IDR has no decimals)'),
  currency: z.literal('IDR').describe('IDR only: the OJK caps apply'),
  interest_rate: decimal.describe('Percent per rate_period (0.1 = 0.1 %)'),
  rate_period: z.enum(['day', 'month']),
  day_count: z
    .enum(['30/360', 'actual/365', 'actual/actual', '364'])
    .optional()
    .describe(
      'Default: actual/365 for a rate per day and for single payments; 30/360 for a monthly rate on monthly installments; 364 for a monthly rate on weekly or biweekly installments',
    ),
  fees: z.array(loanQuoteFee).max(20).default([]).describe('As in POST /v1/loan-quotes'),
  product: z
    .enum(['id-p2p-consumptive', 'id-p2p-productive'])
    .default('id-p2p-consumptive')
    .describe('Which OJK caps apply (SEOJK 19/SEOJK.06/2023)'),
  reference_id: referenceId,
  disbursement_account: disbursementAccount.optional(),
};

export const singlePaymentLoanBody = z
  .object({
    ...loanCommon,
    tenor_days: z.number().int().min(1).max(730).describe('Days from the schedule start to the one due date'),
  })
  .strict()
  // The OpenAPI example (functions/api/openapi-examples.ts): terms the sandbox accepts within the OJK caps.
  .meta({
    examples: [
      {
        principal: 1000000,
        currency: 'IDR',
        tenor_days: 30,
        interest_rate: 0.1,
        rate_period: 'day',
        fees: [{ type: 'processing', percent: 2, deduct_from_principal: true }],
        reference_id: 'order-1001',
        disbursement_account: { bank_code: 'BCA', account_number: '1234567890', account_name: 'Siti Rahayu' },
      },
    ],
  });

export const bnplLoanBody = z
  .object({
    ...loanCommon,
    installments: z.number().int().min(1).max(120),
    frequency: z.enum(['weekly', 'biweekly', 'monthly']),
    method: z
      .enum(['flat', 'declining_equal_installment', 'declining_equal_principal'])
      .default('flat')
      .describe(
        "Default flat: BNPL plans are sold at a flat rate per month on the original amount, split into equal installments (what a borrower of Kredivo, Akulaku or Atome expects); the declining methods are Fineract's EMI and equal principal",
      ),
    merchant_reference: z.string().min(1).max(100).optional(),
    order_reference: z.string().min(1).max(100).optional(),
  })
  .strict()
  .meta({
    examples: [
      {
        principal: 3000000,
        currency: 'IDR',
        installments: 4,
        frequency: 'weekly',
        interest_rate: 2,
        rate_period: 'month',
        method: 'flat',
        reference_id: 'order-1002',
        merchant_reference: 'merchant-42',
        disbursement_account: { bank_code: 'BCA', account_number: '1234567890', account_name: 'Siti Rahayu' },
      },
    ],
  });

/** The borrower in POST /api/core/loans/{id}[/bnpl]: `{id}` is the userId (API Gateway needs one name per path level). */
export const loanBorrowerParams = z.object({
  id: z.string().regex(/^bor_[0-9a-z]{26}$/, 'is not a borrower id (userId)'),
});

export const loanIdParams = z.object({ id: z.string().regex(/^loan_[0-9a-z]{26}$/, 'is not a loanUniqueId') });
export const loanUniqueIdParams = z.object({
  uniqueId: z.string().regex(/^loan_[0-9a-z]{26}$/, 'is not a loanUniqueId'),
});

export const initiateSigningBody = z.object({ loanUniqueId: loanIdParams.shape.id }).strict();

export const rejectLoanBody = z
  .object({ reason: z.string().trim().min(1).max(500).describe('Kept in the status history and sent in the callback') })
  .strict();

const amount = z.number().describe('Major units at the currency precision, as POST /v1/loan-quotes answers');
const partnerLoanStatus = z.enum(['PENDING', 'SIGNING', 'ACTIVE', 'DISBURSED', 'REPAID', 'REJECTED']);

export const loanView = z.object({
  loanUniqueId: z.string(),
  userId: z.string(),
  type: z.enum(['SINGLE_PAYMENT', 'BNPL']),
  status: partnerLoanStatus,
  reference_id: z.string(),
  currency: z.string(),
  principal: amount,
  net_disbursed: amount.describe('What the borrower receives: the principal less fees deducted upfront'),
  upfront_fees: amount,
  terms: z
    .record(z.string(), z.unknown())
    .describe(
      'The pricing terms as sent, with the defaults applied (method, day_count, product): the same terms priced by POST /v1/loan-quotes with disbursement_date give the same numbers',
    ),
  disbursement_date: z.string().describe('The schedule start (the creation date in Asia/Jakarta)'),
  schedule: z.array(
    z.object({
      number: z.number().int(),
      due_date: z.string(),
      principal: amount,
      interest: amount,
      fees: amount,
      total: amount,
    }),
  ),
  totals: z.object({ principal: amount, interest: amount, fees: amount, total: amount }),
  apr: z.number().nullable().describe('Percent per year: the effective daily rate × 365'),
  effective_daily_rate: z.number().nullable().describe('Percent per day, from what is received and repaid (IRR)'),
  disbursement_account: z.object({
    bank_code: z.string(),
    account_number: z.string().describe('Masked: the last four digits'),
    account_name: z.string(),
  }),
  disbursement: z
    .object({
      status: z.enum(['PROCESSING', 'SUCCESS', 'FAILED']),
      attempt: z.number().int(),
      transfer_reference: z.string().nullable(),
      disbursed_amount: amount.nullable(),
      disbursed_at: z.string().nullable(),
      reason: z.string().nullable(),
    })
    .nullable(),
  agreement_url: z.string().nullable().describe('A presigned link (15 minutes) to the agreement PDF, from SIGNING on'),
  merchant_reference: z.string().optional(),
  order_reference: z.string().optional(),
  status_history: z.array(z.object({ status: partnerLoanStatus, at: z.string(), reason: z.string().optional() })),
  repayment: repaymentView
    .nullable()
    .describe('From DISBURSED on: the ledger (what is due and paid per installment, delinquency, credit); null before'),
  created_at: z.string(),
});
