import { describe, expect, it } from 'vitest';
import { readableCause } from '#store/workflows';
import { executionView } from '../../functions/api/platform/ops-views.ts';

describe("an execution's failure as the ops API shows it", () => {
  it("keeps a Lambda error's message and drops its stack trace", () => {
    const cause = JSON.stringify({
      errorType: 'Error',
      errorMessage: 'bank refused',
      trace: ['at x (/var/task/index.mjs:1:2)'],
    });
    expect(readableCause(cause)).toBe('bank refused');
  });

  it('masks resource ARNs and caps the length when the cause is plain text', () => {
    const cause = `Lambda arn:aws:lambda:ap-southeast-3:123456789012:function:lendstack-x failed ${'x'.repeat(600)}`;
    const shown = readableCause(cause);
    expect(shown).not.toContain('123456789012');
    expect(shown.startsWith('Lambda [resource] failed')).toBe(true);
    expect(shown.length).toBe(500);
  });
});

describe("an execution's view", () => {
  const execution = {
    executionArn: 'arn:aws:states:ap-southeast-3:123456789012:execution:lendstack-prod-application:app_1',
    status: 'RUNNING',
    startedAt: '2026-01-01T00:00:00.000Z',
    stoppedAt: null,
    currentStates: ['AwaitKycReview'],
    error: null,
    cause: null,
    history: [],
  };

  it('links the AWS console in a deployed stage and carries no ARN otherwise', () => {
    const base =
      'https://ap-southeast-3.console.aws.amazon.com/states/home?region=ap-southeast-3#/v2/executions/details/';
    expect(executionView(execution, base).console_url).toBe(`${base}${execution.executionArn}`);
    const local = executionView(execution, undefined);
    expect(local.console_url).toBeNull();
    expect(JSON.stringify(local)).not.toContain('arn:aws:');
  });
});
