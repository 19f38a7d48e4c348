/** Starting Step Functions executions. Locally the SDK reaches the embedded runtime via AWS_ENDPOINT_URL_SFN. */
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';

const sfn = new SFNClient({});

/** State machine ARNs come from the environment: `KYC_STATE_MACHINE_ARN` for workflow `kyc`. */
export function stateMachineArn(workflow: string): string {
  const variable = `${workflow.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}_STATE_MACHINE_ARN`;
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
