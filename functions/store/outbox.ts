/**
 * The transactional outbox: a state change that partners must hear about is written in the
 * same TransactWrite as its event item. The table stream carries OUTBOX inserts to the event
 * bus (EventBridge Pipes in AWS, the local stream relay in `npm start`), so no event is lost
 * when a function dies after its write.
 */
import { correlationId } from '#core/correlation';
import { newId } from '#core/ids';
import type { Tenant } from '#core/tenant';
import { EVENT_RETENTION_SECONDS, eventObjectIds, eventRecordKeys } from './events.ts';
import { OUTBOX_ITEM_TYPE } from './schema.ts';

/**
 * Every event type lendstack emits: the partner guide's callback types, plus `user_updated`
 * (a client's fields changed on the platform API) and `payment_due` (a reminder before a due
 * date). A webhook endpoint subscribes to any of them, or to `*`.
 */
export const EVENT_TYPES = [
  'user_created',
  'user_updated',
  'user_verify',
  'user_credit_score',
  'loan',
  'bnpl',
  'payment_gateway',
  'payment_due',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** The `detail` of every lendstack event on the bus. */
export interface DomainEvent {
  eventId: string;
  /** One of EVENT_TYPES. */
  type: EventType;
  /** The resource's status after the change. */
  status: string;
  partnerId: string;
  mode: Tenant['mode'];
  data: Record<string, unknown>;
  createdAt: string;
  /**
   * The object the event is about, named by its data (#store/events `eventObjectIds`): what
   * `GET /v1/events?object_id=` matches. Not part of the webhook payload.
   */
  objectId?: string;
  /** The request id that started the chain (#core/correlation): logged everywhere it goes, sent as a webhook header. */
  correlationId?: string;
}

/** Source of every lendstack event on the bus. */
export const EVENT_SOURCE = 'lendstack';

/** A new event of `tenant`, carrying the running invocation's correlation id. */
export function newEvent(tenant: Tenant, type: EventType, status: string, data: Record<string, unknown>): DomainEvent {
  const objectId = eventObjectIds(data)[0];
  const correlation = correlationId();
  return {
    eventId: newId('evt'),
    type,
    status,
    partnerId: tenant.partnerId,
    mode: tenant.mode,
    data,
    createdAt: new Date().toISOString(),
    ...(objectId ? { objectId } : {}),
    ...(correlation ? { correlationId: correlation } : {}),
  };
}

/**
 * The TransactWrite entry that records `event` beside the state change it describes. The
 * outbox item is also the tenant's event record that `GET /v1/events` reads (#store/events
 * owns its keys), kept for 30 days so a partner can reconcile what its webhooks missed.
 */
export function outboxPut(table: string, event: DomainEvent) {
  return {
    Put: {
      TableName: table,
      Item: {
        ...eventRecordKeys(event),
        type: OUTBOX_ITEM_TYPE,
        event,
        objectIds: eventObjectIds(event.data),
        expiresAt: Math.floor(Date.parse(event.createdAt) / 1000) + EVENT_RETENTION_SECONDS,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}
