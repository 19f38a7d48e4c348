/** Starting Step Functions executions. Locally the SDK reaches the embedded runtime via AWS_ENDPOINT_URL_SFN. */
import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { workflowArnVariable } from './workflow-names.ts';

const sfn = new SFNClient({});

export function stateMachineArn(workflow: string): string {
  const variable = workflowArnVariable(workflow);
  const arn = process.env[variable];
  if (!arn) throw new Error(`${variable} is not set`);
  return arn;
}

/**
 * Starts an execution named `name`. Step Functions treats a repeated name with the same input
 * as the same execution, so a retried request cannot start the workflow twice.
 */
export async function startWorkflow(workflow: string, name: string, input: unknown): Promise<string> {
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({ stateMachineArn: stateMachineArn(workflow), name, input: JSON.stringify(input) }),
  );
  return executionArn ?? '';
}

/** Completes a waiting task (an outside party answered): the workflow goes on with `output`. */
export async function completeTask(token: string, output: unknown): Promise<void> {
  await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify(output ?? {}) }));
}

/** Fails a waiting task with an error name the ASL's Catch matches. */
export async function failTask(token: string, error: string, cause: string): Promise<void> {
  await sfn.send(new SendTaskFailureCommand({ taskToken: token, error, cause }));
}
