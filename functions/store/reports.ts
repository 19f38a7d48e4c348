/**
 * Reports (`/v1/reports`): the request and its outcome, one item per report, and the CSV object
 * the generator writes into the documents bucket under `reports/`.
 *
 * Keys: `T#…#RPT#<reportId>` / `REPORT`, and on byCollection `T#…#REPORTS` /
 * `<createdAt>#<reportId>` (the tenant's reports, newest first). Both start with the tenant, so
 * a key reads only its own partner's and mode's reports. Reports are kept 30 days in both
 * modes (a report is a copy of data the API keeps; the bucket's `reports/` lifecycle rule
 * removes the objects after the same time).
 */
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { newId } from '#core/ids';
import type { ReportStatus, ReportType } from '#core/reports/reports';
import type { Tenant } from '#core/tenant';
import { ddb, getEntity, tableName } from './client.ts';
import { collectionPage } from './collection-page.ts';
import { tenantKey } from './keys.ts';

/** How long a report (its record and its object) is kept. */
export const REPORT_RETENTION_SECONDS = 30 * 24 * 3600;

/** Where every report object lives in the documents bucket (the IAM grants and the lifecycle rule name it). */
export const REPORTS_PREFIX = 'reports/';

export interface Report {
  reportId: string;
  type: ReportType;
  from: string;
  to: string;
  status: ReportStatus;
  createdAt: string;
  /** The credential that asked (for ops; never shown). */
  requestedBy: string;
  completedAt?: string;
  rowCount?: number;
  bytes?: number;
  objectKey?: string;
  /** Why it failed, as shown to the caller (no internals). */
  failure?: string;
}

const reportKey = (t: Tenant, reportId: string) => ({ pk: tenantKey(t, 'RPT', reportId), sk: 'REPORT' });

export const newReportId = () => newId('rpt');

/** The report's object: tenant first, as documents are, under the reports prefix. */
export function reportObjectKey(t: Tenant, reportId: string): string {
  return `${REPORTS_PREFIX}${t.mode}/${t.partnerId}/${reportId}.csv`;
}

/** Records a new report, pending. */
export async function insertReport(t: Tenant, report: Report): Promise<void> {
  await ddb.send(
    new PutCommand({
      TableName: tableName(),
      Item: {
        ...reportKey(t, report.reportId),
        ...report,
        gsi1pk: tenantKey(t, 'REPORTS'),
        gsi1sk: `${report.createdAt}#${report.reportId}`,
        expiresAt: Math.floor(Date.parse(report.createdAt) / 1000) + REPORT_RETENTION_SECONDS,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

/** One of the tenant's reports; another tenant's id is NotFound, as an unknown one. */
export async function getReport(t: Tenant, reportId: string): Promise<Report> {
  return getEntity<Report>(reportKey(t, reportId), 'report', reportId);
}

/** A page of the tenant's reports, newest first; the total counted over the tenant's (30 days of) reports. */
export async function listReports(t: Tenant, page: { limit: number; offset: number }) {
  return collectionPage<Report>({
    collection: tenantKey(t, 'REPORTS'),
    equals: {},
    limit: page.limit,
    offset: page.offset,
    // Read to the end (a tenant's 30 days of reports are few): the count is exact and no counter item is kept.
    countAll: true,
    counters: reportKey(t, 'COUNT'),
    counter: 'total',
    map: ({ pk: _p, sk: _s, gsi1pk: _g, gsi1sk: _h, expiresAt: _e, ...report }) => report as unknown as Report,
  });
}

/**
 * Records the outcome once: a retried task finds the report no longer pending and changes
 * nothing (the condition), so `succeeded` is never overwritten by a late `failed` or the reverse.
 */
export async function completeReport(
  t: Tenant,
  reportId: string,
  outcome:
    | { status: 'succeeded'; rowCount: number; bytes: number; objectKey: string }
    | { status: 'failed'; failure: string },
): Promise<boolean> {
  const fields: Record<string, unknown> = { ...outcome, completedAt: new Date().toISOString() };
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ':pending': 'pending' };
  const sets = Object.entries(fields).map(([k, v], i) => {
    names[`#f${i}`] = k;
    values[`:f${i}`] = v;
    return `#f${i} = :f${i}`;
  });
  try {
    await ddb.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: reportKey(t, reportId),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: 'attribute_exists(pk) AND #status = :pending',
        ExpressionAttributeNames: { ...names, '#status': 'status' },
        ExpressionAttributeValues: values,
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}
