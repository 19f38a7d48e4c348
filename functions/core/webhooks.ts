import { createHmac, timingSafeEqual } from 'node:crypto';

/** The body partners receive, as the partner guide's callbacks describe it. */
export interface WebhookPayload {
  id: string;
  type: string;
  status: string;
  data: Record<string, unknown>;
  created_at: string;
}

export const SIGNATURE_HEADER = 'Lendstack-Signature';
export const AUTH_KEY_HEADER = 'finfra-auth-key';
/** Receivers should reject signatures older than this (DOMAIN.md, API-platform practice). */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/** `t=<unix>,v1=<hex HMAC-SHA256 of "t.body">`: the timestamp is signed with the body against replay. */
export function signWebhook(secret: string, body: string, timestamp: number): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

/** What a receiver does: recompute, compare in constant time, check the timestamp's age. */
export function verifyWebhookSignature(
  secret: string,
  body: string,
  header: string,
  nowSeconds: number,
  toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS,
): boolean {
  const parts = Object.fromEntries(
    header.split(',').map((part) => {
      const i = part.indexOf('=');
      return [part.slice(0, i).trim(), part.slice(i + 1).trim()];
    }),
  );
  const t = Number(parts.t);
  if (!Number.isInteger(t) || !parts.v1) return false;
  if (Math.abs(nowSeconds - t) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, body, t).split('v1=')[1] ?? '', 'hex');
  const given = Buffer.from(parts.v1, 'hex');
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** Whether an endpoint subscribed to `events` wants an event of `type` (`*` is every event). */
export function endpointWants(events: readonly string[], type: string): boolean {
  return events.includes('*') || events.includes(type);
}

/**
 * Delay before retry `attempt` (1-based): exponential from 5 s, capped at one hour. The
 * delivery workflow's ASL Retry block uses the same numbers; this is what the docs print.
 */
export const WEBHOOK_RETRY = { intervalSeconds: 5, backoffRate: 2, maxDelaySeconds: 3600, maxAttempts: 80 } as const;
