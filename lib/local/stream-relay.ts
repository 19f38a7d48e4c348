/**
 * The local stand-in for EventBridge Pipes: polls the table's stream on DynamoDB Local,
 * applies the pipe's filter (the same event pattern), calls the same enrichment function
 * and puts the results on the local bus. With a data directory the position in the stream
 * is checkpointed after each batch is on the bus, and DynamoDB Local keeps the stream in the
 * same directory: a restart, even after a kill, delivers what was not delivered (a batch the
 * kill interrupted is delivered again: at-least-once, as Pipes).
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import {
  type _Record,
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { outboxPipe } from '../model.ts';
import { matchesPattern } from './event-pattern.ts';
import { invoke } from './functions.ts';

type Attribute = Record<string, unknown>;

/**
 * The SDK's stream client reads an empty map attribute (`{"M":{}}`) as `{}`, which no
 * attribute is and the enrichment cannot unmarshall: without this an event with an empty
 * object anywhere would stop the relay for good. (Pipes hands the service's JSON as it is.)
 */
function repairEmptyMaps(value: Attribute): Attribute {
  if (Object.keys(value).length === 0) return { M: {} };
  if (value.M && typeof value.M === 'object') {
    const entries = Object.entries(value.M as Record<string, Attribute>).map(([k, v]) => [k, repairEmptyMaps(v)]);
    return { M: Object.fromEntries(entries) };
  }
  if (Array.isArray(value.L)) return { L: (value.L as Attribute[]).map(repairEmptyMaps) };
  return value;
}

function repairRecord(record: _Record): _Record {
  const image = (i?: Record<string, unknown>) =>
    i && Object.fromEntries(Object.entries(i).map(([k, v]) => [k, repairEmptyMaps(v as Attribute)]));
  const { dynamodb } = record;
  if (!dynamodb) return record;
  return {
    ...record,
    dynamodb: { ...dynamodb, NewImage: image(dynamodb.NewImage), OldImage: image(dynamodb.OldImage) },
  } as _Record;
}

export function startStreamRelay(options: {
  streamArn: string;
  endpoint: string;
  busName: string;
  checkpointFile?: string;
  log: (line: string) => void;
}) {
  const streams = new DynamoDBStreamsClient({ endpoint: options.endpoint });
  const bus = new EventBridgeClient({});
  const checkpoints: Record<string, string> =
    options.checkpointFile && existsSync(options.checkpointFile)
      ? JSON.parse(readFileSync(options.checkpointFile, 'utf8'))
      : {};
  const iterators = new Map<string, string | null>();
  let stopped = false;
  let relayed = 0;

  const save = () => {
    if (!options.checkpointFile) return;
    // Written aside and renamed over: a kill mid-write leaves the previous checkpoint, never half of one.
    writeFileSync(`${options.checkpointFile}.next`, JSON.stringify(checkpoints));
    renameSync(`${options.checkpointFile}.next`, options.checkpointFile);
  };

  async function deliver(records: _Record[]) {
    const matching = records
      .map(repairRecord)
      .filter((r) => matchesPattern(JSON.parse(JSON.stringify(r)), outboxPipe.filter));
    for (let i = 0; i < matching.length; i += outboxPipe.batchSize) {
      const batch = matching.slice(i, i + outboxPipe.batchSize);
      const events = (await invoke(outboxPipe.enrichment, batch)) as unknown[];
      if (!events.length) continue;
      await bus.send(
        new PutEventsCommand({
          Entries: events.map((detail) => ({
            EventBusName: options.busName,
            Source: outboxPipe.busEvent.source,
            DetailType: outboxPipe.busEvent.detailType,
            Detail: JSON.stringify(detail),
          })),
        }),
      );
      relayed += events.length;
    }
  }

  async function pollOnce() {
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: options.streamArn }));
    for (const shard of StreamDescription?.Shards ?? []) {
      const shardId = shard.ShardId ?? '';
      if (iterators.get(shardId) === null) continue; // closed and drained
      let iterator = iterators.get(shardId);
      if (iterator === undefined) {
        const after = checkpoints[shardId];
        ({ ShardIterator: iterator } = await streams.send(
          new GetShardIteratorCommand({
            StreamArn: options.streamArn,
            ShardId: shardId,
            ShardIteratorType: after ? 'AFTER_SEQUENCE_NUMBER' : 'TRIM_HORIZON',
            ...(after ? { SequenceNumber: after } : {}),
          }),
        ));
      }
      if (!iterator) continue;
      const { Records = [], NextShardIterator } = await streams.send(
        new GetRecordsCommand({ ShardIterator: iterator }),
      );
      if (Records.length) {
        await deliver(Records);
        const last = Records[Records.length - 1]?.dynamodb?.SequenceNumber;
        if (last) {
          checkpoints[shardId] = last;
          save();
        }
      }
      iterators.set(shardId, NextShardIterator ?? null);
    }
  }

  // Polls run one at a time (the loop and drain() share this chain): shard iterators are single-use.
  let chain: Promise<void> = Promise.resolve();
  const poll = () => {
    chain = chain.then(() =>
      pollOnce().catch((error: Error) => {
        if (!stopped) options.log(`stream relay: ${error.name}: ${error.message} (retrying)`);
        iterators.clear();
      }),
    );
    return chain;
  };
  const loop = async () => {
    while (!stopped) {
      await poll();
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  void loop();

  return {
    relayed: () => relayed,
    /** Waits until the relay has read everything written so far. */
    async drain() {
      await poll();
    },
    async stop() {
      stopped = true;
      await chain;
    },
  };
}
