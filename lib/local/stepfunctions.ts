/**
 * Local Step Functions: the real ASL files run by aws-local-stepfunctions, behind an endpoint
 * that speaks the Step Functions JSON protocol for the calls lendstack makes. Task states
 * call the same function modules the Lambdas run (found through the definition
 * substitutions of lib/model.ts); the context object ($$) is supplied here. With a data
 * directory every execution is journaled there (execution-journal.ts) and resumed after a
 * restart, as AWS's carry on whatever happens to the machine that started them.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { StateMachine } from 'aws-local-stepfunctions';
import {
  type Answer,
  type AslDefinition,
  type AslState,
  applyLine,
  type ExecutionStore,
  executionStore,
  type JournalLine,
  type JSONValue,
  type Layout,
  type LoggedEvent,
  layoutOf,
  newProgress,
  type Progress,
  RESUME_STATE,
  resumePlan,
} from './execution-journal.ts';

type TaskHandlers = Record<string, (input: JSONValue) => Promise<JSONValue>>;
/** What an execution is doing: task calls in flight, and tasks waiting for a token. */
interface Activity {
  busy: number;
  waiting: number;
  /** Its task tokens: they die with the execution (a branch it abandoned may leave one). */
  tokens: Set<string>;
}

import { randomUUID } from 'node:crypto';
import { type FunctionSpec, type WorkflowName, type WorkflowSpec, workflows } from '../model.ts';
import { invoke } from './functions.ts';
import { AwsJsonError, jsonProtocolServer } from './json-protocol.ts';

const ACCOUNT = '000000000000';
const root = resolve(import.meta.dirname, '..', '..');

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

interface Execution {
  executionArn: string;
  stateMachineArn: string;
  /** The workflow's name in lib/model.ts. */
  workflow: string;
  name: string;
  input: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  output?: string;
  error?: string;
  cause?: string;
  history: { timestamp: Date; type: string; details: Record<string, unknown> }[];
  activity: Activity;
  /** Where each of its threads stands (kept from the journal's lines). */
  progress: Progress;
  /** Waiting tasks a restart resumed, by state: they wait on the token they had. */
  resumedWaits: Map<string, { token: string; waiting: Promise<JSONValue>; answered: boolean }>;
  /** The end is journaled once. */
  ended: boolean;
  abort: () => void;
  done: Promise<void>;
}

/** Every Task state, nested ones included (Map iterators, Parallel branches), with its Resource. */
export function taskStates(states: Record<string, AslState>): [name: string, resource: string, parameters: unknown][] {
  const out: [string, string, unknown][] = [];
  for (const [name, state] of Object.entries(states)) {
    if (state.Type === 'Task' && state.Resource) out.push([name, state.Resource, state.Parameters]);
    const iterator = (state.Iterator ?? state.ItemProcessor) as { States?: Record<string, AslState> } | undefined;
    if (iterator?.States) out.push(...taskStates(iterator.States));
    for (const branch of (state.Branches as { States: Record<string, AslState> }[] | undefined) ?? []) {
      out.push(...taskStates(branch.States));
    }
  }
  return out;
}

/** Service integrations the local runtime supplies itself (the library has none). */
const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
const LAMBDA_INVOKE_WAIT = 'arn:aws:states:::lambda:invoke.waitForTaskToken';
const SUPPLIED_INTEGRATIONS = new Set([LAMBDA_INVOKE, LAMBDA_INVOKE_WAIT]);
/** `$$.Task.Token` resolves to this; each waiting task swaps in a token of its own. */
const TOKEN_PLACEHOLDER = '__lendstack_task_token__';

function replaceDeep(value: unknown, from: string, to: string): unknown {
  if (value === from) return to;
  if (Array.isArray(value)) return value.map((v) => replaceDeep(v, from, to));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceDeep(v, from, to)]));
  }
  return value;
}

/** The ASL features the local runtime cannot run; the tests fail on any of them in statemachines/. */
export function unsupportedFeatures(definition: unknown): string[] {
  const found = new Set<string>();
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node)) {
      if (k === 'QueryLanguage' && v === 'JSONata') found.add('JSONata');
      if (k === 'Assign') found.add('Assign');
      // aws-local-stepfunctions 3.0.0 evaluates `IsNull: false` and `IsPresent: false` as always
      // false (it returns `flag && test`), so a Choice on them never matches locally.
      if ((k === 'IsNull' || k === 'IsPresent') && v === false) found.add(`${k}: false`);
      // Node timers hold at most 2^31-1 ms: a longer timeout would fire at once locally.
      if (k === 'TimeoutSeconds' && typeof v === 'number' && v * 1000 > 2 ** 31 - 1) {
        found.add(`TimeoutSeconds ${v} (above 24.8 days)`);
      }
      if (
        k === 'Resource' &&
        typeof v === 'string' &&
        v.startsWith('arn:aws:states:::') &&
        !SUPPLIED_INTEGRATIONS.has(v)
      ) {
        found.add(`service integration ${v}`);
      }
      walk(v);
    }
  };
  walk(definition);
  return [...found];
}

export function functionArn(region: string, substitution: string): string {
  return `arn:aws:lambda:${region}:${ACCOUNT}:function:lendstack-local-${substitution}`;
}

export function stateMachineArnFor(region: string, workflow: string): string {
  return `arn:aws:states:${region}:${ACCOUNT}:stateMachine:lendstack-${workflow}`;
}

export interface LocalStepFunctions {
  arns: Record<WorkflowName, string>;
  start(stateMachineArn: string, name: string, input: string): Execution;
  /**
   * Carries on the executions the data directory had RUNNING (call it once the functions'
   * services are up): each thread from the state it was in, waiting tasks with their tokens.
   */
  resume(): void;
  describe(executionArn: string): Execution | undefined;
  /** Resolves when every execution has ended or waits for a task token with nothing else to do (tests). */
  idle(): Promise<void>;
  /** Task tokens waiting for SendTaskSuccess/Failure, by state name. */
  tokens(): { token: string; state: string }[];
  operations: ReturnType<typeof jsonProtocolServer>;
  stop(): void;
}

export function createLocalStepFunctions(options: {
  region: string;
  log: (line: string) => void;
  /** The workflows to run; lib/model.ts's by default (tests pass fixtures). */
  workflows?: Record<string, WorkflowSpec>;
  /** Keep executions here (one JSON-lines file each) and resume them after a restart; in memory when absent. */
  dataDir?: string;
}): LocalStepFunctions {
  const { region, log } = options;
  const tokens = taskTokens();
  const store: ExecutionStore | undefined = options.dataDir ? executionStore(options.dataDir) : undefined;
  /** Set by stop(): what runs on while the runtime shuts down is not journaled (it resumes next start). */
  let closing = false;
  const machines = new Map<
    string,
    {
      name: WorkflowName;
      definition: AslDefinition;
      layout: Layout;
      machine: StateMachine;
      handlers: (execution: Execution) => TaskHandlers;
    }
  >();

  /** Applies a line to the execution's progress and, with a data directory, appends it to its journal. */
  function record(execution: Execution, line: JournalLine) {
    const sm = machines.get(execution.stateMachineArn);
    if (sm) applyLine(execution.progress, sm.layout, line);
    if (store && !closing) store.append(execution.workflow, execution.name, line);
  }
  const arns = {} as Record<WorkflowName, string>;

  for (const [name, spec] of Object.entries(options.workflows ?? workflows) as [WorkflowName, WorkflowSpec][]) {
    const file = resolve(root, spec.definition);
    let text = readFileSync(file, 'utf8');
    const byArn = new Map<string, FunctionSpec>();
    for (const [substitution, fn] of Object.entries(spec.tasks) as [string, FunctionSpec][]) {
      const arn = functionArn(region, substitution);
      byArn.set(arn, fn);
      text = text.replaceAll(`\${${substitution}}`, arn);
    }
    const leftover = /\$\{([A-Za-z0-9]+)\}/.exec(text);
    if (leftover) throw new Error(`${spec.definition}: no substitution for \${${leftover[1]}} in lib/model.ts`);
    let definition: AslDefinition;
    try {
      definition = JSON.parse(text);
    } catch (error) {
      throw new Error(
        `${spec.definition} is not valid JSON (${(error as Error).message}): fix the file and start again.`,
      );
    }
    const unsupported = unsupportedFeatures(definition);
    if (unsupported.length)
      throw new Error(`${spec.definition} uses what the local runtime cannot run: ${unsupported.join(', ')}`);
    const calls: Record<string, (input: JSONValue, execution: Execution) => Promise<JSONValue>> = {};
    /** Counts the call as work in flight, so idle() can tell a working execution from a waiting one. */
    const working = async <T>(activity: Activity, work: () => Promise<T>): Promise<T> => {
      activity.busy++;
      try {
        return await work();
      } finally {
        activity.busy--;
      }
    };
    for (const [stateName, resource, parameters] of taskStates(definition.States)) {
      if (SUPPLIED_INTEGRATIONS.has(resource)) {
        const functionArn = String((parameters as { FunctionName?: string } | undefined)?.FunctionName ?? '');
        const fn = byArn.get(functionArn);
        if (!fn)
          throw new Error(
            `${spec.definition}: state ${stateName} invokes ${functionArn}, which is not in lib/model.ts`,
          );
        calls[stateName] = async (input, execution) => {
          const { activity } = execution;
          const payload = (input as { Payload?: JSONValue }).Payload ?? null;
          if (resource === LAMBDA_INVOKE) {
            // The shape the lambda:invoke integration returns.
            return working(activity, async () => ({
              Payload: (await invoke(fn, payload)) as JSONValue,
              StatusCode: 200,
            }));
          }
          const resumed = execution.resumedWaits.get(stateName);
          execution.resumedWaits.delete(stateName);
          const token = resumed?.token ?? `tok_${randomUUID()}`;
          const waiting = resumed?.waiting ?? tokens.wait(token, stateName, answerRecorder(execution, token));
          // The invoked function may answer its own token before it returns (a sandbox provider
          // does): the failure is awaited below, not unhandled meanwhile.
          waiting.catch(() => undefined);
          activity.tokens.add(token);
          if (!resumed) {
            // The event log runs a few microtasks behind the states: let it journal this
            // state's entry first, so the token is filed under this visit.
            await new Promise((r) => setImmediate(r));
            record(execution, { t: 'token', state: stateName, token });
          }
          // A resumed wait hands its function the same token again (at-least-once, as a task
          // is): a WAIT# item a trigger took before the crash is back, a signer asked again.
          // Not when the answer came before the crash: the step is done.
          if (!resumed?.answered) {
            await working(activity, () => invoke(fn, replaceDeep(payload, TOKEN_PLACEHOLDER, token)));
          }
          activity.waiting++;
          try {
            return await waiting;
          } finally {
            activity.waiting--;
          }
        };
        continue;
      }
      const fn = byArn.get(resource);
      if (!fn)
        throw new Error(`${spec.definition}: state ${stateName} calls ${resource}, which is not in lib/model.ts`);
      calls[stateName] = (input, execution) =>
        working(execution.activity, () => invoke(fn, input) as Promise<JSONValue>);
    }
    const handlers = (execution: Execution): TaskHandlers =>
      Object.fromEntries(Object.entries(calls).map(([state, call]) => [state, (input) => call(input, execution)]));
    const arn = stateMachineArnFor(region, name);
    arns[name] = arn;
    let machine: StateMachine;
    try {
      machine = new StateMachine(definition as never, { validationOptions: { checkArn: true } });
    } catch (error) {
      const reason = (error as Error).message.split('\n')[0];
      throw new Error(`${spec.definition} is not valid ASL (${reason}): fix the file and start again.`);
    }
    let layout: Layout;
    try {
      layout = layoutOf(definition);
    } catch (error) {
      throw new Error(`${spec.definition}: ${(error as Error).message}: fix the file and start again.`);
    }
    machines.set(arn, { name, definition, layout, machine, handlers });
  }

  const executions = new Map<string, Execution>();

  /** Journals SendTaskSuccess/Failure for a token before the waiting task hears it. */
  const answerRecorder = (execution: Execution, token: string) => (answer: Answer) =>
    record(execution, { t: 'answer', token, ...answer });

  /** Journals the end once (StopExecution ends an execution before its run notices). */
  function finish(execution: Execution) {
    if (execution.ended) return;
    execution.ended = true;
    execution.stopDate ??= new Date();
    const { status, output, error, cause } = execution;
    record(execution, { t: 'end', status, stopDate: execution.stopDate.getTime(), output, error, cause });
  }

  /**
   * Runs an execution: from its start, or (resumed) on a definition that carries on from where
   * it stood. Its events go to its history and journal, its end to its status.
   */
  function launch(execution: Execution, machine: StateMachine, input: JSONValue) {
    const sm = machines.get(execution.stateMachineArn);
    if (!sm) throw new Error(`no state machine ${execution.stateMachineArn}`);
    const { activity, name, startDate, executionArn, stateMachineArn } = execution;
    const parsed = JSON.parse(execution.input || '{}');
    const run = machine.run(input, {
      overrides: { taskResourceLocalHandlers: sm.handlers(execution) },
      context: {
        Execution: {
          Id: executionArn,
          Name: name,
          Input: parsed,
          StartTime: startDate.toISOString(),
          RoleArn: 'local',
        },
        StateMachine: { Id: stateMachineArn, Name: `lendstack-${sm.name}` },
        Task: { Token: TOKEN_PLACEHOLDER },
      },
      noThrowOnAbort: true,
    });
    execution.abort = run.abort;
    const collect = (async () => {
      for await (const logged of run.eventLogs) {
        const event = logged as unknown as LoggedEvent;
        // A resumed run starts no new execution, and the Pass that feeds a branch its input is ours.
        if (event.type === 'ExecutionStarted' && execution.history.some((h) => h.type === event.type)) continue;
        if (event.state?.name === RESUME_STATE) continue;
        const { type, timestamp, ...details } = event;
        execution.history.push({ type, timestamp: new Date(timestamp), details });
        record(execution, { t: 'event', event });
      }
    })().catch(() => undefined);
    execution.done = run.result
      .then((output) => {
        if (execution.status === 'RUNNING') {
          execution.status = 'SUCCEEDED';
          execution.output = JSON.stringify(output ?? null);
        }
      })
      .catch((error: Error) => {
        execution.status = error.name === 'StatesTimeoutError' ? 'TIMED_OUT' : 'FAILED';
        execution.error = error.name;
        execution.cause = error.message;
      })
      .then(() => collect)
      .finally(() => {
        tokens.forget(activity.tokens);
        if (closing) return;
        finish(execution);
        const ms = (execution.stopDate?.getTime() ?? Date.now()) - startDate.getTime();
        log(
          `workflow ${sm.name} ${name} ${execution.status} in ${ms} ms${execution.error ? ` (${execution.error}: ${execution.cause})` : ''}`,
        );
      });
  }

  const newExecution = (
    sm: { name: string },
    fields: Pick<Execution, 'executionArn' | 'stateMachineArn' | 'name' | 'input' | 'startDate'>,
  ): Execution => ({
    ...fields,
    workflow: sm.name,
    status: 'RUNNING',
    history: [],
    activity: { busy: 0, waiting: 0, tokens: new Set() },
    progress: newProgress(),
    resumedWaits: new Map(),
    ended: false,
    abort: () => undefined,
    done: Promise.resolve(),
  });

  // What the data directory kept: every execution, the ended ones for their history (and so a
  // StartExecution with a used name is what it is in AWS), the running ones to resume.
  for (const lines of store?.load() ?? []) {
    const first = lines[0];
    if (first?.t !== 'start') continue;
    const sm = machines.get(first.stateMachineArn);
    if (!sm) {
      log(`workflow execution ${first.executionArn} is of a state machine that no longer exists: left as it was`);
      continue;
    }
    const execution = newExecution(sm, { ...first, startDate: new Date(first.startDate) });
    for (const line of lines.slice(1)) {
      applyLine(execution.progress, sm.layout, line);
      if (line.t === 'event') {
        const { type, timestamp, ...details } = line.event;
        execution.history.push({ type, timestamp: new Date(timestamp), details });
      }
      if (line.t === 'end') {
        Object.assign(execution, {
          status: line.status as ExecutionStatus,
          stopDate: new Date(line.stopDate),
          output: line.output,
          error: line.error,
          cause: line.cause,
          ended: true,
        });
      }
    }
    executions.set(execution.executionArn, execution);
  }

  function resumeExecution(execution: Execution) {
    const sm = machines.get(execution.stateMachineArn);
    if (!sm) return;
    const plan = resumePlan(sm.definition, execution.progress, execution.startDate.getTime());
    if (plan.kind === 'ended') {
      // It had reached its end when the runtime stopped; only the end was not written.
      execution.status = 'SUCCEEDED';
      execution.output = JSON.stringify(plan.output);
      finish(execution);
      return;
    }
    if (plan.kind === 'restart') {
      log(`workflow ${sm.name} ${execution.name} resumed from its start`);
      launch(execution, sm.machine, JSON.parse(execution.input || '{}'));
      return;
    }
    record(execution, { t: 'resume', reentries: plan.reentries });
    for (const wait of plan.waits) {
      const entry = { token: wait.token, answered: Boolean(wait.answer), waiting: Promise.resolve(null as JSONValue) };
      if (wait.answer && 'error' in wait.answer) entry.waiting = Promise.reject(taskFailure(wait.answer));
      else if (wait.answer) entry.waiting = Promise.resolve(wait.answer.output);
      else {
        // Registered now: whoever holds the token may answer before the run reaches the task again.
        const recordAnswer = answerRecorder(execution, wait.token);
        entry.waiting = tokens.wait(wait.token, wait.state, (answer) => {
          entry.answered = true;
          recordAnswer(answer);
        });
      }
      entry.waiting.catch(() => undefined);
      execution.activity.tokens.add(wait.token);
      execution.resumedWaits.set(wait.state, entry);
    }
    const machine = new StateMachine(plan.definition as never, { validationOptions: { noValidate: true } });
    log(`workflow ${sm.name} ${execution.name} resumed at ${plan.at}`);
    launch(execution, machine, plan.input);
  }

  function start(stateMachineArn: string, name: string, input: string): Execution {
    const sm = machines.get(stateMachineArn);
    if (!sm) throw new AwsJsonError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${stateMachineArn}'`);
    const executionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    const existing = executions.get(executionArn);
    if (existing) {
      // As in AWS: the same name and input is the same execution; another input is an error.
      if (existing.input === input) return existing;
      throw new AwsJsonError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    const parsed = JSON.parse(input || '{}');
    const execution = newExecution(sm, { executionArn, stateMachineArn, name, input, startDate: new Date() });
    executions.set(executionArn, execution);
    // Journaled before StartExecution answers: a started execution is never lost.
    record(execution, { t: 'start', executionArn, stateMachineArn, name, input, startDate: Date.now() });
    launch(execution, sm.machine, parsed);
    log(`workflow ${sm.name} ${name} started`);
    return execution;
  }

  const seconds = (d?: Date) => (d ? d.getTime() / 1000 : undefined);
  const summary = (e: Execution) => ({
    executionArn: e.executionArn,
    stateMachineArn: e.stateMachineArn,
    name: e.name,
    status: e.status,
    startDate: seconds(e.startDate),
    stopDate: seconds(e.stopDate),
  });
  const find = (arn: unknown) => {
    const e = executions.get(String(arn));
    if (!e) throw new AwsJsonError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return e;
  };

  const operations = jsonProtocolServer('AWSStepFunctions', 'application/x-amz-json-1.0', {
    StartExecution: (input) => {
      const e = start(
        String(input.stateMachineArn),
        String(input.name ?? crypto.randomUUID()),
        String(input.input ?? '{}'),
      );
      return { executionArn: e.executionArn, startDate: seconds(e.startDate) };
    },
    DescribeExecution: (input) => {
      const e = find(input.executionArn);
      return { ...summary(e), input: e.input, output: e.output, error: e.error, cause: e.cause };
    },
    ListExecutions: (input) => ({
      executions: [...executions.values()]
        .filter(
          (e) =>
            e.stateMachineArn === input.stateMachineArn && (!input.statusFilter || e.status === input.statusFilter),
        )
        .reverse()
        .slice(0, Number(input.maxResults ?? 100))
        .map(summary),
    }),
    GetExecutionHistory: (input) => ({
      events: find(input.executionArn).history.map((h, i) => ({
        id: i + 1,
        timestamp: h.timestamp.getTime() / 1000,
        ...awsHistoryEvent(h.type, h.details),
      })),
    }),
    StopExecution: (input) => {
      const e = find(input.executionArn);
      if (e.status === 'RUNNING') {
        e.abort();
        e.status = 'ABORTED';
        e.error = input.error ? String(input.error) : undefined;
        e.cause = input.cause ? String(input.cause) : undefined;
        finish(e);
      }
      return { stopDate: Date.now() / 1000 };
    },
    SendTaskSuccess: (input) => {
      tokens.succeed(String(input.taskToken), JSON.parse(String(input.output ?? 'null')));
      return {};
    },
    SendTaskFailure: (input) => {
      tokens.fail(String(input.taskToken), String(input.error ?? 'TaskFailed'), String(input.cause ?? ''));
      return {};
    },
    SendTaskHeartbeat: (input) => {
      tokens.heartbeat(String(input.taskToken));
      return {};
    },
  });

  return {
    arns,
    start,
    resume() {
      for (const e of executions.values()) {
        if (e.status !== 'RUNNING') continue;
        try {
          resumeExecution(e);
        } catch (error) {
          // The ASL changed under it (a state it stood in is gone): it fails, and says why.
          Object.assign(e, { status: 'FAILED', error: 'States.Runtime', cause: (error as Error).message });
          finish(e);
          log(`workflow ${e.workflow} ${e.name} could not resume: ${e.cause}`);
        }
      }
    },
    describe: (arn) => executions.get(arn),
    async idle() {
      const tick = () => new Promise((r) => setTimeout(r, 20));
      // An execution is at rest when it has ended, or when it only waits for task tokens.
      const working = () =>
        [...executions.values()].filter(
          (e) => e.status === 'RUNNING' && (e.activity.busy > 0 || e.activity.waiting === 0),
        );
      for (let quiet = 0; quiet < 2; ) {
        const active = working();
        if (active.length) {
          quiet = 0;
          await Promise.race([tick(), ...active.map((e) => e.done)]);
        } else {
          // Between two states an execution does nothing for a moment: look twice.
          quiet++;
          await tick();
        }
      }
    },
    operations,
    tokens: () => tokens.outstanding(),
    stop() {
      // With a data directory the running executions stay RUNNING in their journals: the next
      // start resumes them, as AWS carries on while a laptop is off.
      closing = true;
      for (const e of executions.values()) {
        if (e.status !== 'RUNNING') continue;
        e.status = 'ABORTED';
        e.abort();
      }
      operations.close();
    },
  };
}

/**
 * A history event in the shape the SDK reads (it drops fields AWS does not send): state
 * entries and exits become `<Type>StateEntered` with `stateEnteredEventDetails`, and so on.
 */
function awsHistoryEvent(type: string, details: Record<string, unknown>): Record<string, unknown> {
  const state = details.state as { name?: string; type?: string; input?: unknown; output?: unknown } | undefined;
  const json = (v: unknown) => JSON.stringify(v ?? null);
  if (state?.name && (type === 'StateEntered' || type === 'StateExited')) {
    return type === 'StateEntered'
      ? { type: `${state.type}StateEntered`, stateEnteredEventDetails: { name: state.name, input: json(state.input) } }
      : { type: `${state.type}StateExited`, stateExitedEventDetails: { name: state.name, output: json(state.output) } };
  }
  if (type === 'ExecutionStarted') return { type, executionStartedEventDetails: { input: json(details.input) } };
  return { type, ...details };
}

/** The error a SendTaskFailure raises in the waiting task (its name is what the ASL's Catch matches). */
function taskFailure({ error, cause }: { error: string; cause: string }): Error {
  const failure = new Error(cause || error);
  failure.name = error;
  return failure;
}

/**
 * Task tokens for `.waitForTaskToken` states: the waiting task holds a promise that
 * SendTaskSuccess resolves and SendTaskFailure rejects (with the error name the ASL's Catch
 * matches), as Step Functions does.
 */
function taskTokens() {
  const pending = new Map<
    string,
    {
      state: string;
      resolve: (v: JSONValue) => void;
      reject: (e: Error) => void;
      /** Journals the answer before the task hears it. */
      onAnswer: (answer: Answer) => void;
    }
  >();
  const take = (token: string) => {
    const entry = pending.get(token);
    if (!entry) throw new AwsJsonError('TaskDoesNotExist', `Task Does Not Exist: '${token}'`);
    pending.delete(token);
    return entry;
  };
  return {
    wait(token: string, state: string, onAnswer: (answer: Answer) => void): Promise<JSONValue> {
      return new Promise((resolve, reject) => pending.set(token, { state, resolve, reject, onAnswer }));
    },
    succeed(token: string, output: JSONValue) {
      const entry = take(token);
      entry.onAnswer({ output });
      entry.resolve(output);
    },
    fail(token: string, error: string, cause: string) {
      const entry = take(token);
      entry.onAnswer({ error, cause });
      entry.reject(taskFailure({ error, cause }));
    },
    heartbeat(token: string) {
      if (!pending.has(token)) throw new AwsJsonError('TaskDoesNotExist', `Task Does Not Exist: '${token}'`);
    },
    /** Tokens of an execution that ended: SendTask* on them is TaskDoesNotExist. */
    forget(owned: Iterable<string>) {
      for (const token of owned) pending.delete(token);
    },
    outstanding: () => [...pending.entries()].map(([token, e]) => ({ token, state: e.state })),
  };
}
