/** Request and response schemas of the partner API (shared/specs/partner-api-guide.txt). */
import * as z from 'zod';
import { parseCreditSources } from '#core/credit/score';
import { parseNik } from '#core/identity';
import { mobileNumber } from '../fields.ts';

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
