/** Platform API schemas (shared/specs/platform-api-conventions.txt): Bearer API key, limit/offset, `meta`. */
import { z } from 'zod';

export const EVENT_TYPES = ['user_created', 'user_verify', 'user_credit_score', 'loan', 'bnpl'] as const;

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
