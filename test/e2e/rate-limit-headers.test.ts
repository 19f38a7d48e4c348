/**
 * The platform spec's rate-limit headers on every answer of the platform API, whatever its
 * status: each route's sample (route-samples.ts) as its owner (2xx), broken (400), as another
 * partner (404), a conflict (409), a reused Idempotency-Key (422) and past the limit (429),
 * both the surface's 100 and a report route's own 10. Generated from the route table: a new
 * platform route is checked without anyone adding it here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeList } from '#api/routes';
import { routeRateLimitVariable } from '#http/rate-limit-config';
import type { RouteDef } from '#http/route';
import { type Answer, type Harness, startHarness, type Tenant } from '../helpers/route-harness.ts';
import { buildFixtures, encode, type Fixtures, sampleRequest } from '../helpers/route-samples.ts';
import { startReceiver } from '../helpers/webhook-receiver.ts';

const HEADERS = ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'] as const;
const platformRoutes: RouteDef[] = routeList.filter((r) => r.surface === 'platform' && !r.unmetered);

let h: Harness;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let fx: Fixtures;
let other: Tenant;
/** Every answer checked, by status, for the summary. */
const seen = new Map<number, number>();

beforeAll(async () => {
  receiver = await startReceiver();
  h = await startHarness();
  [fx, other] = await Promise.all([
    buildFixtures(h, h.sandbox, receiver.url('/hooks/headers'), 'headers'),
    h.tenant('sandbox'),
  ]);
}, 240_000);

afterAll(async () => {
  const statuses = [...seen.entries()].sort(([a], [b]) => a - b).map(([s, n]) => `${s}: ${n}`);
  console.log(`rate-limit headers: ${platformRoutes.length} platform routes; answers checked ${statuses.join(', ')}`);
  await h?.stop();
  await receiver?.close();
});

/** The three headers, well formed: a whole limit, a remainder within it, a reset in the next minute. */
function expectHeaders(answer: Answer, what: string) {
  seen.set(answer.status, (seen.get(answer.status) ?? 0) + 1);
  const [limit, remaining, reset] = HEADERS.map((name) => String(answer.headers[name] ?? ''));
  expect(limit, `${what} (${answer.status}): X-RateLimit-Limit`).toMatch(/^[1-9]\d*$/);
  expect(remaining, `${what} (${answer.status}): X-RateLimit-Remaining`).toMatch(/^\d+$/);
  expect(Number(remaining)).toBeLessThanOrEqual(Number(limit));
  // The end of the window the request was counted in: at most a minute ahead, and behind now
  // only by the time the answer took (a request counted at 59.9 s may be read a few seconds on).
  const inSeconds = Number(reset) - Date.now() / 1000;
  expect(inSeconds, `${what} (${answer.status}): X-RateLimit-Reset`).toBeGreaterThan(-15);
  expect(inSeconds).toBeLessThanOrEqual(61);
}

const send = (route: RouteDef, tenant: Tenant, change: (r: ReturnType<typeof encode>) => void = () => {}) => {
  const request = encode(route, sampleRequest(route, fx), tenant);
  change(request);
  return h.send(request);
};

describe('every platform API answer carries X-RateLimit-Limit, -Remaining and -Reset', () => {
  it.each(platformRoutes.map((r) => [`${r.method} ${r.path}`, r] as const))('%s: as its owner', async (name, route) => {
    const answer = await send(route, h.sandbox);
    expect(answer.status, answer.text.slice(0, 200)).toBeLessThan(500);
    expectHeaders(answer, name);
  });

  // A route that takes nothing (no body, query or id) cannot be sent broken.
  const breakable = platformRoutes.filter((r) => r.request.body || r.request.query || r.request.params);
  it.each(breakable.map((r) => [`${r.method} ${r.path}`, r] as const))('%s: broken (400)', async (name, route) => {
    const answer = await send(route, h.sandbox, (request) => {
      // A body that is not JSON, or else a page size no list takes, or else an id of no shape.
      if (request.body !== undefined) request.body = '{"unterminated';
      else if (route.method === 'GET' && !route.path.includes('{')) request.path = `${route.path}?limit=0`;
      else request.path = request.path.replace(/\/[^/?]+(?=(\/[a-z-]+)*(\?|$))/, '/%20not%20an%20id');
    });
    expect([400, 404], `${name}: ${answer.status} ${answer.text.slice(0, 200)}`).toContain(answer.status);
    expectHeaders(answer, name);
  });

  it.each(platformRoutes.filter((r) => r.path.includes('{')).map((r) => [`${r.method} ${r.path}`, r] as const))(
    "%s: another partner's object (404)",
    async (name, route) => {
      const answer = await send(route, other);
      expect(answer.status, answer.text.slice(0, 200)).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
      expectHeaders(answer, name);
    },
  );

  it('on a conflict (409: blocking a borrower twice) and a reused Idempotency-Key (422)', async () => {
    const created = await send(routeList.find((r) => r.id === 'createClient') as RouteDef, h.sandbox);
    const id = created.json.data.id as string;
    const block = routeList.find((r) => r.id === 'blockBorrower') as RouteDef;
    const blockIt = () => send(block, h.sandbox, (r) => (r.path = r.path.replace(fx.userId, id)));
    const first = await blockIt();
    const again = await blockIt();
    expect([first.status, again.status]).toEqual([200, 409]);
    expectHeaders(again, 'block twice');
    const create = routeList.find((r) => r.id === 'createWebhookEndpoint') as RouteDef;
    const key = { 'idempotency-key': `headers-${Date.now()}` };
    const used = await send(create, h.sandbox, (r) => Object.assign(r.headers ?? {}, key));
    const reused = await send(create, h.sandbox, (r) => {
      Object.assign(r.headers ?? {}, key);
      r.body = JSON.stringify({ url: 'http://127.0.0.1:9/other', events: ['loan'] });
    });
    expect([used.status, reused.status]).toEqual([201, 422]);
    expectHeaders(reused, 'reused key');
    // A replay of the first answer carries the headers of its own request.
    const replay = await send(create, h.sandbox, (r) => Object.assign(r.headers ?? {}, key));
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expectHeaders(replay, 'replay');
  });

  it("past the limit (429, with Retry-After): a report route's own 10 and the surface's", async () => {
    const reports = routeList.find((r) => r.id === 'listReports') as RouteDef;
    const tenant = await h.tenant('sandbox');
    // The harness lifts every limit: this test puts the report route's back, and lowers the surface's.
    process.env[routeRateLimitVariable('listReports')] = '10';
    process.env.RATE_LIMIT_PLATFORM_PER_MINUTE = '5';
    try {
      // Counted in fixed minute-windows: start early in one, so the 17 requests fall in it.
      const msLeft = 60_000 - (Date.now() % 60_000);
      if (msLeft < 40_000) await new Promise((r) => setTimeout(r, msLeft + 100));
      const answers: Answer[] = [];
      for (let i = 0; i < 11; i++) answers.push(await send(reports, tenant));
      expect(answers.map((a) => a.status)).toEqual([...Array(10).fill(200), 429]);
      for (const a of answers) expectHeaders(a, 'listReports');
      const refused = answers[10] as Answer;
      expect(refused.headers['x-ratelimit-limit']).toBe('10');
      expect(refused.headers['x-ratelimit-remaining']).toBe('0');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      // The surface's own window was not touched by the report route's.
      const loans = routeList.find((r) => r.id === 'listLoans') as RouteDef;
      const surface: Answer[] = [];
      for (let i = 0; i < 6; i++) surface.push(await send(loans, tenant));
      expect(surface.map((a) => a.status)).toEqual([...Array(5).fill(200), 429]);
      for (const a of surface) expectHeaders(a, 'listLoans');
      expect(surface[5]?.headers['x-ratelimit-limit']).toBe('5');
      expect(surface[5]?.headers['retry-after']).toMatch(/^\d+$/);
    } finally {
      process.env[routeRateLimitVariable('listReports')] = '10000000';
      delete process.env.RATE_LIMIT_PLATFORM_PER_MINUTE;
    }
  });
});
