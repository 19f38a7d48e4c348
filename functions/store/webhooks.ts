/** Webhook endpoints a tenant registered, and the record of every delivery attempt. */
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { NotFoundError } from '#core/errors';
import type { Tenant } from '#core/tenant';
import { ddb, getEntity, tableName } from './client.ts';
import { collectionRange } from './collection-page.ts';
import { expiryFor, isConditionalCheckFailed, tenantKey } from './keys.ts';

export interface WebhookEndpoint {
  endpointId: string;
  url: string;
  events: string[];
  /** HMAC key for Lendstack-Signature. Stored because every delivery must be signed with it. */
  secret: string;
  /** Static value of the finfra-auth-key header the partner guide's receivers check. */
  authKey: string;
  createdAt: string;
}

const endpointKey = (t: Tenant, endpointId: string) => ({ pk: tenantKey(t, 'WHE'), sk: `WHE#${endpointId}` });

export async function insertWebhookEndpoint(tenant: Tenant, endpoint: WebhookEndpoint): Promise<void> {
  await ddb.send(
    new PutCommand({
      TableName: tableName(),
      Item: { ...endpointKey(tenant, endpoint.endpointId), ...endpoint, expiresAt: expiryFor(tenant.mode) },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

/** A tenant's endpoints, oldest first (few per tenant: one Query). */
export async function listWebhookEndpoints(tenant: Tenant): Promise<WebhookEndpoint[]> {
  const { Items = [] } = await ddb.send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :w)',
      ExpressionAttributeValues: { ':pk': tenantKey(tenant, 'WHE'), ':w': 'WHE#' },
    }),
  );
  return Items.map(({ endpointId, url, events, secret, authKey, createdAt }) => ({
    endpointId,
    url,
    events,
    secret,
    authKey,
    createdAt,
  }));
}

export async function getWebhookEndpoint(tenant: Tenant, endpointId: string): Promise<WebhookEndpoint> {
  const { Item } = await ddb.send(new GetCommand({ TableName: tableName(), Key: endpointKey(tenant, endpointId) }));
  if (!Item) throw new NotFoundError('webhook_endpoint', endpointId);
  const { endpointId: id, url, events, secret, authKey, createdAt } = Item;
  return { endpointId: id, url, events, secret, authKey, createdAt };
}

export async function deleteWebhookEndpoint(tenant: Tenant, endpointId: string): Promise<void> {
  try {
    await ddb.send(
      new DeleteCommand({
        TableName: tableName(),
        Key: endpointKey(tenant, endpointId),
        ConditionExpression: 'attribute_exists(pk)',
      }),
    );
  } catch (error) {
    if (isConditionalCheckFailed(error)) throw new NotFoundError('webhook_endpoint', endpointId, { cause: error });
    throw error;
  }
}

export type DeliveryStatus = 'PENDING' | 'DELIVERED' | 'FAILED' | 'DEAD';

export interface DeliveryAttempt {
  attempt: number;
  at: string;
  statusCode?: number;
  error?: string;
  durationMs: number;
}

export interface Delivery {
  deliveryId: string;
  /** The event itself, kept with the delivery so that it can be replayed after the outbox item expired. */
  event?: import('./outbox.ts').DomainEvent;
  eventId: string;
  eventType: string;
  endpointId: string;
  url: string;
  status: DeliveryStatus;
  attempts: number;
  lastStatusCode?: number;
  lastError?: string;
  createdAt: string;
  updatedAt: string;
}

const deliveryKey = (t: Tenant, eventId: string, endpointId: string) => ({
  pk: tenantKey(t, 'EVT', eventId),
  sk: `DLV#${endpointId}`,
});

/**
 * Opens the delivery of one event to one endpoint. Idempotent: a retried planning step
 * finds the delivery it opened before and keeps its attempts.
 */
export async function openDelivery(tenant: Tenant, delivery: Delivery): Promise<Delivery> {
  try {
    await ddb.send(
      new PutCommand({
        TableName: tableName(),
        Item: {
          ...deliveryKey(tenant, delivery.eventId, delivery.endpointId),
          gsi1pk: tenantKey(tenant, 'WHE', delivery.endpointId),
          gsi1sk: `${delivery.createdAt}#${delivery.deliveryId}`,
          ...delivery,
          expiresAt: expiryFor(tenant.mode),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return delivery;
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
    return getDelivery(tenant, delivery.eventId, delivery.endpointId);
  }
}

export async function getDelivery(tenant: Tenant, eventId: string, endpointId: string): Promise<Delivery> {
  return getEntity<Delivery>(deliveryKey(tenant, eventId, endpointId), 'delivery', `${eventId}/${endpointId}`);
}

/** Puts a delivery back to PENDING for a replay; its attempts are kept and counting goes on. */
export async function reopenDelivery(tenant: Tenant, eventId: string, endpointId: string): Promise<void> {
  try {
    await ddb.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: deliveryKey(tenant, eventId, endpointId),
        UpdateExpression: 'SET #s = :p, updatedAt = :now',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':p': 'PENDING', ':now': new Date().toISOString() },
      }),
    );
  } catch (error) {
    if (isConditionalCheckFailed(error))
      throw new NotFoundError('delivery', `${eventId}/${endpointId}`, { cause: error });
    throw error;
  }
}

/** Records one attempt and the delivery's resulting status (attempt items are the audit trail). */
export async function recordAttempt(
  tenant: Tenant,
  eventId: string,
  endpointId: string,
  attempt: Omit<DeliveryAttempt, 'attempt'>,
  status: DeliveryStatus,
): Promise<number> {
  const { Attributes } = await ddb.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: deliveryKey(tenant, eventId, endpointId),
      UpdateExpression: 'SET #s = :s, updatedAt = :at, lastStatusCode = :c, lastError = :e ADD attempts :one',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: {
        ':s': status,
        ':at': attempt.at,
        ':c': attempt.statusCode ?? null,
        ':e': attempt.error ?? null,
        ':one': 1,
      },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  const n = Number(Attributes?.attempts ?? 1);
  await ddb.send(
    new PutCommand({
      TableName: tableName(),
      Item: {
        ...deliveryKey(tenant, eventId, endpointId),
        sk: `DLV#${endpointId}#ATT#${String(n).padStart(4, '0')}`,
        attempt: n,
        ...attempt,
        expiresAt: expiryFor(tenant.mode),
      },
    }),
  );
  return n;
}

/** Marks a delivery dead: it stays queryable (and replayable) as the dead-letter record. */
export async function markDeliveryDead(tenant: Tenant, eventId: string, endpointId: string, reason: string) {
  await ddb.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: deliveryKey(tenant, eventId, endpointId),
      UpdateExpression: 'SET #s = :d, lastError = :r, updatedAt = :now',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':d': 'DEAD', ':r': reason, ':now': new Date().toISOString() },
    }),
  );
}

/** The attempts of one delivery, in order. */
export async function listAttempts(tenant: Tenant, eventId: string, endpointId: string): Promise<DeliveryAttempt[]> {
  const { Items = [] } = await ddb.send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :a)',
      ExpressionAttributeValues: { ':pk': tenantKey(tenant, 'EVT', eventId), ':a': `DLV#${endpointId}#ATT#` },
    }),
  );
  return Items.map(({ attempt, at, statusCode, error, durationMs }) => ({
    attempt,
    at,
    statusCode,
    error,
    durationMs,
  }));
}

/** An endpoint's deliveries, newest first (byCollection index). */
export async function listDeliveriesForEndpoint(tenant: Tenant, endpointId: string, limit = 50): Promise<Delivery[]> {
  const { Items = [] } = await ddb.send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: 'byCollection',
      KeyConditionExpression: 'gsi1pk = :g',
      ExpressionAttributeValues: { ':g': tenantKey(tenant, 'WHE', endpointId) },
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  return Items.map(({ pk: _p, sk: _s, gsi1pk: _g, gsi1sk: _h, expiresAt: _e, event: _v, ...d }) => d as Delivery);
}

/**
 * An endpoint's deliveries opened within `[start, end)` (ISO instants), oldest first, a page at
 * a time (the webhook deliveries report), without the event payloads.
 */
export async function* deliveryPages(
  tenant: Tenant,
  endpointId: string,
  range: { start: string; end: string },
): AsyncGenerator<Delivery[]> {
  for await (const items of collectionRange({ collection: tenantKey(tenant, 'WHE', endpointId), ...range })) {
    yield items.map(
      ({ pk: _p, sk: _s, gsi1pk: _g, gsi1sk: _h, expiresAt: _e, event: _v, ...d }) => d as unknown as Delivery,
    );
  }
}
