/**
 * The borrower app's generate payment (item 18): a channel (the loan's VA at a bank, or a
 * dynamic QRIS) for the chosen bills' total, and the payment instruction naming it, answered
 * again for the same request while it is live. How an instruction is paid: #workflows/app-payments.
 */
import { InvalidStateError } from '#core/errors';
import { newId } from '#core/ids';
import type { BankCode } from '#core/repayment/virtual-accounts';
import type { Tenant } from '#core/tenant';
import {
  type AppPaymentInstruction,
  findAppPayment,
  findChannelInstructionId,
  findRequestInstructionId,
  InstructionRaceError,
  isPaid,
  putAppPayment,
  requestDigest,
} from '#store/app-payments';
import type { CollectionChannel } from '#store/collection-channels';
import { issueQris, issueVirtualAccount } from './collection.ts';

export interface InstructionAsk {
  userId: string;
  loanId: string;
  /** The payment method's id (payment_channel_id). */
  methodId: number;
  /** The VA's bank; none: a QRIS. */
  bank: BankCode | null;
  billIds: string[];
  /** Minor units: the chosen bills' total. */
  amount: bigint;
}

/** A channel's expiry as the app shows it (whole seconds). */
const expiryOf = (c: CollectionChannel) => c.expiresAt.replace(/\.\d{3}Z$/, 'Z');

/**
 * The instruction for a generate payment: the loan's VA at the bank (or a QRIS) for the bills'
 * total, and the instruction naming it. The same request (user, loan, method, bills, amount)
 * while its instruction is live — unpaid, still its channel's current instruction, and the
 * channel still the one issued for it (same channel, same expiry: not renewed since for
 * another amount, not expired) — answers that
 * instruction; 20 at once write one (a conditional write on the request's key; the others read
 * the winner's). Another set of bills or amount on the same channel makes a new instruction
 * that replaces the older one as the channel's current: the VA now asks the new amount (a
 * QRIS is a new code), so a gateway payment on the channel pays the new one; the older
 * payment_id still takes a PAID notification (real money is applied, never refused).
 */
export async function generateInstruction(
  tenant: Tenant,
  ask: InstructionAsk,
): Promise<{ instruction: AppPaymentInstruction; channel: CollectionChannel; imageUrl: string | null }> {
  const request = requestDigest({ ...ask, amount: ask.amount.toString() });
  for (let attempt = 0; attempt < 8; attempt++) {
    // Issuing is idempotent itself: the live channel for this amount is answered unchanged.
    const issued = ask.bank
      ? { channel: await issueVirtualAccount(tenant, ask.loanId, ask.bank, ask.amount), imageUrl: null }
      : await issueQris(tenant, ask.loanId, ask.amount);
    const { channel } = issued;
    const seenId = await findRequestInstructionId(tenant, request);
    const current = await findChannelInstructionId(tenant, channel.channelId);
    const seen = seenId ? await findAppPayment(tenant, seenId) : null;
    if (
      seen &&
      !isPaid(seen) &&
      // Still the channel's current instruction: another request on it since replaced it.
      seen.paymentId === current &&
      seen.channelId === channel.channelId &&
      seen.expiryTime === expiryOf(channel) &&
      seen.amount === ask.amount.toString()
    ) {
      return { ...issued, instruction: seen };
    }
    const instruction: AppPaymentInstruction = {
      paymentId: newId('inv'),
      userId: ask.userId,
      loanId: ask.loanId,
      channelId: channel.channelId,
      channel: ask.bank ? 'virtual_account' : 'qris',
      amount: ask.amount.toString(),
      expiryTime: expiryOf(channel),
      createdAt: new Date().toISOString(),
      status: 'UNPAID',
    };
    try {
      await putAppPayment(tenant, instruction, {
        request,
        seenRequest: seenId,
        seenChannel: current,
      });
      return { ...issued, instruction };
    } catch (error) {
      if (error instanceof InstructionRaceError) continue; // another asker wrote first: read the winner's
      throw error;
    }
  }
  throw new InvalidStateError('instruction_busy', 'The payment instruction is being written by another request: retry');
}
