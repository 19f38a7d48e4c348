/**
 * statemachines/application.asl.json branch by branch, on the local runtime with stub task
 * functions (test/fixtures/application-stubs.ts): success, Retry, Catch, the loops back to a
 * wait the partner can retry from, and the ends (REJECTED, DISBURSAL_FAILED, rejected signing).
 */
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStepFunctions } from '../../lib/local/stepfunctions.ts';
import { type FunctionSpec, workflows } from '../../lib/model.ts';
import { journal, providerError } from '../fixtures/application-stubs.ts';
import { eventually } from '../helpers/http.ts';
import { applicationInput, startLocalSfn } from '../helpers/local-sfn.ts';

let local: LocalStepFunctions;
let sfn: SFNClient;

beforeAll(async () => {
  const real = workflows.application;
  ({ local, sfn } = await startLocalSfn({
    application: {
      ...real,
      tasks: Object.fromEntries(
        Object.entries(real.tasks).map(([name, spec]: [string, FunctionSpec]) => [
          name,
          { module: '../test/fixtures/application-stubs', export: spec.export, access: [] },
        ]),
      ),
    },
  }));
});

afterAll(() => local?.stop());

let seq = 0;
/** Starts one application's execution with its script; returns helpers bound to it. */
async function application(script: Record<string, unknown[]> = {}, input: Record<string, unknown> = {}) {
  const id = `app-${++seq}-${Date.now()}`;
  journal.script[id] = script;
  const { executionArn = '' } = await sfn.send(
    new StartExecutionCommand({
      stateMachineArn: (local.arns as Record<string, string>).application,
      name: id,
      input: applicationInput(id, input),
    }),
  );
  const tokensSeen = (step: string) => journal.tokens[`${id}:${step}`]?.length ?? 0;
  /** The next token of a wait step (one not used yet). */
  const used = new Map<string, number>();
  const token = async (step: string) => {
    const n = used.get(step) ?? 0;
    const t = await eventually(() => journal.tokens[`${id}:${step}`]?.[n], 25_000);
    used.set(step, n + 1);
    return t;
  };
  const answer = async (step: string, output: unknown) =>
    sfn.send(new SendTaskSuccessCommand({ taskToken: await token(step), output: JSON.stringify(output) }));
  const fail = async (step: string, error: string) =>
    sfn.send(new SendTaskFailureCommand({ taskToken: await token(step), error, cause: 'test' }));
  const calls = (task: string) =>
    journal.calls.filter((c) => c.task === task && (c.input.applicationId ?? c.input.borrowerId) === id);
  const finished = () =>
    eventually(async () => {
      const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      return d.status !== 'RUNNING' && d;
    }, 20_000);
  const entered = async () => {
    const { events = [] } = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
    // TaskStateEntered, ChoiceStateEntered, …: AWS bills each one as a state transition.
    return events.filter((e) => String(e.type).endsWith('StateEntered')).length;
  };
  const decide = (referenceId = 'bre_1') => ({
    action: 'DECIDE',
    partnerId: 'p',
    mode: 'sandbox',
    referenceId,
    borrowerId: id,
    decisionDate: '2026-11-23',
  });
  return { id, executionArn, token, answer, fail, calls, finished, entered, tokensSeen, decide };
}

/** KYC approved and the offer accepted: the execution goes on to the signature. */
async function verified(app: Awaited<ReturnType<typeof application>>) {
  await app.answer('KYC', { referenceId: 'kyr_1' });
  await app.answer('OFFERS', app.decide());
  await app.answer('OFFERS', { action: 'ACCEPTED', applicationId: app.id });
}

/** Verified, then the signing trigger, the signature and the disbursal trigger: the bank step runs. */
async function toDisbursal(app: Awaited<ReturnType<typeof application>>) {
  await verified(app);
  await app.answer('AGREEMENT', { referenceId: 'agr_1' });
  await app.answer('SIGNATURE', {});
  await app.answer('DISBURSAL', {});
}

describe('application workflow: the happy path', () => {
  it('waits for KYC and offers side by side, then signature, disbursal trigger, bank: LoanActive', async () => {
    const app = await application();
    // Both waits are open at once: the partner may trigger KYC or the BRE first.
    await app.token('KYC');
    await app.token('OFFERS');
    expect(app.calls('runKyc')).toHaveLength(0);
    app.tokensSeen('KYC');
    const used = { KYC: 1, OFFERS: 1 };
    await sfn.send(
      new SendTaskSuccessCommand({
        taskToken: journal.tokens[`${app.id}:OFFERS`]?.[used.OFFERS - 1] ?? '',
        output: JSON.stringify(app.decide()),
      }),
    );
    // The BRE ran (pre-check, bureau, record) and the offer step waits again, for the acceptance.
    await app.token('OFFERS');
    expect(app.calls('preCheck')).toHaveLength(1);
    expect(app.calls('pullBureau')).toHaveLength(1);
    expect(app.calls('record')).toHaveLength(1);
    await sfn.send(
      new SendTaskSuccessCommand({
        taskToken: journal.tokens[`${app.id}:KYC`]?.[0] ?? '',
        output: JSON.stringify({ referenceId: 'kyr_1' }),
      }),
    );
    await eventually(() => app.calls('runKyc').length === 1);
    // KYC approved alone is not enough: the signature waits for the acceptance too.
    await new Promise((r) => setTimeout(r, 100));
    expect(journal.tokens[`${app.id}:AGREEMENT`]).toBeUndefined();
    await sfn.send(
      new SendTaskSuccessCommand({
        taskToken: journal.tokens[`${app.id}:OFFERS`]?.[1] ?? '',
        output: JSON.stringify({ action: 'ACCEPTED', applicationId: app.id }),
      }),
    );
    await app.answer('AGREEMENT', { referenceId: 'agr_1' });
    await app.answer('SIGNATURE', { signedAt: 'now' });
    await app.answer('DISBURSAL', { triggeredAt: 'now' });
    const done = await app.finished();
    expect(done.status).toBe('SUCCEEDED');
    expect(app.calls('markSigned')).toHaveLength(1);
    expect(app.calls('disburse')).toHaveLength(1);
    expect(app.calls('markFailed')).toHaveLength(0);
    // State transitions of a journey with one BRE run and no KYC action (AWS bills each entered state).
    const transitions = await app.entered();
    console.info(`application workflow, happy journey: ${transitions} states entered`);
    expect(transitions).toBeGreaterThan(10);
  });
});

describe('application workflow: Retry and Catch', () => {
  it('retries the bank on ProviderError and disburses once it answers', async () => {
    const app = await application({ disburse: [providerError(), providerError(), { status: 'DISBURSED' }] });
    await toDisbursal(app);
    expect((await app.finished()).status).toBe('SUCCEEDED');
    expect(app.calls('disburse')).toHaveLength(3);
    expect(app.calls('markFailed')).toHaveLength(0);
  });

  it('marks DISBURSAL_FAILED when the bank keeps failing (3 retries), then waits for a new trigger, which can disburse', async () => {
    const err = providerError();
    const app = await application({ disburse: [err, err, err, err, { status: 'DISBURSED' }] });
    await toDisbursal(app);
    await eventually(() => app.calls('markFailed').length === 1, 25_000);
    expect(app.calls('disburse')).toHaveLength(4);
    // The starting request's correlation id reaches tasks with Parameters (from the execution's
    // input) and without (the state carries it), so their events name it.
    for (const call of [...app.calls('disburse'), ...app.calls('markFailed'), ...app.calls('awaitStep')])
      expect(String(call.input.correlationId)).toMatch(/^corr-app-/);
    expect(app.calls('markFailed')).toEqual([
      expect.objectContaining({
        input: expect.objectContaining({
          outcome: 'DISBURSAL_FAILED',
          error: expect.objectContaining({ Error: 'ProviderError' }),
        }),
      }),
    ]);
    // The partner triggers again: the workflow was waiting, and this attempt goes through.
    await app.answer('DISBURSAL', {});
    expect((await app.finished()).status).toBe('SUCCEEDED');
    expect(app.calls('disburse')).toHaveLength(5);
    expect(app.calls('markFailed')).toHaveLength(1);
  });

  it("ends REJECTED when the borrower declines to sign (the provider's SendTaskFailure, caught by name)", async () => {
    const app = await application();
    await verified(app);
    await app.answer('AGREEMENT', { referenceId: 'agr_1' });
    await app.fail('SIGNATURE', 'SigningRejected');
    expect((await app.finished()).status).toBe('SUCCEEDED');
    expect(app.calls('markFailed').map((c) => c.input.outcome)).toEqual(['REJECTED']);
    expect(app.calls('disburse')).toHaveLength(0);
  });
});

describe('application workflow: a partner API loan (origin partner)', () => {
  it('starts at the agreement (nothing to verify), then signature, disbursal trigger, bank: LoanActive', async () => {
    const app = await application({}, { origin: 'partner' });
    await app.answer('AGREEMENT', { referenceId: 'agr_1' });
    await app.answer('SIGNATURE', {});
    await app.answer('DISBURSAL', {});
    expect((await app.finished()).status).toBe('SUCCEEDED');
    expect(app.tokensSeen('KYC')).toBe(0);
    expect(app.tokensSeen('OFFERS')).toBe(0);
    expect(app.calls('disburse')).toHaveLength(1);
    // Origin (Choice), AwaitAgreementTrigger, AwaitSignature, MarkSigned, AwaitDisbursalTrigger, Disburse, LoanActive.
    expect(await app.entered()).toBe(7);
  });

  it('ends through MarkRejected when the partner rejects it while it waits for the agreement or the disbursal (LoanRejected)', async () => {
    const pending = await application({}, { origin: 'partner' });
    await pending.fail('AGREEMENT', 'LoanRejected');
    expect((await pending.finished()).status).toBe('SUCCEEDED');
    expect(pending.calls('markFailed').map((c) => c.input.outcome)).toEqual(['REJECTED']);

    const active = await application({}, { origin: 'partner' });
    await active.answer('AGREEMENT', { referenceId: 'agr_1' });
    await active.answer('SIGNATURE', {});
    await active.fail('DISBURSAL', 'LoanRejected');
    expect((await active.finished()).status).toBe('SUCCEEDED');
    expect(active.calls('markFailed')).toEqual([
      expect.objectContaining({
        input: expect.objectContaining({
          outcome: 'REJECTED',
          error: expect.objectContaining({ Error: 'LoanRejected' }),
        }),
      }),
    ]);
    expect(active.calls('disburse')).toHaveLength(0);
  });
});

describe('application workflow: a borrower app submission (origin app)', () => {
  it('on autopilot (sandbox) is reviewed, signed and disbursed without a trigger: LoanActive', async () => {
    const app = await application({}, { origin: 'app' });
    await app.answer('SIGNATURE', {});
    expect((await app.finished()).status).toBe('SUCCEEDED');
    expect(app.calls('reviewAppLoan')).toHaveLength(1);
    expect(app.calls('startAppDisbursal')).toHaveLength(1);
    expect(app.calls('disburse')).toHaveLength(1);
    expect(app.tokensSeen('KYC')).toBe(0);
    expect(app.tokensSeen('AGREEMENT')).toBe(0);
    expect(app.tokensSeen('DISBURSAL')).toBe(0);
    // Origin, AppReview, AppReviewed, AppAwaitSignature, AppMarkSigned, AppDisbursal, Disburse, LoanActive.
    expect(await app.entered()).toBe(8);
  });

  it('without autopilot (live) waits for the agreement and disbursal triggers as a partner loan does', async () => {
    const app = await application({ reviewAppLoan: [{ auto: false }] }, { origin: 'app' });
    await app.answer('AGREEMENT', { referenceId: 'agr_1' });
    await app.answer('SIGNATURE', {});
    await app.answer('DISBURSAL', {});
    expect((await app.finished()).status).toBe('SUCCEEDED');
    expect(app.calls('startAppDisbursal')).toHaveLength(0);
    expect(app.calls('disburse')).toHaveLength(1);
  });

  it('ends through MarkRejected when the review refuses it (ReviewRejected), nothing signed or disbursed', async () => {
    const refused = new Error('refused');
    refused.name = 'ReviewRejected';
    const app = await application({ reviewAppLoan: [refused] }, { origin: 'app' });
    expect((await app.finished()).status).toBe('SUCCEEDED');
    expect(app.calls('markFailed')).toEqual([
      expect.objectContaining({
        input: expect.objectContaining({
          outcome: 'REJECTED',
          error: expect.objectContaining({ Error: 'ReviewRejected' }),
        }),
      }),
    ]);
    expect(app.calls('markSigned')).toHaveLength(0);
    expect(app.calls('disburse')).toHaveLength(0);
  });
});

describe('application workflow: the credit branch', () => {
  it('a bureau that keeps failing records FAILED and waits for the next trigger, which can succeed', async () => {
    const app = await application({
      pullBureau: [
        providerError(),
        providerError(),
        providerError(),
        providerError(),
        { score: 700, delinquent: false },
      ],
    });
    await app.answer('OFFERS', app.decide('bre_1'));
    await app.token('OFFERS'); // back at the offer step after FAILED
    expect(app.calls('pullBureau')).toHaveLength(4);
    expect(app.calls('record')[0]?.input).toMatchObject({ referenceId: 'bre_1', error: { Error: 'ProviderError' } });
    // The partner triggers again: a new run, recorded SUCCESS this time.
    journal.tokens[`${app.id}:OFFERS`]?.length;
    await sfn.send(
      new SendTaskSuccessCommand({
        taskToken: journal.tokens[`${app.id}:OFFERS`]?.[1] ?? '',
        output: JSON.stringify(app.decide('bre_2')),
      }),
    );
    await eventually(() => app.calls('record').length === 2);
    expect(app.calls('record')[1]?.input).toMatchObject({ referenceId: 'bre_2' });
    expect(app.calls('record')[1]?.input.error).toBeUndefined();
  });

  it('skips the bureau when the pre-check rejects, and a REJECTED decision ends the journey (KYC wait abandoned)', async () => {
    const app = await application({
      preCheck: [{ rejected: true, rule: 'age', reason: 'too young', facts: {} }],
      record: [{ status: 'REJECTED' }],
    });
    await app.token('KYC');
    await app.answer('OFFERS', app.decide());
    expect((await app.finished()).status).toBe('SUCCEEDED');
    expect(app.calls('pullBureau')).toHaveLength(0);
    expect(app.calls('closeJourney').map((c) => c.input.outcome)).toEqual(['REJECTED']);
    expect(app.calls('closeJourney')[0]?.input.error).toMatchObject({ Error: 'CreditRejected' });
    // The abandoned branch's token died with the execution, as in AWS.
    const kycToken = journal.tokens[`${app.id}:KYC`]?.[0] ?? '';
    await expect(sfn.send(new SendTaskSuccessCommand({ taskToken: kycToken, output: '{}' }))).rejects.toMatchObject({
      name: 'TaskDoesNotExist',
    });
  });
});

describe('application workflow: the KYC branch', () => {
  it('asks for the OTP, takes it, and approves', async () => {
    const app = await application({
      runKyc: [
        { referenceId: 'kyr_1', status: 'ACTION_PENDING', action: 'SUBMIT_CKYC_OTP', manualReviewRequired: false },
      ],
      verifyKycOtp: [
        { referenceId: 'kyr_1', status: 'ACTION_PENDING', action: 'INVALID_CKYC_OTP', manualReviewRequired: false },
        { referenceId: 'kyr_1', status: 'APPROVED', action: '', manualReviewRequired: false },
      ],
    });
    await app.answer('KYC', { referenceId: 'kyr_1' });
    await app.answer('KYC_OTP', { otp: '000000' });
    await app.answer('KYC_OTP', { otp: '123456' });
    await app.answer('OFFERS', app.decide());
    await app.answer('OFFERS', { action: 'ACCEPTED', applicationId: app.id });
    await app.token('AGREEMENT');
    expect(app.calls('verifyKycOtp').map((c) => c.input.otp)).toEqual(['000000', '123456']);
  });

  it('holds for a manual review, and goes on when the reviewer approves', async () => {
    const app = await application({
      runKyc: [{ referenceId: 'kyr_1', status: 'PROCESSING', action: 'WAIT', manualReviewRequired: true }],
    });
    await app.answer('KYC', { referenceId: 'kyr_1' });
    await app.answer('KYC_REVIEW', {
      referenceId: 'kyr_1',
      status: 'APPROVED',
      action: '',
      manualReviewRequired: false,
    });
    await app.answer('OFFERS', app.decide());
    await app.answer('OFFERS', { action: 'ACCEPTED', applicationId: app.id });
    await app.token('AGREEMENT');
  });

  it('after REJECTED, or a KYC provider that keeps failing (Catch), waits for the next KYC trigger', async () => {
    const app = await application({
      runKyc: [
        { referenceId: 'kyr_1', status: 'REJECTED', action: '', manualReviewRequired: false },
        ...Array.from({ length: 4 }, () => providerError()),
        { referenceId: 'kyr_3', status: 'APPROVED', action: '', manualReviewRequired: false },
      ],
    });
    await app.answer('KYC', { referenceId: 'kyr_1' });
    await app.token('KYC'); // REJECTED: the partner may retry
    expect(app.calls('recordKycFailure')).toHaveLength(0);
    await sfn.send(
      new SendTaskSuccessCommand({
        taskToken: journal.tokens[`${app.id}:KYC`]?.[1] ?? '',
        output: JSON.stringify({ referenceId: 'kyr_2' }),
      }),
    );
    await eventually(() => journal.tokens[`${app.id}:KYC`]?.[2], 15_000); // retried, caught, FAILED, waiting again
    expect(app.calls('recordKycFailure')[0]?.input).toMatchObject({
      referenceId: 'kyr_2',
      error: { Error: 'ProviderError' },
    });
    expect(app.calls('runKyc')).toHaveLength(5); // kyr_1, then kyr_2's first try and 3 retries
  });
});
