/**
 * The borrower app's payment instructions meet the ledger here. An instruction (generate
 * payment's payment_id) is paid at most once, whichever path reports its money first: the app's
 * notify webhook (reference_no = payment_id) or the core gateway callback on its channel (the
 * VA or QRIS). The path that pays it marks it PAID in the same transaction as the payment
 * (applyIncomingPayment's `instruction`), so concurrent deliveries of both paths apply it once.
 */
import type { Tenant } from '#core/tenant';
import {
  type AppPaymentInstruction,
  bindGatewayPayment,
  findAppPayment,
  findChannelInstruction,
  isPaid,
  markPaidItem,
} from '#store/app-payments';
import type { CollectionChannel } from '#store/collection-channels';
import { type PaymentProvider, providerRefClaim } from '#store/payments';
import type { InstructionStep } from './repayment.ts';

/**
 * The notify webhook's step for instruction `paymentId`: unpaid, this notification pays it;
 * already PAID (by an earlier notification or by the gateway callback on its channel), nothing
 * is applied and the webhook answers its success again.
 */
export function webhookPays(tenant: Tenant, paymentId: string, amount: bigint): () => Promise<InstructionStep> {
  return async () => {
    const instruction = await findAppPayment(tenant, paymentId);
    if (instruction && isPaid(instruction) && instruction.ledgerPaymentId) {
      return { kind: 'paid', paymentId: instruction.ledgerPaymentId };
    }
    return {
      kind: 'pays',
      items: (payment) => [
        markPaidItem(tenant, paymentId, {
          via: 'webhook',
          ledgerPaymentId: payment.paymentId,
          amount,
          at: payment.receivedAt,
        }),
      ],
    };
  };
}

/**
 * The gateway callback's step for a payment of `amount` on `channel`, decided against the
 * channel's current instruction (the newest generated on it):
 * - unpaid and of the same amount: this payment pays it (PAID in the same transaction);
 * - paid by the webhook, no gateway payment bound yet, the same amount: this callback is the
 *   gateway's own report of the money the webhook reported, so it is bound to that payment and
 *   applies nothing (its retries find the claim);
 * - anything else (no instruction, another amount, an instruction already paid through the
 *   gateway or already bound): a payment of its own, applied — a second transfer to the same VA
 *   is real money (it pays the next bills, or becomes the borrower's credit).
 */
export function gatewayPays(
  tenant: Tenant,
  channel: CollectionChannel,
  callback: { provider: PaymentProvider; providerPaymentId: string; amount: bigint },
): () => Promise<InstructionStep> {
  const gatewayPayment = `${callback.provider}:${callback.providerPaymentId}`;
  return async () => {
    const instruction = await findChannelInstruction(tenant, channel.channelId);
    if (!instruction || instruction.channelId !== channel.channelId) return { kind: 'none' };
    if (!isPaid(instruction)) {
      if (BigInt(instruction.amount) !== callback.amount) return { kind: 'none' };
      return {
        kind: 'pays',
        items: (payment) => [
          markPaidItem(tenant, instruction.paymentId, {
            via: 'gateway',
            ledgerPaymentId: payment.paymentId,
            amount: callback.amount,
            at: payment.receivedAt,
            gatewayPayment,
          }),
        ],
      };
    }
    if (webhookMoneyUnbound(instruction, callback.amount)) {
      const paid = instruction.ledgerPaymentId as string;
      const claim = providerRefClaim(tenant, callback.provider, callback.providerPaymentId, {
        paymentId: paid,
        loanId: instruction.loanId,
        receivedAt: new Date().toISOString(),
      });
      return {
        kind: 'paid',
        paymentId: paid,
        bind: () => bindGatewayPayment(tenant, instruction.paymentId, gatewayPayment, claim),
      };
    }
    return { kind: 'none' };
  };
}

const webhookMoneyUnbound = (i: AppPaymentInstruction, amount: bigint) =>
  i.paidVia === 'webhook' &&
  !i.gatewayPayment &&
  i.ledgerPaymentId !== undefined &&
  i.paidAmount !== undefined &&
  BigInt(i.paidAmount) === amount;
