/** Starting Step Functions executions. Locally the SDK reaches the embedded runtime via AWS_ENDPOINT_URL_SFN. */
import { randomUUID } from 'node:crypto';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type GetExecutionHistoryCommandOutput,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
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
  if (typeof input !== 'object' || input === null || Array.isArray(input) || 'correlationId' in input) return input;
  // Always one: a machine may read $$.Execution.Input.correlationId (the application's does), and
  // a start outside any request (a scheduled run, a script) still gets an id to grep.
  return { ...input, correlationId: correlationId() ?? randomUUID() };
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

/** One event of an execution's history, summarised for ops (inputs and outputs left out: they carry PII). */
export interface HistoryEntry {
  id: number;
  at: string;
  type: string;
  /** The state the event is about, for state and task events. */
  state: string | null;
  /** A failure's error name, for failure events. */
  error: string | null;
}

export interface ExecutionView {
  executionArn: string;
  status: string;
  startedAt: string | null;
  stoppedAt: string | null;
  /** The states entered and not yet left (several inside a Parallel), oldest first. */
  currentStates: string[];
  error: string | null;
  cause: string | null;
  /** Newest first, at most HISTORY_LIMIT. */
  history: HistoryEntry[];
}

/** How many of an execution's newest history events ops see. */
export const HISTORY_LIMIT = 200;

/** The ARN of the execution named `name` of a workflow (Step Functions' own naming rule). */
export function executionArnOf(workflow: string, name: string): string {
  return `${stateMachineArn(workflow).replace(':stateMachine:', ':execution:')}:${name}`;
}

/**
 * Where an execution stands: DescribeExecution and its newest history events
 * (GetExecutionHistory, newest first), or null when no execution has that name.
 */
export async function describeWorkflowExecution(workflow: string, name: string): Promise<ExecutionView | null> {
  const executionArn = executionArnOf(workflow, name);
  try {
    const [described, history] = await Promise.all([
      sfn.send(new DescribeExecutionCommand({ executionArn })),
      sfn.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: HISTORY_LIMIT })),
    ]);
    // Newest first whichever order the service answered in, then the open states read oldest first.
    const events = [...(history.events ?? [])].sort((a, b) => Number(b.id ?? 0) - Number(a.id ?? 0));
    const newest = events.slice(0, HISTORY_LIMIT);
    return {
      executionArn,
      status: String(described.status ?? 'UNKNOWN'),
      startedAt: described.startDate ? new Date(described.startDate).toISOString() : null,
      stoppedAt: described.stopDate ? new Date(described.stopDate).toISOString() : null,
      currentStates: described.status === 'RUNNING' ? openStates([...newest].reverse()) : [],
      error: described.error ?? null,
      cause: described.cause ? readableCause(described.cause) : null,
      history: newest.map(summarise),
    };
  } catch (error) {
    if (error instanceof Error && error.name === 'ExecutionDoesNotExist') return null;
    throw error;
  }
}

type SfnEvent = NonNullable<GetExecutionHistoryCommandOutput['events']>[number];

function summarise(e: SfnEvent): HistoryEntry {
  const details = Object.entries(e).find(([k, v]) => k.endsWith('EventDetails') && v && typeof v === 'object')?.[1] as
    | { name?: string; error?: string; resource?: string }
    | undefined;
  return {
    id: Number(e.id ?? 0),
    at: e.timestamp ? new Date(e.timestamp).toISOString() : '',
    type: String(e.type ?? ''),
    state: e.stateEnteredEventDetails?.name ?? e.stateExitedEventDetails?.name ?? details?.name ?? null,
    error: details?.error ?? null,
  };
}

/** States entered and not exited, from events oldest first. */
function openStates(events: SfnEvent[]): string[] {
  const open: string[] = [];
  for (const e of events) {
    const entered = e.stateEnteredEventDetails?.name;
    const exited = e.stateExitedEventDetails?.name;
    if (entered) open.push(entered);
    if (exited) {
      const i = open.lastIndexOf(exited);
      if (i >= 0) open.splice(i, 1);
    }
  }
  return open;
}

/**
 * A failure's cause as ops may read it through the API: a Lambda error's message without its
 * stack trace, resource ARNs masked, at most 500 characters.
 */
export function readableCause(cause: string): string {
  let text = cause;
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    if (typeof parsed?.errorMessage === 'string') text = parsed.errorMessage;
  } catch {
    // not JSON: the cause as sent
  }
  return text.replace(/arn:aws[\w:/+=,.@-]*/g, '[resource]').slice(0, 500);
}
