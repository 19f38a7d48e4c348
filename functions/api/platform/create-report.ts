import middy from '@middy/core';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { completeReport, insertReport, newReportId, type Report } from '#store/reports';
import { startWorkflow } from '#store/workflows';
import { reportSummary } from './report-view.ts';
import { routes } from './routes.ts';

type Route = typeof routes.createReport;

/**
 * POST /v1/reports: records the report pending and starts its workflow (named after the
 * report), which writes the CSV and the outcome. A start that fails marks the report failed,
 * so it never stays pending with nothing running, and the 500 frees the Idempotency-Key.
 */
const createReport = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const { principal, body } = input;
  const report: Report = {
    reportId: newReportId(),
    type: body.type,
    from: body.from,
    to: body.to,
    status: 'pending',
    createdAt: new Date().toISOString(),
    requestedBy: principal.credentialId,
  };
  await insertReport(principal, report);
  try {
    await startWorkflow('report', report.reportId, {
      partnerId: principal.partnerId,
      mode: principal.mode,
      reportId: report.reportId,
    });
  } catch (error) {
    await completeReport(principal, report.reportId, { status: 'failed', failure: 'The report could not be started' });
    throw error;
  }
  return { statusCode: 202, body: reportSummary(report) };
};

export const handler = middy(createReport).use(http(routes.createReport));
