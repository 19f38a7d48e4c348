/** The platform API's reports resource (`/v1/reports`). */
import * as z from 'zod';
import { MAX_REPORT_DAYS, RANGE_DATE, REPORT_TYPES, rangeIssue } from '#core/reports/reports';
import { pagination } from './schemas.ts';

const isCalendarDate = (v: string) => {
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
};

const date = (what: string) =>
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
    .refine(isCalendarDate, 'is not a calendar date')
    .describe(`${what} (inclusive), a day of the lender's calendar (Asia/Jakarta)`)
    .meta({ examples: [what.startsWith('First') ? '2026-11-01' : '2026-11-30'] });

const typeDescription = REPORT_TYPES.map((t) => `\`${t}\`: by ${RANGE_DATE[t]}`).join('; ');

export const createReportBody = z
  .object({
    type: z.enum(REPORT_TYPES).describe(`What the report lists. The range selects ${typeDescription}.`),
    from: date('First day'),
    to: date('Last day'),
  })
  .superRefine((body, ctx) => {
    // Only two well-formed dates make a range (their own issues are reported by their fields).
    if (![body.from, body.to].every((d) => typeof d === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(d) && isCalendarDate(d)))
      return;
    const issue = rangeIssue(body.from, body.to);
    if (issue) ctx.addIssue({ code: 'custom', path: [issue.field], message: issue.message });
  })
  .meta({ examples: [{ type: 'payments', from: '2026-11-01', to: '2026-11-30' }] })
  .describe(`At most ${MAX_REPORT_DAYS} days, both ends included. Unknown fields are ignored.`);

export const reportIdParams = z.object({
  id: z.string().regex(/^rpt_[0-9a-z]{26}$/, 'is not a report id'),
});

export const listReportsQuery = pagination;

const reportBase = z.object({
  id: z.string().meta({ examples: ['rpt_01kbd1x5v7q8m6wqz4yq0d2e3f'] }),
  object: z.literal('report'),
  type: z.enum(REPORT_TYPES),
  from: z.string(),
  to: z.string(),
  created_at: z.string(),
});

export const createdReport = reportBase.extend({ status: z.literal('pending') });

export const reportView = reportBase.extend({
  status: z.enum(['pending', 'succeeded', 'failed']),
  completed_at: z.string().nullable(),
  row_count: z.number().int().nullable().describe('Data rows in the CSV (the header row not counted), once succeeded'),
  size_bytes: z.number().int().nullable(),
  download_url: z
    .string()
    .nullable()
    .describe('A presigned link to the CSV, made afresh on each GET and valid until expires_at (succeeded only)'),
  expires_at: z.string().nullable().describe('When download_url stops working: GET the report again for a new one'),
  failure_reason: z.string().nullable(),
});

export const reportList = z.object({
  data: z.array(reportView.describe('download_url is null in lists: GET the report for its link')),
  meta: z.object({ total: z.number().int(), limit: z.number().int(), offset: z.number().int() }),
});
