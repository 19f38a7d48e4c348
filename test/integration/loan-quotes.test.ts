/** POST /v1/loan-quotes through its handler and the platform middleware stack. */
import type { APIGatewayProxyResult } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { newId } from '#core/ids';
import { handler } from '../../functions/api/platform/create-loan-quote.ts';
import { apiEvent, lambdaContext } from '../helpers/factories.ts';

const principal = { partnerId: newId('ptn'), mode: 'sandbox' as const, credentialId: newId('cred') };
const quote = async (body: unknown) => {
  const res = await (handler as unknown as (e: unknown, c: never) => Promise<APIGatewayProxyResult>)(
    apiEvent(principal, { path: '/v1/loan-quotes', body }),
    lambdaContext,
  );
  return { status: res.statusCode, body: JSON.parse(res.body) };
};

const issueExample = {
  principal: 10000000,
  currency: 'IDR',
  method: 'declining_equal_installment',
  interest_rate: 12.0,
  rate_period: 'year',
  term: { count: 6, frequency: 'monthly' },
  day_count: '30/360',
  disbursement_date: '2026-01-15',
  first_repayment_date: '2026-02-15',
  fees: [
    { type: 'processing', amount: 150000 },
    { type: 'processing', percent: 2.75, tax_percent: 18, deduct_from_principal: true },
  ],
};

describe('POST /v1/loan-quotes', () => {
  it("quotes the issue's example: six installments in IDR without decimals, fees split, net disbursed, rates", async () => {
    const { status, body } = await quote(issueExample);
    expect(status).toBe(200);
    const q = body.data;
    expect(q.installments).toHaveLength(6);
    expect(q.installments.map((i: { due_date: string }) => i.due_date)).toEqual([
      '2026-02-15',
      '2026-03-15',
      '2026-04-15',
      '2026-05-15',
      '2026-06-15',
      '2026-07-15',
    ]);
    for (const i of q.installments) expect(Number.isInteger(i.total)).toBe(true);
    expect(q.installments.reduce((s: number, i: { principal: number }) => s + i.principal, 0)).toBe(10000000);
    expect(q.installments.map((i: { fees: number }) => i.fees)).toEqual([25000, 25000, 25000, 25000, 25000, 25000]);
    // 2.75 % of 10,000,000 = 275,000 plus 18 % tax 49,500, taken upfront.
    expect(q.upfront_fees).toBe(324500);
    expect(q.net_disbursed).toBe(9675500);
    expect(q.totals.total).toBe(q.totals.principal + q.totals.interest + q.totals.fees);
    expect(q.apr).toBeGreaterThan(12);
    expect(q.product).toBe('id-p2p-consumptive');
  });

  it('answers in USD with cents', async () => {
    const { body } = await quote({
      ...issueExample,
      currency: 'USD',
      principal: 100,
      fees: [],
      interest_rate: 7,
      term: { count: 12, frequency: 'monthly' },
      first_repayment_date: undefined,
      disbursement_date: '2024-01-01',
    });
    expect(body.data.installments[0].total).toBe(8.65);
  });

  it('refuses a quote that breaks the daily cap with 422, naming the cap', async () => {
    const { status, body } = await quote({
      ...issueExample,
      interest_rate: 120,
      term: { count: 12, frequency: 'monthly' },
    });
    expect(status).toBe(422);
    expect(body.error.code).toBe('cap_daily_economic_benefit');
    expect(body.error.details[0]).toMatchObject({ field: 'interest_rate' });
  });

  it('answers 400 naming each bad field', async () => {
    const { status, body } = await quote({
      ...issueExample,
      principal: 100.5,
      term: { count: 0, frequency: 'yearly' },
      fees: [{ type: 'x' }],
    });
    expect(status).toBe(400);
    const fields = body.error.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['term.count', 'term.frequency', 'fees.0.amount']));
  });

  it('refuses IDR amounts with decimals, naming the field', async () => {
    const { status, body } = await quote({ ...issueExample, principal: 100.5 });
    expect(status).toBe(400);
    expect(body.error.details).toEqual([{ field: 'principal', message: 'has more than 0 decimal places for IDR' }]);
  });
});
