/**
 * A borrower-app payment instruction is paid at most once, whichever path reports its money
 * (#workflows/app-payments), against DynamoDB Local: the app's notify webhook and the gateway
 * callback on the instruction's channel, each through applyIncomingPayment, one after the
 * other in either order and 20 of each at once; a second transfer to the same channel is
 * applied as its own payment. And generate payment's instruction is answered again for the same
 * request while live (20 at once: one), and replaced by another request on its channel.
 */
import { describe, expect, it } from 'vitest';
import { newId } from '#core/ids';
import { addDays } from '#core/loans/dates';
import type { Tenant } from '#core/tenant';
import { findAppPayment, putAppPayment, requestDigest } from '#store/app-payments';
import type { CollectionChannel } from '#store/collection-channels';
import { getLoanRecord, jakartaToday } from '#store/loans';
import { generateInstruction } from '#workflows/app-instructions';
import { gatewayPays, webhookPays } from '#workflows/app-payments';
import { applyIncomingPayment } from '#workflows/repayment';
import { seedServicedLoan } from '../helpers/seed-loans.ts';

const tenant: Tenant = { partnerId: newId('ptn'), mode: 'sandbox' };
const AMOUNT = 100_000n;

/** A 4-installment weekly loan disbursed today, with an unpaid instruction of AMOUNT on a VA channel. */
async function loanWithInstruction() {
  const disbursementDate = jakartaToday();
  const record = await seedServicedLoan(tenant, disbursementDate);
  const { loanId } = record;
  const channel = { channelId: newId('chn'), kind: 'VA', key: '8800112233445566' } as CollectionChannel;
  const paymentId = newId('inv');
  const expiryTime = `${addDays(disbursementDate, 3)}T00:00:00Z`;
  await putAppPayment(
    tenant,
    {
      paymentId,
      userId: record.borrowerId,
      loanId,
      channelId: channel.channelId,
      channel: 'virtual_account',
      amount: AMOUNT.toString(),
      expiryTime,
      createdAt: new Date().toISOString(),
    },
    {
      request: requestDigest({ userId: record.borrowerId, loanId, methodId: 1, billIds: ['x'], amount: '100000' }),
      seenRequest: null,
      seenChannel: null,
    },
  );
  return { loanId, channel, paymentId };
}

type Fixture = Awaited<ReturnType<typeof loanWithInstruction>>;

const viaWebhook = (f: Fixture, amount = AMOUNT) =>
  applyIncomingPayment(tenant, f.loanId, {
    provider: 'sandbox',
    providerPaymentId: `app:${f.paymentId}`,
    channel: 'virtual_account',
    amount,
    currency: 'IDR',
    reference: f.paymentId,
    instruction: webhookPays(tenant, f.paymentId, amount),
  });

const viaGateway = (f: Fixture, gatewayId: string, amount = AMOUNT) =>
  applyIncomingPayment(tenant, f.loanId, {
    provider: 'sandbox',
    providerPaymentId: gatewayId,
    channel: 'virtual_account',
    amount,
    currency: 'IDR',
    reference: f.channel.key,
    instruction: gatewayPays(tenant, f.channel, { provider: 'sandbox', providerPaymentId: gatewayId, amount }),
  });

const paidTotal = async (f: Fixture) => (await getLoanRecord(tenant, f.loanId)).ledger.paidTotal;

describe('a payment instruction paid through two paths', () => {
  it('paid by the gateway callback: PAID in the same write; its notification then applies nothing', async () => {
    const f = await loanWithInstruction();
    const paid = await viaGateway(f, newId('sbp'));
    expect(paid.duplicate).toBe(false);
    expect(await findAppPayment(tenant, f.paymentId)).toMatchObject({
      status: 'PAID',
      paidVia: 'gateway',
      ledgerPaymentId: paid.payment.paymentId,
      paidAmount: '100000',
    });
    const notified = await viaWebhook(f);
    expect(notified).toEqual({ payment: paid.payment, duplicate: true });
    expect(await paidTotal(f)).toBe(AMOUNT);
  });

  it("paid by the notification: the gateway's report of it is bound, a second transfer is applied", async () => {
    const f = await loanWithInstruction();
    const notified = await viaWebhook(f);
    expect(notified.duplicate).toBe(false);
    const report = newId('sbp');
    const reported = await viaGateway(f, report);
    expect(reported).toEqual({ payment: notified.payment, duplicate: true });
    expect(await viaGateway(f, report)).toEqual({ payment: notified.payment, duplicate: true });
    expect(await findAppPayment(tenant, f.paymentId)).toMatchObject({
      paidVia: 'webhook',
      gatewayPayment: `sandbox:${report}`,
    });
    expect(await paidTotal(f)).toBe(AMOUNT);
    const second = await viaGateway(f, newId('sbp'));
    expect(second.duplicate).toBe(false);
    expect(await paidTotal(f)).toBe(2n * AMOUNT);
  });

  it('a gateway payment of another amount on the channel is its own payment; the instruction stays unpaid', async () => {
    const f = await loanWithInstruction();
    await viaGateway(f, newId('sbp'), 70_000n);
    expect((await findAppPayment(tenant, f.paymentId))?.status).toBe('UNPAID');
    await viaWebhook(f);
    expect(await paidTotal(f)).toBe(170_000n);
  });

  it('20 notifications and 20 gateway callbacks at once, interleaved: applied exactly once', async () => {
    for (let round = 0; round < 3; round++) {
      const f = await loanWithInstruction();
      const gatewayId = newId('sbp');
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) => (i % 2 ? viaGateway(f, gatewayId) : viaWebhook(f))),
      );
      expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
      expect(new Set(results.map((r) => r.payment.paymentId)).size).toBe(1);
      expect(await paidTotal(f)).toBe(AMOUNT);
      expect((await findAppPayment(tenant, f.paymentId))?.status).toBe('PAID');
    }
  });
});

describe('the instruction a generate payment answers', () => {
  it('is one for the same request, 20 at once and again; another request on the channel replaces it', async () => {
    const { loanId } = await loanWithInstruction();
    const ask = { userId: 'bor_x', loanId, methodId: 1, bank: 'MANDIRI' as const, amount: 50_000n };
    const first = await Promise.all(
      Array.from({ length: 20 }, () => generateInstruction(tenant, { ...ask, billIds: [`${loanId}.1`] })),
    );
    const id = first[0]?.instruction.paymentId;
    expect(new Set(first.map((a) => a.instruction.paymentId))).toEqual(new Set([id]));
    expect((await generateInstruction(tenant, { ...ask, billIds: [`${loanId}.1`] })).instruction.paymentId).toBe(id);
    // Other bills of the same amount: the VA is unchanged, but a new instruction is its current one.
    const other = await generateInstruction(tenant, { ...ask, billIds: [`${loanId}.2`] });
    expect(other.channel.key).toBe(first[0]?.channel.key);
    expect(other.instruction.paymentId).not.toBe(id);
    // The first request again: its instruction was replaced, so a new one (the one a payment on the VA pays).
    const again = await generateInstruction(tenant, { ...ask, billIds: [`${loanId}.1`] });
    expect([id, other.instruction.paymentId]).not.toContain(again.instruction.paymentId);
  });
});
