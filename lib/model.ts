/**
 * What exists besides the API routes, said once: the workflows with the functions their
 * Task states call, the event rules, the outbox pipe and the authorizers. The CDK stacks
 * (lib/aws) and the local runtime (lib/local) are both built from this file, so the sandbox
 * runs what AWS runs.
 */
import { BUS_EVENT, OUTBOX_FILTER } from '../functions/events/outbox-enrich.ts';
import type { Access, AuthScheme } from '../functions/http/route.ts';

/** A function: its module under functions/ (no extension), the export to call and what it may touch. */
export interface FunctionSpec {
  module: string;
  export?: string;
  access: Access[];
  /** Seconds; defaults to 29 (API Gateway's limit) for API handlers and 30 for tasks. */
  timeout?: number;
}

export interface WorkflowSpec {
  /** The ASL file, the same in AWS and locally. */
  definition: string;
  description: string;
  /** Definition substitutions: `${Name}` in the ASL is the ARN of this function. */
  tasks: Record<string, FunctionSpec>;
}

const RW: Access[] = ['table:read', 'table:write'];

export const workflows = {
  kyc: {
    definition: 'statemachines/kyc.asl.json',
    description: 'KYC for one borrower: OCR, liveness, face match, then the result and user_verify',
    tasks: {
      KycOcrFunctionArn: { module: 'workflows/kyc-checks', export: 'ocr', access: ['documents:read'] },
      KycLivenessFunctionArn: { module: 'workflows/kyc-checks', export: 'liveness', access: ['documents:read'] },
      KycFaceMatchFunctionArn: { module: 'workflows/kyc-checks', export: 'faceMatch', access: ['documents:read'] },
      KycRecordFunctionArn: { module: 'workflows/kyc-record', access: ['table:read', 'table:write'] },
    },
  },
  creditScore: {
    definition: 'statemachines/credit-score.asl.json',
    description:
      "A partner API credit score: each requested bureau's pull (retried, its failure kept), then the score and user_credit_score",
    tasks: {
      CreditScorePullFunctionArn: { module: 'workflows/credit-score', export: 'pull', access: ['table:read'] },
      CreditScoreRecordFunctionArn: { module: 'workflows/credit-score', export: 'record', access: RW },
    },
  },
  webhookDelivery: {
    definition: 'statemachines/webhook-delivery.asl.json',
    description: 'Signed webhook delivery of one event to every subscribed endpoint, retried for ~3 days',
    tasks: {
      WebhookPlanFunctionArn: {
        module: 'workflows/webhook-delivery',
        export: 'plan',
        access: ['table:read', 'table:write'],
      },
      WebhookDeliverFunctionArn: {
        module: 'workflows/webhook-delivery',
        export: 'deliver',
        access: ['table:read', 'table:write'],
        timeout: 20,
      },
      WebhookDeadLetterFunctionArn: {
        module: 'workflows/webhook-delivery',
        export: 'deadLetter',
        access: ['table:read', 'table:write'],
      },
    },
  },
  servicing: {
    definition: 'statemachines/servicing.asl.json',
    description:
      'The daily servicing run: the loans due or overdue on the day (byServiceDate index), each serviced once per day',
    tasks: {
      ServicingPlanFunctionArn: { module: 'workflows/repayment', export: 'planRun', access: [] },
      ServicingPageFunctionArn: {
        module: 'workflows/repayment',
        export: 'serviceShardPage',
        access: RW,
        timeout: 600,
      },
    },
  },
  sandboxGateway: {
    definition: 'statemachines/sandbox-gateway.asl.json',
    description:
      "The sandbox payment gateway: a simulated payment's signed callbacks, delayed, duplicated or reordered on demand",
    tasks: {
      SandboxGatewayDeliverFunctionArn: {
        module: 'workflows/collection',
        export: 'deliverSandboxCallback',
        access: ['table:read', 'table:write'],
        timeout: 20,
      },
    },
  },
  appLimit: {
    definition: 'statemachines/app-limit.asl.json',
    description:
      "A borrower app user's initial credit limit: bureau pull, the app credit policy, the limit and user_credit_score",
    tasks: {
      AppLimitPullBureauFunctionArn: { module: 'workflows/app-limit', export: 'pullBureau', access: ['table:read'] },
      AppLimitRecordFunctionArn: { module: 'workflows/app-limit', export: 'record', access: RW },
    },
  },
  report: {
    definition: 'statemachines/report.asl.json',
    description:
      "A platform API report: the tenant's loans, payments, delinquency or webhook deliveries for a date range, as CSV in the documents bucket",
    tasks: {
      ReportGenerateFunctionArn: {
        module: 'workflows/report',
        export: 'generate',
        access: ['table:read', 'table:write', 'reports:write'],
        // Lambda's longest: a large range is paged and streamed within one invocation.
        timeout: 900,
      },
      ReportRecordFailureFunctionArn: { module: 'workflows/report', export: 'recordFailure', access: RW },
    },
  },
  application: {
    definition: 'statemachines/application.asl.json',
    description:
      'One loan application from /v2/user/create to the active loan: KYC and BRE, acceptance, signature, disbursal',
    tasks: {
      ApplicationAwaitFunctionArn: { module: 'workflows/application', export: 'awaitStep', access: RW },
      ApplicationRunKycFunctionArn: {
        module: 'workflows/application',
        export: 'runKyc',
        access: ['table:read', 'table:write', 'documents:read'],
      },
      ApplicationVerifyKycOtpFunctionArn: { module: 'workflows/application', export: 'verifyKycOtp', access: RW },
      ApplicationKycFailedFunctionArn: { module: 'workflows/application', export: 'recordKycFailure', access: RW },
      CreditPreCheckFunctionArn: { module: 'workflows/credit-decision', export: 'preCheck', access: ['table:read'] },
      CreditPullBureauFunctionArn: {
        module: 'workflows/credit-decision',
        export: 'pullBureau',
        access: ['table:read'],
      },
      CreditRecordFunctionArn: { module: 'workflows/credit-decision', export: 'record', access: RW },
      ApplicationRequestSignatureFunctionArn: {
        module: 'workflows/application',
        export: 'requestSignature',
        access: ['table:read', 'table:write', 'workflow:callback:application'],
      },
      ApplicationMarkSignedFunctionArn: { module: 'workflows/application', export: 'markSigned', access: RW },
      ApplicationAppReviewFunctionArn: {
        module: 'workflows/application',
        export: 'reviewAppLoan',
        access: ['table:read', 'table:write', 'documents:write'],
      },
      ApplicationAppDisbursalFunctionArn: { module: 'workflows/application', export: 'startAppDisbursal', access: RW },
      ApplicationDisburseFunctionArn: { module: 'workflows/application', export: 'disburse', access: RW },
      ApplicationMarkFailedFunctionArn: { module: 'workflows/application', export: 'markFailed', access: RW },
      ApplicationCloseFunctionArn: { module: 'workflows/application', export: 'closeJourney', access: RW },
    },
  },
} satisfies Record<string, WorkflowSpec>;

export type WorkflowName = keyof typeof workflows;

export interface EventRuleSpec {
  id: string;
  description: string;
  /** An EventBridge event pattern, matched for real locally (lib/local/event-pattern.ts). */
  pattern: Record<string, unknown>;
  target: { workflow: WorkflowName };
}

export const eventRules: EventRuleSpec[] = [
  {
    id: 'PartnerWebhooks',
    description: 'Every lendstack event goes to the partner webhook delivery workflow',
    pattern: { source: [BUS_EVENT.source], 'detail-type': [BUS_EVENT.detailType] },
    target: { workflow: 'webhookDelivery' },
  },
];

/** Table stream -> filter -> enrichment -> event bus (EventBridge Pipes in AWS, the stream relay locally). */
export const outboxPipe = {
  filter: OUTBOX_FILTER,
  enrichment: { module: 'events/outbox-enrich', access: [] } satisfies FunctionSpec,
  batchSize: 10,
  busEvent: BUS_EVENT,
};

export const authorizers: Record<Exclude<AuthScheme, 'basic' | 'none'>, FunctionSpec> = {
  partnerJwt: { module: 'api/authorizers/partner-jwt', access: ['table:read', 'table:write'] },
  apiKeyBearer: { module: 'api/authorizers/api-key-bearer', access: ['table:read'] },
  apiKeyHeader: { module: 'api/authorizers/api-key-header', access: ['table:read'] },
  appOnboarding: { module: 'api/authorizers/app-onboarding', access: ['table:read'] },
  appLogin: { module: 'api/authorizers/app-login', access: ['table:read'] },
  appJwt: { module: 'api/authorizers/app-jwt', access: ['table:read'] },
};

export { workflowArnVariable } from '../functions/store/workflow-names.ts';

/** The function that answers requests no route matches, in the envelope of the path's surface. */
export const noRoute: FunctionSpec = { module: 'api/system/no-route', access: [] };
