/** Outbound calls to partner URLs: resolved and checked against the SSRF policy before every call. */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { Mode } from '#core/tenant';
import { urlRefusal } from '#core/webhook-url';

/** Deployment switch, set only by the local sandbox: partners' receivers there run on 127.0.0.1. */
const allowPrivate = () => process.env.ALLOW_PRIVATE_WEBHOOK_URLS === 'true';

async function resolve(host: string): Promise<string[]> {
  const bare = host.replace(/^\[|\]$/g, '');
  if (isIP(bare)) return [bare];
  try {
    return (await lookup(bare, { all: true })).map((a) => a.address);
  } catch {
    return [];
  }
}

/** Why lendstack will not call `url` for a tenant in `mode`, or null. */
export async function refuseUrl(url: string, mode: Mode): Promise<string | null> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not a valid URL';
  }
  return urlRefusal(parsed, await resolve(parsed.hostname), { mode, allowPrivate: allowPrivate() });
}
