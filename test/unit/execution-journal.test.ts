/**
 * Where a journaled execution resumes: the journal's lines replayed into positions per thread,
 * and the definition that carries on from them.
 */
import { describe, expect, it } from 'vitest';
import {
  type AslDefinition,
  applyLine,
  type JournalLine,
  type JSONValue,
  layoutOf,
  newProgress,
  RESUME_STATE,
  resumePlan,
} from '../../lib/local/execution-journal.ts';

const WAIT = 'arn:aws:states:::lambda:invoke.waitForTaskToken';
const definition: AslDefinition = {
  StartAt: 'Prepare',
  States: {
    Prepare: { Type: 'Task', Resource: 'fn:prepare', TimeoutSeconds: 30, Next: 'Route' },
    Route: { Type: 'Choice', Choices: [], Default: 'Both' },
    Both: {
      Type: 'Parallel',
      Next: 'Finish',
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Failed' }],
      Branches: [
        { StartAt: 'Await', States: { Await: { Type: 'Task', Resource: WAIT, TimeoutSeconds: 600, End: true } } },
        {
          StartAt: 'Work',
          States: { Work: { Type: 'Task', Resource: 'fn:work', Next: 'Worked' }, Worked: { Type: 'Succeed' } },
        },
      ],
    },
    Finish: { Type: 'Task', Resource: 'fn:finish', End: true },
    Failed: { Type: 'Fail' },
  },
};
const layout = layoutOf(definition);
const branchesOf = (d: AslDefinition) => (d.States.Both?.Branches ?? []) as AslDefinition[];

const entered = (name: string, type: string, input: JSONValue, timestamp = 1000): JournalLine => ({
  t: 'event',
  event: { type: 'StateEntered', timestamp, state: { name, type, input } },
});
const exited = (name: string, type: string, output: JSONValue): JournalLine => ({
  t: 'event',
  event: { type: 'StateExited', timestamp: 1000, state: { name, type, output } },
});

function planAfter(lines: JournalLine[], now = 1000) {
  const progress = newProgress();
  for (const line of lines) applyLine(progress, layout, line);
  return resumePlan(definition, progress, 0, now);
}

describe('resuming a journaled execution', () => {
  it('starts over when no state was entered', () => {
    expect(planAfter([])).toEqual({ kind: 'restart' });
  });

  it('runs the state it was in again, with that state input', () => {
    const plan = planAfter([entered('Prepare', 'Task', { a: 1 })]);
    expect(plan).toMatchObject({ kind: 'resume', at: 'Prepare', input: { a: 1 }, reentries: ['Prepare'] });
    if (plan.kind === 'resume') expect(plan.definition.StartAt).toBe('Prepare');
  });

  it('goes on to the next state when the state was left, and to the catcher after a caught error', () => {
    expect(planAfter([entered('Prepare', 'Task', {}), exited('Prepare', 'Task', { b: 2 })])).toMatchObject({
      at: 'Route',
      input: { b: 2 },
    });
    const caught: JournalLine = {
      t: 'event',
      event: {
        type: 'StateCaught',
        timestamp: 1000,
        state: { name: 'Both', type: 'Parallel' },
        catch: { catcher: { Next: 'Failed' } },
      },
    };
    expect(
      planAfter([entered('Both', 'Parallel', {}), caught, exited('Both', 'Parallel', { error: 'x' })]),
    ).toMatchObject({ at: 'Failed', input: { error: 'x' } });
  });

  it('runs a Choice again, its choice not being journaled', () => {
    expect(planAfter([entered('Route', 'Choice', { c: 3 }), exited('Route', 'Choice', { c: 3 })])).toMatchObject({
      at: 'Route',
      input: { c: 3 },
    });
  });

  it('has ended when the last state was left with End', () => {
    expect(planAfter([entered('Finish', 'Task', {}), exited('Finish', 'Task', { done: true })])).toEqual({
      kind: 'ended',
      output: { done: true },
    });
  });

  it('resumes each Parallel branch where it stood, a finished one with its output, a wait with its token and answer', () => {
    const plan = planAfter(
      [
        entered('Both', 'Parallel', { p: 1 }),
        entered('Await', 'Task', { p: 1 }),
        { t: 'token', state: 'Await', token: 'tok_1' },
        entered('Work', 'Task', { p: 1 }),
        exited('Work', 'Task', { worked: true }),
        entered('Worked', 'Succeed', { worked: true }),
        exited('Worked', 'Succeed', { worked: true }),
        { t: 'answer', token: 'tok_1', output: { ok: 1 } },
      ],
      61_000,
    );
    if (plan.kind !== 'resume') throw new Error(plan.kind);
    expect(plan).toMatchObject({ at: 'Both', input: { p: 1 }, reentries: ['Both', 'Await'] });
    expect(plan.waits).toEqual([{ state: 'Await', token: 'tok_1', answer: { output: { ok: 1 } } }]);
    const [waiting, working] = branchesOf(plan.definition);
    expect(waiting?.StartAt).toBe(RESUME_STATE);
    expect(waiting?.States[RESUME_STATE]).toEqual({
      Type: 'Pass',
      Result: { value: { p: 1 } },
      OutputPath: '$.value',
      Next: 'Await',
    });
    // A wait keeps what was left of its deadline: entered at 1 s, resumed at 61 s.
    expect(waiting?.States.Await?.TimeoutSeconds).toBe(540);
    expect(working?.States[RESUME_STATE]).toMatchObject({ Result: { value: { worked: true } }, End: true });
    // The original definition is untouched.
    expect(branchesOf(definition)[0]?.StartAt).toBe('Await');
  });

  it('gives a task that runs again its whole timeout, and a Wait state what was left of its wait', () => {
    const plan = planAfter([entered('Prepare', 'Task', {}, 0)], 3_600_000);
    if (plan.kind !== 'resume') throw new Error(plan.kind);
    expect(plan.definition.States.Prepare?.TimeoutSeconds).toBe(30);
    const waiting: AslDefinition = { StartAt: 'Pause', States: { Pause: { Type: 'Wait', Seconds: 60, End: true } } };
    const progress = newProgress();
    applyLine(progress, layoutOf(waiting), entered('Pause', 'Wait', {}, 0));
    const resumed = resumePlan(waiting, progress, 0, 45_000);
    if (resumed.kind !== 'resume') throw new Error(resumed.kind);
    expect(resumed.definition.States.Pause?.Seconds).toBe(15);
  });

  it('keeps a resumed state where it stood when the resumed run enters it again', () => {
    const progress = newProgress();
    for (const line of [
      entered('Both', 'Parallel', {}, 10),
      entered('Await', 'Task', {}, 10),
      { t: 'token', state: 'Await', token: 'tok_1' },
      { t: 'resume', reentries: ['Both', 'Await'] },
      entered('Both', 'Parallel', {}, 500),
      entered('Await', 'Task', {}, 500),
    ] satisfies JournalLine[])
      applyLine(progress, layout, line);
    expect(progress.threads.get('Both/0')).toMatchObject({ state: 'Await', token: 'tok_1', enteredAt: 10 });
    // A later visit is a new one.
    applyLine(progress, layout, exited('Await', 'Task', {}));
    applyLine(progress, layout, entered('Await', 'Task', {}, 900));
    expect(progress.threads.get('Both/0')).toEqual({ state: 'Await', input: {}, enteredAt: 900 });
  });

  it('refuses a definition that uses a state name twice, as AWS does', () => {
    expect(() =>
      layoutOf({
        StartAt: 'P',
        States: {
          P: { Type: 'Parallel', End: true, Branches: [{ StartAt: 'P', States: { P: { Type: 'Succeed' } } }] },
        },
      }),
    ).toThrow(/used twice/);
  });
});
