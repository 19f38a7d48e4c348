/**
 * Webhook signature verification, as Stripe's `constructEvent`: the receiver passes the raw
 * body (the exact bytes received, before any JSON parsing), the `Lendstack-Signature` header
 * and the endpoint's secret; it gets the parsed event back or an exception. The header is
 * `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`; several v1 entries (a secret being
 * rotated) are accepted if any matches. Comparison is constant-time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** What every delivery carries (functions/core/webhooks.ts WebhookPayload). */
export interface WebhookEvent<T = Record<string, unknown>> {
  id: string;
  type: string;
  status: string;
  data: T;
  created_at: string;
}

export class WebhookSignatureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookSignatureError';
  }
}

export interface ConstructEventOptions {
  /** Oldest (and furthest in the future) timestamp accepted, in seconds; 300 by default. */
  toleranceSeconds?: number;
  /** The current time in seconds (tests). */
  nowSeconds?: number;
}

export function constructEvent<T = Record<string, unknown>>(
  rawBody: string | Uint8Array,
  signatureHeader: string | string[] | null | undefined,
  secret: string,
  { toleranceSeconds = 300, nowSeconds = Math.floor(Date.now() / 1000) }: ConstructEventOptions = {},
): WebhookEvent<T> {
  const header = Array.isArray(signatureHeader) ? signatureHeader[0] : signatureHeader;
  if (!header) throw new WebhookSignatureError('No Lendstack-Signature header');
  if (!secret) throw new WebhookSignatureError('No webhook secret given');
  let timestamp: number | undefined;
  const signatures: Buffer[] = [];
  for (const part of header.split(',')) {
    const i = part.indexOf('=');
    const key = part.slice(0, i).trim();
    const value = part.slice(i + 1).trim();
    if (key === 't') timestamp = Number(value);
    else if (key === 'v1' && /^[0-9a-f]+$/i.test(value)) signatures.push(Buffer.from(value, 'hex'));
  }
  if (timestamp === undefined || !Number.isInteger(timestamp)) {
    throw new WebhookSignatureError('The Lendstack-Signature header has no timestamp');
  }
  if (!signatures.length) throw new WebhookSignatureError('The Lendstack-Signature header has no v1 signature');
  const body = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : Buffer.from(rawBody);
  const expected = createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest();
  if (!signatures.some((s) => s.length === expected.length && timingSafeEqual(s, expected))) {
    throw new WebhookSignatureError(
      'No signature matches the body and secret (was the body parsed and re-serialised?)',
    );
  }
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) {
    throw new WebhookSignatureError(`The timestamp is outside the tolerance of ${toleranceSeconds} s (a replay?)`);
  }
  return JSON.parse(body.toString('utf8')) as WebhookEvent<T>;
}
