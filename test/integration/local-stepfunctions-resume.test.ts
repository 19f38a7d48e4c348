/**
 * The local Step Functions with a data directory survive a restart as AWS's executions do: a
 * second runtime on the same directory resumes what the first left RUNNING. A task that was
 * running runs again (at-least-once), a waiting task keeps its token, a Parallel branch that
 * had finished keeps its output, and an answer journaled before the crash is not lost.
 * "The runtime dies" is stop(): from then on nothing more reaches the journal, as after a kill.
 */
import { appendFileSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SendTaskSuccessCommand,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import type { LocalStepFunctions } from '../../lib/local/stepfunctions.ts';
import { type FunctionSpec, type WorkflowSpec, workflows } from '../../lib/model.ts';
import { journal } from '../fixtures/application-stubs.ts';
import { calls, hang } from '../fixtures/resume-tasks.ts';
import { eventually } from '../helpers/http.ts';
import { applicationInput, startLocalSfn } from '../helpers/local-sfn.ts';

const fixture = (name: string): FunctionSpec => ({ module: '../test/fixtures/resume-tasks', export: name, access: [] });
const resumable: Record<string, WorkflowSpec> = {
  resumable: {
    definition: 'test/fixtures/resume.asl.json',
    description: 'fixture',
    tasks: {
      PrepareFunctionArn: fixture('prepare'),
      WorkFunctionArn: fixture('work'),
      FinishFunctionArn: fixture('finish'),
      RecordTokenFunctionArn: fixture('recordToken'),
    },
  },
};
/** The application workflow with stub tasks (test/fixtures/application-stubs.ts). */
const application: Record<string, WorkflowSpec> = {
  application: {
    ...workflows.application,
    tasks: Object.fromEntries(
      Object.entries(workflows.application.tasks).map(([name, spec]: [string, FunctionSpec]) => [
        name,
        { module: '../test/fixtures/application-stubs', export: spec.export, access: [] },
      ]),
    ),
  },
};

const running: LocalStepFunctions[] = [];
afterEach(() => {
  for (const local of running.splice(0)) local.stop();
});

/** A runtime on the data directory, with what it kept resumed. */
async function runtime(specs: Record<string, WorkflowSpec>, dataDir: string) {
  const started = await startLocalSfn(specs, { dataDir });
  running.push(started.local);
  started.local.resume();
  const arn = (name: string) => (started.local.arns as Record<string, string>)[name] ?? '';
  return { ...started, arn };
}

const finished = (sfn: SFNClient, executionArn: string) =>
  eventually(async () => {
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    return d.status !== 'RUNNING' && d;
  }, 20_000);

let seq = 0;
/** Starts the fixture workflow in a new data directory; `hangs` are the tasks the crash will cut off. */
async function startResumable(...hangs: string[]) {
  const id = `run-${++seq}-${Date.now()}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'lendstack-sfn-'));
  for (const task of hangs) hang.add(`${id}:${task}`);
  const first = await runtime(resumable, dataDir);
  const { executionArn = '' } = await first.sfn.send(
    new StartExecutionCommand({
      stateMachineArn: first.arn('resumable'),
      name: id,
      input: JSON.stringify({ applicationId: id }),
    }),
  );
  const callsOf = (task: string) => calls.filter((c) => c.applicationId === id && c.task === task);
  // The approval waits on its token, and the work has been called.
  const token = (await eventually(() => callsOf('recordToken')[0]?.token)) ?? '';
  await eventually(() => callsOf('work').length === 1);
  return { id, dataDir, first, executionArn, token, callsOf };
}

describe('local Step Functions after a restart', () => {
  it('runs a task that was running again, and the waiting task keeps its token', async () => {
    const { id, dataDir, first, executionArn, token, callsOf } = await startResumable('work');
    first.local.stop(); // the runtime dies with the work in flight and the approval waiting
    hang.delete(`${id}:work`);

    const second = await runtime(resumable, dataDir);
    // The same token is handed to the approver again, and the work runs again; what was done is not.
    await eventually(() => callsOf('recordToken').length === 2);
    expect(callsOf('recordToken').map((c) => c.token)).toEqual([token, token]);
    await eventually(() => callsOf('work').length === 2);
    expect(second.local.tokens()).toContainEqual({ token, state: 'AwaitApproval' });

    await second.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ approved: true }) }));
    const done = await finished(second.sfn, executionArn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output ?? '{}')).toEqual({
      applicationId: id,
      prepared: { task: 'prepare' },
      both: [{ approved: true }, { task: 'work' }],
      finished: { task: 'finish' },
    });
    expect(callsOf('prepare')).toHaveLength(1);
    expect(callsOf('finish')).toHaveLength(1);
  });

  it('keeps the output of a Parallel branch that had finished, and its history and name after the end', async () => {
    const { dataDir, first, executionArn, token, callsOf } = await startResumable();
    await first.local.idle(); // the work branch has finished; the approval waits
    first.local.stop();

    const second = await runtime(resumable, dataDir);
    await eventually(() => callsOf('recordToken').length === 2);
    await second.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ approved: 1 }) }));
    const done = await finished(second.sfn, executionArn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output ?? '{}').both).toEqual([{ approved: 1 }, { task: 'work' }]);
    expect(callsOf('work')).toHaveLength(1);
    second.local.stop();

    // A third start has the ended execution as it was: status, output, one history, its name taken.
    const third = await runtime(resumable, dataDir);
    const described = await third.sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(described).toMatchObject({ status: 'SUCCEEDED', output: done.output });
    const { events = [] } = await third.sfn.send(new GetExecutionHistoryCommand({ executionArn }));
    expect(events.filter((e) => e.type === 'ExecutionStarted')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'TaskStateEntered').map((e) => e.stateEnteredEventDetails?.name)).toEqual([
      'Prepare',
      'AwaitApproval',
      'Work',
      'AwaitApproval', // entered again by the resume
      'Finish',
    ]);
    const again = await third.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: third.arn('resumable'),
        name: described.name,
        input: described.input,
      }),
    );
    expect(again.executionArn).toBe(executionArn);
    expect(callsOf('prepare')).toHaveLength(1);
  });

  it('carries on with an answer the journal kept from just before the crash, and skips a torn last line', async () => {
    const { id, dataDir, first, executionArn, token, callsOf } = await startResumable();
    await first.local.idle();
    first.local.stop();
    // Killed right after SendTaskSuccess was journaled (and answered), before the state was left;
    // then a line cut in half by the kill.
    const file = join(dataDir, readdirSync(dataDir).find((f) => f.includes(id)) ?? '');
    appendFileSync(file, `${JSON.stringify({ t: 'answer', token, output: { approved: 'before' } })}\n{"t":"eve`);

    const second = await runtime(resumable, dataDir);
    const done = await finished(second.sfn, executionArn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output ?? '{}').both).toEqual([{ approved: 'before' }, { task: 'work' }]);
    // The step was answered: its function is not asked again, and the token is spent.
    expect(callsOf('recordToken')).toHaveLength(1);
    expect(second.local.tokens()).toEqual([]);
  });

  it('resumes a loan application mid-BRE: the bureau runs again, the KYC wait keeps its token, the loan goes active', async () => {
    const id = `app-resume-${Date.now()}`;
    const dataDir = mkdtempSync(join(tmpdir(), 'lendstack-sfn-'));
    // The bureau call the crash cuts off never answers.
    journal.script[id] = { pullBureau: [new Promise(() => undefined)] };
    const first = await runtime(application, dataDir);
    const { executionArn = '' } = await first.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: first.arn('application'),
        name: id,
        input: applicationInput(id),
      }),
    );
    const tokens = (step: string) => journal.tokens[`${id}:${step}`] ?? [];
    const callsOf = (task: string) =>
      journal.calls.filter((c) => c.task === task && (c.input.applicationId ?? c.input.borrowerId) === id);
    const kyc = await eventually(() => tokens('KYC')[0]);
    const offers = await eventually(() => tokens('OFFERS')[0]);
    const decide = { action: 'DECIDE', partnerId: 'p', mode: 'sandbox', referenceId: 'bre_1', borrowerId: id };
    await first.sfn.send(new SendTaskSuccessCommand({ taskToken: offers, output: JSON.stringify(decide) }));
    await eventually(() => callsOf('pullBureau').length === 1);
    first.local.stop(); // killed while the BRE run is PROCESSING
    delete journal.script[id];

    const second = await runtime(application, dataDir);
    // The bureau is asked again and the BRE recorded; the pre-check is not repeated.
    await eventually(() => callsOf('record').length === 1);
    expect(callsOf('pullBureau')).toHaveLength(2);
    expect(callsOf('preCheck')).toHaveLength(1);
    // The KYC wait was handed its token again; the offer step waits anew for the acceptance.
    await eventually(() => tokens('KYC').length === 2);
    expect(tokens('KYC')).toEqual([kyc, kyc]);
    const accept = await eventually(() => tokens('OFFERS')[1]);
    const answer = (taskToken: string | undefined, output: unknown) =>
      second.sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
    await answer(kyc, { referenceId: 'kyr_1' });
    await answer(accept, { action: 'ACCEPTED', applicationId: id });
    await answer(await eventually(() => tokens('AGREEMENT')[0]), { referenceId: 'agr_1' });
    await answer(await eventually(() => tokens('SIGNATURE')[0]), {});
    await answer(await eventually(() => tokens('DISBURSAL')[0]), {});
    const done = await finished(second.sfn, executionArn);
    expect(done.status).toBe('SUCCEEDED');
    expect(callsOf('disburse')).toHaveLength(1);
    const { events = [] } = await second.sfn.send(new GetExecutionHistoryCommand({ executionArn }));
    expect(events.at(-1)?.type).toBe('ExecutionSucceeded');
  });
});
