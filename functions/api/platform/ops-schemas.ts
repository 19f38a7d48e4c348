/** Schemas of the ops reads the console uses: applications with their workflow, KYC runs in review. */
import * as z from 'zod';

export const APPLICATION_STATUSES = [
  'STARTED',
  'OFFER_ACCEPTED',
  'EXPIRED',
  'SIGNED',
  'REJECTED',
  'DISBURSAL_PROCESSING',
  'DISBURSED',
  'DISBURSAL_FAILED',
  'REPAID',
] as const;

const WAIT_STEPS = ['OFFERS', 'KYC', 'KYC_OTP', 'KYC_REVIEW', 'AGREEMENT', 'SIGNATURE', 'DISBURSAL'] as const;

export const listApplicationsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).default(0),
  status: z
    .enum(APPLICATION_STATUSES)
    .optional()
    .describe('STARTED: the workflow runs but no offer was accepted yet (KYC and the credit decision)'),
});

export const applicationIdParams = z.object({
  id: z
    .string()
    .regex(/^(app|loan)_[0-9a-z]{26}$/, 'is not an application id (app_… or loan_…)')
    .describe('A journey application (app_…) or a partner loan (loan_…)'),
});

export const applicationView = z.object({
  id: z.string().meta({ examples: ['app_01jf3k2m4n5p6q7r8s9t0v1w2x'] }),
  origin: z.enum(['journey', 'partner', 'app']),
  borrower_id: z.string(),
  customer_id: z.string().describe("The journey customerID, or a partner loan's reference_id"),
  status: z.enum(APPLICATION_STATUSES),
  waiting_for: z
    .array(z.enum(WAIT_STEPS))
    .describe('The outside parties the workflow waits on now (task-token callbacks), from the table'),
  amount: z.number().nullable().describe('Accepted amount in major units, once an offer was accepted'),
  currency: z.string().nullable(),
  started_at: z.string(),
  execution_name: z.string().describe("The Step Functions execution's name: the application id"),
});

const historyEntry = z.object({
  id: z.number().int(),
  at: z.string(),
  type: z.string().meta({ examples: ['TaskStateEntered'] }),
  state: z.string().nullable(),
  error: z.string().nullable(),
});

export const executionView = z.object({
  status: z.string().meta({ examples: ['RUNNING'] }),
  started_at: z.string().nullable(),
  stopped_at: z.string().nullable(),
  current_states: z.array(z.string()).describe('States entered and not left (several inside a Parallel)'),
  error: z.string().nullable(),
  cause: z.string().nullable(),
  history: z.array(historyEntry).describe('The newest 200 history events, newest first (no inputs or outputs)'),
  console_url: z
    .string()
    .nullable()
    .describe('The execution in the AWS console (a deployed stage); null in the local runtime, which has no console'),
});

export const applicationDetail = z.object({
  data: applicationView.extend({
    execution: executionView.nullable().describe('null when the execution does not exist (yet)'),
  }),
});

export const kycReviewView = z.object({
  reference_id: z.string(),
  customer_id: z.string(),
  borrower_id: z.string(),
  status: z.literal('PROCESSING'),
  message: z.string().meta({ examples: ['MANUAL_REVIEW_REQUIRED'] }),
  kyc_type: z.string().nullable().describe('CKYC or OKYC_DIGILOCKER'),
  results: z
    .object({ dobMatch: z.boolean(), faceLiveliness: z.boolean(), faceMatch: z.boolean(), nameMatch: z.boolean() })
    .nullable(),
  created_at: z.string(),
  waiting_since: z.string(),
});
