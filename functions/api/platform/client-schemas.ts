/**
 * Platform API clients (shared/specs/platform-api-conventions.txt, "Client API"). A client is
 * the partner API's borrower: the create body is the partner API's, as it is.
 */
import * as z from 'zod';
import { normaliseMobile, parseNik } from '#core/identity';
import { mobileNumber } from '../fields.ts';
import * as partner from '../partner/schemas.ts';
import { meta, pagination } from './schemas.ts';

export const createClientBody = partner.createUserBody;

export const createdClient = z.object({
  data: z.object({ id: z.string(), status: z.literal('PENDING'), borrower_type: z.enum(['PERSONAL', 'BUSINESS']) }),
});

const KYC_STATUSES = ['NOT_STARTED', 'IN_PROGRESS', 'APPROVED', 'REJECTED', 'FAILED'] as const;
const STATUSES = ['PENDING', 'VERIFIED', 'APPROVED', 'REJECTED', 'BLOCKED'] as const;

const nik = z
  .string()
  .describe('16-digit NIK')
  .superRefine((value, ctx) => {
    const parsed = parseNik(value);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: `is not a valid NIK: it ${parsed.reason}` });
  });

const instant = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T[0-9:.]+Z)?$/, 'must be a date (YYYY-MM-DD) or a UTC timestamp (…Z)');

export const listClientsQuery = pagination.extend({
  status: z.enum(STATUSES).optional(),
  type: z.enum(['PERSONAL', 'BUSINESS']).optional().describe('borrower_type'),
  kyc_status: z.enum(KYC_STATUSES).optional().describe('NOT_STARTED until the first KYC run'),
  created_from: instant.optional().describe('Created at or after (inclusive)'),
  created_to: instant.optional().describe('Created at or before (inclusive; a date alone covers the whole day)'),
  phone: z
    .string()
    .describe(
      'Exact mobile number: Indonesian (08…, 628…, +628…) or, for journey customers, Indian (+91…); never logged',
    )
    .transform((value, ctx) => {
      const e164 = normaliseMobile(value, 'ID') ?? normaliseMobile(value, 'IN');
      if (!e164) {
        ctx.addIssue({ code: 'custom', message: 'is not a valid Indonesian or Indian mobile number' });
        return z.NEVER;
      }
      return e164;
    })
    .optional(),
  nik: nik.optional().describe('Exact NIK; never logged'),
  pan: z
    .string()
    .regex(/^[A-Z]{5}\d{4}[A-Z]$/, 'is not a PAN')
    .optional()
    .describe('Exact PAN (journey customers); never logged'),
});

const loanSummary = z.object({
  id: z.string(),
  status: z.string(),
  type: z.string(),
  origin: z.string(),
  currency: z.string(),
  principal: z.number(),
  delinquency_bucket: z.string(),
  disbursed_at: z.string(),
});

export const clientView = partner.userView.omit({ userId: true }).extend({
  id: z.string(),
  kyc_status: z.enum(KYC_STATUSES),
  loans: z
    .array(loanSummary)
    .describe('Serviced loans (disbursed onward), newest first; details at GET /v1/loans/{id}'),
});

export const clientListItem = clientView.omit({ loans: true, documents: true });

export const clientList = z.object({ data: z.array(clientListItem), meta });

export const updateClientBody = z
  .object({
    email: z.email().optional().describe('Any time: a contact detail, not an identity checked by KYC'),
    name: z.string().trim().min(2).max(100).optional().describe('Only before KYC (PENDING, no run)'),
    phone: mobileNumber('ID', 'Only before KYC; must not belong to another borrower').optional(),
    nik: nik.optional().describe('PERSONAL clients only, only before KYC; must not belong to another borrower'),
  })
  .strict()
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: 'names no field to change' });

export const paymentLinkBody = z.object({ loan_id: partner.loanIdParams.shape.id }).strict();

export const paymentLinkResponse = z.object({
  data: z.object({
    url: z.string().describe('The hosted payment page (works on a phone)'),
    amount: z.number().describe('What is due now, major units'),
    expires_at: z.string(),
    loan_id: z.string(),
  }),
});
