import { createHash } from 'node:crypto';
import type { Mode, Tenant } from '#core/tenant';

/** Prefix of every key a tenant owns: one partner in one mode. */
export function tenantKey(tenant: Tenant, ...parts: string[]): string {
  return ['T', tenant.partnerId, tenant.mode, ...parts].join('#');
}

/** Secrets and tokens are stored as SHA-256 digests only (they are long random values, so no salt or KDF is needed). */
export function digest(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** Sandbox data resets (the partner guide: "data resets periodically"): 30 days after its last write. */
export const SANDBOX_TTL_SECONDS = 30 * 24 * 3600;

/** `expiresAt` for a tenant's business item: sandbox items expire, live items never do. */
export function expiryFor(mode: Mode, now = Date.now()): number | undefined {
  return mode === 'sandbox' ? Math.floor(now / 1000) + SANDBOX_TTL_SECONDS : undefined;
}

export function isConditionalCheckFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/** A TransactWrite that failed because one of its conditions did not hold (reasons say which). */
export function cancelledConditions(error: unknown): boolean[] | null {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return null;
  const reasons = (error as Error & { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  return reasons.map((r) => r.Code === 'ConditionalCheckFailed');
}
