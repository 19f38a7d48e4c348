import { describe, expect, it } from 'vitest';
import { withCorrelation } from '#core/correlation';
import { eventObjectIds } from '#store/events';
import { newEvent } from '#store/outbox';

const tenant = { partnerId: 'ptn_1', mode: 'sandbox' as const };

describe('the object an event names', () => {
  it('is the most specific id its data names, and every id is kept for the object filter', () => {
    const event = newEvent(tenant, 'bnpl', 'APPROVED', {
      loanUniqueId: 'loan_1',
      userId: 'bor_1',
      reference_id: 'order-77',
    });
    expect(event.objectId).toBe('loan_1');
    expect(eventObjectIds(event.data)).toEqual(['loan_1', 'order-77', 'bor_1']);
  });

  it('is absent when the data names nothing, and ignores empty and non-string values', () => {
    expect(newEvent(tenant, 'user_created', 'PENDING', { score: 700 }).objectId).toBeUndefined();
    expect(eventObjectIds({ userId: '', applicationId: 42, customerID: 'C-1' })).toEqual(['C-1']);
  });

  it('lists an id named under two fields once', () => {
    expect(eventObjectIds({ applicationId: 'app_1', loanId: 'app_1', userId: 'bor_1' })).toEqual(['app_1', 'bor_1']);
  });
});

describe('the correlation id of an event', () => {
  it('is the running invocation’s, and absent outside one', async () => {
    expect(newEvent(tenant, 'loan', 'PENDING', {}).correlationId).toBeUndefined();
    const inside = await withCorrelation('req-9', async () => {
      await new Promise((r) => setTimeout(r, 5));
      return newEvent(tenant, 'loan', 'PENDING', {});
    });
    expect(inside.correlationId).toBe('req-9');
  });

  it('is not part of what a webhook delivers', async () => {
    const { payloadOf } = await import('#workflows/webhook-delivery');
    const event = withCorrelation('req-1', () => newEvent(tenant, 'loan', 'PENDING', { loanId: 'loan_1' }));
    expect(Object.keys(payloadOf(event)).sort()).toEqual(['created_at', 'data', 'id', 'status', 'type']);
  });
});
