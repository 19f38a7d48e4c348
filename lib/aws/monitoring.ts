/**
 * Operating a stage: every alarm an operator must act on goes to one SNS topic, and one
 * dashboard shows the API, the workflows, the table and the business counts side by side.
 * README "Operating it" says what each alarm means and what to do.
 *
 * The business counts are the EMF metrics of functions/http/metrics.ts: this construct sets
 * their namespace on every function of the stack, and reads the very names declared there.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import type { Stage } from 'aws-cdk-lib/aws-apigateway';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { METRICS, METRICS_SERVICE, type MetricName, metricsNamespace } from '../../functions/http/metrics.ts';
import { TABLE } from '../../functions/store/schema.ts';
import { LendstackFunction } from './function.ts';

export interface MonitoringProps {
  stage: string;
  apiStage: Stage;
  table: TableV2;
  machines: Record<string, IStateMachine>;
  /** Queues that hold what could not be delivered: any message in one is an alarm. */
  deadLetterQueues: Record<string, IQueue>;
  /** Subscribed to the alarm topic (confirmations are sent by SNS). */
  alarmEmails?: readonly string[];
  /** 5XXError share of API requests over 5 minutes (default 0.05: 5 %). */
  api5xxRate?: number;
  /** p99 API latency in milliseconds over 5 minutes, three periods running (default 3,000). */
  apiP99LatencyMs?: number;
}

/** Alarm evaluation: 5-minute periods; missing data (no traffic) is not a breach. */
const PERIOD = Duration.minutes(5);

export class Monitoring extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const namespace = metricsNamespace(props.stage);
    // Every function writes its EMF metrics into this stage's namespace.
    for (const node of Stack.of(this).node.findAll()) {
      if (node instanceof LendstackFunction) node.addEnvironment('POWERTOOLS_METRICS_NAMESPACE', namespace);
    }

    // SSE with a key CloudWatch may use: alarms cannot publish to a topic under the AWS-managed SNS key.
    const key = new Key(this, 'AlarmsKey', {
      enableKeyRotation: true,
      description: `lendstack-${props.stage} alarm topic encryption`,
    });
    key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new Topic(this, 'Alarms', {
      topicName: `lendstack-${props.stage}-alarms`,
      displayName: `lendstack ${props.stage} alarms`,
      masterKey: key,
      enforceSSL: true,
    });
    for (const email of props.alarmEmails ?? []) this.topic.addSubscription(new EmailSubscription(email));
    const action = new SnsAction(this.topic);

    const alarm = (
      alarmId: string,
      metric: IMetric,
      description: string,
      opts: { threshold?: number; periods?: number; datapoints?: number } = {},
    ) => {
      const a = new Alarm(this, alarmId, {
        alarmName: `lendstack-${props.stage}-${alarmId}`,
        alarmDescription: `${description} See README "Operating it".`,
        metric,
        threshold: opts.threshold ?? 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: opts.periods ?? 1,
        datapointsToAlarm: opts.datapoints ?? opts.periods ?? 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      a.addAlarmAction(action);
      a.addOkAction(action);
      this.alarms.push(a);
      return a;
    };

    // ------------------------------------------------------------------ dead letters
    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      alarm(
        `${name}NotEmpty`,
        queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' }),
        `A message is waiting in the ${name} dead-letter queue: an event never reached the bus or a rule never started its workflow.`,
      );
    }

    // ------------------------------------------------------------------ workflows
    for (const [name, machine] of Object.entries(props.machines)) {
      const Name = name.charAt(0).toUpperCase() + name.slice(1);
      alarm(
        `${Name}ExecutionsFailed`,
        machine.metricFailed({ period: PERIOD, statistic: 'Sum' }),
        `A ${name} execution failed: its history names the state and the error.`,
      );
      alarm(
        `${Name}ExecutionsTimedOut`,
        machine.metricTimedOut({ period: PERIOD, statistic: 'Sum' }),
        `A ${name} execution timed out as a whole.`,
      );
    }

    // ------------------------------------------------------------------ API
    const errors5xx = props.apiStage.metricServerError({ period: PERIOD, statistic: 'Average' });
    const p99 = props.apiStage.metricLatency({ period: PERIOD, statistic: 'p99' });
    alarm('Api5xxRate', errors5xx, 'More API requests than the threshold answered 5xx over 5 minutes.', {
      threshold: props.api5xxRate ?? 0.05,
    });
    alarm('ApiP99Latency', p99, 'The API p99 latency stayed above the threshold for 15 minutes.', {
      threshold: props.apiP99LatencyMs ?? 3000,
      periods: 3,
    });

    // ------------------------------------------------------------------ table
    const throttles = tableThrottles(props.table);
    alarm('TableThrottles', throttles, 'DynamoDB throttled reads or writes of the table or its indexes.');

    // ------------------------------------------------------------------ business
    const emf = (name: MetricName, dimensions: Record<string, string> = {}, label?: string) =>
      new Metric({
        namespace,
        metricName: name,
        dimensionsMap: { service: METRICS_SERVICE, ...dimensions },
        statistic: 'Sum',
        period: PERIOD,
        ...(label ? { label } : {}),
      });
    alarm(
      'WebhookDeliveriesDead',
      emf('WebhookDeliveries', { [METRICS.WebhookDeliveries]: 'DEAD' }),
      'A webhook delivery gave up after its retries (about 3 days) and is DEAD.',
    );
    alarm(
      'PaymentExceptions',
      emf('PaymentExceptions'),
      'A payment came in that could not be applied (no matching loan, overpaid, …) and waits for ops.',
    );

    // ------------------------------------------------------------------ dashboard
    /** Every value of a metric's dimension as its own line. */
    const byDimension = (name: MetricName) =>
      new MathExpression({
        expression: `SEARCH('{${namespace},service,${METRICS[name]}} MetricName="${name}"', 'Sum', ${PERIOD.toSeconds()})`,
        label: '',
        period: PERIOD,
      });
    const machineMetrics = (pick: (m: IStateMachine) => IMetric) => Object.values(props.machines).map(pick);
    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `lendstack-${props.stage}`,
      defaultInterval: Duration.hours(24),
    });
    const wide = { width: 12, height: 6 };
    this.dashboard.addWidgets(
      new TextWidget({
        markdown: `# lendstack ${props.stage}\nAlarms go to SNS \`lendstack-${props.stage}-alarms\`. Correlation ids: search the logs for \`correlationId\` (the request id of the API call).`,
        width: 24,
        height: 2,
      }),
      new AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 4 }),
      new GraphWidget({
        title: 'API requests and 5xx',
        left: [props.apiStage.metricCount({ period: PERIOD, statistic: 'Sum' })],
        right: [errors5xx],
        ...wide,
      }),
      new GraphWidget({
        title: 'API latency (p50, p99)',
        left: [props.apiStage.metricLatency({ period: PERIOD, statistic: 'p50' }), p99],
        ...wide,
      }),
      new GraphWidget({
        title: 'Executions started / failed / timed out',
        left: machineMetrics((m) => m.metricStarted({ period: PERIOD, statistic: 'Sum' })),
        right: [
          ...machineMetrics((m) => m.metricFailed({ period: PERIOD, statistic: 'Sum' })),
          ...machineMetrics((m) => m.metricTimedOut({ period: PERIOD, statistic: 'Sum' })),
        ],
        ...wide,
      }),
      new GraphWidget({
        title: 'Table: throttles, and dead letters waiting',
        left: [throttles],
        right: Object.values(props.deadLetterQueues).map((q) =>
          q.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' }),
        ),
        ...wide,
      }),
      new GraphWidget({ title: 'Applications by step', left: [byDimension('ApplicationSteps')], ...wide }),
      new GraphWidget({
        title: 'KYC and credit decisions by outcome',
        left: [byDimension('KycOutcomes')],
        right: [byDimension('CreditDecisions')],
        ...wide,
      }),
      new GraphWidget({
        title: 'Disbursals and payments applied',
        left: [byDimension('Disbursals')],
        right: [byDimension('PaymentsApplied')],
        ...wide,
      }),
      new GraphWidget({
        title: 'Webhook deliveries by result, payment exceptions',
        left: [byDimension('WebhookDeliveries')],
        right: [byDimension('PaymentExceptions')],
        ...wide,
      }),
    );
  }
}

/** Read and write throttle events of the table and of every index, summed. */
function tableThrottles(table: TableV2): IMetric {
  const usingMetrics: Record<string, IMetric> = {};
  const scopes: Record<string, string>[] = [
    {},
    ...Object.keys(TABLE.indexes).map((index) => ({ GlobalSecondaryIndexName: index })),
  ];
  scopes.forEach((extra, i) => {
    for (const [kind, metricName] of [
      ['r', 'ReadThrottleEvents'],
      ['w', 'WriteThrottleEvents'],
    ] as const) {
      usingMetrics[`${kind}${i}`] = table.metric(metricName, {
        period: PERIOD,
        statistic: 'Sum',
        dimensionsMap: { TableName: table.tableName, ...extra },
      });
    }
  });
  return new MathExpression({
    expression: Object.keys(usingMetrics).join(' + '),
    usingMetrics,
    label: 'Throttle events',
    period: PERIOD,
  });
}
