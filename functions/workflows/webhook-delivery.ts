/**
 * The webhook delivery workflow's steps (statemachines/webhook-delivery.asl.json):
 * plan (one delivery per subscribed endpoint), deliver (one signed POST; the ASL retries),
 * deadLetter (record what never got through).
 */
import type { EventBridgeEvent } from 'aws-lambda';
import { withCorrelation } from '#core/correlation';
import { LendstackError } from '#core/errors';
import { newId } from '#core/ids';
import type { Tenant } from '#core/tenant';
import { AUTH_KEY_HEADER, endpointWants, SIGNATURE_HEADER, signWebhook, type WebhookPayload } from '#core/webhooks';
import { logger } from '#http/logger';
import { countMetric } from '#http/metrics';
import { refuseUrl } from '#providers/egress';
import type { DomainEvent } from '#store/outbox';
import {
  getDelivery,
  getWebhookEndpoint,
  listWebhookEndpoints,
  markDeliveryDead,
  openDelivery,
  recordAttempt,
} from '#store/webhooks';

/** Thrown when the receiver did not answer 2xx: the ASL retries on this name. */
export class WebhookReceiverError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookReceiverError';
  }
}

export interface DeliveryTask {
  partnerId: string;
  mode: Tenant['mode'];
  eventId: string;
  endpointId: string;
  payload: WebhookPayload;
  /** The event's correlation id: logged with every attempt and sent as CORRELATION_HEADER. */
  correlationId?: string;
  error?: { Error: string; Cause: string };
}

/** The request id that caused the event, so a partner's support request names the one id ops grep for. */
export const CORRELATION_HEADER = 'Lendstack-Correlation-Id';

const RECEIVER_TIMEOUT_MS = 10_000;

export function payloadOf(event: DomainEvent): WebhookPayload {
  return { id: event.eventId, type: event.type, status: event.status, data: event.data, created_at: event.createdAt };
}

/** Opens one delivery per endpoint of the event's tenant that subscribed to its type. */
export const plan = async (
  event: EventBridgeEvent<string, DomainEvent> & { replayEndpointId?: string },
): Promise<{ eventId: string; deliveries: DeliveryTask[] }> => {
  const detail = event.detail;
  const tenant: Tenant = { partnerId: detail.partnerId, mode: detail.mode };
  // A replay goes to the one endpoint it was asked for; a new event to every subscriber.
  const endpoints = (await listWebhookEndpoints(tenant)).filter((e) =>
    event.replayEndpointId ? e.endpointId === event.replayEndpointId : endpointWants(e.events, detail.type),
  );
  const now = new Date().toISOString();
  const deliveries: DeliveryTask[] = [];
  for (const endpoint of endpoints) {
    await openDelivery(tenant, {
      deliveryId: newId('dlv'),
      event: detail,
      eventId: detail.eventId,
      eventType: detail.type,
      endpointId: endpoint.endpointId,
      url: endpoint.url,
      status: 'PENDING',
      attempts: 0,
      createdAt: now,
      updatedAt: now,
    });
    deliveries.push({
      ...tenant,
      eventId: detail.eventId,
      endpointId: endpoint.endpointId,
      payload: payloadOf(detail),
      ...(detail.correlationId ? { correlationId: detail.correlationId } : {}),
    });
  }
  logger.info('webhook deliveries planned', {
    eventId: detail.eventId,
    type: detail.type,
    count: deliveries.length,
    correlationId: detail.correlationId,
  });
  return { eventId: detail.eventId, deliveries };
};

/** One signed POST. Every attempt is recorded; a delivered one is never sent again. */
export const deliver = (task: DeliveryTask): Promise<{ status: 'DELIVERED' | 'SKIPPED'; statusCode?: number }> =>
  withCorrelation(task.correlationId, () => deliverOnce(task));

const deliverOnce = async (task: DeliveryTask): Promise<{ status: 'DELIVERED' | 'SKIPPED'; statusCode?: number }> => {
  const tenant: Tenant = { partnerId: task.partnerId, mode: task.mode };
  const delivery = await getDelivery(tenant, task.eventId, task.endpointId);
  if (delivery.status === 'DELIVERED') return { status: 'DELIVERED' };
  let endpoint: Awaited<ReturnType<typeof getWebhookEndpoint>>;
  try {
    endpoint = await getWebhookEndpoint(tenant, task.endpointId);
  } catch (error) {
    // The endpoint was removed after the event: nothing to deliver to.
    if (error instanceof LendstackError && error.type === 'not_found') {
      countMetric('WebhookDeliveries', 'SKIPPED');
      return { status: 'SKIPPED' };
    }
    throw error;
  }
  const body = JSON.stringify(task.payload);
  const started = Date.now();
  const at = new Date(started).toISOString();
  // DNS is checked again at delivery time: a host may have been re-pointed since registration.
  const refusal = await refuseUrl(endpoint.url, task.mode);
  if (refusal) {
    await recordAttempt(
      tenant,
      task.eventId,
      task.endpointId,
      { at, error: `URL ${refusal}`, durationMs: 0 },
      'FAILED',
    );
    countMetric('WebhookDeliveries', 'FAILED');
    throw new WebhookReceiverError(`URL ${refusal}`);
  }
  let statusCode: number | undefined;
  let failure: string | undefined;
  try {
    const response = await fetch(endpoint.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'lendstack-webhooks/1',
        [AUTH_KEY_HEADER]: endpoint.authKey,
        [SIGNATURE_HEADER]: signWebhook(endpoint.secret, body, Math.floor(Date.now() / 1000)),
        ...(task.correlationId ? { [CORRELATION_HEADER]: task.correlationId } : {}),
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(RECEIVER_TIMEOUT_MS),
    });
    statusCode = response.status;
    await response.body?.cancel();
    if (statusCode < 200 || statusCode >= 300) failure = `receiver answered ${statusCode}`;
  } catch (error) {
    failure = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }
  const durationMs = Date.now() - started;
  const attempt = await recordAttempt(
    tenant,
    task.eventId,
    task.endpointId,
    { at, durationMs, ...(statusCode !== undefined ? { statusCode } : {}), ...(failure ? { error: failure } : {}) },
    failure ? 'FAILED' : 'DELIVERED',
  );
  logger.info('webhook attempt', {
    eventId: task.eventId,
    endpointId: task.endpointId,
    attempt,
    statusCode,
    failure,
    correlationId: task.correlationId,
  });
  countMetric('WebhookDeliveries', failure ? 'FAILED' : 'DELIVERED');
  if (failure) throw new WebhookReceiverError(failure);
  return { status: 'DELIVERED', statusCode };
};

/** After the last retry: the delivery is DEAD, kept with its attempts for inspection and replay. */
export const deadLetter = async (task: DeliveryTask): Promise<{ status: 'DEAD' }> => {
  const reason = task.error ? `${task.error.Error}: ${task.error.Cause}` : 'gave up';
  await markDeliveryDead({ partnerId: task.partnerId, mode: task.mode }, task.eventId, task.endpointId, reason);
  logger.warn('webhook delivery dead', {
    eventId: task.eventId,
    endpointId: task.endpointId,
    reason,
    correlationId: task.correlationId,
  });
  withCorrelation(task.correlationId, () => countMetric('WebhookDeliveries', 'DEAD'));
  return { status: 'DEAD' };
};
