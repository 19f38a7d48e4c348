/**
 * The report workflow's tasks (statemachines/report.asl.json): `generate` pages through the
 * tenant's own items with Query (byCollection, the tenant's keys; never a Scan), writes each
 * page as CSV rows into the report's object as it goes (#store/object-stream: bounded memory),
 * and records the outcome; `recordFailure` records what the Catch caught. A retried task
 * writes the whole object again (same key, same range) and records the outcome only once.
 */
import { type Column, csvHeader, csvRow } from '#core/reports/csv';
import { instantRange, type ReportType } from '#core/reports/reports';
import type { Mode, Tenant } from '#core/tenant';
import { logger } from '#http/logger';
import { loanRecordPages } from '#store/loans';
import { ObjectStream } from '#store/object-stream';
import { paymentPages } from '#store/payments';
import { completeReport, getReport, reportObjectKey } from '#store/reports';
import { deliveryPages, listWebhookEndpoints } from '#store/webhooks';
import { correlated } from './correlated.ts';
import {
  type DeliveryRow,
  delinquencyColumns,
  loanBookColumns,
  overdueSince,
  paymentColumns,
  webhookDeliveryColumns,
} from './report-columns.ts';

export interface ReportInput {
  partnerId: string;
  mode: Mode;
  reportId: string;
  error?: { Error: string; Cause: string };
}

/** The earliest and latest instants a stored timestamp can have: "all of history" for a range. */
const ALL_TIME = { start: '0000', end: '9999' };

/** A page of rows as CSV records. */
function chunk<T>(columns: readonly Column<T>[], rows: readonly T[]): { text: string; rows: number } {
  let text = '';
  for (const row of rows) text += csvRow(columns, row);
  return { text, rows: rows.length };
}

/** Each type's rows, page by page, as CSV text. */
async function* rowsOf(
  t: Tenant,
  type: ReportType,
  from: string,
  to: string,
): AsyncGenerator<{ text: string; rows: number }> {
  const range = instantRange(from, to);
  switch (type) {
    case 'loan_book':
      for await (const page of loanRecordPages(t, range)) yield chunk(loanBookColumns, page);
      return;
    case 'payments':
      for await (const page of paymentPages(t, range)) yield chunk(paymentColumns, page);
      return;
    case 'delinquency':
      // Its date is when the loan went overdue, which no key holds: every disbursal is read
      // (the tenant's LOANS collection, overdue ones kept by the Query's filter).
      for await (const page of loanRecordPages(t, ALL_TIME, { overdueOnly: true })) {
        const rows = page.filter((r) => {
          const since = overdueSince(r.ledger);
          return since !== null && since >= from && since <= to;
        });
        yield chunk(delinquencyColumns, rows);
      }
      return;
    case 'webhook_deliveries':
      for (const endpoint of await listWebhookEndpoints(t)) {
        for await (const page of deliveryPages(t, endpoint.endpointId, range)) {
          const rows: DeliveryRow[] = page.map((d) => ({ ...d, endpoint }));
          yield chunk(webhookDeliveryColumns, rows);
        }
      }
      return;
  }
}

/** Each type's header row. */
export const HEADERS: Record<ReportType, string> = {
  loan_book: csvHeader(loanBookColumns),
  payments: csvHeader(paymentColumns),
  delinquency: csvHeader(delinquencyColumns),
  webhook_deliveries: csvHeader(webhookDeliveryColumns),
};

export const generate = correlated(async (input: ReportInput): Promise<{ status: string; rowCount?: number }> => {
  const t: Tenant = { partnerId: input.partnerId, mode: input.mode };
  const report = await getReport(t, input.reportId);
  if (report.status !== 'pending') return { status: report.status };
  const objectKey = reportObjectKey(t, report.reportId);
  const out = new ObjectStream(objectKey, 'text/csv; charset=utf-8');
  let rowCount = 0;
  try {
    await out.write(HEADERS[report.type]);
    for await (const page of rowsOf(t, report.type, report.from, report.to)) {
      rowCount += page.rows;
      await out.write(page.text);
    }
    await out.close();
  } catch (error) {
    await out.abort();
    throw error;
  }
  await completeReport(t, report.reportId, { status: 'succeeded', rowCount, bytes: out.bytes, objectKey });
  logger.info('report generated', { reportId: report.reportId, type: report.type, rowCount, bytes: out.bytes });
  return { status: 'succeeded', rowCount };
});

export const recordFailure = correlated(async (input: ReportInput): Promise<{ status: string }> => {
  const t: Tenant = { partnerId: input.partnerId, mode: input.mode };
  logger.error('report failed', { reportId: input.reportId, error: input.error?.Error });
  // The caller sees that it failed and may ask again; the cause stays in the logs.
  await completeReport(t, input.reportId, { status: 'failed', failure: 'The report could not be generated' });
  return { status: 'failed' };
});
