/**
 * The outbox relay (the local stand-in for EventBridge Pipes) with a data directory: outbox
 * events written while the relay was down are delivered when it comes back, after DynamoDB
 * Local itself restarted on the same files, from the checkpoint, and none twice.
 */
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newEvent, outboxPut } from '#store/outbox';
import { type LocalDynamo, startDynamo } from '../../lib/local/dynamodb.ts';
import { jsonProtocolServer } from '../../lib/local/json-protocol.ts';
import { startStreamRelay } from '../../lib/local/stream-relay.ts';

const TABLE = 'lendstack-relay';
/** The event ids the bus received, in order. */
const received: string[] = [];
const bus = jsonProtocolServer('AWSEvents', 'application/x-amz-json-1.1', {
  PutEvents: (input) => {
    const entries = (input.Entries as { Detail: string }[]) ?? [];
    for (const entry of entries) received.push(JSON.parse(entry.Detail).eventId);
    return { FailedEntryCount: 0, Entries: entries.map(() => ({ EventId: 'e' })) };
  },
});
const opened: LocalDynamo[] = [];

beforeAll(async () => {
  await new Promise<void>((r) => bus.listen(0, '127.0.0.1', r));
  process.env.AWS_ENDPOINT_URL_EVENTBRIDGE = `http://127.0.0.1:${(bus.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const dynamo of opened) await dynamo.stop();
  bus.close();
});

async function dynamoOn(dataDir: string) {
  const dynamo = await startDynamo({ tableName: TABLE, dataDir });
  opened.push(dynamo);
  const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: dynamo.endpoint }));
  /** Writes one outbox event, as a state change's transaction does; returns its id. */
  const write = async (data: Record<string, unknown> = { userId: 'bor_relay' }) => {
    const event = newEvent({ partnerId: 'ptn_relay', mode: 'sandbox' }, 'user_created', 'CREATED', data);
    await ddb.send(new TransactWriteCommand({ TransactItems: [outboxPut(TABLE, event)] }));
    return event.eventId;
  };
  return { dynamo, write };
}

describe('outbox stream relay with a data directory', () => {
  it('delivers what was written while it was down, after a DynamoDB Local restart, and nothing twice', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lendstack-relay-'));
    const checkpointFile = join(dataDir, 'stream-checkpoint.json');
    const first = await dynamoOn(join(dataDir, 'dynamodb'));
    const relay = (dynamo: LocalDynamo) =>
      startStreamRelay({
        streamArn: dynamo.streamArn,
        endpoint: dynamo.endpoint,
        busName: 'lendstack-local',
        checkpointFile,
        log: () => undefined,
      });

    const one = await first.write();
    const before = relay(first.dynamo);
    await before.drain();
    expect(received).toEqual([one]);
    await before.stop();
    // Written after the relay stopped and before the runtime went down: not delivered yet.
    // An empty object anywhere in an event (the SDK's stream client misreads empty maps) is delivered too.
    const two = await first.write({ userId: 'bor_relay', riskVariables: {} });
    const three = await first.write();
    await first.dynamo.stop();

    const second = await dynamoOn(join(dataDir, 'dynamodb'));
    const after = relay(second.dynamo);
    try {
      await after.drain();
      expect(received).toEqual([one, two, three]);
    } finally {
      await after.stop();
    }
  }, 200_000); // two DynamoDB Local starts (each may take long on a loaded machine)
});
