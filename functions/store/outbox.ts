/**
 * The transactional outbox: a state change that partners must hear about is written in the
 * same TransactWrite as its event item. The table stream carries OUTBOX inserts to the event
 * bus (EventBridge Pipes in AWS, the local stream relay in `npm start`), so no event is lost
 * when a function dies after its write.
 */
import { newId } from '#core/ids';
import type { Tenant } from '#core/tenant';
import { OUTBOX_ITEM_TYPE } from './schema.ts';

/** The `detail` of every lendstack event on the bus. */
export interface DomainEvent {
  eventId: string;
  /** The partner guide's callback type: user_created, user_verify, loan, … */
  type: string;
  /** The resource's status after the change. */
  status: string;
  partnerId: string;
  mode: Tenant['mode'];
  data: Record<string, unknown>;
  createdAt: string;
}

/** Source of every lendstack event on the bus. */
export const EVENT_SOURCE = 'lendstack';

/** Outbox items only need to live until the relay has read them from the stream. */
const OUTBOX_TTL_SECONDS = 7 * 24 * 3600;

export function newEvent(tenant: Tenant, type: string, status: string, data: Record<string, unknown>): DomainEvent {
  return {
    eventId: newId('evt'),
    type,
    status,
    partnerId: tenant.partnerId,
    mode: tenant.mode,
    data,
    createdAt: new Date().toISOString(),
  };
}

/** The TransactWrite entry that records `event` beside the state change it describes. */
export function outboxPut(table: string, event: DomainEvent) {
  return {
    Put: {
      TableName: table,
      Item: {
        pk: `OUTBOX#${event.eventId}`,
        sk: 'OUTBOX',
        type: OUTBOX_ITEM_TYPE,
        event,
        expiresAt: Math.floor(Date.now() / 1000) + OUTBOX_TTL_SECONDS,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}
