/**
 * The local runtime instrumented for the suites generated from the route table (fuzz, tenant
 * isolation): tenants on demand (another partner, the other mode), one request at a time with
 * the writes that request made, and a snapshot of the table to compare before and after.
 *
 * Which writes belong to which request: every request the harness sends carries a case
 * header; when the gateway receives it, an AsyncLocalStorage context is entered, so every
 * DynamoDB, Step Functions and S3 call the handler makes (in this process) knows its case.
 * Workflow tasks run in the local Step Functions server's context, not the request's, so a
 * background step of an earlier request is never blamed on the request under test.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { subscribe } from 'node:diagnostics_channel';
import { mkdtempSync } from 'node:fs';
import { Agent, type ClientRequest, request as httpRequest, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { routeList } from '#api/routes';
import { routeRateLimitVariable } from '#http/rate-limit-config';
import type { AuthScheme } from '#http/route';
import { type LocalRuntime, startLocalRuntime } from '../../lib/local/runtime.ts';

const CASE_HEADER = 'x-harness-case';
const REQUEST_TIMEOUT_MS = 30_000;

/** A write a request made: the operation and the item (or resource) it wrote. */
export interface Write {
  op: string;
  key: string;
  /** An UpdateItem that only adds to numbers: a counter (a rate limit, a per-link action limit). */
  counter?: boolean;
}

/**
 * Writes every request may make, refused or not: the per-credential rate-limit counter (its
 * item is `RATE#…`, or `RL#…`) and the Idempotency-Key record (`T#…#IDEM#…`), which stores the
 * refusal so a retry gets the same answer.
 */
export const INFRASTRUCTURE_KEY = /^(RATE|RL)#|#IDEM#/;

/** Metering, not a change of state: the rate-limit and idempotency items, and any counter bump. */
export function isInfrastructure(write: Write): boolean {
  return Boolean(write.counter) || INFRASTRUCTURE_KEY.test(write.key);
}

/** An UpdateItem that only ADDs numbers (setting the item's expiry on first use at most). */
function isCounterBump(input: Record<string, any>): boolean {
  const expression = String(input.UpdateExpression ?? '')
    .replace(/\s+/g, ' ')
    .replace(/ ?SET expiresAt = if_not_exists\(expiresAt, :\w+\)/, '')
    .trim();
  const numbers = Object.values(input.ExpressionAttributeValues ?? {}).every((v) => typeof v === 'number');
  return numbers && /^ADD [#\w]+ :\w+(, [#\w]+ :\w+)*$/.test(expression);
}

const cases = new AsyncLocalStorage<string>();
const writesByCase = new Map<string, Write[]>();

function record(op: string, key: string, counter = false) {
  const caseId = cases.getStore();
  if (!caseId) return;
  const list = writesByCase.get(caseId) ?? [];
  list.push({ op, key, ...(counter ? { counter } : {}) });
  writesByCase.set(caseId, list);
}

// Entered synchronously before the gateway's request listener runs: the handler, its
// middleware and every SDK call it awaits run in this context.
subscribe('http.server.request.start', (message) => {
  const caseId = (message as { request: IncomingMessage }).request.headers[CASE_HEADER];
  if (typeof caseId === 'string') cases.enterWith(caseId);
});

// S3's client is private to its store module: its writes are seen as outgoing HTTP requests.
subscribe('http.client.request.start', (message) => {
  const request = (message as { request: ClientRequest }).request;
  const s3 = process.env.AWS_ENDPOINT_URL_S3;
  if (!s3 || ['GET', 'HEAD'].includes(request.method)) return;
  const { host } = new URL(s3);
  if (request.getHeader('host') === host) record(`S3 ${request.method}`, request.path);
});

const DYNAMO_WRITE = /^(Put|Update|Delete|TransactWrite|BatchWrite)(Item|Items)?Command$/;
const SFN_WRITE = /^(StartExecution|SendTaskSuccess|SendTaskFailure|StopExecution)Command$/;

type Item = Record<string, unknown>;
const keyOf = (item: Item | undefined) => `${String(item?.pk)}|${String(item?.sk)}`;

/** The items a DynamoDB write command wrote (a ConditionCheck writes nothing). */
function writtenKeys(name: string, input: Record<string, any>): string[] {
  if (name === 'PutCommand' || name === 'PutItemCommand') return [keyOf(input.Item)];
  if (name.startsWith('Update') || name.startsWith('Delete')) return [keyOf(input.Key)];
  if (name.startsWith('TransactWrite')) {
    return (input.TransactItems as Record<string, any>[]).flatMap((t) =>
      t.Put ? [keyOf(t.Put.Item)] : t.Update ? [keyOf(t.Update.Key)] : t.Delete ? [keyOf(t.Delete.Key)] : [],
    );
  }
  return Object.values(input.RequestItems as Record<string, Record<string, any>[]>)
    .flat()
    .map((r) => keyOf(r.PutRequest?.Item ?? r.DeleteRequest?.Key));
}

export interface Tenant {
  partnerId: string;
  mode: 'sandbox' | 'live';
  clientId: string;
  clientSecret: string;
  apiKey: string;
  /** Partner API access token (from the Basic token exchange). */
  accessToken: string;
  /** Borrower-app users of this tenant (the app tenant only): a token per app scheme, each with its device. */
  app?: Partial<Record<'appOnboarding' | 'appLogin' | 'appJwt', { accessToken: string; deviceId: string }>>;
}

/** One request as the harness sends it: raw bytes, nothing normalised on the way. */
export interface RawRequest {
  method: string;
  /** Path and query as sent on the request line (already percent-encoded where wanted). */
  path: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: any;
  /** Everything the request wrote, the infrastructure writes included. */
  writes: Write[];
}

export interface Harness {
  runtime: LocalRuntime;
  baseUrl: string;
  /** The runtime's own sandbox partner. */
  sandbox: Tenant;
  /** A credential for `mode` of an existing partner, or of a new partner. */
  tenant(mode: 'sandbox' | 'live', partnerId?: string): Promise<Tenant>;
  send(request: RawRequest): Promise<Answer>;
  /** Every item of the table but the infrastructure ones, by key, after the runtime has settled. */
  snapshot(): Promise<Map<string, string>>;
  stop(): Promise<void>;
}

/** The credentials headers for a route's auth scheme. */
export function authHeaders(tenant: Tenant, scheme: AuthScheme): Record<string, string> {
  switch (scheme) {
    case 'partnerJwt':
      return { authorization: `Bearer ${tenant.accessToken}` };
    case 'apiKeyBearer':
      return { authorization: `Bearer ${tenant.apiKey}` };
    case 'apiKeyHeader':
      return { 'x-api-key': tenant.apiKey };
    case 'basic':
      return { authorization: `Basic ${Buffer.from(`${tenant.clientId}:${tenant.clientSecret}`).toString('base64')}` };
    case 'none':
      return {};
    case 'appOnboarding':
    case 'appLogin':
    case 'appJwt': {
      // A borrower-app user's token, bound to its device (#helpers/app-user).
      const user = tenant.app?.[scheme];
      return user ? { authorization: `Bearer ${user.accessToken}`, 'x-device-id': user.deviceId } : {};
    }
  }
}

/** JSON with object keys sorted at every level, so equal items print the same. */
function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (value && typeof value === 'object' && !(value instanceof Uint8Array) && !(value instanceof Set)) {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stable(v)}`).join(',')}}`;
  }
  if (value instanceof Set) return stable([...value].sort());
  return JSON.stringify(value) ?? 'undefined';
}

/** Keys of two snapshots that differ (added, removed or changed), sorted. */
export function changedKeys(before: Map<string, string>, after: Map<string, string>): string[] {
  const keys = new Set([...before.keys(), ...after.keys()]);
  return [...keys].filter((k) => before.get(k) !== after.get(k)).sort();
}

/**
 * Starts the local runtime (in memory) with the harness's instruments. The per-credential rate
 * limit is lifted: these suites send thousands of requests with one key.
 */
export async function startHarness(): Promise<Harness> {
  process.env.RATE_LIMIT_PER_MINUTE = '10000000';
  // Routes with a limit of their own (the reports' 10 a minute) too: their 429 is tested apart.
  for (const route of routeList) {
    if (route.rateLimitPerMinute) process.env[routeRateLimitVariable(route.id)] = '10000000';
  }
  const runtime = await startLocalRuntime({
    port: 0,
    credentialsDir: mkdtempSync(join(tmpdir(), 'lendstack-harness-')),
  });
  // Imported after the runtime set the endpoints: the store's clients read them when created.
  const { ddb, tableName } = await import('#store/client');
  const { sfn } = await import('#store/workflows');
  const partners = await import('#store/partners');
  ddb.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      // Counted once it succeeded: a conditional write that failed changed nothing.
      const name = String(context.commandName);
      if (DYNAMO_WRITE.test(name)) {
        const input = args.input as Record<string, any>;
        const counter = name.startsWith('Update') && isCounterBump(input);
        for (const key of writtenKeys(name, input)) record(name.replace(/Command$/, ''), key, counter);
      }
      return result;
    },
    { step: 'initialize', name: 'harnessWrites' },
  );
  sfn.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      const name = String(context.commandName);
      // A start names its execution: Step Functions starts one per name, however often asked.
      const execution = name === 'StartExecutionCommand' ? `#${(args.input as { name?: string }).name}` : '';
      if (SFN_WRITE.test(name)) record(name.replace(/Command$/, ''), `stepfunctions${execution}`);
      return result;
    },
    { step: 'initialize', name: 'harnessWrites' },
  );

  // Enough sockets for a burst of concurrent requests (the concurrency suite sends 20 at once):
  // with fewer, the rest would wait for a free socket and arrive as sequential retries.
  const agent = new Agent({ keepAlive: true, maxSockets: 32 });
  const { hostname, port } = new URL(runtime.baseUrl);
  let sequence = 0;

  const send = (req: RawRequest, retried = false): Promise<Answer> => {
    const caseId = `c${++sequence}`;
    const body = req.body === undefined ? undefined : typeof req.body === 'string' ? Buffer.from(req.body) : req.body;
    return new Promise((resolve, reject) => {
      const out = httpRequest(
        {
          agent,
          host: hostname,
          port,
          method: req.method,
          path: req.path,
          headers: {
            ...req.headers,
            ...(body ? { 'content-length': String(body.length) } : {}),
            [CASE_HEADER]: caseId,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let json: unknown;
            try {
              json = text ? JSON.parse(text) : undefined;
            } catch {
              json = undefined;
            }
            const writes = writesByCase.get(caseId) ?? [];
            writesByCase.delete(caseId);
            resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json, writes });
          });
        },
      );
      out.on('error', (error: NodeJS.ErrnoException) => {
        // A kept-alive socket the server closed just as the request went out: the server got
        // nothing, so it is sent again (the case Node's documentation gives for reusedSocket).
        if (out.reusedSocket && error.code === 'ECONNRESET' && !retried) resolve(send(req, true));
        else reject(error);
      });
      // A request the server never answers is a failure of its own, not a hung suite.
      out.setTimeout(REQUEST_TIMEOUT_MS, () =>
        out.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms: ${req.method} ${req.path.slice(0, 200)}`)),
      );
      out.end(body);
    });
  };

  const tenant = async (mode: 'sandbox' | 'live', partnerId?: string): Promise<Tenant> => {
    const owner = partnerId ?? (await partners.createPartner(`Harness partner ${sequence}`)).partnerId;
    const credential = await partners.issueCredential(owner, mode);
    const basic = authHeaders({ ...credential, partnerId: owner, accessToken: '' }, 'basic');
    const token = await send({ method: 'POST', path: '/api/auth/token/v2', headers: basic });
    if (token.status !== 200) throw new Error(`token exchange for ${mode} answered ${token.status}: ${token.text}`);
    return {
      partnerId: owner,
      mode,
      clientId: credential.clientId,
      clientSecret: credential.clientSecret,
      apiKey: credential.apiKey,
      accessToken: token.json.access_token,
    };
  };

  const snapshot = async () => {
    await runtime.settle();
    const items = new Map<string, string>();
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      // A Scan is fine here: a test of the local table, never a request path.
      const page = await ddb.send(new ScanCommand({ TableName: tableName(), ConsistentRead: true, ExclusiveStartKey }));
      for (const item of page.Items ?? []) {
        const key = keyOf(item);
        if (!INFRASTRUCTURE_KEY.test(key)) items.set(key, stable(item));
      }
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  };

  const creds = runtime.credentials;
  const sandboxToken = await send({
    method: 'POST',
    path: '/api/auth/token/v2',
    headers: authHeaders({ ...creds, mode: 'sandbox', accessToken: '' }, 'basic'),
  });
  return {
    runtime,
    baseUrl: runtime.baseUrl,
    sandbox: {
      partnerId: creds.partnerId,
      mode: 'sandbox',
      clientId: creds.clientId,
      clientSecret: creds.clientSecret,
      apiKey: creds.apiKey,
      accessToken: sandboxToken.json.access_token,
    },
    tenant,
    send,
    snapshot,
    async stop() {
      agent.destroy();
      await runtime.stop();
    },
  };
}
