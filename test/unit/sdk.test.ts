/** The SDK's hand-written behaviours, against a fake fetch and a fake clock. */
import { describe, expect, it } from 'vitest';
import { signWebhook } from '#core/webhooks';
import { Lendstack, LendstackApiError, WebhookSignatureError } from '../../sdk/index.ts';

interface Seen {
  method: string;
  path: string;
  headers: Headers;
  body: string;
}

/** A fake server: `answer` decides each response; every request is recorded. */
function fakeServer(answer: (req: Seen, n: number) => Response | Promise<Response>) {
  const seen: Seen[] = [];
  const fetch = async (input: string | URL | Request, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const url = new URL(request.url);
    const req = {
      method: request.method,
      path: url.pathname + url.search,
      headers: request.headers,
      body: await request.text(),
    };
    seen.push(req);
    return answer(req, seen.length);
  };
  return { fetch: fetch as typeof globalThis.fetch, seen };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });

function fakeClock() {
  const clock = { t: 1_700_000_000_000, sleeps: [] as number[] };
  return {
    clock,
    options: {
      now: () => clock.t,
      sleep: async (ms: number) => {
        clock.sleeps.push(ms);
        clock.t += ms;
      },
      random: () => 0.5,
    },
  };
}

let tokenCount = 0;
const tokenPair = () => {
  tokenCount++;
  return { access_token: `at${tokenCount}`, refresh_token: `rt${tokenCount}`, token_type: 'Bearer', expires_in: 900 };
};

const user = { userId: 'bor_01', status: 'PENDING' };
const borrower = { borrower_type: 'PERSONAL', name: 'Budi', phone: '081234567890', nik: '3171251508900001' } as never;

/** Answers the token endpoints; `route` answers the rest. */
function partnerServer(route: (req: Seen, n: number) => Response | Promise<Response>) {
  return fakeServer((req, n) => {
    if (req.path === '/api/auth/token/v2') return json(200, tokenPair());
    if (req.path === '/api/auth/refresh') return json(200, tokenPair());
    return route(req, n);
  });
}

describe('partner tokens', () => {
  it('logs in with HTTP Basic once for ten concurrent calls (single flight) and sends the bearer token', async () => {
    const server = partnerServer(() => json(200, user));
    const { options } = fakeClock();
    const sdk = new Lendstack({
      baseUrl: 'http://x',
      partner: { clientId: 'cid', clientSecret: 'sk_sandbox_s' },
      fetch: server.fetch,
      clock: options,
    });
    await Promise.all(
      Array.from({ length: 10 }, () =>
        sdk.partner.GET('/api/core/users/{userId}', { params: { path: { userId: 'bor_01' } } }),
      ),
    );
    const logins = server.seen.filter((r) => r.path === '/api/auth/token/v2');
    expect(logins).toHaveLength(1);
    expect(logins[0]?.headers.get('authorization')).toBe(`Basic ${btoa('cid:sk_sandbox_s')}`);
    const calls = server.seen.filter((r) => r.path.startsWith('/api/core'));
    expect(calls).toHaveLength(10);
    const token = calls[0]?.headers.get('authorization');
    expect(token).toMatch(/^Bearer at\d+$/);
    for (const c of calls) expect(c.headers.get('authorization')).toBe(token);
  });

  it('refreshes with the refresh token before the access token expires, once for concurrent calls', async () => {
    const server = partnerServer(() => json(200, user));
    const { clock, options } = fakeClock();
    const sdk = new Lendstack({
      baseUrl: 'http://x',
      partner: { clientId: 'c', clientSecret: 's' },
      fetch: server.fetch,
      clock: options,
    });
    await sdk.partner.GET('/api/core/users/{userId}', { params: { path: { userId: 'bor_01' } } });
    const login = server.seen.find((r) => r.path === '/api/auth/token/v2');
    expect(login).toBeDefined();
    clock.t += 14 * 60_000; // 1 minute before expiry: within the default 60 s margin? exactly at it
    clock.t += 1; // just inside the margin
    await Promise.all(
      Array.from({ length: 10 }, () =>
        sdk.partner.GET('/api/core/users/{userId}', { params: { path: { userId: 'bor_01' } } }),
      ),
    );
    const refreshes = server.seen.filter((r) => r.path === '/api/auth/refresh');
    expect(refreshes).toHaveLength(1);
    expect(JSON.parse(refreshes[0]!.body).refresh_token).toMatch(/^rt\d+$/);
    expect(server.seen.filter((r) => r.path === '/api/auth/token/v2')).toHaveLength(1);
    const last = server.seen.at(-1)!;
    expect(last.headers.get('authorization')).not.toBe(
      server.seen.find((r) => r.path.startsWith('/api/core'))!.headers.get('authorization'),
    );
  });

  it('on a 401 renews once (for all concurrent calls) and retries each call once with the new token', async () => {
    let revoked = true;
    const server = partnerServer((req) => {
      const first = server.seen.find((r) => r.path.startsWith('/api/core'))?.headers.get('authorization');
      if (revoked && req.headers.get('authorization') === first)
        return json(401, { error: { code: 'unauthenticated' } });
      return json(200, user);
    });
    const { options } = fakeClock();
    const sdk = new Lendstack({
      baseUrl: 'http://x',
      partner: { clientId: 'c', clientSecret: 's' },
      fetch: server.fetch,
      clock: options,
    });
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        sdk.partner.GET('/api/core/users/{userId}', { params: { path: { userId: 'bor_01' } } }),
      ),
    );
    for (const a of answers) expect(a.response.status).toBe(200);
    expect(server.seen.filter((r) => r.path === '/api/auth/refresh')).toHaveLength(1);
    revoked = false;
  });

  it('hands back a second 401 instead of looping', async () => {
    const server = partnerServer(() => json(401, { error: { code: 'unauthenticated' } }));
    const { options } = fakeClock();
    const sdk = new Lendstack({
      baseUrl: 'http://x',
      partner: { clientId: 'c', clientSecret: 's' },
      fetch: server.fetch,
      clock: options,
    });
    const { error, response } = await sdk.partner.GET('/api/core/users/{userId}', {
      params: { path: { userId: 'bor_01' } },
    });
    expect(response.status).toBe(401);
    expect(error).toEqual({ error: { code: 'unauthenticated' } });
    expect(server.seen.filter((r) => r.path === '/api/core/users/bor_01')).toHaveLength(2);
  });

  it('logs in again when the refresh token is refused (rotation reuse or expiry)', async () => {
    const server = fakeServer((req) => {
      if (req.path === '/api/auth/token/v2') return json(200, tokenPair());
      if (req.path === '/api/auth/refresh') return json(401, { error: { code: 'invalid_grant' } });
      return json(200, user);
    });
    const { clock, options } = fakeClock();
    const sdk = new Lendstack({
      baseUrl: 'http://x',
      partner: { clientId: 'c', clientSecret: 's' },
      fetch: server.fetch,
      clock: options,
    });
    await sdk.partner.GET('/api/core/users/{userId}', { params: { path: { userId: 'bor_01' } } });
    clock.t += 900_000;
    const { response } = await sdk.partner.GET('/api/core/users/{userId}', { params: { path: { userId: 'bor_01' } } });
    expect(response.status).toBe(200);
    expect(server.seen.map((r) => r.path)).toEqual([
      '/api/auth/token/v2',
      '/api/core/users/bor_01',
      '/api/auth/refresh',
      '/api/auth/token/v2',
      '/api/core/users/bor_01',
    ]);
  });

  it('throws LendstackApiError when the client credentials are refused', async () => {
    const server = fakeServer(() => json(401, { error: { code: 'invalid_client' } }));
    const sdk = new Lendstack({
      baseUrl: 'http://x',
      partner: { clientId: 'c', clientSecret: 's' },
      fetch: server.fetch,
    });
    await expect(sdk.partner.GET('/api/core/users/{userId}', { params: { path: { userId: 'b' } } })).rejects.toThrow(
      LendstackApiError,
    );
  });
});

describe('Idempotency-Key and retries', () => {
  it('adds an Idempotency-Key to an idempotent POST and reuses it across its retries (503, 503, 201)', async () => {
    const server = partnerServer((_req, n) => (n <= 3 ? json(503, { error: { code: 'x' } }) : json(201, user)));
    const { clock, options } = fakeClock();
    const sdk = new Lendstack({
      baseUrl: 'http://x',
      partner: { clientId: 'c', clientSecret: 's' },
      fetch: server.fetch,
      clock: options,
    });
    const { data } = await sdk.partner.POST('/api/core/users', { body: borrower });
    expect(data).toEqual(user);
    const posts = server.seen.filter((r) => r.path === '/api/core/users');
    expect(posts).toHaveLength(3);
    const key = posts[0]?.headers.get('idempotency-key');
    expect(key).toMatch(/^[0-9a-f-]{36}$/);
    for (const p of posts) expect(p.headers.get('idempotency-key')).toBe(key);
    for (const p of posts) expect(JSON.parse(p.body)).toEqual(borrower);
    // Full jitter with random() = 0.5: half of 500 ms, then half of 1 s.
    expect(clock.sleeps).toEqual([250, 500]);
  });

  it('keeps an Idempotency-Key the caller gave, and a new call gets a new key', async () => {
    const server = partnerServer(() => json(201, user));
    const sdk = new Lendstack({
      baseUrl: 'http://x',
      partner: { clientId: 'c', clientSecret: 's' },
      fetch: server.fetch,
    });
    await sdk.partner.POST('/api/core/users', { body: borrower, headers: { 'Idempotency-Key': 'mine-1' } });
    await sdk.partner.POST('/api/core/users', { body: borrower });
    await sdk.partner.POST('/api/core/users', { body: borrower });
    const keys = server.seen.filter((r) => r.path === '/api/core/users').map((r) => r.headers.get('idempotency-key'));
    expect(keys[0]).toBe('mine-1');
    expect(new Set(keys).size).toBe(3);
  });

  it('does not add a key to a POST that does not honour one, nor retry it on 5xx, but retries it on 429', async () => {
    const quote = { principal: 1, currency: 'IDR' } as never;
    const failing = fakeServer(() => json(503, { error: { code: 'x' } }));
    const { options } = fakeClock();
    const a = new Lendstack({ baseUrl: 'http://x', apiKey: 'sk_sandbox_k', fetch: failing.fetch, clock: options });
    const first = await a.platform.POST('/v1/loan-quotes', { body: quote });
    expect(first.response.status).toBe(503);
    expect(failing.seen).toHaveLength(1);
    expect(failing.seen[0]?.headers.has('idempotency-key')).toBe(false);
    expect(failing.seen[0]?.headers.get('authorization')).toBe('Bearer sk_sandbox_k');

    const limited = fakeServer((_r, n) =>
      n === 1 ? json(429, { error: { code: 'rate_limited' } }, { 'Retry-After': '7' }) : json(200, {}),
    );
    const fake = fakeClock();
    const b = new Lendstack({ baseUrl: 'http://x', apiKey: 'k', fetch: limited.fetch, clock: fake.options });
    const second = await b.platform.POST('/v1/loan-quotes', { body: quote });
    expect(second.response.status).toBe(200);
    expect(limited.seen).toHaveLength(2);
    expect(fake.clock.sleeps).toEqual([7000]);
  });

  it('backs off exponentially on a GET and hands back the last answer after maxRetries', async () => {
    const server = fakeServer(() => json(502, { error: { code: 'bad_gateway' } }));
    const { clock, options } = fakeClock();
    const sdk = new Lendstack({
      baseUrl: 'http://x',
      apiKey: 'k',
      fetch: server.fetch,
      clock: options,
      retry: { maxRetries: 4 },
    });
    const { response } = await sdk.platform.GET('/v1/webhook-endpoints', { params: { query: {} } } as never);
    expect(response.status).toBe(502);
    expect(server.seen).toHaveLength(5);
    expect(clock.sleeps).toEqual([250, 500, 1000, 2000]);
  });

  it('honours a Retry-After date, capped by maxDelayMs', async () => {
    const { clock, options } = fakeClock();
    const at = new Date(clock.t + 120_000).toUTCString();
    const server = fakeServer((_r, n) =>
      n === 1
        ? json(429, {}, { 'Retry-After': at })
        : json(200, { data: [], meta: { total: 0, limit: 20, offset: 0 } }),
    );
    const sdk = new Lendstack({
      baseUrl: 'http://x',
      apiKey: 'k',
      fetch: server.fetch,
      clock: options,
      retry: { maxDelayMs: 60_000 },
    });
    await sdk.platform.GET('/v1/webhook-endpoints', {} as never);
    expect(clock.sleeps).toEqual([60_000]);
  });

  it('retries a network error on a GET', async () => {
    let n = 0;
    const fetch = (async () => {
      n++;
      if (n === 1) throw new TypeError('fetch failed');
      return json(200, { status: 'ok' });
    }) as unknown as typeof globalThis.fetch;
    const { options } = fakeClock();
    const sdk = new Lendstack({ baseUrl: 'http://x', fetch, clock: options });
    const { data } = await sdk.system.GET('/health');
    expect(data).toEqual({ status: 'ok' });
    expect(n).toBe(2);
  });

  it('sends the journey API key as x-api-key', async () => {
    const server = fakeServer(() => json(200, { data: {}, message: 'ok', statusCode: 'CUR-S-000' }));
    const sdk = new Lendstack({ baseUrl: 'http://x', apiKey: 'k1', journeyApiKey: 'jk', fetch: server.fetch });
    await sdk.journey.POST('/v2/user/create', { body: { customerID: 'c1', mobile: '9876543210' } as never });
    expect(server.seen[0]?.headers.get('x-api-key')).toBe('jk');
    expect(server.seen[0]?.headers.has('idempotency-key')).toBe(true);
  });
});

describe('pagination', () => {
  const items = Array.from({ length: 250 }, (_, i) => ({ id: `whe_${i}` }));
  const lister = () =>
    fakeServer((req) => {
      const url = new URL(`http://x${req.path}`);
      const limit = Number(url.searchParams.get('limit'));
      const offset = Number(url.searchParams.get('offset'));
      return json(200, { data: items.slice(offset, offset + limit), meta: { total: items.length, limit, offset } });
    });

  it('walks every page of a limit/offset list as an async iterator', async () => {
    const server = lister();
    const sdk = new Lendstack({ baseUrl: 'http://x', apiKey: 'k', fetch: server.fetch });
    const seen: string[] = [];
    for await (const endpoint of sdk.platform.paginate('/v1/webhook-endpoints')) seen.push(endpoint.id);
    expect(seen).toEqual(items.map((i) => i.id));
    expect(server.seen.map((r) => r.path)).toEqual([
      '/v1/webhook-endpoints?limit=100&offset=0',
      '/v1/webhook-endpoints?limit=100&offset=100',
      '/v1/webhook-endpoints?limit=100&offset=200',
    ]);
  });

  it('fetches no further than the loop asks', async () => {
    const server = lister();
    const sdk = new Lendstack({ baseUrl: 'http://x', apiKey: 'k', fetch: server.fetch });
    let n = 0;
    for await (const _ of sdk.platform.paginate('/v1/webhook-endpoints', { pageSize: 10 })) if (++n === 15) break;
    expect(server.seen).toHaveLength(2);
  });

  it('fills path parameters and throws LendstackApiError on an error page', async () => {
    const server = fakeServer(() => json(404, { error: { code: 'not_found' } }));
    const sdk = new Lendstack({ baseUrl: 'http://x', apiKey: 'k', fetch: server.fetch });
    const walk = async () => {
      for await (const _ of sdk.platform.paginate('/v1/webhook-endpoints/{id}/deliveries', { path: { id: 'whe_1' } })) {
        // nothing
      }
    };
    await expect(walk()).rejects.toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    expect(server.seen[0]?.path).toBe('/v1/webhook-endpoints/whe_1/deliveries?limit=100&offset=0');
  });
});

describe('webhooks.constructEvent', () => {
  const sdk = new Lendstack({ baseUrl: 'http://x' });
  const secret = 'whsec_test';
  const body = JSON.stringify({
    id: 'evt_1',
    type: 'user_verify',
    status: 'APPROVED',
    data: { userId: 'bor_1' },
    created_at: '2026-01-01T00:00:00Z',
  });
  const now = Math.floor(Date.now() / 1000);

  it('returns the parsed event for a signature made by the server (functions/core/webhooks.ts)', () => {
    const event = sdk.webhooks.constructEvent(body, signWebhook(secret, body, now), secret, { toleranceSeconds: 300 });
    expect(event).toMatchObject({ id: 'evt_1', type: 'user_verify', data: { userId: 'bor_1' } });
    expect(sdk.webhooks.constructEvent(new TextEncoder().encode(body), signWebhook(secret, body, now), secret).id).toBe(
      'evt_1',
    );
  });

  it('throws on a wrong secret, a changed body, a missing or malformed header', () => {
    const header = signWebhook(secret, body, now);
    expect(() => sdk.webhooks.constructEvent(body, header, 'whsec_other')).toThrow(WebhookSignatureError);
    expect(() => sdk.webhooks.constructEvent(body.replace('bor_1', 'bor_2'), header, secret)).toThrow(
      WebhookSignatureError,
    );
    expect(() => sdk.webhooks.constructEvent(body, undefined, secret)).toThrow(/No Lendstack-Signature/);
    expect(() => sdk.webhooks.constructEvent(body, `t=${now}`, secret)).toThrow(/no v1/);
    expect(() => sdk.webhooks.constructEvent(body, header.replace(/t=\d+/, 't=abc'), secret)).toThrow(/timestamp/);
  });

  it('throws on a timestamp outside the tolerance, either way', () => {
    // Checked at `now` itself: the default clock moves on while the file runs (CI once ran this a second late).
    const at = { nowSeconds: now };
    const check = (t: number, options = {}) =>
      sdk.webhooks.constructEvent(body, signWebhook(secret, body, t), secret, { ...at, ...options });
    expect(() => check(now - 301)).toThrow(/tolerance/);
    expect(() => check(now + 301)).toThrow(/tolerance/);
    expect(check(now - 299).id).toBe('evt_1');
    expect(check(now + 299).id).toBe('evt_1');
    expect(() => check(now - 100, { toleranceSeconds: 60 })).toThrow(/tolerance/);
  });

  it('accepts any of several v1 signatures (a secret being rotated)', () => {
    const header = `${signWebhook('whsec_old', body, now)},v1=${signWebhook(secret, body, now).split('v1=')[1]}`;
    expect(sdk.webhooks.constructEvent(body, header, secret).id).toBe('evt_1');
    expect(sdk.webhooks.constructEvent(body, header, 'whsec_old').id).toBe('evt_1');
  });
});
