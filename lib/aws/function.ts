/**
 * Every lendstack Lambda: Node.js 24 on arm64, bundled locally by esbuild (no Docker),
 * minified ESM with source maps, X-Ray tracing, its own log group with retention, and only
 * the permissions its route or task declares.
 */
import { resolve } from 'node:path';
import { Aws, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { Access } from '../../functions/http/route.ts';
import { TABLE } from '../../functions/store/schema.ts';
import { workflowArnVariable } from '../../functions/store/workflow-names.ts';

const root = resolve(import.meta.dirname, '..', '..');

/** A workflow's state machine name: fixed, so grants can write its ARNs without referencing the machine. */
export const machineNameOf = (stackName: string, workflow: string) => `${stackName}-${workflow}`;

/** What a function may be granted access to. */
export interface Resources {
  table: ITable;
  documents: IBucket;
  /** `arn:…:s3:::<bucket name>/*` written from the bucket's fixed name, so it reads the same in every stack. */
  documentsObjectsArn: string;
  workflows: Record<string, IStateMachine>;
}

export interface LendstackFunctionProps {
  /** Module under functions/, without extension. */
  module: string;
  /** Export to call; `handler` by default. */
  exportName?: string;
  access: readonly Access[];
  resources: Resources;
  timeout?: Duration;
  memorySize?: number;
  environment?: Record<string, string>;
  description?: string;
  /** Files to copy next to the bundle: name -> path from the project root (RouteDef.files). */
  files?: Record<string, string>;
}

/** ESM bundles still meet CommonJS dependencies that call require(): give them one. */
const REQUIRE_SHIM = "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);";

export class LendstackFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: LendstackFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    super(scope, id, {
      entry: resolve(root, 'functions', `${props.module}.ts`),
      handler: props.exportName ?? 'handler',
      projectRoot: root,
      depsLockFilePath: resolve(root, 'package-lock.json'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 1024,
      timeout: props.timeout ?? Duration.seconds(29),
      tracing: Tracing.ACTIVE,
      logGroup,
      description: props.description,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'lendstack',
        TABLE_NAME: props.resources.table.tableName,
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node24',
        minify: true,
        sourceMap: true,
        mainFields: ['module', 'main'],
        banner: REQUIRE_SHIM,
        forceDockerBundling: false,
        // The AWS SDK v3 ships in the Lambda runtime; everything else is bundled.
        externalModules: ['@aws-sdk/*'],
        ...(props.files && Object.keys(props.files).length ? { commandHooks: copyFiles(props.files) } : {}),
      },
    });
    grant(this, props.access, props.resources);
  }
}

/** Bundling hooks that copy a route's declared files next to its bundle (functions/http/assets.ts reads them there). */
function copyFiles(files: Record<string, string>) {
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (_input: string, output: string) =>
      Object.entries(files).map(([name, from]) => `cp "${resolve(root, from)}" "${output}/${name}"`),
  };
}

/** Grants exactly what `access` names: item-level DynamoDB actions (never Scan), object-level S3, one workflow. */
export function grant(fn: NodejsFunction, access: readonly Access[], resources: Resources): void {
  const table = resources.table;
  // Named indexes, not index/*: a function can query exactly the indexes the schema declares.
  const tableArns = [table.tableArn, ...Object.keys(TABLE.indexes).map((name) => `${table.tableArn}/index/${name}`)];
  const statements: PolicyStatement[] = [];
  if (access.includes('table:read')) {
    statements.push(
      new PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem', 'dynamodb:ConditionCheckItem'],
        resources: tableArns,
      }),
    );
  }
  if (access.includes('table:write')) {
    statements.push(
      new PolicyStatement({
        actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:ConditionCheckItem'],
        resources: [table.tableArn],
      }),
    );
  }
  if (access.includes('table:count') && !access.includes('table:write')) {
    // The counter items only: RATE#… keys.
    statements.push(
      new PolicyStatement({
        actions: ['dynamodb:UpdateItem'],
        resources: [table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['RATE#*'] } },
      }),
    );
  }
  if (access.includes('table:count') && !access.includes('table:read')) {
    // The partner's own rate limits, on its profile item (PTN#<partnerId>).
    statements.push(
      new PolicyStatement({
        actions: ['dynamodb:GetItem'],
        resources: [table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['PTN#*'] } },
      }),
    );
  }
  const bucket = resources.documents;
  const reports = access.includes('reports:read') || access.includes('reports:write');
  if (access.includes('documents:read') || access.includes('documents:write') || reports) {
    fn.addEnvironment('DOCUMENTS_BUCKET', bucket.bucketName);
  }
  if (access.includes('documents:read')) {
    // ListBucket lets a missing object answer 404 rather than 403.
    statements.push(new PolicyStatement({ actions: ['s3:GetObject'], resources: [resources.documentsObjectsArn] }));
    statements.push(new PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }));
  }
  if (access.includes('documents:write')) {
    // The presigned PUT is made with this role's credentials: it needs PutObject, nothing more.
    statements.push(new PolicyStatement({ actions: ['s3:PutObject'], resources: [resources.documentsObjectsArn] }));
  }
  // Reports: their prefix only, so a report function can neither read nor overwrite a KYC document.
  // Written from the bucket's name as documentsObjectsArn is (no cross-stack reference).
  const reportObjects = resources.documentsObjectsArn.replace(/\/\*$/, '/reports/*');
  if (access.includes('reports:read')) {
    statements.push(new PolicyStatement({ actions: ['s3:GetObject'], resources: [reportObjects] }));
  }
  if (access.includes('reports:write')) {
    // PutObject covers the multipart upload's create, parts and complete; abort is its own action.
    statements.push(
      new PolicyStatement({ actions: ['s3:PutObject', 's3:AbortMultipartUpload'], resources: [reportObjects] }),
    );
  }
  for (const a of access) {
    const match = /^workflow:(start|callback|read):(.+)$/.exec(a);
    if (!match) continue;
    const [, kind, name = ''] = match;
    const machine = resources.workflows[name];
    if (!machine) throw new Error(`Access ${a}: no workflow named ${name}`);
    fn.addEnvironment(workflowArnVariable(name), machine.stateMachineArn);
    if (kind === 'read') {
      // The machine's executions only (arn:…:execution:<machine name>:*), written from its fixed
      // name in the root stack, and where ops open one in the AWS console.
      let root = Stack.of(fn);
      while (root.nestedStackParent) root = root.nestedStackParent;
      // From the pseudo parameters, not the stack's env: with a region in the env (cdk synth on a
      // machine with CDK_DEFAULT_REGION) formatArn writes it literally, and the cdk-nag
      // acknowledgement (written with <AWS::Region>) no longer matches.
      const executions = `arn:${Aws.PARTITION}:states:${Aws.REGION}:${Aws.ACCOUNT_ID}:execution:${machineNameOf(root.stackName, name)}:*`;
      statements.push(
        new PolicyStatement({
          actions: ['states:DescribeExecution', 'states:GetExecutionHistory'],
          resources: [executions],
        }),
      );
      const region = Stack.of(fn).region;
      fn.addEnvironment(
        'STEP_FUNCTIONS_CONSOLE_URL',
        `https://${region}.console.aws.amazon.com/states/home?region=${region}#/v2/executions/details/`,
      );
      continue;
    }
    const actions =
      kind === 'start'
        ? ['states:StartExecution']
        : ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'];
    statements.push(new PolicyStatement({ actions, resources: [machine.stateMachineArn] }));
  }
  for (const statement of statements) fn.addToRolePolicy(statement);
}
