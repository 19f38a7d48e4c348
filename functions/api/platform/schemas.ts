/** Platform API schemas (shared/specs/platform-api-conventions.txt): Bearer API key, limit/offset, `meta`. */
import * as z from 'zod';
import { EVENT_TYPES } from '#store/outbox';

export const createWebhookEndpointBody = z
  .object({
    url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2048),
    events: z
      .array(z.union([z.literal('*'), z.enum(EVENT_TYPES)]))
      .min(1)
      .describe('Event types to receive; ["*"] for every event'),
  })
  .strict();

export const webhookEndpointView = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.string()),
  created_at: z.string(),
});

export const createdWebhookEndpoint = webhookEndpointView.extend({
  secret: z.string().describe('HMAC-SHA256 key for the Lendstack-Signature header; shown once'),
  auth_key: z.string().describe('Static value of the finfra-auth-key header; shown once'),
});

export const pagination = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).default(0),
});

export const meta = z.object({ total: z.number().int(), limit: z.number().int(), offset: z.number().int() });

export const endpointIdParams = z.object({
  id: z.string().regex(/^whe_[0-9a-z]{26}$/, 'is not a webhook endpoint id'),
});

/** A borrower (the platform spec's "client"): the partner API's userId. */
export const borrowerIdParams = z.object({ id: z.string().regex(/^bor_[0-9a-z]{26}$/, 'is not a borrower id') });

export const borrowerStatusChangeBody = z
  .object({
    reason: z.string().trim().min(3).max(500).describe('Why, for the audit trail and the user_verify callback'),
  })
  .strict();

const statusChangeView = z.object({
  from: z.string(),
  to: z.string(),
  reason: z.string(),
  actor: z.string().describe('The credential (API key id) that made the change'),
  at: z.string(),
});

export const borrowerStatusView = z.object({
  data: z.object({
    id: z.string(),
    status: z.enum(['PENDING', 'VERIFIED', 'APPROVED', 'REJECTED', 'BLOCKED']),
    previous_status: z.string(),
    reason: z.string(),
    changed_by: z.string(),
    changed_at: z.string(),
    status_history: z.array(statusChangeView).describe('Every block and unblock of this borrower, oldest first'),
  }),
});

export const deliveryParams = z.object({
  id: endpointIdParams.shape.id,
  eventId: z.string().regex(/^evt_[0-9a-z]{26}$/, 'is not an event id'),
});

export const deliveryView = z.object({
  id: z.string(),
  event_id: z.string(),
  event_type: z.string(),
  status: z.enum(['PENDING', 'DELIVERED', 'FAILED', 'DEAD']),
  attempts: z.number().int(),
  last_status_code: z.number().int().nullable(),
  last_error: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

const decimal = z.union([z.number(), z.string().regex(/^\d+(\.\d+)?$/, 'must be a decimal number')]);
const isoDate = z.iso.date({ error: 'must be a date YYYY-MM-DD' });

export const loanQuoteFee = z
  .object({
    type: z.string().min(1).max(40).describe('processing, service, insurance, …'),
    amount: decimal.optional().describe('Fixed fee in major units of the currency'),
    percent: decimal.optional().describe('Fee as a percent of the principal'),
    tax_percent: decimal.optional().describe('Tax on the fee, percent (GST 18 India; PPN Indonesia)'),
    discount_percent: decimal.optional().describe('Promo discount on the fee, percent of the fee'),
    deduct_from_principal: z
      .boolean()
      .default(false)
      .describe('Deducted from the disbursement instead of added to the schedule'),
  })
  .strict()
  .refine((f) => (f.amount === undefined) !== (f.percent === undefined), {
    message: 'give exactly one of amount or percent',
    path: ['amount'],
  });

export const loanQuoteBody = z
  .object({
    principal: decimal.describe('Major units: 10000000 IDR, 17.25 USD'),
    currency: z.enum(['IDR', 'INR', 'USD']),
    method: z.enum(['declining_equal_installment', 'declining_equal_principal', 'flat', 'single_payment']),
    interest_rate: decimal.describe('Percent per rate_period'),
    rate_period: z.enum(['year', 'month', 'day']),
    term: z
      .object({
        count: z.number().int().min(1).max(1200),
        frequency: z.enum(['daily', 'weekly', 'biweekly', 'semi_monthly', 'monthly']),
      })
      .strict(),
    day_count: z.enum(['30/360', 'actual/365', 'actual/actual', '364']),
    disbursement_date: isoDate,
    first_repayment_date: isoDate.optional(),
    fees: z.array(loanQuoteFee).max(20).default([]),
    product: z
      .string()
      .optional()
      .describe(
        'Cap configuration: id-p2p-consumptive (default for IDR), id-p2p-productive, unregulated (default otherwise)',
      ),
  })
  .strict()
  // The OpenAPI example: the README's quote (functions/api/openapi-examples.ts uses it).
  .meta({
    examples: [
      {
        principal: 10000000,
        currency: 'IDR',
        method: 'declining_equal_installment',
        interest_rate: 12,
        rate_period: 'year',
        term: { count: 6, frequency: 'monthly' },
        day_count: '30/360',
        disbursement_date: '2026-01-15',
        first_repayment_date: '2026-02-15',
        fees: [
          { type: 'processing', amount: 150000 },
          { type: 'processing', percent: 2.75, tax_percent: 18, deduct_from_principal: true },
        ],
      },
    ],
  });

const amount = z.number().describe('Major units of the currency, exact to its precision');

export const loanQuoteResponse = z.object({
  data: z.object({
    installments: z.array(
      z.object({
        number: z.number().int(),
        due_date: z.string(),
        principal: amount,
        interest: amount,
        fees: amount,
        total: amount,
        remaining_principal: amount,
      }),
    ),
    totals: z.object({ principal: amount, interest: amount, fees: amount, total: amount }),
    upfront_fees: amount,
    fee_charges: z.array(z.object({ type: z.string(), amount, tax: amount, discount: amount, upfront: z.boolean() })),
    net_disbursed: amount,
    apr: z.number().nullable().describe('Percent per year: the effective daily rate × 365'),
    effective_annual_rate: z.number().nullable(),
    effective_daily_rate: z.number().nullable().describe('Percent per day'),
    tenor_days: z.number().int(),
    product: z.string(),
  }),
});

export const kycReviewParams = z.object({
  referenceID: z.string().regex(/^kyr_[0-9a-z]{26}$/, 'is not a KYC reference'),
});

export const kycReviewBody = z
  .object({
    decision: z.enum(['APPROVED', 'REJECTED']),
    note: z.string().max(500).optional().describe("The reviewer's reason, kept with the run"),
  })
  .strict();

/** GET /v1/sandbox/messages: the phone as the app sent it (08…, 62…, +62…). */
export const sandboxMessagesQuery = z.object({
  to: z.string().min(8).max(20).describe('The phone number the messages were sent to'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const sandboxMessagesAnswer = z.object({
  data: z.array(
    z.object({ id: z.string(), to: z.string(), channel: z.string(), text: z.string(), sent_at: z.string() }),
  ),
  meta: z.object({ total: z.number().int(), limit: z.number().int(), offset: z.number().int() }),
});
