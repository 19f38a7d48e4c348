/**
 * The embedded local runtime behind `npm start`: DynamoDB Local, s3rver, local Step Functions
 * running the real ASL, local EventBridge with the real rules, the outbox stream relay and
 * the local API gateway. Handlers are the Lambda modules, configured only by environment
 * variables (AWS_ENDPOINT_URL_*), exactly as in AWS.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join, resolve } from 'node:path';
import { type WorkflowName, workflowArnVariable, workflows } from '../model.ts';
import { startDynamo } from './dynamodb.ts';
import { createLocalEventBridge } from './eventbridge.ts';
import { createGateway } from './gateway.ts';
import { startS3 } from './s3.ts';
import { createLocalStepFunctions } from './stepfunctions.ts';
import { startStreamRelay } from './stream-relay.ts';

export interface SandboxCredentials {
  partnerId: string;
  clientId: string;
  clientSecret: string;
  apiKey: string;
  baseUrl: string;
}

export interface LocalRuntimeOptions {
  /** Gateway port; 0 picks a free one. */
  port: number;
  host?: string;
  /** Keep data here across restarts; in memory when absent. */
  dataDir?: string;
  /** Where to write sandbox-credentials.json. */
  credentialsDir?: string;
  log?: (line: string) => void;
  /**
   * Run the daily servicing (at start and each day at 00:30 Jakarta). Default: on, unless
   * LENDSTACK_DAILY_SERVICING=off (the test suites set it: a run at 00:30 would change the
   * loans a test is comparing; they service through the sandbox clock instead).
   */
  dailyServicing?: boolean;
}

export interface LocalRuntime {
  baseUrl: string;
  credentials: SandboxCredentials;
  /** Waits until every event written so far has been relayed and every workflow has ended. */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

export class PortBusyError extends Error {
  constructor(port: number) {
    super(`Port ${port} is already in use: stop what is using it, or start on another port (PORT=3001 npm start).`);
    this.name = 'PortBusyError';
  }
}

const REGION = 'ap-southeast-3';
export const LOCAL_TABLE = 'lendstack-local';
export const LOCAL_BUCKET = 'lendstack-local-documents';
export const LOCAL_BUS = 'lendstack-local';

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolvePort, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new PortBusyError(port) : error),
    );
    server.listen(port, host, () => {
      const address = server.address();
      resolvePort(typeof address === 'object' && address ? address.port : port);
    });
  });
}

export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const log = options.log ?? (() => undefined);
  const host = options.host ?? '127.0.0.1';
  const dataDir = options.dataDir ? resolve(options.dataDir) : undefined;
  const stops: (() => Promise<void> | void)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s();
    stops.length = 0;
  };

  try {
    // The gateway port first: a busy port is the commonest failure and needs no Java to report.
    const gateway = createGateway({ log });
    const port = await listen(gateway, options.port, host);
    stops.push(() => new Promise<void>((r) => gateway.close(() => r())));
    const baseUrl = `http://${host}:${port}`;

    // The ASL files next: a broken one is reported before anything heavy starts.
    const stepFunctions = createLocalStepFunctions({
      region: REGION,
      log,
      dataDir: dataDir && join(dataDir, 'stepfunctions'),
    });

    const dynamo = await startDynamo({ tableName: LOCAL_TABLE, dataDir: dataDir && join(dataDir, 'dynamodb') });
    stops.push(dynamo.stop);
    const s3 = await startS3({ bucket: LOCAL_BUCKET, dataDir });
    stops.push(s3.stop);

    const sfnPort = await listen(stepFunctions.operations, 0, '127.0.0.1');
    stops.push(() => stepFunctions.stop());
    const eventBridge = createLocalEventBridge({ region: REGION, stepFunctions, log });
    const eventsPort = await listen(eventBridge.operations, 0, '127.0.0.1');
    stops.push(() => new Promise<void>((r) => eventBridge.operations.close(() => r())));

    // What every function sees: the same variables the CDK sets, pointing at local services.
    Object.assign(process.env, {
      AWS_REGION: REGION,
      // s3rver checks SigV4 signatures against its fixed key pair; DynamoDB Local (sharedDb) accepts any.
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      AWS_SESSION_TOKEN: '',
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_ENDPOINT_URL_SFN: `http://127.0.0.1:${sfnPort}`,
      AWS_ENDPOINT_URL_EVENTBRIDGE: `http://127.0.0.1:${eventsPort}`,
      TABLE_NAME: LOCAL_TABLE,
      DOCUMENTS_BUCKET: LOCAL_BUCKET,
      EVENT_BUS_NAME: LOCAL_BUS,
      S3_FORCE_PATH_STYLE: 'true',
      ALLOW_PRIVATE_WEBHOOK_URLS: 'true',
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
      // EMF metric lines mean nothing without CloudWatch; POWERTOOLS_METRICS_DISABLED=false shows them.
      POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'true',
    });
    for (const name of Object.keys(workflows) as WorkflowName[]) {
      process.env[workflowArnVariable(name)] = stepFunctions.arns[name];
    }

    const relay = startStreamRelay({
      streamArn: dynamo.streamArn,
      endpoint: dynamo.endpoint,
      busName: LOCAL_BUS,
      checkpointFile: dataDir && join(dataDir, 'stream-checkpoint.json'),
      log,
    });
    stops.push(() => relay.stop());
    // The executions a crash (or Ctrl-C) interrupted carry on, now that their tasks' services are up.
    stepFunctions.resume();

    const credentials = await ensureSandboxPartner(baseUrl, dataDir);
    // The borrower app's tenant (functions/http/app-tenant.ts): locally, the sandbox partner in sandbox mode.
    process.env.APP_PARTNER_ID = credentials.partnerId;
    process.env.APP_MODE = 'sandbox';
    const credentialsDir = resolve(options.credentialsDir ?? '.lendstack');
    mkdirSync(credentialsDir, { recursive: true });
    const { partnerId: _p, ...forFile } = credentials;
    writeFileSync(join(credentialsDir, 'sandbox-credentials.json'), `${JSON.stringify(forFile, null, 2)}\n`, {
      mode: 0o600,
    });
    // Where the running sandbox's services are, for `npm run partner` and other ops tools.
    const runtimeFile = join(credentialsDir, 'runtime.json');
    writeFileSync(
      runtimeFile,
      `${JSON.stringify({ pid: process.pid, baseUrl, dynamodb: dynamo.endpoint, table: LOCAL_TABLE }, null, 2)}\n`,
    );
    stops.push(() => rmSync(runtimeFile, { force: true }));

    if (options.dailyServicing ?? process.env.LENDSTACK_DAILY_SERVICING !== 'off') {
      stops.push(await startDailyServicing(log));
    }

    gateway.ready = true;
    return {
      baseUrl,
      credentials,
      async settle() {
        for (let i = 0; i < 50; i++) {
          await relay.drain();
          await stepFunctions.idle();
          const before = relay.relayed();
          await relay.drain();
          if (relay.relayed() === before) return;
        }
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The sandbox demo partner: created on first start, its secrets random per data directory
 * (kept in the data directory so restarts reuse them). It exists only in the local runtime.
 */
async function ensureSandboxPartner(baseUrl: string, dataDir?: string): Promise<SandboxCredentials> {
  // Imported here: the store's clients must be created after the endpoints are set.
  const { createPartner, issueCredential, findPrincipalByApiKey } = await import('../../functions/store/partners.ts');
  const saved = dataDir ? join(dataDir, 'sandbox-credentials.json') : undefined;
  if (saved && existsSync(saved)) {
    const previous = JSON.parse(readFileSync(saved, 'utf8')) as SandboxCredentials;
    if (await findPrincipalByApiKey(previous.apiKey)) return { ...previous, baseUrl };
  }
  const partner = await createPartner('Sandbox demo partner');
  const credential = await issueCredential(partner.partnerId, 'sandbox');
  const credentials: SandboxCredentials = {
    partnerId: partner.partnerId,
    clientId: credential.clientId,
    clientSecret: credential.clientSecret,
    apiKey: credential.apiKey,
    baseUrl,
  };
  if (saved) writeFileSync(saved, JSON.stringify(credentials), { mode: 0o600 });
  return credentials;
}

/**
 * The local stand-in for EventBridge Scheduler's daily servicing run: once at start (a laptop
 * is rarely on at 00:30, so the day is caught up) and then every day at 00:30 Jakarta time.
 * Each run is the servicing workflow's execution named after its day, so a restart on the same
 * day does not run it twice (and a day run twice would change nothing anyway).
 */
async function startDailyServicing(log: (line: string) => void): Promise<() => void> {
  const { ensureWorkflow } = await import('../../functions/store/workflows.ts');
  const { jakartaToday } = await import('../../functions/store/loans.ts');
  let timer: NodeJS.Timeout | undefined;
  const run = async () => {
    const date = jakartaToday();
    try {
      await ensureWorkflow('servicing', `daily-${date}`, { date });
      log(`servicing run for ${date} started`);
    } catch (error) {
      log(`servicing run for ${date} could not start: ${(error as Error).message}`);
    }
  };
  const schedule = () => {
    const now = Date.now();
    const jakartaMidnight = Date.parse(`${jakartaToday(now)}T00:00:00+07:00`);
    let next = jakartaMidnight + 30 * 60_000;
    if (next <= now) next += 24 * 3600_000;
    timer = setTimeout(() => {
      void run().finally(schedule);
    }, next - now);
    timer.unref();
  };
  await run();
  schedule();
  return () => clearTimeout(timer);
}
