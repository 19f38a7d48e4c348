/**
 * The lendstack SDK: typed clients for every surface, generated from the OpenAPI document
 * (sdk/generated, `npm run sdk`, openapi-typescript's types for openapi-fetch), and the few
 * things a client must get right by hand:
 *
 * - partner tokens: HTTP Basic clientId:clientSecret for an access and a refresh token, renewed
 *   before the access token expires and once on a 401; single-flight, so concurrent calls wait
 *   for one renewal; a refused refresh token (rotation reuse, expiry) falls back to a new login;
 * - an `Idempotency-Key` on every operation that honours one, kept across its own retries;
 * - retries on 429 and 5xx (and network errors) with exponential backoff and full jitter,
 *   honouring `Retry-After`; a POST is retried on 5xx only when it carries an Idempotency-Key;
 * - limit/offset lists as async iterators (`paginate`);
 * - webhook verification (`webhooks.constructEvent`, as Stripe's).
 *
 *   const lendstack = new Lendstack({ baseUrl, partner: { clientId, clientSecret }, apiKey });
 *   const { data, error } = await lendstack.partner.POST('/api/core/users', { body });
 *   for await (const e of lendstack.platform.paginate('/v1/webhook-endpoints')) …
 */
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { paths } from './generated/openapi.ts';
import {
  IDEMPOTENT_OPERATIONS,
  type JourneyPath,
  type PaginatedPath,
  type PartnerPath,
  type PlatformPath,
  type SystemPath,
} from './generated/routes.ts';
import { constructEvent } from './webhooks.ts';

export type { paths } from './generated/openapi.ts';
export { type ConstructEventOptions, constructEvent, type WebhookEvent, WebhookSignatureError } from './webhooks.ts';

type Fetch = (request: Request) => Promise<Response>;

export interface RetryOptions {
  /** Retries after the first attempt; 3 by default (0 turns retries off). */
  maxRetries?: number;
  /** Backoff base: attempt n waits a random time up to base * 2^n; 500 ms by default. */
  baseDelayMs?: number;
  /** Upper bound of one wait, Retry-After included; 30 s by default. */
  maxDelayMs?: number;
}

export interface LendstackOptions {
  /** The stage's URL: `http://localhost:3000` for `npm start`, the API Gateway stage URL when deployed. */
  baseUrl: string;
  /** Partner API client credentials. */
  partner?: { clientId: string; clientSecret: string };
  /** Platform API key (`Authorization: Bearer`), also the journey API's `x-api-key` unless journeyApiKey is given. */
  apiKey?: string;
  journeyApiKey?: string;
  retry?: RetryOptions;
  /** Renew the partner access token this many seconds before it expires; 60 by default. */
  refreshBeforeExpirySeconds?: number;
  /** A fetch of your own (proxies, tests); the global fetch by default. */
  fetch?: typeof fetch;
  /** Time, sleep and randomness, replaceable in tests. */
  clock?: { now?: () => number; sleep?: (ms: number) => Promise<void>; random?: () => number };
}

/** An error answer, thrown where the SDK cannot hand it back (pagination, token exchange). */
export class LendstackApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    message = `lendstack answered ${status}`,
  ) {
    super(message);
    this.name = 'LendstackApiError';
  }
}

type Surface<P extends keyof paths> = Client<Pick<paths, P>>;

/** The item type of a paginated list. */
type ListItem<P extends PaginatedPath> = paths[P] extends {
  get: { responses: { 200: { content: { 'application/json': { data: (infer T)[] } } } } };
}
  ? T
  : never;
type ListQuery<P extends PaginatedPath> = paths[P] extends { get: { parameters: { query?: infer Q } } }
  ? Omit<NonNullable<Q>, 'limit' | 'offset'>
  : never;
type ListPathParams<P extends PaginatedPath> = paths[P] extends { get: { parameters: { path: infer A } } } ? A : never;

export interface PaginateOptions<P extends PaginatedPath> {
  path?: ListPathParams<P>;
  query?: ListQuery<P>;
  /** Items per request (1-100); 100 by default. */
  pageSize?: number;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

/** Milliseconds a Retry-After header asks for (seconds or an HTTP date), or undefined. */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Wraps a fetch with retries on 429, 5xx and network errors (see the module comment for which requests). */
export function retrying(
  send: Fetch,
  options: RetryOptions = {},
  clock: Required<NonNullable<LendstackOptions['clock']>>,
): Fetch {
  const { maxRetries = 3, baseDelayMs = 500, maxDelayMs = 30_000 } = options;
  return async (request) => {
    const replayable = SAFE_METHODS.has(request.method) || request.headers.has('idempotency-key');
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await send(request.clone());
      } catch (error) {
        if (!replayable || attempt >= maxRetries) throw error;
        await clock.sleep(backoff(attempt));
        continue;
      }
      const retryable = response.status === 429 || (response.status >= 500 && replayable);
      if (!retryable || attempt >= maxRetries) return response;
      const asked = retryAfterMs(response.headers.get('retry-after'), clock.now());
      await response.body?.cancel();
      await clock.sleep(Math.min(maxDelayMs, asked ?? backoff(attempt)));
    }
  };

  /** Full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"). */
  function backoff(attempt: number): number {
    return Math.floor(clock.random() * Math.min(maxDelayMs, baseDelayMs * 2 ** attempt));
  }
}

interface TokenPair {
  access_token: string;
  refresh_token: string;
  expires_in: number;
}

/** The partner's access token: fetched, renewed before expiry or after a 401, one renewal at a time. */
export class PartnerTokens {
  private access?: { token: string; expiresAt: number };
  private refreshToken?: string;
  private renewal?: Promise<string>;

  constructor(
    private readonly baseUrl: string,
    private readonly credentials: { clientId: string; clientSecret: string },
    private readonly send: Fetch,
    private readonly now: () => number,
    private readonly skewMs: number,
  ) {}

  /** A valid access token, renewed first when it expires within the skew. */
  async token(): Promise<string> {
    if (this.access && this.now() < this.access.expiresAt - this.skewMs) return this.access.token;
    return this.renew();
  }

  /** After a 401 with `used`: renew, unless another call has already replaced it. */
  async afterUnauthorized(used: string): Promise<string> {
    if (this.access && this.access.token !== used) return this.access.token;
    this.access = undefined;
    return this.renew();
  }

  private renew(): Promise<string> {
    this.renewal ??= (async () => {
      try {
        const pair = (this.refreshToken && (await this.refresh(this.refreshToken))) || (await this.login());
        this.access = { token: pair.access_token, expiresAt: this.now() + pair.expires_in * 1000 };
        this.refreshToken = pair.refresh_token;
        return pair.access_token;
      } finally {
        this.renewal = undefined;
      }
    })();
    return this.renewal;
  }

  private async login(): Promise<TokenPair> {
    const basic = btoa(`${this.credentials.clientId}:${this.credentials.clientSecret}`);
    const response = await this.send(
      new Request(`${this.baseUrl}/api/auth/token/v2`, {
        method: 'POST',
        headers: { authorization: `Basic ${basic}` },
      }),
    );
    const body = await response.json().catch(() => undefined);
    if (!response.ok) throw new LendstackApiError(response.status, body, 'The partner token exchange was refused');
    return body as TokenPair;
  }

  /** A new pair for the refresh token, or undefined when it is refused (then a new login). */
  private async refresh(refreshToken: string): Promise<TokenPair | undefined> {
    this.refreshToken = undefined;
    const response = await this.send(
      new Request(`${this.baseUrl}/api/auth/refresh`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refresh_token: refreshToken }),
      }),
    );
    if (response.status === 401 || response.status === 400) {
      await response.body?.cancel();
      return undefined;
    }
    const body = await response.json().catch(() => undefined);
    if (!response.ok) throw new LendstackApiError(response.status, body, 'The partner token refresh failed');
    return body as TokenPair;
  }
}

/** Adds an Idempotency-Key (a UUID) to operations that honour one, unless the caller set one. */
const idempotencyKeys: Middleware = {
  onRequest({ request, schemaPath }) {
    if (IDEMPOTENT_OPERATIONS.has(`${request.method} ${schemaPath}`) && !request.headers.has('idempotency-key')) {
      request.headers.set('idempotency-key', crypto.randomUUID());
    }
    return request;
  },
};

function withPaginate<P extends keyof paths>(client: Surface<P>) {
  return Object.assign(client, {
    /**
     * Every item of a limit/offset list, fetching page after page as the loop asks for more;
     * stops at `meta.total` (or an empty page). Throws LendstackApiError on an error answer.
     */
    async *paginate<L extends PaginatedPath & P>(
      path: L,
      options: PaginateOptions<L> = {},
    ): AsyncGenerator<ListItem<L>> {
      const limit = options.pageSize ?? 100;
      for (let offset = 0; ; ) {
        const get = client.GET as unknown as (
          path: string,
          init: unknown,
        ) => Promise<{ data?: { data: ListItem<L>[]; meta: { total: number } }; error?: unknown; response: Response }>;
        const { data, error, response } = await get(path, {
          params: { path: options.path, query: { ...(options.query ?? {}), limit, offset } },
        });
        if (!data) throw new LendstackApiError(response.status, error);
        yield* data.data;
        offset += data.data.length;
        if (!data.data.length || offset >= data.meta.total) return;
      }
    },
  });
}

export class Lendstack {
  /** Partner API (`/api/…`): Basic -> JWT, handled for you. */
  readonly partner: ReturnType<typeof withPaginate<PartnerPath>>;
  /** Journey API (`/v2/…`): x-api-key. */
  readonly journey: ReturnType<typeof withPaginate<JourneyPath>>;
  /** Platform API (`/v1/…`): Bearer API key. */
  readonly platform: ReturnType<typeof withPaginate<PlatformPath>>;
  /** Health, the OpenAPI document and the docs. */
  readonly system: Surface<SystemPath>;
  readonly webhooks = { constructEvent };
  /** The partner's token manager (undefined without partner credentials). */
  readonly partnerTokens?: PartnerTokens;

  constructor(options: LendstackOptions) {
    const baseUrl = options.baseUrl.replace(/\/+$/, '');
    const base: Fetch = (request) => (options.fetch ?? globalThis.fetch)(request);
    const clock = {
      now: options.clock?.now ?? Date.now,
      sleep: options.clock?.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms))),
      random: options.clock?.random ?? Math.random,
    };
    const send = retrying(base, options.retry, clock);
    const withHeader =
      (name: string, value: string | undefined): Fetch =>
      (request) => {
        if (value && !request.headers.has(name)) request.headers.set(name, value);
        return send(request);
      };

    let partnerFetch: Fetch = send;
    if (options.partner) {
      const tokens = new PartnerTokens(
        baseUrl,
        options.partner,
        send,
        clock.now,
        (options.refreshBeforeExpirySeconds ?? 60) * 1000,
      );
      this.partnerTokens = tokens;
      partnerFetch = async (request) => {
        // The token exchange and refresh carry their own credentials.
        if (request.headers.has('authorization') || new URL(request.url).pathname.endsWith('/api/auth/refresh')) {
          return send(request);
        }
        const token = await tokens.token();
        const first = request.clone();
        first.headers.set('authorization', `Bearer ${token}`);
        const response = await send(first);
        if (response.status !== 401) return response;
        await response.body?.cancel();
        const again = request.clone();
        again.headers.set('authorization', `Bearer ${await tokens.afterUnauthorized(token)}`);
        return send(again);
      };
    }

    const make = <P extends keyof paths>(fetchFn: Fetch) => {
      const client = createClient<Pick<paths, P>>({ baseUrl, fetch: fetchFn });
      client.use(idempotencyKeys);
      return client;
    };
    this.partner = withPaginate(make<PartnerPath>(partnerFetch));
    this.journey = withPaginate(make<JourneyPath>(withHeader('x-api-key', options.journeyApiKey ?? options.apiKey)));
    this.platform = withPaginate(
      make<PlatformPath>(withHeader('authorization', options.apiKey ? `Bearer ${options.apiKey}` : undefined)),
    );
    this.system = make<SystemPath>(send);
  }
}
