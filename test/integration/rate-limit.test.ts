/**
 * Rate limits per surface, counted through the table (DynamoDB Local): the platform spec's
 * 100 a minute, the journey API's generous default, a partner's own limit, and the sharded
 * counter that high limits use. Only `Date` is faked: every request of a test falls in one
 * minute-window whatever the wall clock says.
 */
import type { APIGatewayProxyResult } from 'aws-lambda';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { newId } from '#core/ids';
import { ddb } from '#store/client';
import { createPartner, setPartnerRateLimit } from '#store/partners';
import { countRequest } from '#store/rate-limits';
import { apiEvent, lambdaContext } from '../helpers/factories.ts';

// The stage defaults, whatever another file set in this process.
for (const name of Object.keys(process.env)) if (name.startsWith('RATE_LIMIT_')) delete process.env[name];

type Handler = (event: unknown, context: never) => Promise<APIGatewayProxyResult>;
const platform = (await import('../../functions/api/platform/list-webhook-endpoints.ts')).handler as unknown as Handler;
const journey = (await import('../../functions/api/journey/get-offers.ts')).handler as unknown as Handler;
const reportsList = (await import('../../functions/api/platform/list-reports.ts')).handler as unknown as Handler;
const reportsCreate = (await import('../../functions/api/platform/create-report.ts')).handler as unknown as Handler;
const reportGet = (await import('../../functions/api/platform/get-report.ts')).handler as unknown as Handler;

const principalOf = (partnerId = newId('ptn')) => ({
  partnerId,
  mode: 'sandbox' as const,
  credentialId: newId('cred'),
});
type Principal = ReturnType<typeof principalOf>;
const listEndpoints = (p: Principal) =>
  platform(apiEvent(p, { method: 'GET', path: '/v1/webhook-endpoints' }), lambdaContext);
const pollOffers = (p: Principal) =>
  journey(
    { ...apiEvent(p, { method: 'GET', path: '/v2/user/offers' }), queryStringParameters: { referenceID: 'ref_poll' } },
    lambdaContext,
  );

/** Calls `n` times, `concurrency` at a time, in order of start. */
async function times<T>(n: number, call: () => Promise<T>, concurrency = 1): Promise<T[]> {
  const out: T[] = new Array(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        out[i] = await call();
      }
    }),
  );
  return out;
}

beforeEach(() => {
  // One second into the next minute-window, frozen: the tests never straddle two windows.
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime((Math.floor(Date.now() / 60_000) + 1) * 60_000 + 1_000);
});
afterAll(() => vi.useRealTimers());

describe('the platform API rate limit', () => {
  it('answers the 101st request in a minute with 429, Retry-After and the spec envelope at the default 100', async () => {
    const p = principalOf();
    const responses = await times(101, () => listEndpoints(p));
    expect(responses.slice(0, 100).every((r) => r.statusCode === 200)).toBe(true);
    expect(responses.map((r) => r.headers?.['x-ratelimit-remaining']).slice(0, 3)).toEqual(['99', '98', '97']);
    expect(responses[99]?.headers?.['x-ratelimit-remaining']).toBe('0');
    const refused = responses[100] as APIGatewayProxyResult;
    expect(refused.statusCode).toBe(429);
    expect(refused.headers).toMatchObject({
      'x-ratelimit-limit': '100',
      'x-ratelimit-remaining': '0',
      'retry-after': '59',
    });
    expect(Number(refused.headers?.['x-ratelimit-reset'])).toBe(Math.floor(Date.now() / 1000) + 59);
    expect(JSON.parse(refused.body).error.code).toBe('rate_limited');
  });
});

describe('the report endpoints: 10 a minute (the platform spec), each in its own window', () => {
  const listReports = (p: Principal) => reportsList(apiEvent(p, { method: 'GET', path: '/v1/reports' }), lambdaContext);

  it('answers the 11th report request in a minute with 429 and Retry-After, every answer with the three headers', async () => {
    const p = principalOf();
    const responses = await times(11, () => listReports(p));
    expect(responses.map((r) => r.statusCode)).toEqual([...Array(10).fill(200), 429]);
    for (const [i, r] of responses.entries()) {
      expect(r.headers).toMatchObject({
        'x-ratelimit-limit': '10',
        'x-ratelimit-remaining': String(Math.max(0, 9 - i)),
      });
      expect(Number(r.headers?.['x-ratelimit-reset'])).toBe(Math.floor(Date.now() / 1000) + 59);
    }
    expect(responses[10]?.headers?.['retry-after']).toBe('59');
    expect(JSON.parse(responses[10]?.body ?? '{}').error.code).toBe('rate_limited');
  });

  it("counts apart from the surface's 100: a key that used its report minute still has its platform minute", async () => {
    const p = principalOf();
    await times(11, () => listReports(p));
    const other = await listEndpoints(p);
    expect(other.statusCode).toBe(200);
    expect(other.headers).toMatchObject({ 'x-ratelimit-limit': '100', 'x-ratelimit-remaining': '99' });
  });

  it('carries the headers on a 400 (nothing stored) and a 404 of the report routes too', async () => {
    const p = principalOf();
    const bad = await reportsCreate(
      apiEvent(p, {
        method: 'POST',
        path: '/v1/reports',
        body: { type: 'loan_book', from: '2026-02-30', to: '2026-01-01' },
      }),
      lambdaContext,
    );
    expect(bad.statusCode).toBe(400);
    expect(JSON.parse(bad.body).error.details).toEqual([{ field: 'from', message: 'is not a calendar date' }]);
    const missing = await reportGet(
      apiEvent(p, {
        method: 'GET',
        path: '/v1/reports/rpt_01kbd1x5v7q8m6wqz4yq0d2e3f',
        pathParameters: { id: 'rpt_01kbd1x5v7q8m6wqz4yq0d2e3f' },
      }),
      lambdaContext,
    );
    expect(missing.statusCode).toBe(404);
    for (const r of [bad, missing]) {
      expect(r.headers).toMatchObject({ 'x-ratelimit-limit': '10', 'x-ratelimit-remaining': '9' });
      expect(r.headers?.['x-ratelimit-reset']).toMatch(/^\d{10}$/);
    }
  });

  it('takes a stage variable for a route of its own limit (RATE_LIMIT_LIST_REPORTS_PER_MINUTE)', async () => {
    process.env.RATE_LIMIT_LIST_REPORTS_PER_MINUTE = '3';
    try {
      const p = principalOf();
      const statuses = (await times(4, () => listReports(p))).map((r) => r.statusCode);
      expect(statuses).toEqual([200, 200, 200, 429]);
    } finally {
      delete process.env.RATE_LIMIT_LIST_REPORTS_PER_MINUTE;
    }
  });
});

describe('the journey API rate limit', () => {
  it('lets 16 applications poll every 5 s for a minute (192 requests, past the platform 100) when the default applies', async () => {
    const p = principalOf();
    const responses = await times(16 * 12, () => pollOffers(p), 4);
    expect(responses.filter((r) => r.statusCode === 429)).toHaveLength(0);
    expect(new Set(responses.map((r) => r.headers?.['x-ratelimit-limit']))).toEqual(new Set(['6000']));
    expect(Math.min(...responses.map((r) => Number(r.headers?.['x-ratelimit-remaining'])))).toBe(6000 - 192);
  });

  it('counts the journey and the platform API of one credential in separate windows', async () => {
    const p = principalOf();
    await times(150, () => pollOffers(p), 4);
    const platformCall = await listEndpoints(p);
    expect(platformCall.statusCode).toBe(200);
    expect(platformCall.headers?.['x-ratelimit-remaining']).toBe('99');
  });

  it("applies the partner's own journey limit, and only to the journey API", async () => {
    const partner = await createPartner('Limited');
    await setPartnerRateLimit(partner.partnerId, 'journey', 5);
    const p = principalOf(partner.partnerId);
    const responses = await times(6, () => pollOffers(p));
    expect(responses.map((r) => r.statusCode === 429)).toEqual([false, false, false, false, false, true]);
    expect(responses[5]?.headers?.['x-ratelimit-limit']).toBe('5');
    expect(JSON.parse(responses[5]?.body ?? '{}')).toMatchObject({ statusCode: 'FBX-E-004' });
    expect((await listEndpoints(p)).headers?.['x-ratelimit-limit']).toBe('100');
  });
});

describe('the sharded counter', () => {
  it('admits exactly the limit across 4 shards with 16 requests in flight, then refuses, writing each shard its share', async () => {
    const keys = new Map<string, number>();
    const spy = (next: (a: unknown) => Promise<unknown>) => async (args: unknown) => {
      const pk = (args as { input: { Key?: { pk?: string } } }).input.Key?.pk;
      if (pk?.startsWith('RATE#')) keys.set(pk, (keys.get(pk) ?? 0) + 1);
      return next(args);
    };
    ddb.middlewareStack.add(spy as never, { name: 'rateKeySpy', step: 'initialize' });
    try {
      const subject = `test#${newId('cred')}`;
      const [limit, shards, inFlight] = [600, 4, 16];
      const decisions = await times(
        limit + 40,
        () => countRequest(subject, { limit, windowSeconds: 60, shards }),
        inFlight,
      );
      expect(decisions.filter((d) => d.allowed)).toHaveLength(limit);
      // Refusals start only once the whole limit is used: nothing started after `limit` had finished is admitted...
      expect(decisions.slice(limit + inFlight).every((d) => !d.allowed)).toBe(true);
      expect(keys.size).toBe(shards);
      for (const writes of keys.values()) expect(writes).toBeGreaterThanOrEqual(limit / shards);
      // ...and learning that a shard is full costs a few writes per request in flight, not one per refusal.
      const total = [...keys.values()].reduce((a, b) => a + b, 0);
      expect(total).toBeLessThan(limit + shards * inFlight);
    } finally {
      ddb.middlewareStack.remove('rateKeySpy');
    }
  }, 90_000);

  it('keeps one item, as before, for limits up to 15,000 a minute, and spreads 120,000 over 8', async () => {
    const subject = `test#${newId('cred')}`;
    expect((await countRequest(subject, { limit: 15_000, windowSeconds: 60 })).shards).toBe(1);
    expect((await countRequest(subject, { limit: 120_000, windowSeconds: 60 })).shards).toBe(8);
  });
});
