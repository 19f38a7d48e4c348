/**
 * A tenant's events (#store/events): the outbox item is the event record that GET /v1/events
 * reads, so these write events exactly as a state change's transaction does.
 */
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { withCorrelation } from '#core/correlation';
import { NotFoundError } from '#core/errors';
import { newId } from '#core/ids';
import type { Tenant } from '#core/tenant';
import { ddb } from '#store/client';
import { EVENT_RETENTION_SECONDS, getTenantEvent, listTenantEvents } from '#store/events';
import { type DomainEvent, newEvent, outboxPut } from '#store/outbox';

const TABLE = 'lendstack-test';
const tenant = (mode: Tenant['mode'] = 'sandbox'): Tenant => ({ partnerId: newId('ptn'), mode });

async function write(event: DomainEvent): Promise<DomainEvent> {
  await ddb.send(new TransactWriteCommand({ TransactItems: [outboxPut(TABLE, event)] }));
  return event;
}

/** An event created `minutesAgo` minutes before now. */
function at(event: DomainEvent, minutesAgo: number): DomainEvent {
  return { ...event, createdAt: new Date(Date.now() - minutesAgo * 60_000).toISOString() };
}

describe('tenant events', () => {
  it('lists newest first with the total of every match, page by page', async () => {
    const t = tenant();
    const written = [];
    for (let i = 0; i < 7; i++)
      written.push(await write(at(newEvent(t, 'user_created', 'PENDING', { userId: `u${i}` }), 70 - i)));
    const first = await listTenantEvents(t, {}, { limit: 3, offset: 0 });
    const second = await listTenantEvents(t, {}, { limit: 3, offset: 3 });
    const last = await listTenantEvents(t, {}, { limit: 3, offset: 6 });
    expect(first.total).toBe(7);
    expect([...first.events, ...second.events, ...last.events].map((e) => e.eventId)).toEqual(
      written.map((e) => e.eventId).reverse(),
    );
  });

  it('filters by type and by an object the data names, counting only the matches', async () => {
    const t = tenant();
    const user = newId('bor');
    await write(newEvent(t, 'user_created', 'PENDING', { userId: user }));
    await write(newEvent(t, 'user_verify', 'APPROVED', { userId: user, referenceID: 'kyc_1' }));
    const loan = await write(newEvent(t, 'loan', 'PENDING', { loanId: 'loan_1', userId: user }));
    await write(newEvent(t, 'loan', 'PENDING', { loanId: 'loan_2', userId: newId('bor') }));

    const loans = await listTenantEvents(t, { type: 'loan' }, { limit: 10, offset: 0 });
    expect(loans.total).toBe(2);
    expect(loans.events.every((e) => e.type === 'loan')).toBe(true);

    const ofUser = await listTenantEvents(t, { objectId: user }, { limit: 10, offset: 0 });
    expect(ofUser.total).toBe(3);
    expect(ofUser.events.map((e) => e.type)).toEqual(['loan', 'user_verify', 'user_created']);

    const both = await listTenantEvents(t, { type: 'loan', objectId: user }, { limit: 10, offset: 0 });
    expect(both.events.map((e) => e.eventId)).toEqual([loan.eventId]);
    expect(loan.objectId).toBe('loan_1');
  });

  it('filters by a created range, both ends inclusive', async () => {
    const t = tenant();
    const old = await write(at(newEvent(t, 'loan', 'PENDING', {}), 120));
    const middle = await write(at(newEvent(t, 'loan', 'SIGNED', {}), 60));
    const recent = await write(at(newEvent(t, 'loan', 'DISBURSED', {}), 1));
    const range = await listTenantEvents(
      t,
      { createdGte: middle.createdAt, createdLte: middle.createdAt },
      { limit: 10, offset: 0 },
    );
    expect(range.events.map((e) => e.eventId)).toEqual([middle.eventId]);
    const since = await listTenantEvents(t, { createdGte: middle.createdAt }, { limit: 10, offset: 0 });
    expect(since.events.map((e) => e.eventId)).toEqual([recent.eventId, middle.eventId]);
    const until = await listTenantEvents(t, { createdLte: middle.createdAt }, { limit: 10, offset: 0 });
    expect(until.events.map((e) => e.eventId)).toEqual([middle.eventId, old.eventId]);
  });

  it('hides events older than 30 days even before TTL removes them', async () => {
    const t = tenant();
    const stale = await write(at(newEvent(t, 'loan', 'PENDING', {}), EVENT_RETENTION_SECONDS / 60 + 5));
    const fresh = await write(newEvent(t, 'loan', 'PENDING', {}));
    const all = await listTenantEvents(t, {}, { limit: 10, offset: 0 });
    expect(all.events.map((e) => e.eventId)).toEqual([fresh.eventId]);
    expect(all.total).toBe(1);
    await expect(getTenantEvent(t, stale.eventId)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("never shows one tenant's events to another partner, nor live events to a sandbox key", async () => {
    const live = tenant('live');
    const sandbox: Tenant = { partnerId: live.partnerId, mode: 'sandbox' };
    const other: Tenant = { partnerId: newId('ptn'), mode: 'live' };
    const event = await write(newEvent(live, 'user_created', 'PENDING', { userId: 'u' }));
    expect((await getTenantEvent(live, event.eventId)).eventId).toBe(event.eventId);
    for (const stranger of [sandbox, other]) {
      await expect(getTenantEvent(stranger, event.eventId)).rejects.toBeInstanceOf(NotFoundError);
      expect(await listTenantEvents(stranger, {}, { limit: 10, offset: 0 })).toEqual({ events: [], total: 0 });
    }
  });

  it('carries the correlation id of the invocation that wrote it', async () => {
    const t = tenant();
    const event = await withCorrelation('req-123', async () => write(newEvent(t, 'user_created', 'PENDING', {})));
    expect((await getTenantEvent(t, event.eventId)).correlationId).toBe('req-123');
  });
});
