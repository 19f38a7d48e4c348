/**
 * Requests per minute per credential, one limit per surface: the defaults, and where a stage
 * or a partner changes them. Pure (no AWS), so the CDK, the OpenAPI document and the
 * middleware read the same numbers.
 *
 * Precedence, first found wins:
 *   1. a route's own limit (`RouteDef.rateLimitPerMinute`, counted in its own window: the
 *      platform spec's 10/min for report generation), which a stage may change with
 *      `RATE_LIMIT_<ROUTE_ID>_PER_MINUTE` (`RATE_LIMIT_CREATE_REPORT_PER_MINUTE`);
 *   2. the partner's own limit for the surface (`rateLimits` on the partner record, set with
 *      `npm run partner -- limit`);
 *   3. the stage's limit for the surface: `RATE_LIMIT_<SURFACE>_PER_MINUTE` (the CDK sets it
 *      from the `rateLimits` context), then `RATE_LIMIT_PER_MINUTE` for every surface at once;
 *   4. the default below.
 */
import type { Surface } from './route.ts';

/**
 * The defaults, and why:
 * - platform: 100, as the platform API's spec says ("100 requests per minute for most endpoints").
 * - journey: the spec sets no limit and asks partners to poll PROCESSING steps every 5-10 s; at
 *   5 s an application in flight costs 12 requests a minute, so 6,000 a minute lets 500
 *   applications poll at once with room for their triggers. Larger partners get their own limit.
 * - partner: the partner guide sets no limit and pushes status changes by callback (no polling),
 *   so its calls follow borrower actions: 3,000 a minute.
 * - app: per signed-in user (or per X-Device-ID before sign-in): a person tapping through the
 *   app makes a few requests a minute; 120 leaves room for polling the limit decision. OTP
 *   sends have their own, stricter limits (functions/core/app-otp.ts).
 * - system: health and docs are unmetered; the value only applies to a metered system route.
 */
export const DEFAULT_RATE_LIMITS: Readonly<Record<Surface, number>> = {
  platform: 100,
  journey: 6_000,
  partner: 3_000,
  app: 120,
  system: 100,
};

/** The surfaces whose limit can be configured, in the order the docs list them. */
export const RATE_LIMITED_SURFACES = ['platform', 'journey', 'partner', 'app'] as const satisfies readonly Surface[];

/** The environment variable that sets one surface's limit for a stage. */
export function rateLimitVariable(surface: Surface): string {
  return `RATE_LIMIT_${surface.toUpperCase()}_PER_MINUTE`;
}

/** A limit is a whole number of requests per minute, at least 1. */
export function isRateLimit(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1;
}

function parseLimit(raw: string | undefined): number | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  return isRateLimit(n) ? n : undefined;
}

/** The stage's limit for a surface (steps 3 and 4 above): an unreadable value falls back to the default. */
export function configuredRateLimit(surface: Surface, env: Record<string, string | undefined> = process.env): number {
  return (
    parseLimit(env[rateLimitVariable(surface)]) ?? parseLimit(env.RATE_LIMIT_PER_MINUTE) ?? DEFAULT_RATE_LIMITS[surface]
  );
}

/**
 * Stage limits from configuration (CDK context `rateLimits`: an object or its JSON), merged
 * over the defaults. Unknown surfaces and values that are not whole numbers ≥ 1 are refused,
 * so a typo fails the synth instead of silently keeping a default.
 */
export function stageRateLimits(config: unknown): Record<Surface, number> {
  const given = typeof config === 'string' ? (JSON.parse(config) as unknown) : (config ?? {});
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    throw new Error('rateLimits must be an object of requests per minute by surface, e.g. {"journey": 20000}');
  }
  const limits: Record<Surface, number> = { ...DEFAULT_RATE_LIMITS };
  for (const [surface, value] of Object.entries(given)) {
    if (!(surface in DEFAULT_RATE_LIMITS)) throw new Error(`rateLimits: unknown surface "${surface}"`);
    if (!isRateLimit(value)) throw new Error(`rateLimits.${surface} must be a whole number ≥ 1 (got ${value})`);
    limits[surface as Surface] = value;
  }
  return limits;
}

/** The environment variable that changes one route's own limit: `RATE_LIMIT_CREATE_REPORT_PER_MINUTE` for `createReport`. */
export function routeRateLimitVariable(routeId: string): string {
  return `RATE_LIMIT_${routeId.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}_PER_MINUTE`;
}

/**
 * A route's own limit (step 1 above): its variable when set to a whole number ≥ 1, else the
 * route table's; undefined for a route without one (it counts in its surface's window).
 */
export function routeRateLimit(
  route: { id: string; rateLimitPerMinute?: number },
  env: Record<string, string | undefined> = process.env,
): number | undefined {
  if (!route.rateLimitPerMinute) return undefined;
  return parseLimit(env[routeRateLimitVariable(route.id)]) ?? route.rateLimitPerMinute;
}
