/**
 * Events: the table stream reaches the bus through EventBridge Pipes (the outbox relay), and
 * the rules of lib/model.ts start their workflows. What cannot be delivered lands in a
 * dead-letter queue instead of being lost.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { type EventBus, type EventPattern, Rule } from 'aws-cdk-lib/aws-events';
import { SfnStateMachine } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { CfnPipe } from 'aws-cdk-lib/aws-pipes';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { eventRules, outboxPipe, type WorkflowName } from '../model.ts';
import { LendstackFunction, type Resources } from './function.ts';

/** lib/model.ts writes patterns as EventBridge does (`detail-type`); the CDK wants camelCase keys. */
export function toCdkPattern(pattern: Record<string, unknown>): EventPattern {
  const { 'detail-type': detailType, ...rest } = pattern;
  return { ...rest, ...(detailType ? { detailType } : {}) } as EventPattern;
}

export interface EventsProps {
  table: TableV2;
  bus: EventBus;
  machines: Record<WorkflowName, StateMachine>;
  resources: Resources;
}

export class Events extends Construct {
  readonly deadLetters: Queue;

  constructor(scope: Construct, id: string, props: EventsProps) {
    super(scope, id);
    this.deadLetters = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetters).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is the dead-letter queue of the outbox pipe and of the event rules; it has no DLQ of its own.',
    });

    const enrich = new LendstackFunction(this, 'OutboxEnrich', {
      module: outboxPipe.enrichment.module,
      access: outboxPipe.enrichment.access,
      resources: props.resources,
      timeout: Duration.seconds(30),
      description: 'Pipe enrichment: outbox stream records -> domain events',
    });

    const streamArn = props.table.tableStreamArn;
    if (!streamArn) throw new Error('The table needs a stream for the outbox');
    const pipeRole = new Role(this, 'PipeRole', { assumedBy: new ServicePrincipal('pipes.amazonaws.com') });
    pipeRole.addToPolicy(
      new PolicyStatement({
        actions: [
          'dynamodb:DescribeStream',
          'dynamodb:GetRecords',
          'dynamodb:GetShardIterator',
          'dynamodb:ListStreams',
        ],
        resources: [streamArn],
      }),
    );
    pipeRole.addToPolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [enrich.functionArn] }));
    props.bus.grantPutEventsTo(pipeRole);
    this.deadLetters.grantSendMessages(pipeRole);

    new CfnPipe(this, 'OutboxPipe', {
      roleArn: pipeRole.roleArn,
      description: 'Table stream (OUTBOX inserts) -> enrichment -> event bus',
      source: streamArn,
      sourceParameters: {
        dynamoDbStreamParameters: {
          // TRIM_HORIZON: events written before the pipe existed are not skipped.
          startingPosition: 'TRIM_HORIZON',
          batchSize: outboxPipe.batchSize,
          maximumRetryAttempts: 185,
          deadLetterConfig: { arn: this.deadLetters.queueArn },
        },
        filterCriteria: { filters: [{ pattern: JSON.stringify(outboxPipe.filter) }] },
      },
      enrichment: enrich.functionArn,
      target: props.bus.eventBusArn,
      targetParameters: {
        eventBridgeEventBusParameters: {
          source: outboxPipe.busEvent.source,
          detailType: outboxPipe.busEvent.detailType,
        },
      },
    });

    for (const spec of eventRules) {
      new Rule(this, spec.id, {
        eventBus: props.bus,
        description: spec.description,
        eventPattern: toCdkPattern(spec.pattern),
        targets: [
          new SfnStateMachine(props.machines[spec.target.workflow], {
            deadLetterQueue: this.deadLetters,
            retryAttempts: 185,
            maxEventAge: Duration.hours(24),
          }),
        ],
      });
    }
  }
}
