/**
 * Which webhook URLs lendstack will call (OWASP API7, SSRF). Pure: the caller resolves the
 * host and passes the addresses.
 */
import ipaddr from 'ipaddr.js';
import type { Mode } from './tenant.ts';

export interface UrlPolicy {
  mode: Mode;
  /** Loopback and private addresses allowed: only the local sandbox sets this. */
  allowPrivate: boolean;
}

/** Only the public unicast range is reachable; loopback, private, link-local (169.254.169.254!) and the rest are not. */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  return parsed.range() === 'unicast';
}

/** The reason a URL may not be used, or null when it may. `addresses` are what its host resolves to. */
export function urlRefusal(url: URL, addresses: readonly string[], policy: UrlPolicy): string | null {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an http(s) URL';
  if (policy.mode === 'live' && url.protocol !== 'https:') return 'must use https in live mode';
  if (url.username || url.password) return 'must not carry credentials';
  if (addresses.length === 0) return 'has a host that does not resolve';
  if (!policy.allowPrivate && addresses.some((a) => !isPublicAddress(a))) {
    return 'resolves to a private, loopback or reserved address';
  }
  return null;
}
