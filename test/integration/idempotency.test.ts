import { describe, expect, it } from 'vitest';
import { newId } from '#core/ids';
import { claimIdempotencyKey, completeIdempotencyKey, releaseIdempotencyKey } from '#store/idempotency';

const tenant = () => ({ partnerId: newId('ptn'), mode: 'sandbox' as const });

describe('idempotency records', () => {
  it('claims a new key, then replays the stored response for the same request', async () => {
    const t = tenant();
    expect(await claimIdempotencyKey(t, 'POST /x', 'k1', 'hash-a')).toEqual({ outcome: 'claimed' });
    const response = { statusCode: 201, headers: {}, body: '{"id":1}' };
    await completeIdempotencyKey(t, 'POST /x', 'k1', response);
    expect(await claimIdempotencyKey(t, 'POST /x', 'k1', 'hash-a')).toEqual({ outcome: 'replay', response });
  });

  it('says in progress while the first request runs, and mismatch for a different body', async () => {
    const t = tenant();
    await claimIdempotencyKey(t, 'POST /x', 'k2', 'hash-a');
    expect(await claimIdempotencyKey(t, 'POST /x', 'k2', 'hash-a')).toEqual({ outcome: 'in_progress' });
    expect(await claimIdempotencyKey(t, 'POST /x', 'k2', 'hash-b')).toEqual({ outcome: 'mismatch' });
  });

  it('lets only one of many concurrent claims win', async () => {
    const t = tenant();
    const results = await Promise.all(Array.from({ length: 8 }, () => claimIdempotencyKey(t, 'POST /x', 'k3', 'h')));
    expect(results.filter((r) => r.outcome === 'claimed')).toHaveLength(1);
  });

  it('frees a released key for a retry, and keeps keys apart per tenant', async () => {
    const t = tenant();
    await claimIdempotencyKey(t, 'POST /x', 'k4', 'h');
    await releaseIdempotencyKey(t, 'POST /x', 'k4');
    expect(await claimIdempotencyKey(t, 'POST /x', 'k4', 'h')).toEqual({ outcome: 'claimed' });
    expect(await claimIdempotencyKey(tenant(), 'POST /x', 'k4', 'h')).toEqual({ outcome: 'claimed' });
  });
});
