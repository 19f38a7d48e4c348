import { describe, expect, it } from 'vitest';
import {
  configuredRateLimit,
  DEFAULT_RATE_LIMITS,
  routeRateLimit,
  routeRateLimitVariable,
  stageRateLimits,
} from '#http/rate-limit-config';
import { shardBudget, shardsFor } from '#store/rate-limits';
import { openApiDocument } from '../../functions/api/openapi.ts';
import { routeList } from '../../functions/api/routes.ts';

describe('rate limits per surface', () => {
  it('defaults to the platform spec 100 a minute and a generous journey limit', () => {
    expect(DEFAULT_RATE_LIMITS).toMatchObject({ platform: 100, journey: 6_000, partner: 3_000 });
    expect(configuredRateLimit('journey', {})).toBe(6_000);
  });

  it('takes the surface variable over the all-surfaces one, and ignores values that are not whole numbers ≥ 1', () => {
    const env = { RATE_LIMIT_PER_MINUTE: '100000', RATE_LIMIT_JOURNEY_PER_MINUTE: '20000' };
    expect(configuredRateLimit('journey', env)).toBe(20_000);
    expect(configuredRateLimit('platform', env)).toBe(100_000);
    expect(configuredRateLimit('platform', { RATE_LIMIT_PLATFORM_PER_MINUTE: '1.5' })).toBe(100);
    expect(configuredRateLimit('platform', { RATE_LIMIT_PLATFORM_PER_MINUTE: '0' })).toBe(100);
  });

  it('merges stage configuration over the defaults and refuses unknown surfaces and bad values', () => {
    expect(stageRateLimits({ journey: 20_000 })).toEqual({ ...DEFAULT_RATE_LIMITS, journey: 20_000 });
    expect(stageRateLimits('{"platform":200}').platform).toBe(200);
    expect(stageRateLimits(undefined)).toEqual(DEFAULT_RATE_LIMITS);
    expect(() => stageRateLimits({ jounrey: 1 })).toThrow(/unknown surface "jounrey"/);
    expect(() => stageRateLimits({ journey: -1 })).toThrow(/whole number/);
    expect(() => stageRateLimits([1])).toThrow(/object/);
  });
});

describe("a route's own limit", () => {
  it('gives the report routes the platform spec 10 a minute, which a stage variable per route changes', () => {
    const reports = routeList.filter((r) => r.path.startsWith('/v1/reports'));
    expect(reports.map((r) => r.id).sort()).toEqual(['createReport', 'getReport', 'listReports']);
    for (const r of reports) expect(routeRateLimit(r, {})).toBe(10);
    expect(routeRateLimitVariable('createReport')).toBe('RATE_LIMIT_CREATE_REPORT_PER_MINUTE');
    const create = reports.find((r) => r.id === 'createReport') as (typeof reports)[number];
    expect(routeRateLimit(create, { RATE_LIMIT_CREATE_REPORT_PER_MINUTE: '25', RATE_LIMIT_PER_MINUTE: '1000' })).toBe(
      25,
    );
    expect(routeRateLimit(create, { RATE_LIMIT_CREATE_REPORT_PER_MINUTE: 'ten' })).toBe(10);
    // The all-surfaces variable does not lift a route's own limit.
    expect(routeRateLimit(create, { RATE_LIMIT_PER_MINUTE: '1000' })).toBe(10);
    expect(routeRateLimit({ id: 'listLoans' }, {})).toBeUndefined();
  });
});

describe('counter shards', () => {
  it('keeps one item up to 250 writes a second on average, splits above, and stops at 64', () => {
    expect(shardsFor(100, 60)).toBe(1);
    expect(shardsFor(15_000, 60)).toBe(1);
    expect(shardsFor(15_001, 60)).toBe(2);
    expect(shardsFor(120_000, 60)).toBe(8);
    expect(shardsFor(10_000_000, 60)).toBe(64);
  });

  it('gives shards shares that differ by at most one and sum to the limit', () => {
    for (const [limit, shards] of [
      [100, 1],
      [1_000, 3],
      [120_001, 8],
      [5, 8],
    ] as const) {
      const shares = Array.from({ length: shards }, (_, i) => shardBudget(limit, shards, i));
      expect(shares.reduce((a, b) => a + b, 0)).toBe(limit);
      expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(1);
    }
  });
});

describe('the documented limits', () => {
  it('states each surface default in the OpenAPI description and on every metered 429', () => {
    const doc = openApiDocument(routeList);
    expect(doc.info.description).toContain('100 a minute on the platform API, 6,000 a minute on the journey API');
    const offers = doc.paths['/v2/user/offers']?.get as { responses: Record<string, { description: string }> };
    expect(offers.responses['429']?.description).toContain('6,000 requests a minute per credential');
    const endpoints = doc.paths['/v1/webhook-endpoints']?.get as { responses: Record<string, { description: string }> };
    expect(endpoints.responses['429']?.description).toContain('100 requests a minute');
  });
});
