/** A report as the platform API shows it (schemas in report-schemas.ts). */
import { presignDownload } from '#store/documents-bucket';
import type { Report } from '#store/reports';

/** How long a report's download link works: short, and made afresh on each GET. */
export const REPORT_LINK_SECONDS = 15 * 60;

export function reportSummary(r: Report) {
  return {
    id: r.reportId,
    object: 'report' as const,
    type: r.type,
    status: r.status,
    from: r.from,
    to: r.to,
    created_at: r.createdAt,
  };
}

/** The report with its outcome; `withLink` presigns the CSV's download (GET by id only). */
export async function reportView(r: Report, withLink: boolean) {
  const link =
    withLink && r.status === 'succeeded' && r.objectKey
      ? {
          download_url: await presignDownload(r.objectKey, REPORT_LINK_SECONDS),
          expires_at: new Date(Date.now() + REPORT_LINK_SECONDS * 1000).toISOString(),
        }
      : { download_url: null, expires_at: null };
  return {
    ...reportSummary(r),
    completed_at: r.completedAt ?? null,
    row_count: r.rowCount ?? null,
    size_bytes: r.bytes ?? null,
    ...link,
    failure_reason: r.failure ?? null,
  };
}
