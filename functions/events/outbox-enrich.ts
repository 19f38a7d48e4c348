/**
 * EventBridge Pipes enrichment between the table stream and the event bus: turns the
 * filtered OUTBOX inserts into the domain events that become each bus event's `detail`.
 * Locally the stream relay (lib/local/stream-relay.ts) calls this same function.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { DomainEvent } from '#store/outbox';

/** Every event on the bus has this source and detail-type; rules match on `detail.type`. */
export const BUS_EVENT = { source: 'lendstack', detailType: 'lendstack.event' } as const;

/** The Pipe's filter: inserts of outbox items only (an EventBridge event pattern). */
export const OUTBOX_FILTER = {
  eventName: ['INSERT'],
  dynamodb: { NewImage: { type: { S: ['OUTBOX'] } } },
} as const;

export const handler = async (records: DynamoDBRecord[]): Promise<DomainEvent[]> =>
  records
    .map((r) => r.dynamodb?.NewImage)
    .filter((image): image is NonNullable<typeof image> => Boolean(image))
    .map((image) => unmarshall(image as Record<string, AttributeValue>).event as DomainEvent);
