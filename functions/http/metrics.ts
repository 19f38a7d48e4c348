/**
 * Business and error counts as CloudWatch metrics, written as EMF log lines (Powertools
 * Metrics): no PutMetricData call, no latency, nothing to grant. The CDK's alarms and dashboard
 * (lib/aws/monitoring.ts) read the very names and dimensions declared here.
 *
 * Each count is published at once as EMF lines of its own (Powertools' "single metric"), so a
 * handler needs no flush middleware and a count survives the invocation failing afterwards.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { correlationId } from '#core/correlation';
import { logger } from './logger.ts';

/** The `service` dimension Powertools adds to every metric (POWERTOOLS_SERVICE_NAME on every function). */
export const METRICS_SERVICE = 'lendstack';

/** One namespace per stage (set as POWERTOOLS_METRICS_NAMESPACE by lib/aws/monitoring.ts). */
export function metricsNamespace(stage: string): string {
  return `Lendstack/${stage}`;
}

/**
 * Every metric lendstack emits, with the one dimension that splits it. Add a metric here (not a
 * string at the call site) so the dashboard and alarms can find it.
 */
export const METRICS = {
  /** An application reached a lifecycle step (`step`: KYC_DECIDED, WAITING_<step>, DISBURSED, CLOSED_<outcome>, …). */
  ApplicationSteps: 'step',
  /** A KYC run was decided (`outcome`: APPROVED, REJECTED, FAILED, MANUAL_REVIEW, …). */
  KycOutcomes: 'outcome',
  /** A credit decision (BRE) was made (`outcome`: APPROVED, REJECTED, FAILED, …). */
  CreditDecisions: 'outcome',
  /** A disbursal finished (`outcome`: DISBURSED or FAILED). */
  Disbursals: 'outcome',
  /** A payment was applied to a loan (`channel`: VA, QRIS, PAYMENT_LINK, …). */
  PaymentsApplied: 'channel',
  /** A payment was kept as an exception for ops (`reason`: UNMATCHED, OVERPAID, …): alarmed. */
  PaymentExceptions: 'reason',
  /** A webhook delivery attempt ended (`result`: DELIVERED, FAILED, SKIPPED, DEAD): DEAD is alarmed. */
  WebhookDeliveries: 'result',
} as const;

export type MetricName = keyof typeof METRICS;

const metrics = new Metrics({ serviceName: METRICS_SERVICE });

/**
 * Counts one occurrence of `name`, split by its dimension's `value` (e.g.
 * `countMetric('PaymentsApplied', 'VA')`). Never throws: a metric must not fail the business
 * step that reports it.
 */
export function countMetric(name: MetricName, value: string, count = 1): void {
  try {
    const correlation = correlationId();
    // Two series: split by the dimension (the dashboard), and the total over every value (what an
    // alarm on "any payment exception" needs: CloudWatch alarms cannot sum a SEARCH).
    for (const split of [true, false]) {
      const single = metrics.singleMetric();
      if (split) single.addDimension(METRICS[name], value);
      // Metadata is not a dimension: it lands in the EMF log line, where the correlation id is greppable.
      if (correlation) single.addMetadata('correlationId', correlation);
      if (!split) single.addMetadata(METRICS[name], value);
      single.addMetric(name, MetricUnit.Count, count);
    }
  } catch (error) {
    logger.warn('metric not published', { metric: name, error });
  }
}
