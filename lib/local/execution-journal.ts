/**
 * Executions kept in the data directory, so the local Step Functions survive a crash as AWS's
 * do. One JSON-lines file per execution: the execution as StartExecution took it, then every
 * history event, every task token a waiting task was given, every answer SendTask* gave, and
 * the end. A line is one append (one write), so a kill leaves at worst a torn last line, which
 * loading skips. Replaying the lines gives back the history and where each thread of the
 * execution (the top level, each Parallel branch) stands: the state it last entered with its
 * input, and once it left, its output and the state after it. From that the execution is
 * resumed: the state it was in runs again (at-least-once, as Step Functions' tasks), a
 * waiting task with the same token, a thread that had finished with its output.
 */
import { appendFileSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export type JSONValue = null | boolean | number | string | JSONValue[] | { [key: string]: JSONValue };
export type AslState = { Type: string; Resource?: string; States?: Record<string, AslState>; [k: string]: unknown };
export interface AslDefinition {
  StartAt: string;
  States: Record<string, AslState>;
  TimeoutSeconds?: number;
  [k: string]: unknown;
}

/** What SendTaskSuccess or SendTaskFailure said. */
export type Answer = { output: JSONValue } | { error: string; cause: string };

/** A history event as aws-local-stepfunctions logs it. */
export interface LoggedEvent {
  type: string;
  timestamp: number;
  state?: { name: string; type: string; input?: JSONValue; output?: JSONValue };
  catch?: { catcher?: { Next?: string } };
  [k: string]: unknown;
}

export type JournalLine =
  | {
      t: 'start';
      executionArn: string;
      stateMachineArn: string;
      name: string;
      input: string;
      startDate: number;
    }
  | { t: 'event'; event: LoggedEvent }
  | { t: 'token'; state: string; token: string }
  | ({ t: 'answer'; token: string } & Answer)
  /** A restart resumed the execution: these states run again (their next entry is not a new visit). */
  | { t: 'resume'; reentries: string[] }
  | { t: 'end'; status: string; stopDate: number; output?: string; error?: string; cause?: string };

/** Where a thread stands: the state it last entered, and what it did there. */
export interface Position {
  state: string;
  input: JSONValue;
  enteredAt: number;
  /** A waiting task's token, and the answer to it once there is one. */
  token?: string;
  answer?: Answer;
  /** The Catch's Next, when the state failed into a catcher. */
  caughtTo?: string;
  /** Set when the state was left: its output, and the next state (null: the thread ended; undefined: a Choice decides again). */
  left?: { output: JSONValue; next: string | null | undefined };
}

export interface Progress {
  /** Positions by thread: '' is the top level, `<Parallel>/<i>` a branch. */
  threads: Map<string, Position>;
  /** States a resume runs again, not yet re-entered: entering them keeps their position (its entry time, token, answer). */
  reentries: Set<string>;
}

export const newProgress = (): Progress => ({ threads: new Map(), reentries: new Set() });

/**
 * The name of the Pass state that feeds a resumed branch its saved input. Branches of a
 * Parallel all receive the Parallel's input, so a branch resumed mid-way starts with a Pass
 * that replaces it by the input of the state it stood in.
 */
export const RESUME_STATE = '__lendstack_resume__';

/** Which thread each state runs in. States inside a Map's iterator have none: the Map runs again whole. */
export interface Layout {
  threadOf: Map<string, string>;
  states: Map<string, AslState>;
  /** The threads inside each Parallel, nested ones included. */
  inside: Map<string, string[]>;
}

export function layoutOf(definition: AslDefinition): Layout {
  const layout: Layout = { threadOf: new Map(), states: new Map(), inside: new Map() };
  const walk = (states: Record<string, AslState>, thread: string, parents: string[]) => {
    for (const [name, state] of Object.entries(states)) {
      // As in AWS, state names are unique in the whole machine: a name says where it runs.
      if (layout.states.has(name)) throw new Error(`state name ${name} is used twice (AWS refuses that too)`);
      layout.states.set(name, state);
      layout.threadOf.set(name, thread);
      const branches = (state.Branches as { States: Record<string, AslState> }[] | undefined) ?? [];
      branches.forEach((branch, i) => {
        const child = `${name}/${i}`;
        for (const p of [...parents, name]) layout.inside.set(p, [...(layout.inside.get(p) ?? []), child]);
        walk(branch.States, child, [...parents, name]);
      });
    }
  };
  walk(definition.States, '', []);
  return layout;
}

/** Applies one journal line to the progress (live, as lines are written, and when loading). */
export function applyLine(progress: Progress, layout: Layout, line: JournalLine): void {
  const { threads } = progress;
  if (line.t === 'resume') {
    progress.reentries = new Set(line.reentries);
    return;
  }
  if (line.t === 'token') {
    const position = threads.get(layout.threadOf.get(line.state) ?? '-');
    if (position?.state === line.state && !position.left) {
      position.token = line.token;
      delete position.answer;
    }
    return;
  }
  if (line.t === 'answer') {
    for (const position of threads.values()) {
      if (position.token === line.token) position.answer = 'error' in line ? line : { output: line.output };
    }
    return;
  }
  if (line.t !== 'event' || !line.event.state) return;
  const { type, state, timestamp } = line.event;
  const thread = layout.threadOf.get(state.name);
  if (thread === undefined) return;
  const definition = layout.states.get(state.name);
  const position = threads.get(thread);
  const clearInside = () => {
    for (const inner of layout.inside.get(state.name) ?? []) threads.delete(inner);
  };
  switch (type) {
    case 'StateEntered':
      if (progress.reentries.delete(state.name)) break;
      threads.set(thread, { state: state.name, input: state.input ?? null, enteredAt: timestamp });
      clearInside();
      break;
    case 'StateFailed':
      // A Parallel that failed starts its branches afresh when retried.
      clearInside();
      break;
    case 'StateCaught':
      if (position?.state === state.name) position.caughtTo = line.event.catch?.catcher?.Next;
      break;
    case 'StateExited': {
      if (position?.state !== state.name) break;
      const ends = definition?.Type === 'Succeed' || definition?.Type === 'Fail' || definition?.End === true;
      const next =
        position.caughtTo ?? (definition?.Type === 'Choice' ? undefined : ends ? null : String(definition?.Next));
      position.left = { output: state.output ?? null, next };
      clearInside();
      break;
    }
  }
}

/** Where a thread goes on: a state to (re)run with an input, or the output it ended with. */
type ResumePoint =
  | { at: string; input: JSONValue; rerun?: Position }
  | { done: JSONValue }
  | undefined /* never started: from its beginning */;

function resumePoint(position: Position | undefined): ResumePoint {
  if (!position) return undefined;
  const { left } = position;
  // A state not left runs again; so does a Choice (it has no effects, and its choice is not logged).
  if (!left || left.next === undefined) return { at: position.state, input: position.input, rerun: position };
  if (left.next === null) return { done: left.output };
  return { at: left.next, input: left.output };
}

/** A waiting task that resumes with the token it had (and the answer, if it came before the crash). */
export interface ResumedWait {
  state: string;
  token: string;
  answer?: Answer;
}

export type ResumePlan =
  | { kind: 'restart' }
  | { kind: 'ended'; output: JSONValue }
  | {
      kind: 'resume';
      definition: AslDefinition;
      input: JSONValue;
      at: string;
      /** The states that run again, for the journal's resume line. */
      reentries: string[];
      waits: ResumedWait[];
    };

/**
 * The definition that carries on from the progress: the top level starts at its state, each
 * Parallel it stands in gets branches that start where they stood (or end with the output they
 * had), and a state that runs again keeps what was left of its TimeoutSeconds.
 */
export function resumePlan(
  definition: AslDefinition,
  progress: Progress,
  startDate: number,
  now = Date.now(),
): ResumePlan {
  const top = resumePoint(progress.threads.get(''));
  if (!top) return { kind: 'restart' };
  if ('done' in top) return { kind: 'ended', output: top.done };
  const waits: ResumedWait[] = [];
  const reentries: string[] = [];
  const copy = structuredClone(definition);

  const carryOn = (states: Record<string, AslState>, point: { at: string; rerun?: Position }) => {
    const state = states[point.at];
    if (!state) throw new Error(`state ${point.at} is no longer in the definition`);
    const rerun = point.rerun;
    if (!rerun) return;
    reentries.push(point.at);
    if (rerun.left) return; // a Choice
    if (String(state.Resource).endsWith('.waitForTaskToken') && typeof state.TimeoutSeconds === 'number') {
      // A wait keeps its deadline (one that passed while the runtime was down times out at once);
      // any other task is a fresh invocation with its whole timeout.
      state.TimeoutSeconds = Math.max(0.001, state.TimeoutSeconds - (now - rerun.enteredAt) / 1000);
    }
    if (state.Type === 'Wait' && typeof state.Seconds === 'number') {
      // A Wait state waits what was left (a Timestamp is absolute already).
      state.Seconds = Math.max(0, Math.ceil(state.Seconds - (now - rerun.enteredAt) / 1000));
    }
    if (rerun.token) waits.push({ state: point.at, token: rerun.token, answer: rerun.answer });
    // A Map runs again whole (its iterations are not tracked). A Parallel's branches start where
    // they stood; should the Parallel itself be retried after that, its branches would start
    // there again rather than from the top (no Parallel in statemachines/ has a Retry).
    if (state.Type !== 'Parallel') return;
    const branches = state.Branches as AslDefinition[];
    branches.forEach((branch, i) => {
      const inner = resumePoint(progress.threads.get(`${point.at}/${i}`));
      if (!inner) return;
      const value = 'done' in inner ? inner.done : inner.input;
      branch.States[RESUME_STATE] = {
        Type: 'Pass',
        Result: { value },
        OutputPath: '$.value',
        ...('done' in inner ? { End: true } : { Next: inner.at }),
      };
      branch.StartAt = RESUME_STATE;
      if (!('done' in inner)) carryOn(branch.States, inner);
    });
  };

  carryOn(copy.States, top);
  copy.StartAt = top.at;
  if (typeof copy.TimeoutSeconds === 'number') {
    copy.TimeoutSeconds = Math.max(0.001, copy.TimeoutSeconds - (now - startDate) / 1000);
  }
  return { kind: 'resume', definition: copy, input: top.input, at: top.at, reentries, waits };
}

/** AWS keeps a closed execution's history 90 days; so does the data directory. */
const RETENTION_MS = 90 * 24 * 3600 * 1000;

/** The executions in a data directory: one JSON-lines file each. */
export function executionStore(dir: string) {
  mkdirSync(dir, { recursive: true });
  const fileOf = (workflow: string, name: string) => join(dir, `${workflow}.${encodeURIComponent(name)}.jsonl`);
  return {
    /** Appends one line; synchronous, so a caller that answers afterwards answers for a kept line. */
    append(workflow: string, name: string, line: JournalLine) {
      appendFileSync(fileOf(workflow, name), `${JSON.stringify(line)}\n`);
    },
    /** Every execution's lines, oldest start first; closed executions past retention are deleted. */
    load(now = Date.now()): JournalLine[][] {
      const all: JournalLine[][] = [];
      for (const file of readdirSync(dir)) {
        if (!file.endsWith('.jsonl')) continue;
        const lines: JournalLine[] = [];
        for (const text of readFileSync(join(dir, file), 'utf8').split('\n')) {
          if (!text) continue;
          try {
            lines.push(JSON.parse(text));
          } catch {
            // The torn last line of a kill: what it said had not been acted on.
          }
        }
        const first = lines[0];
        if (first?.t !== 'start') continue;
        const end = lines.findLast((l) => l.t === 'end');
        if (end?.t === 'end' && now - end.stopDate > RETENTION_MS) {
          rmSync(join(dir, file), { force: true });
          continue;
        }
        all.push(lines);
      }
      const started = (lines: JournalLine[]) => (lines[0] as { startDate: number }).startDate;
      return all.sort((a, b) => started(a) - started(b));
    },
  };
}

export type ExecutionStore = ReturnType<typeof executionStore>;
