/**
 * Reports (`POST /v1/reports`): what kinds there are, what date each one's range filters on, and
 * the range rules. Pure: the API validates with it and the generator reads ranges through it.
 */
import { addDays, dayNumber, type IsoDate } from '../loans/dates.ts';

export const REPORT_TYPES = ['loan_book', 'payments', 'delinquency', 'webhook_deliveries'] as const;
export type ReportType = (typeof REPORT_TYPES)[number];

export type ReportStatus = 'pending' | 'succeeded' | 'failed';

/** The widest range one report covers: a year (366 days, leap years included), both ends inclusive. */
export const MAX_REPORT_DAYS = 366;

/** What `from`/`to` select, per type (the OpenAPI description says the same). */
export const RANGE_DATE: Record<ReportType, string> = {
  loan_book: 'the disbursal time',
  payments: 'the time the payment was received',
  delinquency: 'the due date of the oldest overdue installment (the day the loan went overdue)',
  webhook_deliveries: 'the time the delivery was opened (the event was first sent)',
};

/** Why a range cannot be reported on (field + reason), or null when it can. */
export function rangeIssue(from: IsoDate, to: IsoDate): { field: string; message: string } | null {
  const start = dayNumber(from, 'from');
  const end = dayNumber(to, 'to');
  if (end < start) return { field: 'to', message: 'must be on or after from' };
  if (end - start + 1 > MAX_REPORT_DAYS)
    return { field: 'to', message: `must be at most ${MAX_REPORT_DAYS} days after from (inclusive)` };
  return null;
}

/** Asia/Jakarta is UTC+7 all year (no daylight saving): the lender's calendar, as servicing's. */
const JAKARTA_OFFSET_MS = 7 * 3600_000;

/**
 * The instants a range of Jakarta days covers, as ISO 8601 UTC text: `[start, end)`, the end
 * being the first instant of the day after `to`. Timestamps stored as ISO text compare as text.
 */
export function instantRange(from: IsoDate, to: IsoDate): { start: string; end: string } {
  const start = dayNumber(from, 'from') * 86_400_000 - JAKARTA_OFFSET_MS;
  const end = dayNumber(addDays(to, 1), 'to') * 86_400_000 - JAKARTA_OFFSET_MS;
  return { start: new Date(start).toISOString(), end: new Date(end).toISOString() };
}

/** Whether an ISO instant falls within the range's Jakarta days. */
export function instantInRange(instant: string, from: IsoDate, to: IsoDate): boolean {
  const { start, end } = instantRange(from, to);
  const at = new Date(instant).toISOString();
  return at >= start && at < end;
}
