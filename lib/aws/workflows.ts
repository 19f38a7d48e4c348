/**
 * The Step Functions (Standard) state machines of lib/model.ts, loaded from the same ASL files
 * the local runtime runs, with their Task functions as definition substitutions.
 */
import { resolve } from 'node:path';
import { ArnFormat, Duration, RemovalPolicy, Stack, TimeZone } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { StepFunctionsStartExecution } from 'aws-cdk-lib/aws-scheduler-targets';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { type FunctionSpec, type WorkflowName, workflows } from '../model.ts';
import { LendstackFunction, machineNameOf, type Resources } from './function.ts';

const root = resolve(import.meta.dirname, '..', '..');

const idOf = (spec: FunctionSpec) =>
  `${spec.module}-${spec.export ?? 'handler'}`.replace(/(^|[-/#_])(\w)/g, (_m, _s, c: string) => c.toUpperCase());

export class Workflows extends Construct {
  readonly machines = {} as Record<WorkflowName, StateMachine>;

  constructor(scope: Construct, id: string, resources: Omit<Resources, 'workflows'>) {
    super(scope, id);
    const functions = new Map<string, LendstackFunction>();
    // Fixed names, so a task that answers its own workflow's callbacks (workflow:callback:x) is
    // granted on an ARN written from the name: referencing the machine would be a cycle.
    const stack = Stack.of(this);
    const nameOf = (name: string) => machineNameOf(stack.stackName, name);
    const byName = Object.fromEntries(
      Object.keys(workflows).map((name) => [
        name,
        {
          stateMachineArn: stack.formatArn({
            service: 'states',
            resource: 'stateMachine',
            resourceName: nameOf(name),
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        },
      ]),
    ) as unknown as Resources['workflows'];
    const fnFor = (spec: FunctionSpec) => {
      const key = idOf(spec);
      let fn = functions.get(key);
      if (!fn) {
        fn = new LendstackFunction(this, key, {
          module: spec.module,
          exportName: spec.export,
          access: spec.access,
          resources: { ...resources, workflows: byName },
          timeout: Duration.seconds(spec.timeout ?? 30),
          description: `Workflow task ${spec.module}#${spec.export ?? 'handler'}`,
        });
        functions.set(key, fn);
      }
      return fn;
    };

    for (const [name, spec] of Object.entries(workflows) as [WorkflowName, (typeof workflows)[WorkflowName]][]) {
      const substitutions: Record<string, string> = {};
      const used: LendstackFunction[] = [];
      for (const [substitution, fnSpec] of Object.entries(spec.tasks) as [string, FunctionSpec][]) {
        const fn = fnFor(fnSpec);
        substitutions[substitution] = fn.functionArn;
        used.push(fn);
      }
      const machineId = name.charAt(0).toUpperCase() + name.slice(1);
      const machine = new StateMachine(this, machineId, {
        stateMachineName: nameOf(name),
        definitionBody: DefinitionBody.fromFile(resolve(root, spec.definition)),
        definitionSubstitutions: substitutions,
        stateMachineType: StateMachineType.STANDARD,
        comment: spec.description,
        tracingEnabled: true,
        logs: {
          destination: new LogGroup(this, `${machineId}Logs`, {
            retention: RetentionDays.ONE_MONTH,
            removalPolicy: RemovalPolicy.DESTROY,
          }),
          level: LogLevel.ALL,
          // Inputs carry PII (NIK, names): state transitions are logged, data is not.
          includeExecutionData: false,
        },
      });
      // The exact functions, not their versions (fn:*): the ASL calls unqualified ARNs.
      machine.addToRolePolicy(
        new PolicyStatement({
          actions: ['lambda:InvokeFunction'],
          resources: [...new Set(used)].map((f) => f.functionArn),
        }),
      );
      this.machines[name] = machine;
    }

    // The daily servicing run: 00:30 in Jakarta (UTC+7), when the day's due dates have passed
    // midnight. A run that fails is retried by Scheduler; a day run twice changes nothing.
    new Schedule(this, 'DailyServicing', {
      description: 'Starts the servicing workflow once a day (OVERDUE, late fees, buckets, reminders)',
      schedule: ScheduleExpression.cron({ minute: '30', hour: '0', timeZone: TimeZone.ASIA_JAKARTA }),
      target: new StepFunctionsStartExecution(this.machines.servicing, {
        input: ScheduleTargetInput.fromObject({}),
        retryAttempts: 3,
      }),
    });
  }
}
