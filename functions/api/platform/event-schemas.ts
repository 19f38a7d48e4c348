/** The platform API's events resource (`GET /v1/events`, `GET /v1/events/{id}`). */
import * as z from 'zod';
import { EVENT_TYPES } from '#store/outbox';
import { pagination } from './schemas.ts';

/** An instant as ISO 8601 (`2026-12-01T10:00:00Z`) or Unix seconds (Stripe's habit), normalised to ISO. */
const instant = z
  .string()
  .meta({ examples: ['2026-12-01T00:00:00Z'] })
  .refine((v) => (/^\d{9,11}$/.test(v) ? true : !Number.isNaN(Date.parse(v)) && /^\d{4}-\d{2}-\d{2}/.test(v)), {
    message: 'must be an ISO 8601 date-time or Unix seconds',
  })
  .transform((v) => new Date(/^\d{9,11}$/.test(v) ? Number(v) * 1000 : Date.parse(v)).toISOString());

export const listEventsQuery = pagination.extend({
  type: z
    .string()
    .regex(/^[a-z][a-z0-9_]{1,63}$/, 'is not an event type')
    .optional()
    .describe(`Only events of this type: ${EVENT_TYPES.join(', ')}`),
  object_id: z
    .string()
    // Partners choose customerIDs and loan references: any printable id, no spaces.
    .regex(/^[\x21-\x7e]{1,128}$/, 'is not an id')
    .optional()
    .describe('Only events whose data names this object: a userId, loan id, applicationId, referenceID or customerID'),
  'created[gte]': instant.optional().describe('Created at or after this instant (ISO 8601 or Unix seconds)'),
  'created[lte]': instant.optional().describe('Created at or before this instant (ISO 8601 or Unix seconds)'),
});

export const eventIdParams = z.object({
  id: z.string().regex(/^evt_[0-9a-z]{26}$/, 'is not an event id'),
});

export const eventView = z.object({
  id: z.string(),
  type: z.string(),
  status: z.string(),
  object_id: z.string().nullable().describe('The most specific object the data names (loan, application, user, …)'),
  data: z.record(z.string(), z.unknown()).describe('The very `data` its webhook delivered'),
  created_at: z.string(),
  correlation_id: z
    .string()
    .nullable()
    .describe('The request id of the call that caused it (also the Lendstack-Correlation-Id webhook header)'),
});
