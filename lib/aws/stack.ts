/**
 * One lendstack deployment (a stage): reads as a list of what exists. Sandbox and live modes
 * are served by the same deployment; the credential decides the mode.
 */
import { Aws, CfnOutput, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { stageRateLimits } from '../../functions/http/rate-limit-config.ts';
import type { RouteDef, Surface } from '../../functions/http/route.ts';
import { Api } from './api.ts';
import { Data, documentsBucketName } from './data.ts';
import { Events } from './events.ts';
import { Monitoring } from './monitoring.ts';
import { Workflows } from './workflows.ts';

export interface LendstackStackProps extends StackProps {
  stage: string;
  routes: readonly RouteDef[];
  /** Keep the table and buckets when the stack is deleted. */
  retain: boolean;
  /** Requests per minute per credential by surface, over the defaults (functions/http/rate-limit-config.ts). */
  rateLimits?: Partial<Record<Surface, number>>;
  /** API Gateway stage throttling, all callers together (default 200 requests/s, bursts of 400). */
  throttle?: { rateLimit: number; burstLimit: number };
  /** WAF's per-IP rule (default 30,000 requests per 5 minutes). */
  perIpRequestsPer5Minutes?: number;
  /** Subscribed to the stage's alarm topic. */
  alarmEmails?: readonly string[];
  /** The borrower app's tenant: which partner's borrowers, in which mode, the app's users are. */
  appTenant?: { partnerId: string; mode: 'sandbox' | 'live' };
  /** The stage's payment secrets in Secrets Manager (lib/aws/api.ts, ApiProps.paymentSecrets). */
  paymentSecrets?: { secretName: string; appWebhookProvider?: string };
}

export class LendstackStack extends Stack {
  constructor(scope: Construct, id: string, props: LendstackStackProps) {
    super(scope, id, props);
    const data = new Data(this, 'Data', { stage: props.stage, retain: props.retain });
    const base = {
      table: data.table,
      documents: data.documents,
      documentsObjectsArn: `arn:${Aws.PARTITION}:s3:::${documentsBucketName(props.stage)}/*`,
    };
    const workflows = new Workflows(this, 'Workflows', base);
    const resources = { ...base, workflows: workflows.machines };
    const events = new Events(this, 'Events', {
      table: data.table,
      bus: data.bus,
      machines: workflows.machines,
      resources,
    });
    const api = new Api(this, 'Api', {
      stage: props.stage,
      routes: props.routes,
      resources,
      rateLimits: stageRateLimits(props.rateLimits),
      throttle: props.throttle,
      perIpRequestsPer5Minutes: props.perIpRequestsPer5Minutes,
      appTenant: props.appTenant,
      paymentSecrets: props.paymentSecrets,
    });

    // Last: it sets the metrics namespace on every function made above.
    const monitoring = new Monitoring(this, 'Monitoring', {
      stage: props.stage,
      apiStage: api.stage,
      table: data.table,
      machines: workflows.machines,
      deadLetterQueues: { Events: events.deadLetters },
      alarmEmails: props.alarmEmails,
    });

    new CfnOutput(this, 'ApiUrl', { value: api.stage.urlForPath('/') });
    new CfnOutput(this, 'TableName', { value: data.table.tableName });
    new CfnOutput(this, 'DocumentsBucket', { value: data.documents.bucketName });
    new CfnOutput(this, 'EventBusName', { value: data.bus.eventBusName });
    new CfnOutput(this, 'AlarmTopicArn', { value: monitoring.topic.topicArn });

    acknowledgeNagFindings(this, props.stage);
  }
}

/**
 * The cdk-nag AwsSolutions findings lendstack accepts, each with its reason. Anything not
 * listed here fails synthesis.
 */
function acknowledgeNagFindings(stack: LendstackStack, stage: string): void {
  const ack = (id: string, reason: string) => Validations.of(stack).acknowledge({ id, reason });
  const managed = (name: string) =>
    `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/${name}]`;
  ack(managed('AWSLambdaBasicExecutionRole'), 'Lambda roles use it only to write their own CloudWatch Logs.');
  ack(
    managed('AmazonAPIGatewayPushToCloudWatchLogs'),
    "API Gateway's account-level role for access and execution logs; it has no other permission.",
  );
  ack('AwsSolutions-IAM5[Resource::*]', 'X-Ray PutTraceSegments/PutTelemetryRecords accept no resource but *.');
  ack(
    `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::lendstack-${stage}-documents-<AWS::AccountId>-<AWS::Region>/*]`,
    'Document object keys are chosen at run time per tenant and borrower; the statement is limited to the documents bucket and to GetObject or PutObject as the route declares.',
  );
  ack(
    `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:${stack.stackName}-application:*]`,
    "Ops read an application's execution (GET /v1/applications/{id}): DescribeExecution and GetExecutionHistory on the application machine's executions, whose names (the application ids) are made at run time.",
  );
  ack(
    `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::lendstack-${stage}-documents-<AWS::AccountId>-<AWS::Region>/reports/*]`,
    "Report object keys are chosen at run time per tenant and report; the statement is limited to the documents bucket's reports/ prefix and to GetObject (presigned downloads) or PutObject and AbortMultipartUpload (the generator).",
  );
  ack(
    'AwsSolutions-APIG2',
    "Requests are validated in every handler by the route table's zod schemas, which name the failing field in each surface's own envelope; API Gateway's validator would answer in its own format instead.",
  );
  ack(
    'AwsSolutions-APIG4',
    'Only /health, /openapi.json, /docs, the ops console page and its assets at /console (static; its data comes through the platform API with a key), the token exchange (HTTP Basic, checked by its handler), the refresh-token exchange and the borrower session page (its 256-bit session id is the credential, valid one hour) are public; every other method has a Lambda request authorizer.',
  );
  ack(
    'AwsSolutions-COG4',
    'Partners authenticate with lendstack-issued credentials (JWTs and API keys) checked by Lambda request authorizers; there are no Cognito user pools.',
  );
  ack(
    'AwsSolutions-S1',
    'Only the access-log bucket has no access logging (logging it into itself would loop); the documents bucket logs into it.',
  );
}
