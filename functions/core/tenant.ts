/**
 * Every item and every request belongs to one tenant: a partner in one mode. The mode comes
 * from the credential (sk_sandbox_… / sk_prod_…), never from the URL.
 */
export type Mode = 'sandbox' | 'live';

export interface Tenant {
  partnerId: string;
  mode: Mode;
}

/** Secret prefix per mode, as the partner guide names them. */
export const SECRET_PREFIX: Record<Mode, string> = { sandbox: 'sk_sandbox_', live: 'sk_prod_' };

export function modeOfSecret(secret: string): Mode | null {
  if (secret.startsWith(SECRET_PREFIX.sandbox)) return 'sandbox';
  if (secret.startsWith(SECRET_PREFIX.live)) return 'live';
  return null;
}
