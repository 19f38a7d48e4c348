/**
 * Collection: the channels a borrower pays a serviced loan through (virtual accounts, dynamic
 * QRIS, payment links), the inbound gateway callback that turns a payment into a ledger change,
 * and the sandbox gateway that behaves like Xendit or Midtrans (asynchronous, signed callbacks;
 * duplicates, late and out-of-order deliveries on demand), run by statemachines/sandbox-gateway.asl.json.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  InvalidStateError,
  NotConfiguredError,
  NotFoundError,
  UnauthenticatedError,
  ValidationError,
} from '#core/errors';
import { newId } from '#core/ids';
import { formatMajor, toMinor } from '#core/loans/money';
import { amountDue } from '#core/repayment/ledger';
import { buildDynamicQris, parseQris, qrisPng } from '#core/repayment/qris';
import { type BankCode, bankOfVaNumber, newVirtualAccount } from '#core/repayment/virtual-accounts';
import type { Tenant } from '#core/tenant';
import { logger } from '#http/logger';
import { countMetric } from '#http/metrics';
import { refuseUrl } from '#providers/egress';
import {
  type GatewayCallback,
  gatewayConfigFromEnv,
  gatewayFor,
  SANDBOX_SIGNATURE_HEADER,
  sandboxGateway,
  signSandboxCallback,
  verifiedCallback,
} from '#providers/payment-gateways';
import { findApplication } from '#store/applications';
import {
  type ChannelKind,
  ChannelTakenError,
  type CollectionChannel,
  findChannel,
  findLoanChannel,
  putChannel,
} from '#store/collection-channels';
import { presignDownload, putObject } from '#store/documents-bucket';
import { findLoanRecord, getLoanRecord, type LoanRecord, loanToday } from '#store/loans';
import { recordPaymentException, sandboxGatewaySecret } from '#store/payments';
import { gatewayPays } from './app-payments.ts';
import { applyIncomingPayment } from './repayment.ts';

/** How long each channel asks for its amount (a gateway's usual defaults). */
export const CHANNEL_LIFETIME_MS = { VA: 3 * 24 * 3600_000, QR: 30 * 60_000, LINK: 24 * 3600_000 } as const;

/** The account header the sandbox gateway sends (as Xendit's for-user-id names a sub-account). */
export const SANDBOX_ACCOUNT_HEADER = 'x-lendstack-gateway-account';

/** The sandbox QRIS merchant: a lender's collection account, shaped like a real QRIS merchant. */
const SANDBOX_MERCHANT = {
  merchantName: 'LENDSTACK SANDBOX',
  merchantCity: 'JAKARTA',
  merchantPan: '936000140000000001',
  merchantId: 'LSSBX0001',
  mcc: '6012',
  postalCode: '10110',
};

/**
 * A live VA or QRIS must be opened at the acquiring bank through a gateway (Xendit's fixed VA,
 * Midtrans's charge): no issuing adapter is configured in this release, so live mode refuses
 * clearly rather than hand out a number no bank would credit. Live callbacks (xendit, midtrans)
 * are verified and applied as in sandbox.
 */
function refuseLiveIssuing(tenant: Tenant, what: string): void {
  if (tenant.mode === 'live') throw new NotConfiguredError(`A payment gateway issuing ${what}`);
}

async function openLoan(tenant: Tenant, loanId: string): Promise<LoanRecord> {
  const record = await findLoanRecord(tenant, loanId);
  if (!record) {
    // 409 only for a loan of this partner and mode that is not disbursed yet: any other id
    // (another tenant's loan, the other mode's, none at all) is 404, as the routes promise.
    if (!(await findApplication(tenant, loanId))) throw new NotFoundError('loan', loanId);
    throw new InvalidStateError(
      'loan_not_disbursed',
      `Loan ${loanId} is not disbursed: nothing is collected before disbursal`,
    );
  }
  if (record.ledger.status === 'REPAID') {
    throw new InvalidStateError('loan_repaid', `Loan ${loanId} is REPAID: nothing is owed`);
  }
  return record;
}

const dueNow = (record: LoanRecord) => amountDue(record.ledger, loanToday(record));

function channelOf(
  tenant: Tenant,
  record: LoanRecord,
  kind: ChannelKind,
  key: string,
  amount: bigint,
  now: number,
  extra: Partial<CollectionChannel> = {},
): CollectionChannel {
  const at = new Date(now).toISOString();
  return {
    channelId: newId('chn'),
    kind,
    key,
    partnerId: tenant.partnerId,
    mode: tenant.mode,
    loanId: record.loanId,
    currency: record.ledger.currency,
    amount: formatMajor(amount, record.ledger.currency),
    expiresAt: new Date(now + CHANNEL_LIFETIME_MS[kind]).toISOString(),
    createdAt: at,
    updatedAt: at,
    ...extra,
  };
}

const live = (c: CollectionChannel | null, amount: string, now: number) =>
  c !== null && c.amount === amount && Date.parse(c.expiresAt) > now + 60_000;

/**
 * The loan's VA at `bank` for what is due now: the same number for the same loan and bank for
 * good (a borrower saves it in the bank app), its amount and expiry renewed when they moved.
 * Asking again while it is live answers it unchanged; concurrent askers all get the one VA.
 */
export async function issueVirtualAccount(
  tenant: Tenant,
  loanId: string,
  bank: BankCode,
  /** What to ask for instead of what is due now (the borrower app pays chosen bills). */
  chosenAmount?: bigint,
): Promise<CollectionChannel> {
  const slot = `VA#${bank}`;
  for (let attempt = 0; attempt < 8; attempt++) {
    const record = await openLoan(tenant, loanId);
    refuseLiveIssuing(tenant, 'virtual accounts');
    const amount = chosenAmount ?? dueNow(record);
    const now = Date.now();
    const current = await findLoanChannel(tenant, loanId, slot);
    if (current && live(current, formatMajor(amount, record.ledger.currency), now)) return current;
    const number = current
      ? { vaNumber: current.key, partnerServiceId: current.partnerServiceId, customerNo: current.customerNo }
      : newVirtualAccount(bank);
    const channel = channelOf(tenant, record, 'VA', number.vaNumber, amount, now, {
      bankCode: bank,
      partnerServiceId: number.partnerServiceId,
      customerNo: number.customerNo,
      ...(current ? { channelId: current.channelId, createdAt: current.createdAt } : {}),
    });
    try {
      await putChannel(tenant, slot, channel, current ?? undefined);
      return channel;
    } catch (error) {
      if (error instanceof ChannelTakenError) continue; // another asker won, or the number was taken
      throw error;
    }
  }
  throw new InvalidStateError('channel_busy', 'The virtual account is being issued by another request: retry');
}

/** A dynamic QRIS for what is due now (its bill number is our reference), with its PNG. */
export async function issueQris(
  tenant: Tenant,
  loanId: string,
  /** What to ask for instead of what is due now (the borrower app pays chosen bills). */
  chosenAmount?: bigint,
): Promise<{ channel: CollectionChannel; imageUrl: string }> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const record = await openLoan(tenant, loanId);
    refuseLiveIssuing(tenant, 'QRIS');
    const amount = chosenAmount ?? dueNow(record);
    const now = Date.now();
    const current = await findLoanChannel(tenant, loanId, 'QR');
    if (current && live(current, formatMajor(amount, record.ledger.currency), now)) {
      return { channel: current, imageUrl: await presignDownload(qrImageKey(current), secondsLeft(current, now)) };
    }
    const billNumber = qrBillNumber(tenant, loanId, current, amount, attempt);
    const qrString = buildDynamicQris({ ...SANDBOX_MERCHANT, amount, billNumber });
    const channel = channelOf(tenant, record, 'QR', billNumber, amount, now, { qrString });
    await putObject(qrImageKey(channel), await qrisPng(qrString), 'image/png');
    try {
      await putChannel(tenant, 'QR', channel, current ?? undefined);
      return { channel, imageUrl: await presignDownload(qrImageKey(channel), secondsLeft(channel, now)) };
    } catch (error) {
      if (error instanceof ChannelTakenError) continue;
      throw error;
    }
  }
  throw new InvalidStateError('channel_busy', 'The QRIS is being issued by another request: retry');
}

/**
 * The QRIS bill number: drawn from what the asker saw (the loan, the QRIS it replaces, the
 * amount), so concurrent askers build the same QR and write the same PNG, and the one that
 * loses the slot answers the winner's without leaving a PNG of its own behind. A later re-issue
 * replaces another channel, so it gets another number; after the first try a number is random.
 */
function qrBillNumber(
  tenant: Tenant,
  loanId: string,
  replacing: CollectionChannel | null,
  amount: bigint,
  attempt: number,
): string {
  if (attempt > 0) return `LS${randomBytes(9).toString('hex').toUpperCase()}`;
  const seen = [
    tenant.partnerId,
    tenant.mode,
    loanId,
    replacing?.channelId ?? '-',
    replacing?.updatedAt ?? '-',
    amount,
  ];
  return `LS${createHash('sha256').update(seen.join('|')).digest('hex').slice(0, 18).toUpperCase()}`;
}

const qrImageKey = (c: CollectionChannel) => `qris/${c.partnerId}/${c.mode}/${c.key}.png`;
const secondsLeft = (c: CollectionChannel, now: number) =>
  Math.max(60, Math.floor((Date.parse(c.expiresAt) - now) / 1000));

/** A payment link: an unguessable token naming the loan; the hosted page shows what is due when opened. */
export async function issuePaymentLink(tenant: Tenant, loanId: string): Promise<CollectionChannel> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const record = await openLoan(tenant, loanId);
    const amount = dueNow(record);
    const now = Date.now();
    const current = await findLoanChannel(tenant, loanId, 'LINK');
    if (current && live(current, formatMajor(amount, record.ledger.currency), now)) return current;
    const channel = channelOf(tenant, record, 'LINK', `pl_${randomBytes(18).toString('base64url')}`, amount, now);
    try {
      await putChannel(tenant, 'LINK', channel, current ?? undefined);
      return channel;
    } catch (error) {
      if (error instanceof ChannelTakenError) continue;
      throw error;
    }
  }
  throw new InvalidStateError('channel_busy', 'The payment link is being issued by another request: retry');
}

/** The link a token names, live, or NotFoundError (an unknown or expired link). */
export async function paymentLinkOf(token: string): Promise<{ channel: CollectionChannel; record: LoanRecord }> {
  const channel = await findChannel('LINK', token);
  if (!channel || Date.parse(channel.expiresAt) < Date.now()) throw new NotFoundError('payment_link', token);
  const tenant: Tenant = { partnerId: channel.partnerId, mode: channel.mode };
  return { channel, record: await getLoanRecord(tenant, channel.loanId) };
}

// ----------------------------------------------------------------------------- inbound callbacks

export type CallbackOutcome = 'applied' | 'duplicate' | 'ignored' | 'exception';

/**
 * A gateway's callback: verified before anything is read (sandbox: the signature of the
 * account's own secret; Xendit/Midtrans: the configured token or key), then matched to the
 * channel it names and applied to that loan once per provider payment id (and, when the channel
 * carries the borrower app's unpaid instruction for that amount, marking it PAID in the same
 * transaction: see #workflows/app-payments). A status other than
 * PAID changes nothing (a stale PENDING arriving after the PAID is harmless); a payment that
 * names no channel is kept as a payment exception.
 */
export async function handleGatewayCallback(
  provider: string,
  headers: Record<string, string | undefined>,
  rawBody: string,
): Promise<{ outcome: CallbackOutcome; paymentId?: string; exceptionId?: string }> {
  let callback: GatewayCallback;
  let account: Tenant | null = null;
  if (provider === 'sandbox') {
    const partnerId = headers[SANDBOX_ACCOUNT_HEADER];
    if (!partnerId || !/^ptn_[0-9a-z]{26}$/.test(partnerId) || !headers[SANDBOX_SIGNATURE_HEADER]) {
      throw new UnauthenticatedError('The callback is not signed by the sandbox gateway', 'invalid_gateway_signature');
    }
    account = { partnerId, mode: 'sandbox' };
    callback = verifiedCallback(sandboxGateway(await sandboxGatewaySecret(account)), headers, rawBody);
  } else {
    callback = verifiedCallback(gatewayFor(provider, gatewayConfigFromEnv(process.env)), headers, rawBody);
  }
  if (callback.status !== 'PAID') {
    logger.info('gateway callback without money', {
      provider,
      providerPaymentId: callback.providerPaymentId,
      status: callback.status,
    });
    return { outcome: 'ignored' };
  }
  const channel = await channelOfCallback(callback);
  // The sandbox account may only pay its own channels: another account's is no channel of its.
  const matched =
    channel && (!account || (channel.partnerId === account.partnerId && channel.mode === account.mode))
      ? channel
      : null;
  if (!matched) {
    const exception = await recordPaymentException(account, {
      reason: 'UNKNOWN_CHANNEL',
      message: `No live ${callback.channel} matches ${referenceOf(callback) ?? 'the payment'}`,
      provider: callback.provider,
      providerPaymentId: callback.providerPaymentId,
      channel: callback.channel,
      amount: formatMajor(callback.amount, 'IDR'),
      currency: callback.currency,
      ...(referenceOf(callback) ? { reference: referenceOf(callback) } : {}),
      receivedAt: new Date().toISOString(),
      raw: callback.raw,
    });
    countMetric('PaymentExceptions', exception.reason);
    logger.warn('payment exception', {
      exceptionId: exception.exceptionId,
      provider,
      reason: exception.reason,
      metric: 'PaymentExceptions',
    });
    return { outcome: 'exception', exceptionId: exception.exceptionId };
  }
  const tenant: Tenant = { partnerId: matched.partnerId, mode: matched.mode };
  const applied = await applyIncomingPayment(tenant, matched.loanId, {
    provider: callback.provider,
    providerPaymentId: callback.providerPaymentId,
    channel: callback.channel,
    amount: callback.amount,
    currency: callback.currency,
    ...(referenceOf(callback) ? { reference: referenceOf(callback) } : {}),
    ...(callback.paidAt ? { receivedAt: new Date(callback.paidAt).toISOString() } : {}),
    // A borrower-app instruction on this channel is paid by this payment, at most once across
    // this callback and the app's notify webhook (#workflows/app-payments).
    ...(matched.kind === 'VA' || matched.kind === 'QR' ? { instruction: gatewayPays(tenant, matched, callback) } : {}),
  });
  return { outcome: applied.duplicate ? 'duplicate' : 'applied', paymentId: applied.payment.paymentId };
}

const referenceOf = (c: GatewayCallback) => c.vaNumber ?? c.qrReference ?? c.linkToken ?? c.externalId;

async function channelOfCallback(c: GatewayCallback): Promise<CollectionChannel | null> {
  if (c.vaNumber) return findChannel('VA', c.vaNumber.replace(/\D/g, ''));
  if (c.qrReference) return findChannel('QR', c.qrReference);
  if (c.linkToken) return findChannel('LINK', c.linkToken);
  return null;
}

// ----------------------------------------------------------------------------- sandbox gateway

/** What `POST /v1/sandbox/payments` asks the sandbox gateway to pay. */
export interface SandboxPaymentRequest {
  channel: 'virtual_account' | 'qris' | 'payment_link';
  va_number?: string;
  qr_string?: string;
  url?: string;
  amount: number | string;
}

/** One callback the sandbox gateway will deliver: after `delaySeconds`, this body. */
export interface PlannedCallback {
  delaySeconds: number;
  body: string;
}

export interface SandboxGatewayInput {
  partnerId: string;
  paymentId: string;
  callbackUrl: string;
  callbacks: PlannedCallback[];
}

/**
 * Magic amounts (the rupiah amount's last three digits) choose how the gateway misbehaves:
 * 991 the callback arrives late (15 s), 992 the same callback three times at once, 993 out of
 * order (the PAID first, then a stale PENDING with a lower sequence). Anything else: one PAID
 * callback at once.
 */
export function planSandboxCallbacks(
  tenant: Tenant,
  request: SandboxPaymentRequest,
  paymentId: string,
  now = new Date(),
): PlannedCallback[] {
  const amount = toMinor(request.amount, 'IDR', 'amount');
  if (amount <= 0n) throw new ValidationError([{ field: 'amount', message: 'must be greater than zero' }]);
  const target = sandboxTarget(request);
  const body = (status: 'PAID' | 'PENDING', sequence: number) =>
    JSON.stringify({
      id: paymentId,
      status,
      channel: request.channel,
      amount: amount.toString(),
      ...target,
      external_id: `${tenant.partnerId}:${paymentId}`,
      ...(status === 'PAID' ? { paid_at: now.toISOString() } : {}),
      sequence,
    });
  const magic = amount % 1000n;
  if (magic === 991n) return [{ delaySeconds: 15, body: body('PAID', 2) }];
  if (magic === 992n) return [0, 0, 0].map((delaySeconds) => ({ delaySeconds, body: body('PAID', 2) }));
  if (magic === 993n) {
    return [
      { delaySeconds: 0, body: body('PAID', 2) },
      { delaySeconds: 2, body: body('PENDING', 1) },
    ];
  }
  return [{ delaySeconds: 1, body: body('PAID', 2) }];
}

function sandboxTarget(request: SandboxPaymentRequest): Record<string, string> {
  switch (request.channel) {
    case 'virtual_account': {
      const va = request.va_number?.replace(/[\s-]/g, '');
      if (!va || !/^\d{6,28}$/.test(va)) {
        throw new ValidationError([
          { field: 'va_number', message: 'is required for virtual_account: the digits paid to' },
        ]);
      }
      const bank = bankOfVaNumber(va);
      return { va_number: va, ...(bank ? { bank_code: bank } : {}) };
    }
    case 'qris': {
      if (!request.qr_string) throw new ValidationError([{ field: 'qr_string', message: 'is required for qris' }]);
      const parsed = parseQris(request.qr_string);
      if (!parsed.crcValid || !parsed.billNumber) {
        throw new ValidationError([
          { field: 'qr_string', message: 'is not a dynamic QRIS with a valid CRC and a bill number' },
        ]);
      }
      return { qr_reference: parsed.billNumber };
    }
    case 'payment_link': {
      const token = request.url ? /\/(pl_[A-Za-z0-9_-]+)(?:[/?#]|$)/.exec(request.url)?.[1] : undefined;
      if (!token) throw new ValidationError([{ field: 'url', message: 'must be a payment link this API issued' }]);
      return { link_token: token };
    }
  }
}

export class GatewayCallbackRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GatewayCallbackRefused';
  }
}

/**
 * The sandbox gateway's delivery task: one signed POST to the callback route, as a gateway
 * would make it. A non-2xx answer throws GatewayCallbackRefused, which the ASL retries with
 * backoff (gateways retry too).
 */
export const deliverSandboxCallback = async (input: {
  partnerId: string;
  callbackUrl: string;
  body: string;
}): Promise<{ status: number }> => {
  const tenant: Tenant = { partnerId: input.partnerId, mode: 'sandbox' };
  const refused = await refuseUrl(input.callbackUrl, 'sandbox');
  if (refused) throw new GatewayCallbackRefused(`callback URL refused: ${refused}`);
  const secret = await sandboxGatewaySecret(tenant);
  const response = await fetch(input.callbackUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      [SANDBOX_SIGNATURE_HEADER]: signSandboxCallback(input.body, secret),
      [SANDBOX_ACCOUNT_HEADER]: input.partnerId,
    },
    body: input.body,
    signal: AbortSignal.timeout(10_000),
  });
  await response.text();
  if (!response.ok) throw new GatewayCallbackRefused(`callback answered ${response.status}`);
  return { status: response.status };
};
