import type { DomainEvent } from '#store/outbox';

/** An event as the platform API shows it: the webhook payload, plus its object and correlation id. */
export function eventView(event: DomainEvent) {
  return {
    id: event.eventId,
    type: event.type,
    status: event.status,
    object_id: event.objectId ?? null,
    data: event.data,
    created_at: event.createdAt,
    correlation_id: event.correlationId ?? null,
  };
}
