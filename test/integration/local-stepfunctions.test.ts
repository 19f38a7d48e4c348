/**
 * The local Step Functions runtime supplies what aws-local-stepfunctions lacks: the Lambda
 * integrations, `.waitForTaskToken` with `$$.Task.Token`, and SendTaskSuccess/Failure over the
 * Step Functions JSON protocol.
 */
import {
  DescribeExecutionCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStepFunctions } from '../../lib/local/stepfunctions.ts';
import { received } from '../fixtures/token-task.ts';
import { eventually } from '../helpers/http.ts';
import { startLocalSfn } from '../helpers/local-sfn.ts';

let local: LocalStepFunctions;
let sfn: SFNClient;

beforeAll(async () => {
  ({ local, sfn } = await startLocalSfn({
    signing: {
      definition: 'test/fixtures/wait-for-token.asl.json',
      description: 'fixture',
      tasks: {
        RecordTokenFunctionArn: { module: '../test/fixtures/token-task', access: [] },
        CountFunctionArn: { module: '../test/fixtures/token-task', export: 'count', access: [] },
      },
    },
  }));
});

afterAll(() => local?.stop());

const arn = () => (local.arns as Record<string, string>).signing as string;

async function startAndAwaitToken(applicationId: string) {
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({
      stateMachineArn: arn(),
      name: applicationId,
      input: JSON.stringify({ applicationId }),
    }),
  );
  // The task's function got the token in its payload, and the runtime holds it until the callback.
  const mine = await eventually(() => received.find((r) => r.applicationId === applicationId));
  expect(mine.token).toMatch(/^tok_/);
  expect(local.tokens()).toContainEqual({ token: mine.token, state: 'AwaitSignature' });
  return { executionArn: String(executionArn), token: mine.token };
}

describe('waitForTaskToken locally', () => {
  it('passes a fresh token in the payload, waits, and continues with the SendTaskSuccess output', async () => {
    const { executionArn, token } = await startAndAwaitToken('app-1');
    expect((await sfn.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('RUNNING');
    await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ signed: true }) }));
    const done = await eventually(async () => {
      const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      return d.status !== 'RUNNING' && d;
    });
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output ?? '{}')).toMatchObject({
      applicationId: 'app-1',
      signature: { signed: true },
      counted: { count: 1 },
    });
  });

  it('routes SendTaskFailure through the ASL Catch by its error name', async () => {
    const { executionArn, token } = await startAndAwaitToken('app-2');
    await sfn.send(
      new SendTaskFailureCommand({ taskToken: token, error: 'SigningRejected', cause: 'the borrower declined' }),
    );
    const done = await eventually(async () => {
      const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      return d.status !== 'RUNNING' && d;
    });
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output ?? '{}')).toEqual({ status: 'REJECTED' });
  });

  it('answers TaskDoesNotExist for an unknown or used token', async () => {
    await expect(sfn.send(new SendTaskSuccessCommand({ taskToken: 'tok_nope', output: '{}' }))).rejects.toMatchObject({
      name: 'TaskDoesNotExist',
    });
  });
});
