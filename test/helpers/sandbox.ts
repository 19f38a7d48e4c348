/**
 * The e2e suites' sandbox: a local runtime of their own on a free port (its data in memory),
 * with clients for the three credentials a developer has: none, the platform API key and a
 * partner access token (from the Basic exchange, as a partner gets one). Rate limits are lifted
 * (a suite sends more than a partner would in a minute), except where a suite puts them back.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalRuntime, startLocalRuntime } from '../../lib/local/runtime.ts';
import { client } from './http.ts';
import type { startReceiver } from './webhook-receiver.ts';

export type Client = ReturnType<typeof client>;

export interface Sandbox {
  runtime: LocalRuntime;
  credentials: LocalRuntime['credentials'];
  /** No credentials. */
  anonymous: Client;
  /** The sandbox partner's platform API key. */
  platform: Client;
  /** The sandbox partner's access token, from POST /api/auth/token/v2. */
  partner: Client;
}

/** A client of the partner API for a credential, with a fresh access token. */
export async function partnerClient(baseUrl: string, clientId: string, clientSecret: string): Promise<Client> {
  const basic = Buffer.from(`${clientId}:${clientSecret}`).toString('base64');
  const token = await client(baseUrl)('POST', '/api/auth/token/v2', { headers: { authorization: `Basic ${basic}` } });
  if (token.status !== 200) throw new Error(`token exchange answered ${token.status}: ${JSON.stringify(token.body)}`);
  return client(baseUrl, { authorization: `Bearer ${token.body.access_token}` });
}

export async function startSandbox(name: string): Promise<Sandbox> {
  process.env.RATE_LIMIT_PER_MINUTE = '100000';
  const runtime = await startLocalRuntime({
    port: 0,
    credentialsDir: mkdtempSync(join(tmpdir(), `lendstack-${name}-`)),
  });
  const { credentials, baseUrl } = runtime;
  return {
    runtime,
    credentials,
    anonymous: client(baseUrl),
    platform: client(baseUrl, { authorization: `Bearer ${credentials.apiKey}` }),
    partner: await partnerClient(baseUrl, credentials.clientId, credentials.clientSecret),
  };
}

/** A webhook endpoint of the sandbox partner at `path` on the receiver, which checks its signatures. */
export async function subscribe(
  sandbox: Sandbox,
  receiver: Awaited<ReturnType<typeof startReceiver>>,
  path: string,
  events: string[] = ['*'],
): Promise<{ id: string; secret: string; auth_key: string }> {
  const endpoint = await sandbox.platform('POST', '/v1/webhook-endpoints', {
    body: { url: receiver.url(path), events },
  });
  if (endpoint.status !== 201)
    throw new Error(`webhook endpoint answered ${endpoint.status}: ${JSON.stringify(endpoint.body)}`);
  receiver.register(path, endpoint.body.secret, endpoint.body.auth_key);
  return endpoint.body;
}
