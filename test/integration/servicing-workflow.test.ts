/**
 * statemachines/servicing.asl.json on the local runtime with its real tasks against DynamoDB
 * Local: the run finds the loans due on its day through the byServiceDate index (and only
 * those), pages through each shard (the MorePages loop), services each loan through the day
 * once, and a second run of the same day changes nothing.
 */
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '#core/ids';
import { addDays } from '#core/loans/dates';
import type { Tenant } from '#core/tenant';
import { getLoanRecord, jakartaToday } from '#store/loans';
import type { LocalStepFunctions } from '../../lib/local/stepfunctions.ts';
import { workflows } from '../../lib/model.ts';
import { eventually } from '../helpers/http.ts';
import { startLocalSfn } from '../helpers/local-sfn.ts';
import { seedServicedLoan } from '../helpers/seed-loans.ts';

let local: LocalStepFunctions;
let sfn: SFNClient;
const tenant: Tenant = { partnerId: newId('ptn'), mode: 'sandbox' };
const today = jakartaToday();
const due: string[] = [];
const notDue: string[] = [];

/** A loan disbursed `daysAgo` days ago, serviced through its disbursal day. */
const seedLoan = async (daysAgo: number) => (await seedServicedLoan(tenant, addDays(today, -daysAgo))).loanId;

async function runFor(name: string) {
  const arn = (local.arns as Record<string, string>).servicing as string;
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({
      stateMachineArn: arn,
      name,
      // Two loans a page, so a shard with three or more due loans loops through MorePages.
      input: JSON.stringify({ date: today, pageSize: 2 }),
    }),
  );
  const done = await eventually(async () => {
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    return d.status === 'RUNNING' ? undefined : d;
  }, 60_000);
  const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
  return { status: done.status, events: history.events ?? [] };
}

beforeAll(async () => {
  ({ local, sfn } = await startLocalSfn({ servicing: workflows.servicing }));
  // 40 loans 10 days into a weekly schedule (installment 1 overdue, 2 due in 4 days: work
  // today), and 5 disbursed today (their first reminder is days away: no work today).
  for (let i = 0; i < 40; i++) due.push(await seedLoan(10));
  for (let i = 0; i < 5; i++) notDue.push(await seedLoan(0));
}, 120_000);

afterAll(() => local?.stop());

describe('the servicing workflow', () => {
  it('services every loan due on the day once, paging through each shard', async () => {
    const run = await runFor(`servicing-${today}-a`);
    expect(run.status).toBe('SUCCEEDED');
    const pages = run.events.filter(
      (e) => e.type === 'TaskStateEntered' && e.stateEnteredEventDetails?.name === 'ServicePage',
    ).length;
    // 16 shards at least once each, and more: 40 loans in 16 shards at 2 a page must loop.
    expect(pages).toBeGreaterThan(16);
    for (const loanId of due) {
      const record = await getLoanRecord(tenant, loanId);
      expect(record.ledger.servicedThrough).toBe(today);
      expect(record.ledger.installments[0]?.status).toBe('OVERDUE');
      expect(record.ledger.daysPastDue).toBe(3);
      expect(record.ledger.bucket).toBe('1-30');
      expect(record.version).toBe(2);
    }
    // The loans with nothing to do today were not touched (never read by the run either).
    for (const loanId of notDue) {
      const record = await getLoanRecord(tenant, loanId);
      expect(record.version).toBe(1);
      expect(record.ledger.servicedThrough).toBe(addDays(today, 0));
    }
  }, 120_000);

  it('changes nothing when the same day runs again', async () => {
    const before = await Promise.all(due.map((id) => getLoanRecord(tenant, id)));
    const run = await runFor(`servicing-${today}-b`);
    expect(run.status).toBe('SUCCEEDED');
    const after = await Promise.all(due.map((id) => getLoanRecord(tenant, id)));
    expect(after.map((r) => r.version)).toEqual(before.map((r) => r.version));
    expect(after.map((r) => r.ledger.lateFeesCharged)).toEqual(before.map((r) => r.ledger.lateFeesCharged));
  }, 120_000);
});
