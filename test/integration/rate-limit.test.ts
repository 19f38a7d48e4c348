/** The per-key limit, shared through the table: a small limit, set before the handler module loads. */
import type { APIGatewayProxyResult } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { newId } from '#core/ids';
import { apiEvent, lambdaContext } from '../helpers/factories.ts';

process.env.RATE_LIMIT_PER_MINUTE = '3';
const { handler } = await import('../../functions/api/partner/get-user.ts');
const call = (event: unknown) =>
  (handler as unknown as (e: unknown, c: never) => Promise<APIGatewayProxyResult>)(event, lambdaContext);

describe('per-key rate limit', () => {
  it('counts down X-RateLimit-Remaining and answers 429 with Retry-After past the limit', async () => {
    const principal = { partnerId: newId('ptn'), mode: 'sandbox' as const, credentialId: newId('cred') };
    const event = () =>
      apiEvent(principal, { method: 'GET', path: '/api/core/users/x', pathParameters: { userId: newId('bor') } });
    // Keep all four requests inside one minute-window.
    const secondsIntoMinute = new Date().getSeconds();
    if (secondsIntoMinute > 55) await new Promise((r) => setTimeout(r, (61 - secondsIntoMinute) * 1000));
    const responses = [];
    for (let i = 0; i < 4; i++) responses.push(await call(event()));
    expect(responses.map((r) => r.headers?.['x-ratelimit-remaining'])).toEqual(['2', '1', '0', '0']);
    expect(responses.slice(0, 3).map((r) => r.statusCode)).toEqual([404, 404, 404]);
    expect(responses[3]?.statusCode).toBe(429);
    expect(Number(responses[3]?.headers?.['retry-after'])).toBeGreaterThan(0);
    expect(JSON.parse(responses[3]?.body ?? '{}').error.code).toBe('rate_limited');
  });
});
