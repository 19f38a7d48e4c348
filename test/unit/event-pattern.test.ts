import { describe, expect, it } from 'vitest';
import { OUTBOX_FILTER } from '../../functions/events/outbox-enrich.ts';
import { matchesPattern } from '../../lib/local/event-pattern.ts';

describe('matchesPattern', () => {
  const event = {
    source: 'lendstack',
    'detail-type': 'lendstack.event',
    detail: { type: 'user_verify', amount: 150, tags: ['a', 'b'], nested: { mode: 'sandbox' } },
  };

  it('matches exact values, nested objects and any element of an array', () => {
    expect(
      matchesPattern(event, { source: ['lendstack'], detail: { nested: { mode: ['sandbox'] }, tags: ['b'] } }),
    ).toBe(true);
    expect(matchesPattern(event, { source: ['other'] })).toBe(false);
  });

  it('supports prefix, suffix, anything-but, exists, numeric and equals-ignore-case', () => {
    expect(matchesPattern(event, { detail: { type: [{ prefix: 'user_' }] } })).toBe(true);
    expect(matchesPattern(event, { detail: { type: [{ suffix: '_verify' }] } })).toBe(true);
    expect(matchesPattern(event, { detail: { type: [{ 'anything-but': ['user_verify'] }] } })).toBe(false);
    expect(matchesPattern(event, { detail: { missing: [{ exists: false }], type: [{ exists: true }] } })).toBe(true);
    expect(matchesPattern(event, { detail: { amount: [{ numeric: ['>', 100, '<=', 150] }] } })).toBe(true);
    expect(matchesPattern(event, { detail: { amount: [{ numeric: ['>', 150] }] } })).toBe(false);
    expect(matchesPattern(event, { source: [{ 'equals-ignore-case': 'LENDSTACK' }] })).toBe(true);
  });

  it('selects outbox inserts with the pipe filter and ignores modifications and other items', () => {
    const insert = { eventName: 'INSERT', dynamodb: { NewImage: { type: { S: 'OUTBOX' } } } };
    expect(matchesPattern(insert, OUTBOX_FILTER)).toBe(true);
    expect(matchesPattern({ ...insert, eventName: 'MODIFY' }, OUTBOX_FILTER)).toBe(false);
    expect(matchesPattern({ eventName: 'INSERT', dynamodb: { NewImage: { pk: { S: 'x' } } } }, OUTBOX_FILTER)).toBe(
      false,
    );
  });

  it('throws on an operator it does not know rather than silently not matching', () => {
    expect(() => matchesPattern(event, { source: [{ cidr: '10.0.0.0/8' }] })).toThrow(/Unsupported/);
  });
});
