/**
 * Payment gateways behind one port: a callback's authenticity is checked by `verify` (which
 * throws UnauthenticatedError, a 401, before anything in the body is used), then `parse` turns
 * the gateway's body into one normalized GatewayCallback. One adapter per gateway:
 *
 * - sandbox: lendstack's own simulated gateway. Header `x-lendstack-gateway-signature:
 *   t=<unix>,v1=<hex HMAC-SHA256 of "t.body">`, the scheme of our outgoing webhooks
 *   (core/webhooks.ts), 300 s tolerance. Body (ours):
 *   `{ "id", "status": "PAID"|"PENDING"|"EXPIRED"|"FAILED"|"REFUNDED",
 *      "channel": "virtual_account"|"qris"|"payment_link", "amount": "150000" (whole rupiah,
 *      a digit string or an integer), "va_number"?, "bank_code"?, "qr_reference"?,
 *      "link_token"?, "external_id"?, "paid_at"? (ISO 8601), "sequence" (integer >= 0, the
 *      order the gateway emitted events for one payment) }`.
 * - xendit: the static `x-callback-token` header equals the account's callback verification
 *   token. Bodies: the fixed virtual account "paid" callback and the QR code `qr.payment`
 *   callback, in both the 2022-07-31 shape (`data.*`) and the earlier flat one (`qr_code.*`).
 *   Shapes from Xendit's API reference examples (docs.xendit.co/xenpayments/virtual-account/
 *   testing; archive.developers.xendit.co/api-reference/qr-codes), as reproduced field for field
 *   in public client libraries' fixtures; the test file carries them.
 * - midtrans: the body's `signature_key` = hex SHA-512 of order_id + status_code +
 *   gross_amount + server key (docs.midtrans.com/docs/https-notification-webhooks). Status
 *   mapping: settlement/capture -> PAID (a capture with fraud_status "challenge" stays
 *   PENDING), pending -> PENDING, expire -> EXPIRED, cancel/deny/failure -> FAILED,
 *   refund/partial_refund/chargeback -> REFUNDED.
 *
 * Configuration (the caller reads it, nothing here reads the environment at import):
 * PAYMENT_GATEWAY_SANDBOX_SECRET, XENDIT_CALLBACK_TOKEN, MIDTRANS_SERVER_KEY; see
 * gatewayConfigFromEnv. A gateway without its secret refuses with NotConfiguredError: lendstack
 * never accepts an unauthenticated callback.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import {
  type FieldIssue,
  NotConfiguredError,
  NotFoundError,
  UnauthenticatedError,
  ValidationError,
} from '#core/errors';
import { toMinor } from '#core/loans/money';
import { signWebhook, verifyWebhookSignature } from '#core/webhooks';

export const GATEWAY_PROVIDERS = ['sandbox', 'xendit', 'midtrans'] as const;
export type GatewayProvider = (typeof GATEWAY_PROVIDERS)[number];

export type GatewayStatus = 'PAID' | 'PENDING' | 'EXPIRED' | 'FAILED' | 'REFUNDED';
export type GatewayChannel = 'virtual_account' | 'qris' | 'payment_link';

/** One gateway event, whichever gateway sent it. Amounts are exact whole rupiah. */
export interface GatewayCallback {
  provider: GatewayProvider;
  /** The gateway's id of this payment: the idempotency key of applying it. */
  providerPaymentId: string;
  status: GatewayStatus;
  channel: GatewayChannel;
  amount: bigint;
  currency: 'IDR';
  /** The digits the payer paid to (no spaces). */
  vaNumber?: string;
  /** The bank as the gateway names it, upper case (BCA, BNI, MANDIRI, …). */
  bankCode?: string;
  /** Our QR reference (the dynamic QRIS's bill number / the gateway QR's reference_id). */
  qrReference?: string;
  /** The payment link's token (sandbox). */
  linkToken?: string;
  /** Our reference the gateway echoes: Xendit's external_id, Midtrans's order_id. */
  externalId?: string;
  /** When the money moved, ISO 8601. */
  paidAt?: string;
  /** Emission order of events for one payment (sandbox), to recognise a stale one arriving late. */
  sequence?: number;
  /** The parsed body, kept for the payment record and ops. */
  raw: unknown;
}

export type GatewayHeaders = Record<string, string | undefined>;

export interface PaymentGateway {
  provider: GatewayProvider;
  /** Throws UnauthenticatedError (code `invalid_gateway_signature`) unless the callback is the gateway's. */
  verify(headers: GatewayHeaders, rawBody: string, now?: Date): void;
  /** The normalized callback; ValidationError on a malformed body. Call only after verify. */
  parse(rawBody: string): GatewayCallback;
}

export interface GatewayConfig {
  sandboxSecret?: string;
  xenditCallbackToken?: string;
  midtransServerKey?: string;
}

export const SANDBOX_SIGNATURE_HEADER = 'x-lendstack-gateway-signature';
export const XENDIT_TOKEN_HEADER = 'x-callback-token';

/** The configuration from environment variables the caller passes (a Lambda's process.env). */
export function gatewayConfigFromEnv(env: Record<string, string | undefined>): GatewayConfig {
  const config: GatewayConfig = {};
  if (env.PAYMENT_GATEWAY_SANDBOX_SECRET) config.sandboxSecret = env.PAYMENT_GATEWAY_SANDBOX_SECRET;
  if (env.XENDIT_CALLBACK_TOKEN) config.xenditCallbackToken = env.XENDIT_CALLBACK_TOKEN;
  if (env.MIDTRANS_SERVER_KEY) config.midtransServerKey = env.MIDTRANS_SERVER_KEY;
  return config;
}

export function isGatewayProvider(value: unknown): value is GatewayProvider {
  return typeof value === 'string' && (GATEWAY_PROVIDERS as readonly string[]).includes(value);
}

/** The adapter for `provider` (the path segment of the callback route). */
export function gatewayFor(provider: string, config: GatewayConfig): PaymentGateway {
  switch (provider) {
    case 'sandbox':
      if (!config.sandboxSecret) throw new NotConfiguredError('Payment gateway sandbox');
      return sandboxGateway(config.sandboxSecret);
    case 'xendit':
      if (!config.xenditCallbackToken) throw new NotConfiguredError('Payment gateway xendit');
      return xenditGateway(config.xenditCallbackToken);
    case 'midtrans':
      if (!config.midtransServerKey) throw new NotConfiguredError('Payment gateway midtrans');
      return midtransGateway(config.midtransServerKey);
    default:
      throw new NotFoundError('payment_gateway', provider);
  }
}

/** verify, then parse: the order every caller needs. */
export function verifiedCallback(
  gateway: PaymentGateway,
  headers: GatewayHeaders,
  rawBody: string,
  now?: Date,
): GatewayCallback {
  gateway.verify(headers, rawBody, now);
  return gateway.parse(rawBody);
}

// ---------------------------------------------------------------------------------------------
// Shared helpers

const refuse = (provider: string) =>
  new UnauthenticatedError(`The ${provider} callback's signature is missing or invalid`, 'invalid_gateway_signature');

/** Header lookup whatever the casing the front door kept. */
function header(headers: GatewayHeaders, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

/** Equal strings in time independent of where they differ: both hashed to 32 bytes first, so lengths leak nothing. */
function constantTimeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a, 'utf8').digest();
  const hb = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}

type Json = Record<string, unknown>;

function jsonObject(rawBody: string): Json {
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawBody);
  } catch (cause) {
    throw new ValidationError([{ field: 'body', message: 'must be JSON' }], 'The callback body is not JSON', { cause });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ValidationError([{ field: 'body', message: 'must be a JSON object' }]);
  }
  return parsed as Json;
}

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Collects field issues while reading a body, so one ValidationError names all of them. */
class Reader {
  readonly issues: FieldIssue[] = [];
  constructor(
    private readonly body: Json,
    private readonly prefix = '',
  ) {}

  private field(name: string) {
    return this.prefix ? `${this.prefix}.${name}` : name;
  }

  string(name: string): string {
    const value = this.body[name];
    if (typeof value === 'string' && value.length > 0) return value;
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
    this.issues.push({ field: this.field(name), message: value === undefined ? 'is required' : 'must be a string' });
    return '';
  }

  optionalString(name: string): string | undefined {
    const value = this.body[name];
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value === 'string') return value;
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
    this.issues.push({ field: this.field(name), message: 'must be a string' });
    return undefined;
  }

  /** Whole rupiah from a number or a decimal string ("10000.00" is 10000n); more precision is an issue. */
  rupiah(name: string): bigint {
    const value = this.body[name];
    if (typeof value !== 'number' && typeof value !== 'string') {
      this.issues.push({ field: this.field(name), message: value === undefined ? 'is required' : 'must be a number' });
      return 0n;
    }
    try {
      const amount = toMinor(value, 'IDR', this.field(name));
      if (amount < 0n) this.issues.push({ field: this.field(name), message: 'must not be negative' });
      return amount;
    } catch (error) {
      if (error instanceof ValidationError) this.issues.push(...error.details);
      else throw error;
      return 0n;
    }
  }

  currency(name: string): 'IDR' {
    const value = this.body[name];
    if (value !== undefined && value !== null && value !== 'IDR') {
      this.issues.push({ field: this.field(name), message: 'must be IDR' });
    }
    return 'IDR';
  }

  done(): void {
    if (this.issues.length) throw new ValidationError(this.issues, 'The callback body is malformed');
  }
}

function withOptionals(callback: GatewayCallback, optionals: Partial<GatewayCallback>): GatewayCallback {
  for (const [key, value] of Object.entries(optionals)) {
    if (value !== undefined) (callback as unknown as Json)[key] = value;
  }
  return callback;
}

// ---------------------------------------------------------------------------------------------
// Sandbox

const SANDBOX_STATUSES: readonly GatewayStatus[] = ['PAID', 'PENDING', 'EXPIRED', 'FAILED', 'REFUNDED'];
const CHANNELS: readonly GatewayChannel[] = ['virtual_account', 'qris', 'payment_link'];

/** The body our sandbox gateway posts (see the module comment). */
export interface SandboxCallbackBody {
  id: string;
  status: GatewayStatus;
  channel: GatewayChannel;
  amount: string | number;
  va_number?: string;
  bank_code?: string;
  qr_reference?: string;
  link_token?: string;
  external_id?: string;
  paid_at?: string;
  sequence: number;
}

/** The header value the sandbox gateway sends with `body`: `t=<unix>,v1=<hmac>`. */
export function signSandboxCallback(body: string, secret: string, now: Date = new Date()): string {
  return signWebhook(secret, body, Math.floor(now.getTime() / 1000));
}

export function sandboxGateway(secret: string): PaymentGateway {
  return {
    provider: 'sandbox',
    verify(headers, rawBody, now = new Date()) {
      const signature = header(headers, SANDBOX_SIGNATURE_HEADER);
      if (!signature) throw refuse('sandbox');
      // verifyWebhookSignature: recompute, compare equal-length buffers with timingSafeEqual, check the age.
      if (!verifyWebhookSignature(secret, rawBody, signature, Math.floor(now.getTime() / 1000))) {
        throw refuse('sandbox');
      }
    },
    parse(rawBody) {
      const body = jsonObject(rawBody);
      const read = new Reader(body);
      const id = read.string('id');
      const status = body.status as GatewayStatus;
      if (!SANDBOX_STATUSES.includes(status)) {
        read.issues.push({ field: 'status', message: `must be one of ${SANDBOX_STATUSES.join(', ')}` });
      }
      const channel = body.channel as GatewayChannel;
      if (!CHANNELS.includes(channel))
        read.issues.push({ field: 'channel', message: `must be one of ${CHANNELS.join(', ')}` });
      const amount = read.rupiah('amount');
      const sequence = body.sequence;
      if (typeof sequence !== 'number' || !Number.isSafeInteger(sequence) || sequence < 0) {
        read.issues.push({ field: 'sequence', message: 'must be an integer >= 0' });
      }
      const paidAt = read.optionalString('paid_at');
      if (paidAt !== undefined && Number.isNaN(Date.parse(paidAt))) {
        read.issues.push({ field: 'paid_at', message: 'must be an ISO 8601 date-time' });
      }
      const optionals = {
        vaNumber: read.optionalString('va_number'),
        bankCode: read.optionalString('bank_code')?.toUpperCase(),
        qrReference: read.optionalString('qr_reference'),
        linkToken: read.optionalString('link_token'),
        externalId: read.optionalString('external_id'),
        paidAt,
      };
      read.done();
      return withOptionals(
        {
          provider: 'sandbox',
          providerPaymentId: id,
          status,
          channel,
          amount,
          currency: 'IDR',
          sequence: sequence as number,
          raw: body,
        },
        optionals,
      );
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Xendit

/** QR payment statuses: SUCCEEDED (2022-07-31 API) and COMPLETED (the earlier one) are paid. */
const XENDIT_QR_STATUS: Record<string, GatewayStatus> = {
  SUCCEEDED: 'PAID',
  COMPLETED: 'PAID',
  PENDING: 'PENDING',
  FAILED: 'FAILED',
  EXPIRED: 'EXPIRED',
};

export function xenditGateway(callbackToken: string): PaymentGateway {
  return {
    provider: 'xendit',
    verify(headers) {
      const token = header(headers, XENDIT_TOKEN_HEADER);
      if (!token || !constantTimeEqual(token, callbackToken)) throw refuse('xendit');
    },
    parse(rawBody) {
      const body = jsonObject(rawBody);
      if (body.event === 'qr.payment') return isObject(body.data) ? xenditQrV2(body, body.data) : xenditQrV1(body);
      if ('callback_virtual_account_id' in body || 'payment_id' in body) return xenditFixedVa(body);
      throw new ValidationError(
        [{ field: 'body', message: 'is neither a fixed virtual account payment nor a qr.payment callback' }],
        'Unknown Xendit callback',
      );
    },
  };
}

/** Fixed VA paid: sent once the bank credits the VA, so it is always PAID. */
function xenditFixedVa(body: Json): GatewayCallback {
  const read = new Reader(body);
  const callback: GatewayCallback = {
    provider: 'xendit',
    providerPaymentId: read.string('payment_id'),
    status: 'PAID',
    channel: 'virtual_account',
    amount: read.rupiah('amount'),
    currency: read.currency('currency'),
    vaNumber: read.string('account_number'),
    bankCode: read.string('bank_code').toUpperCase(),
    raw: body,
  };
  const optionals = {
    externalId: read.optionalString('external_id'),
    paidAt: read.optionalString('transaction_timestamp'),
  };
  read.done();
  return withOptionals(callback, optionals);
}

function xenditQrStatus(read: Reader, value: unknown, field: string): GatewayStatus {
  const status = typeof value === 'string' ? XENDIT_QR_STATUS[value] : undefined;
  if (!status) read.issues.push({ field, message: `is not a known QR payment status (${String(value)})` });
  return status ?? 'PENDING';
}

/** `{ event: "qr.payment", api_version: "2022-07-31", data: { id, amount, status, qr_id, qr_string, reference_id, … } }` */
function xenditQrV2(envelope: Json, data: Json): GatewayCallback {
  const read = new Reader(data, 'data');
  const callback: GatewayCallback = {
    provider: 'xendit',
    providerPaymentId: read.string('id'),
    status: xenditQrStatus(read, data.status, 'data.status'),
    channel: 'qris',
    amount: read.rupiah('amount'),
    currency: read.currency('currency'),
    raw: envelope,
  };
  const reference = read.optionalString('reference_id');
  const optionals = { qrReference: reference, externalId: reference, paidAt: read.optionalString('created') };
  read.done();
  return withOptionals(callback, optionals);
}

/** The earlier flat shape: `{ event: "qr.payment", id, amount, status: "COMPLETED", qr_code: { id, external_id, qr_string } }` */
function xenditQrV1(body: Json): GatewayCallback {
  const read = new Reader(body);
  const qr = isObject(body.qr_code) ? new Reader(body.qr_code, 'qr_code') : undefined;
  if (!qr) read.issues.push({ field: 'qr_code', message: 'is required' });
  const callback: GatewayCallback = {
    provider: 'xendit',
    providerPaymentId: read.string('id'),
    status: xenditQrStatus(read, body.status, 'status'),
    channel: 'qris',
    amount: read.rupiah('amount'),
    currency: 'IDR',
    raw: body,
  };
  const reference = qr?.optionalString('external_id');
  const optionals = { qrReference: reference, externalId: reference, paidAt: read.optionalString('created') };
  read.issues.push(...(qr?.issues ?? []));
  read.done();
  return withOptionals(callback, optionals);
}

// ---------------------------------------------------------------------------------------------
// Midtrans

const MIDTRANS_STATUS: Record<string, GatewayStatus> = {
  settlement: 'PAID',
  capture: 'PAID',
  pending: 'PENDING',
  expire: 'EXPIRED',
  cancel: 'FAILED',
  deny: 'FAILED',
  failure: 'FAILED',
  refund: 'REFUNDED',
  partial_refund: 'REFUNDED',
  chargeback: 'REFUNDED',
  partial_chargeback: 'REFUNDED',
};

/** Midtrans's notification signature: hex SHA-512 of order_id + status_code + gross_amount + server key. */
export function midtransSignature(orderId: string, statusCode: string, grossAmount: string, serverKey: string): string {
  return createHash('sha512').update(`${orderId}${statusCode}${grossAmount}${serverKey}`, 'utf8').digest('hex');
}

/** Midtrans times are "YYYY-MM-DD HH:mm:ss" in Jakarta time (UTC+7). */
function midtransTime(value: string | undefined): string | undefined {
  const match = value && /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})$/.exec(value);
  return match ? `${match[1]}T${match[2]}+07:00` : value;
}

/** A JSON string or number as the text Midtrans signed. */
const signedText = (value: unknown) =>
  typeof value === 'string' ? value : typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined;

export function midtransGateway(serverKey: string): PaymentGateway {
  return {
    provider: 'midtrans',
    verify(_headers, rawBody) {
      // Midtrans signs inside the body: read only the three signed fields and the signature here.
      let body: unknown;
      try {
        body = JSON.parse(rawBody);
      } catch {
        throw refuse('midtrans');
      }
      if (!isObject(body)) throw refuse('midtrans');
      const orderId = signedText(body.order_id);
      const statusCode = signedText(body.status_code);
      const grossAmount = signedText(body.gross_amount);
      const given = body.signature_key;
      if (orderId === undefined || statusCode === undefined || grossAmount === undefined || typeof given !== 'string') {
        throw refuse('midtrans');
      }
      const expected = Buffer.from(midtransSignature(orderId, statusCode, grossAmount, serverKey), 'hex');
      const received = /^[0-9a-fA-F]*$/.test(given) ? Buffer.from(given, 'hex') : Buffer.alloc(0);
      if (received.length !== expected.length || !timingSafeEqual(received, expected)) throw refuse('midtrans');
    },
    parse(rawBody) {
      const body = jsonObject(rawBody);
      const read = new Reader(body);
      const transactionStatus = read.string('transaction_status');
      let status = MIDTRANS_STATUS[transactionStatus];
      if (!status && transactionStatus) {
        read.issues.push({ field: 'transaction_status', message: `is not a known status (${transactionStatus})` });
      }
      // A card capture Midtrans's fraud screen challenges is not money yet.
      if (transactionStatus === 'capture' && body.fraud_status === 'challenge') status = 'PENDING';
      const paymentType = read.string('payment_type');
      const orderId = read.string('order_id');
      const callback: GatewayCallback = {
        provider: 'midtrans',
        providerPaymentId: read.string('transaction_id'),
        status: status ?? 'PENDING',
        channel: 'payment_link',
        amount: read.rupiah('gross_amount'),
        currency: read.currency('currency'),
        externalId: orderId,
        raw: body,
      };
      const optionals: Partial<GatewayCallback> = {
        paidAt: midtransTime(read.optionalString('settlement_time') ?? read.optionalString('transaction_time')),
      };
      if (paymentType === 'bank_transfer' || paymentType === 'echannel') {
        callback.channel = 'virtual_account';
        const first = Array.isArray(body.va_numbers) && isObject(body.va_numbers[0]) ? body.va_numbers[0] : undefined;
        if (first) {
          const va = new Reader(first, 'va_numbers.0');
          optionals.vaNumber = va.string('va_number');
          optionals.bankCode = va.string('bank').toUpperCase();
          read.issues.push(...va.issues);
        } else if (body.permata_va_number !== undefined) {
          optionals.vaNumber = read.string('permata_va_number');
          optionals.bankCode = 'PERMATA';
        } else if (paymentType === 'echannel') {
          // Mandiri bill payment: the payer enters the biller code, then the bill key.
          optionals.vaNumber = `${read.string('biller_code')}${read.string('bill_key')}`;
          optionals.bankCode = 'MANDIRI';
        } else {
          read.issues.push({ field: 'va_numbers', message: 'is required for a bank transfer' });
        }
      } else if (paymentType === 'qris') {
        callback.channel = 'qris';
        optionals.qrReference = orderId;
      }
      read.done();
      return withOptionals(callback, optionals);
    },
  };
}
