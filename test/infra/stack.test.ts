/** The CDK app: what the template contains, cdk-nag, and the resource budget as routes grow. */
import { readdirSync, readFileSync } from 'node:fs';
import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { routeList } from '../../functions/api/routes.ts';
import type { RouteDef } from '../../functions/http/route.ts';
import { TABLE } from '../../functions/store/schema.ts';
import { LendstackStack } from '../../lib/aws/stack.ts';
import { authorizers, type FunctionSpec, workflows } from '../../lib/model.ts';

function synth(routes: readonly RouteDef[], context: Record<string, unknown> = {}) {
  const app = new App({ context });
  const stack = new LendstackStack(app, 'lendstack-test', { stage: 'test', routes, retain: false });
  return { app, stack };
}

/** Every template in the assembly, parent and nested, by file name. */
function templates(app: App): Record<string, { Resources: Record<string, { Type: string; Properties?: any }> }> {
  const assembly = app.synth();
  const out: Record<string, any> = {};
  for (const artifact of assembly.artifacts) {
    const stack = artifact as unknown as {
      templateFile?: string;
      template?: unknown;
      assets?: { path: string; packaging: string }[];
    };
    if (stack.templateFile) out[stack.templateFile] = stack.template;
  }
  for (const file of readdirSync(assembly.directory)) {
    if (String(file).endsWith('.nested.template.json')) {
      out[file] = JSON.parse(readFileSync(`${assembly.directory}/${file}`, 'utf8'));
    }
  }
  return out;
}

describe('the lendstack stack', () => {
  let app: App;
  let stack: LendstackStack;
  let template: Template;
  let all: ReturnType<typeof templates>;

  beforeAll(() => {
    // Bundling is skipped here (fast); the nag test below bundles for real.
    ({ app, stack } = synth(routeList, { 'aws:cdk:bundling-stacks': [] }));
    template = Template.fromStack(stack);
    all = templates(app);
  });

  it('has one table with on-demand billing, PITR, a NEW_AND_OLD_IMAGES stream, TTL, the byCollection index and the sparse byServiceDate index', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      GlobalSecondaryIndexes: [
        Match.objectLike({ IndexName: 'byCollection', Projection: { ProjectionType: 'ALL' } }),
        // The daily servicing run reads it: only what finds a loan is projected.
        Match.objectLike({
          IndexName: 'byServiceDate',
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['partnerId', 'mode', 'loanId'] },
        }),
      ],
      Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
    });
  });

  it('starts the servicing workflow every day at 00:30 in Jakarta through EventBridge Scheduler', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(30 0 * * ? *)',
      ScheduleExpressionTimezone: 'Asia/Jakarta',
      Target: Match.objectLike({
        Arn: Match.objectLike({ Ref: Match.stringLikeRegexp('WorkflowsServicing') }),
        RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 3 }),
      }),
    });
  });

  it('keeps documents private, encrypted, TLS-only, with lifecycle rules for abandoned uploads', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: Match.objectLike({
        'Fn::Join': Match.arrayWith([Match.arrayWith([Match.stringLikeRegexp('documents')])]),
      }),
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: Match.anyValue(),
      LifecycleConfiguration: {
        Rules: Match.arrayWith([Match.objectLike({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } })]),
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('connects the table stream to the bus through a pipe that filters outbox inserts', () => {
    template.hasResourceProperties('AWS::Pipes::Pipe', {
      SourceParameters: {
        FilterCriteria: { Filters: [{ Pattern: Match.stringLikeRegexp('OUTBOX') }] },
        DynamoDBStreamParameters: Match.objectLike({
          StartingPosition: 'TRIM_HORIZON',
          DeadLetterConfig: Match.anyValue(),
        }),
      },
      TargetParameters: { EventBridgeEventBusParameters: { Source: 'lendstack', DetailType: 'lendstack.event' } },
    });
  });

  it('loads every state machine from statemachines/ with every substitution filled', () => {
    const machines = template.findResources('AWS::StepFunctions::StateMachine');
    expect(Object.keys(machines)).toHaveLength(Object.keys(workflows).length);
    for (const machine of Object.values(machines)) {
      expect(Object.keys(machine.Properties.DefinitionSubstitutions).length).toBeGreaterThan(0);
      expect(machine.Properties.TracingConfiguration).toEqual({ Enabled: true });
    }
  });

  it('sends rule targets that fail to a dead-letter queue, with retries', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['lendstack'], 'detail-type': ['lendstack.event'] },
      Targets: [
        Match.objectLike({
          DeadLetterConfig: Match.anyValue(),
          RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
        }),
      ],
    });
  });

  it('makes one nodejs24.x arm64 function per route, plus authorizers and workflow tasks', () => {
    const functions = Object.values(all).flatMap((t) =>
      Object.values(t.Resources).filter(
        (r) =>
          r.Type === 'AWS::Lambda::Function' &&
          r.Properties?.Environment?.Variables?.POWERTOOLS_SERVICE_NAME === 'lendstack',
      ),
    );
    const described = functions.map((f) => f.Properties.Description);
    for (const route of routeList) expect(described).toContain(`${route.method} ${route.path}`);
    // Routes + one per authorizer scheme + one per workflow task export + the outbox enrichment + the no-route answer.
    const tasks = new Set(
      Object.values(workflows).flatMap((w) =>
        Object.values(w.tasks as Record<string, FunctionSpec>).map((t) => `${t.module}#${t.export ?? 'handler'}`),
      ),
    );
    expect(functions).toHaveLength(routeList.length + Object.keys(authorizers).length + tasks.size + 1 + 1);
    for (const f of functions) {
      expect(f.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
      });
    }
  });

  it('puts each surface in its own nested stack, and a method with a custom authorizer on protected routes', () => {
    const nested = Object.keys(all).filter((f) => f.endsWith('.nested.template.json'));
    // One per surface, and the no-route fallback.
    expect(nested.length).toBe(new Set(routeList.filter((r) => r.surface !== 'system').map((r) => r.surface)).size + 1);
    const methods = Object.values(all)
      .flatMap((t) => Object.values(t.Resources).filter((r) => r.Type === 'AWS::ApiGateway::Method'))
      .filter((m) => m.Properties.HttpMethod !== 'ANY');
    expect(methods).toHaveLength(routeList.length);
    const protectedRoutes = routeList.filter((r) => r.auth !== 'none' && r.auth !== 'basic').length;
    expect(methods.filter((m) => m.Properties.AuthorizationType === 'CUSTOM')).toHaveLength(protectedRoutes);
    template.resourceCountIs('AWS::ApiGateway::Authorizer', Object.keys(authorizers).length);
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', { Type: 'REQUEST', AuthorizerResultTtlInSeconds: 0 });
  });

  it("answers every unmatched method and path through the no-route function, never API Gateway's own 403", () => {
    const anys = Object.values(all)
      .flatMap((t) => Object.values(t.Resources).filter((r) => r.Type === 'AWS::ApiGateway::Method'))
      .filter((m) => m.Properties.HttpMethod === 'ANY');
    // Every prefix of every route path has a resource, and the root's {proxy+} one more.
    const paths = new Set(
      routeList.flatMap((r) => {
        const parts = r.path.split('/').filter(Boolean);
        return parts.map((_, i) => `/${parts.slice(0, i + 1).join('/')}`);
      }),
    );
    expect(anys).toHaveLength(paths.size + 1);
    for (const m of anys) {
      expect(m.Properties).toMatchObject({ AuthorizationType: 'NONE', Integration: { Type: 'AWS_PROXY' } });
    }
    const permissions = Object.values(all).flatMap((t) =>
      Object.values(t.Resources).filter((r) => r.Type === 'AWS::Lambda::Permission'),
    );
    // One invoke permission for the fallback, not one per method.
    expect(permissions.filter((p) => JSON.stringify(p).includes('NoRoute'))).toHaveLength(1);
  });

  it('grants each function only what its route declares: no Scan, no table wildcard, no documents for reads of the table', () => {
    const policies = Object.values(all).flatMap((t) =>
      Object.values(t.Resources).filter((r) => r.Type === 'AWS::IAM::Policy'),
    );
    const text = JSON.stringify(policies);
    expect(text).not.toContain('dynamodb:Scan');
    expect(text).not.toContain('dynamodb:*');
    expect(text).not.toContain('s3:*');
    const getUser = Object.entries(all)
      .flatMap(([, t]) => Object.entries(t.Resources))
      .find(([id, r]) => r.Type === 'AWS::IAM::Policy' && id.startsWith('GetUserServiceRoleDefaultPolicy'));
    const actions = JSON.stringify(
      getUser?.[1].Properties.PolicyDocument.Statement.map((s: { Action: unknown }) => s.Action),
    );
    expect(actions).toContain('dynamodb:GetItem');
    // The rate-limit counter is an UpdateItem; nothing else writes.
    expect(actions).toContain('dynamodb:UpdateItem');
    expect(actions).not.toContain('dynamodb:PutItem');
    expect(actions).not.toContain('s3:');
    expect(actions).not.toContain('states:');
  });

  it("lets only the application read function describe the application machine's executions, scoped to them, and tells it the console URL", () => {
    const resources = Object.values(all).flatMap((t) => Object.entries(t.Resources));
    const reading = resources
      .filter(([, r]) => r.Type === 'AWS::IAM::Policy')
      .flatMap(([id, p]) =>
        p.Properties.PolicyDocument.Statement.filter((s: { Action: unknown }) =>
          JSON.stringify(s.Action).includes('states:DescribeExecution'),
        ).map((s: { Action: unknown; Resource: unknown }) => ({ id, ...s })),
      );
    expect(reading.map((s) => s.id.replace(/ServiceRole.*$/, ''))).toEqual(['GetApplication']);
    const [statement] = reading;
    expect(statement?.Action).toEqual(['states:DescribeExecution', 'states:GetExecutionHistory']);
    // arn:…:execution:<the application machine's name>:*, never a wildcard over every machine.
    const resource = JSON.stringify(statement?.Resource);
    expect(resource).toContain(':execution:');
    expect(resource).toContain(':execution:lendstack-test-application:*');
    expect(resource).not.toMatch(/"\*"/);
    const fn = resources.find(
      ([, r]) => r.Type === 'AWS::Lambda::Function' && r.Properties?.Description === 'GET /v1/applications/{id}',
    )?.[1];
    expect(JSON.stringify(fn?.Properties.Environment.Variables.STEP_FUNCTIONS_CONSOLE_URL)).toContain(
      '.console.aws.amazon.com/states/home?region=',
    );
    expect(fn?.Properties.Environment.Variables).toHaveProperty('APPLICATION_STATE_MACHINE_ARN');
  });

  it('grants the report functions only the reports/ prefix of the documents bucket: GET presigns, the generator writes', () => {
    const entries = Object.values(all).flatMap((t) => Object.entries(t.Resources));
    const statementsOf = (prefix: string) => {
      const found = entries.filter(([id, r]) => r.Type === 'AWS::IAM::Policy' && id.includes(prefix));
      expect(found.length, prefix).toBe(1);
      return found[0]?.[1].Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[];
    };
    const actions = (statements: { Action: string | string[] }[]) => statements.flatMap((s) => [s.Action].flat());
    const s3Statements = (statements: { Action: string | string[]; Resource: unknown }[]) =>
      statements.filter((st) => actions([st]).some((a) => a.startsWith('s3:')));

    const getReport = statementsOf('GetReportServiceRoleDefaultPolicy');
    expect(actions(s3Statements(getReport))).toEqual(['s3:GetObject']);
    for (const st of s3Statements(getReport)) expect(JSON.stringify(st.Resource)).toContain('/reports/*');

    const generate = statementsOf('ReportGenerateServiceRoleDefaultPolicy');
    expect(actions(s3Statements(generate)).sort()).toEqual(['s3:AbortMultipartUpload', 's3:PutObject']);
    for (const st of s3Statements(generate)) expect(JSON.stringify(st.Resource)).toContain('/reports/*');
    expect(actions(generate)).toContain('dynamodb:Query');
    expect(actions(generate)).not.toContain('dynamodb:Scan');

    for (const prefix of ['CreateReportServiceRoleDefaultPolicy', 'ListReportsServiceRoleDefaultPolicy']) {
      expect(
        actions(statementsOf(prefix)).filter((a) => a.startsWith('s3:')),
        prefix,
      ).toEqual([]);
    }
    expect(actions(statementsOf('CreateReportServiceRoleDefaultPolicy'))).toContain('states:StartExecution');

    // Report objects go after 30 days, as their records do.
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([Match.objectLike({ Prefix: 'reports/', ExpirationInDays: 30 })]),
      },
    });
  });

  it("gives each route's function its surface's rate limit, and lets the counter write only RATE# keys", () => {
    const resources = Object.values(all).flatMap((t) => Object.values(t.Resources));
    const variables = (description: string) =>
      resources.find((r) => r.Type === 'AWS::Lambda::Function' && r.Properties?.Description === description)?.Properties
        .Environment.Variables;
    expect(variables('GET /v2/user/offers')).toMatchObject({ RATE_LIMIT_JOURNEY_PER_MINUTE: '6000' });
    expect(variables('GET /v1/webhook-endpoints')).toMatchObject({ RATE_LIMIT_PLATFORM_PER_MINUTE: '100' });
    expect(variables('GET /v1/webhook-endpoints')).not.toHaveProperty('RATE_LIMIT_JOURNEY_PER_MINUTE');
    const counter = resources
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .flatMap((p) => p.Properties.PolicyDocument.Statement)
      .filter((s: { Action: unknown }) => s.Action === 'dynamodb:UpdateItem');
    expect(counter.length).toBeGreaterThan(0);
    for (const statement of counter) {
      expect(statement.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['RATE#*'] } });
    }
    const waf = resources.find((r) => r.Type === 'AWS::WAFv2::WebACL');
    expect(JSON.stringify(waf?.Properties.Rules)).toContain('"Limit":30000');
  });

  it('logs access, traces, and puts a WAF in front of the stage', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      TracingEnabled: true,
      AccessLogSetting: Match.objectLike({ Format: Match.anyValue() }),
      MethodSettings: Match.arrayWith([Match.objectLike({ LoggingLevel: 'INFO', DataTraceEnabled: false })]),
    });
    template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
  });
});

describe('operating a stage', () => {
  let template: Template;
  let all: ReturnType<typeof templates>;
  const alarms = () => template.findResources('AWS::CloudWatch::Alarm');
  /** The one alarm whose name ends in `suffix`. */
  const alarmNamed = (suffix: string) => {
    const found = Object.values(alarms()).filter((a) => String(a.Properties.AlarmName).endsWith(`-${suffix}`));
    expect(found, suffix).toHaveLength(1);
    return found[0]?.Properties;
  };

  beforeAll(() => {
    const { app, stack } = synth(routeList, { 'aws:cdk:bundling-stacks': [] });
    template = Template.fromStack(stack);
    all = templates(app);
  });

  it('sends every alarm, and its return to OK, to one KMS-encrypted, TLS-only SNS topic', () => {
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: Match.objectLike({
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      }),
    });
    const topicId = Object.keys(template.findResources('AWS::SNS::Topic'))[0];
    const list = Object.values(alarms());
    expect(list.length).toBeGreaterThanOrEqual(8);
    for (const a of list) {
      expect(a.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
      expect(a.Properties.OKActions).toEqual([{ Ref: topicId }]);
      expect(a.Properties.TreatMissingData).toBe('notBreaching');
    }
  });

  it('alarms on any message in the dead-letter queue', () => {
    expect(alarmNamed('EventsNotEmpty')).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Statistic: 'Maximum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it('alarms on failed and timed-out executions of every state machine', () => {
    for (const name of Object.keys(workflows)) {
      const Name = name.charAt(0).toUpperCase() + name.slice(1);
      for (const [suffix, metric] of [
        ['ExecutionsFailed', 'ExecutionsFailed'],
        ['ExecutionsTimedOut', 'ExecutionsTimedOut'],
      ]) {
        const alarm = alarmNamed(`${Name}${suffix}`);
        expect(alarm).toMatchObject({ Namespace: 'AWS/States', MetricName: metric, Statistic: 'Sum', Threshold: 1 });
        expect(alarm?.Dimensions).toEqual([expect.objectContaining({ Name: 'StateMachineArn' })]);
      }
    }
  });

  it("alarms on the API stage's 5xx rate and p99 latency", () => {
    const stageId = Object.keys(template.findResources('AWS::ApiGateway::Stage'))[0];
    const dims = expect.arrayContaining([
      { Name: 'ApiName', Value: 'lendstack-test' },
      { Name: 'Stage', Value: { Ref: stageId } },
    ]);
    expect(alarmNamed('Api5xxRate')).toMatchObject({
      Namespace: 'AWS/ApiGateway',
      MetricName: '5XXError',
      Statistic: 'Average',
      Threshold: 0.05,
      Dimensions: dims,
    });
    expect(alarmNamed('ApiP99Latency')).toMatchObject({
      Namespace: 'AWS/ApiGateway',
      MetricName: 'Latency',
      ExtendedStatistic: 'p99',
      Threshold: 3000,
      EvaluationPeriods: 3,
      Dimensions: dims,
    });
  });

  it('alarms on read and write throttles of the table and of every index', () => {
    const metrics = alarmNamed('TableThrottles')?.Metrics as { Expression?: string; MetricStat?: any }[];
    const stats = metrics.filter((m) => m.MetricStat).map((m) => m.MetricStat.Metric);
    // The table and each of its indexes (TABLE.indexes), reads and writes of each.
    const sources = 1 + Object.keys(TABLE.indexes).length;
    expect(stats.map((m) => m.MetricName).sort()).toEqual([
      ...Array(sources).fill('ReadThrottleEvents'),
      ...Array(sources).fill('WriteThrottleEvents'),
    ]);
    expect(stats.every((m) => m.Namespace === 'AWS/DynamoDB')).toBe(true);
    expect(stats.some((m) => m.Dimensions.some((d: { Name: string }) => d.Name === 'GlobalSecondaryIndexName'))).toBe(
      true,
    );
    expect(metrics.find((m) => m.Expression)?.Expression).toBe(
      Array.from({ length: sources }, (_, i) => `r${i} + w${i}`).join(' + '),
    );
  });

  it('alarms on DEAD webhook deliveries and on payment exceptions, from the EMF metrics the code emits', () => {
    expect(alarmNamed('WebhookDeliveriesDead')).toMatchObject({
      Namespace: 'Lendstack/test',
      MetricName: 'WebhookDeliveries',
      Statistic: 'Sum',
      Threshold: 1,
      Dimensions: expect.arrayContaining([
        { Name: 'service', Value: 'lendstack' },
        { Name: 'result', Value: 'DEAD' },
      ]),
    });
    expect(alarmNamed('PaymentExceptions')).toMatchObject({
      Namespace: 'Lendstack/test',
      MetricName: 'PaymentExceptions',
      Dimensions: [{ Name: 'service', Value: 'lendstack' }],
      Threshold: 1,
    });
  });

  it('gives every function, nested stacks included, the stage metrics namespace, and has one dashboard', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const functions = Object.values(all).flatMap((t) =>
      Object.values(t.Resources ?? {}).filter((r) => r.Type === 'AWS::Lambda::Function'),
    );
    const ours = functions.filter((f) => f.Properties?.Environment?.Variables?.POWERTOOLS_SERVICE_NAME === 'lendstack');
    expect(ours.length).toBeGreaterThan(20);
    for (const f of ours)
      expect(f.Properties.Environment.Variables.POWERTOOLS_METRICS_NAMESPACE).toBe('Lendstack/test');
  });
});

describe('the resource budget', () => {
  it("gives the payment secrets from the stage's Secrets Manager secret to the routes that verify callbacks, and to no other function", () => {
    const secretsApp = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    new LendstackStack(secretsApp, 'lendstack-secrets', {
      stage: 'test',
      routes: routeList,
      retain: false,
      paymentSecrets: { secretName: 'lendstack/test/payments', appWebhookProvider: 'xendit' },
    });
    const names = ['APP_PAYMENT_WEBHOOK_SECRET', 'XENDIT_CALLBACK_TOKEN', 'MIDTRANS_SERVER_KEY'];
    const holders = new Map<string, string[]>();
    for (const t of Object.values(templates(secretsApp))) {
      for (const r of Object.values(t.Resources ?? {})) {
        if (r.Type !== 'AWS::Lambda::Function') continue;
        const env: Record<string, unknown> = r.Properties?.Environment?.Variables ?? {};
        for (const name of names) {
          if (!(name in env)) continue;
          // A dynamic reference CloudFormation resolves at deploy: the value is never in the template.
          expect(env[name]).toBe(`{{resolve:secretsmanager:lendstack/test/payments:SecretString:${name}::}}`);
          holders.set(name, [...(holders.get(name) ?? []), String(r.Properties?.Description)]);
        }
        if ('APP_PAYMENT_WEBHOOK_SECRET' in env) expect(env.APP_PAYMENT_WEBHOOK_PROVIDER).toBe('xendit');
      }
    }
    const pathOf = (id: string) => {
      const route = routeList.find((r) => r.id === id) as RouteDef;
      return `${route.method} ${route.path}`;
    };
    expect(holders.get('APP_PAYMENT_WEBHOOK_SECRET')).toEqual([pathOf('appPaymentWebhook')]);
    expect(holders.get('XENDIT_CALLBACK_TOKEN')).toEqual([pathOf('paymentGatewayCallback')]);
    expect(holders.get('MIDTRANS_SERVER_KEY')).toEqual([pathOf('paymentGatewayCallback')]);
    // Without the context, no function has any of them.
    for (const t of Object.values(templates(synth(routeList, { 'aws:cdk:bundling-stacks': [] }).app))) {
      for (const r of Object.values(t.Resources ?? {})) {
        const env: Record<string, unknown> = r.Properties?.Environment?.Variables ?? {};
        for (const name of names) expect(env).not.toHaveProperty(name);
      }
    }
  });

  it('stays under 500 resources per stack with 80 routes', () => {
    const base = routeList.find((r) => r.id === 'getUser') as RouteDef;
    const surfaces = ['partner', 'platform', 'journey'] as const;
    const many: RouteDef[] = [
      ...routeList.filter((r) => r.surface === 'system'),
      ...Array.from(
        { length: 80 },
        (_, i): RouteDef => ({
          ...base,
          id: `route${i}`,
          surface: surfaces[i % 3] ?? 'partner',
          path: `/x${i % 7}/r${i}/{userId}`,
        }),
      ),
    ];
    const { app } = synth(many, { 'aws:cdk:bundling-stacks': [] });
    const counts = Object.entries(templates(app)).map(([file, t]) => [file, Object.keys(t.Resources).length] as const);
    for (const [file, count] of counts) expect(count, file).toBeLessThan(500);
    console.log('resources per stack with 80 routes:', Object.fromEntries(counts));
  });
});

describe('cdk-nag AwsSolutions', () => {
  it('reports nothing unacknowledged, with every function bundled for real', () => {
    const app = new App();
    new LendstackStack(app, 'lendstack-nag', { stage: 'nag', routes: routeList, retain: true });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    const report = new AwsSolutionsChecks(app).validateScope(app);
    const findings = report.violations.map(
      (v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
    );
    expect(findings).toEqual([]);
    expect(() => app.synth()).not.toThrow();
  });
});
