/** Starting Step Functions executions. Locally the SDK reaches the embedded runtime via AWS_ENDPOINT_URL_SFN. */
import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { correlationId } from '#core/correlation';
import { InvalidStateError } from '#core/errors';
import { workflowArnVariable } from './workflow-names.ts';

/** Exported for tests that fault-inject Step Functions calls (handlers run in-process locally). */
export const sfn = new SFNClient({});

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
    new StartExecutionCommand({
      stateMachineArn: stateMachineArn(workflow),
      name,
      input: JSON.stringify(withCorrelationId(input)),
    }),
  );
  return executionArn ?? '';
}

/**
 * Starts the execution named `name` if it is not running yet. Step Functions answers a
 * repeated start of a running execution with the same input as the same execution, and a
 * closed one with ExecutionAlreadyExists: either way the workflow exists.
 */
export async function ensureWorkflow(workflow: string, name: string, input: unknown): Promise<void> {
  try {
    await startWorkflow(workflow, name, input);
  } catch (error) {
    if (!(error instanceof Error && error.name === 'ExecutionAlreadyExists')) throw error;
  }
}

/**
 * The input with the running request's correlation id (#core/correlation), for the tasks to carry
 * on (functions/workflows/correlated.ts). Every start names a new execution or goes through
 * ensureWorkflow, so a retried request's different id never turns a start into a conflict.
 */
function withCorrelationId(input: unknown): unknown {
  const id = correlationId();
  if (!id || typeof input !== 'object' || input === null || Array.isArray(input) || 'correlationId' in input)
    return input;
  return { ...input, correlationId: id };
}

/** A token whose task is gone (timed out, or its branch ended): the step is no longer waiting. */
const STALE_TOKEN = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

async function answer(send: () => Promise<unknown>): Promise<void> {
  try {
    await send();
  } catch (error) {
    if (error instanceof Error && STALE_TOKEN.has(error.name)) {
      throw new InvalidStateError('invalid_user_state', 'The application is no longer waiting for this step', {
        cause: error,
      });
    }
    throw error;
  }
}

/** Completes a waiting task (an outside party answered): the workflow goes on with `output`. */
export async function completeTask(token: string, output: unknown): Promise<void> {
  await answer(() => sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify(output ?? {}) })));
}

/** Fails a waiting task with an error name the ASL's Catch matches. */
export async function failTask(token: string, error: string, cause: string): Promise<void> {
  await answer(() => sfn.send(new SendTaskFailureCommand({ taskToken: token, error, cause })));
}
