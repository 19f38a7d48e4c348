/**
 * The rate-limit counter's write pattern at 2,000 requests/s from one credential, against
 * DynamoDB Local: the real `countRequest` driven by a schedule of 2,000 requests a second for
 * 10 s, every counter write recorded by partition key and by the second of the schedule its
 * request belongs to (so the pattern is the one DynamoDB would see at 2,000/s even when DynamoDB
 * Local on a small machine cannot absorb that rate; the achieved rate is printed beside it).
 *
 *   single key   the previous design (one item per credential and window; `shards: 1` forced)
 *   sharded      what a limit of 120,000/min (2,000/s) gets now: 8 items
 *   accuracy     a 10,000 limit over 8 shards, 12,000 requests: admitted vs limit, writes spent
 *
 * DynamoDB Local does not throttle, so the single key "works" here; the figure that matters is
 * writes per second on one key against DynamoDB's 1,000 WCU per partition, where AWS would
 * throttle it. At most 64 calls are in flight (about the Lambda instances 2,000/s needs at
 * 30 ms each); latencies are DynamoDB Local's on this machine, not DynamoDB's.
 * BENCH_RATE (2000) and BENCH_RATE_SECONDS (10) change the load.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { availableParallelism, loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { startDynamo } from '../lib/local/dynamodb.ts';

const PARTITION_WRITE_CEILING = 1_000;
const IN_FLIGHT = 64;

interface Phase {
  label: string;
  limit: number;
  shards?: number;
  seconds: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

export async function benchRateLimit(rate = 2_000, seconds = 10) {
  const dynamo = await startDynamo({ tableName: 'lendstack-bench' });
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_REGION: 'ap-southeast-3',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    TABLE_NAME: 'lendstack-bench',
  });
  // Imported after the environment is set: the store's client is created with it.
  const { countRequest, shardsFor } = await import('../functions/store/rate-limits.ts');
  const { ddb } = await import('../functions/store/client.ts');

  // Every counter write, by key and by the second of the schedule its request belongs to.
  const scheduledSecond = new AsyncLocalStorage<number>();
  const writes = new Map<string, Map<number, number>>();
  ddb.middlewareStack.add(
    ((next: (a: unknown) => Promise<unknown>) => async (args: { input: { Key?: { pk?: string } } }) => {
      const pk = args.input.Key?.pk;
      if (pk?.startsWith('RATE#')) {
        const second = scheduledSecond.getStore() ?? -1;
        const perSecond = writes.get(pk) ?? new Map<number, number>();
        perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
        writes.set(pk, perSecond);
      }
      return next(args);
    }) as never,
    { name: 'benchWriteSpy', step: 'initialize' },
  );

  async function drive(phase: Phase) {
    writes.clear();
    const subject = `bench#${phase.label}#${Date.now()}`;
    const window = { limit: phase.limit, windowSeconds: 60, shards: phase.shards };
    const windowNow = Date.now();
    const latencies: number[] = [];
    let admitted = 0;
    let refused = 0;
    let issued = 0;
    const inFlight = new Set<Promise<void>>();
    const total = rate * phase.seconds;
    const phaseStart = performance.now();
    while (issued < total) {
      const due = Math.min(total, Math.floor(((performance.now() - phaseStart) / 1000) * rate));
      // Requests behind schedule wait here, not in the SDK: the latency is the count call's own.
      while (issued < due && inFlight.size < IN_FLIGHT) {
        const second = Math.floor(issued / rate);
        issued++;
        const t0 = performance.now();
        // One window for the whole phase (the clock is the phase's start), as in a real minute.
        const p = scheduledSecond
          .run(second, () => countRequest(subject, window, windowNow))
          .then((d) => {
            latencies.push(performance.now() - t0);
            if (d.allowed) admitted++;
            else refused++;
            inFlight.delete(p);
          });
        inFlight.add(p);
      }
      await sleep(1);
    }
    await Promise.all(inFlight);
    const elapsed = (performance.now() - phaseStart) / 1000;
    latencies.sort((a, b) => a - b);
    let maxPerKey = 0;
    let writeCount = 0;
    for (const perSecond of writes.values()) {
      for (const n of perSecond.values()) {
        maxPerKey = Math.max(maxPerKey, n);
        writeCount += n;
      }
    }
    return { elapsed, latencies, admitted, refused, writeCount, keys: writes.size, maxPerKey };
  }

  /** The count call's own latency, one call at a time (no queueing): what a Lambda instance waits. */
  async function oneAtATime(shards: number | undefined, n = 300) {
    const subject = `bench#sequential#${shards}#${Date.now()}`;
    const latencies: number[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      await countRequest(subject, { limit: rate * 60, windowSeconds: 60, shards });
      latencies.push(performance.now() - t0);
    }
    return latencies.sort((a, b) => a - b);
  }

  const ms = (sorted: number[]) =>
    `p50 ${percentile(sorted, 50).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms`;
  console.log(
    `\nRate-limit counter: one credential, ${rate.toLocaleString()} requests/s scheduled for ${seconds} s, DynamoDB Local ` +
      `(node ${process.version}, ${availableParallelism()} cores, load average ${loadavg()[0]?.toFixed(1)})`,
  );
  try {
    // Warm-up (JIT, sockets, DynamoDB Local): not reported.
    await drive({ label: 'warmup', limit: 1_000_000, seconds: 0.5 });
    const perMinute = rate * 60;
    for (const phase of [
      { label: 'single key (before)', limit: perMinute, shards: 1, seconds },
      { label: 'sharded (now)', limit: perMinute, seconds },
    ]) {
      const r = await drive(phase);
      const shards = phase.shards ?? shardsFor(phase.limit, 60);
      const over = r.maxPerKey > PARTITION_WRITE_CEILING ? 'OVER' : 'under';
      console.log(`  ${phase.label}: limit ${perMinute.toLocaleString()}/min, ${shards} counter item(s)`);
      console.log(
        `    write pattern   ${r.writeCount.toLocaleString()} writes on ${r.keys} key(s); busiest key ${r.maxPerKey.toLocaleString()} writes in one second of the schedule, ${over} DynamoDB's ${PARTITION_WRITE_CEILING.toLocaleString()} WCU a partition`,
      );
      console.log(
        `    DynamoDB Local  ${(r.latencies.length / r.elapsed).toFixed(0)} requests/s achieved, count ${ms(r.latencies)} with ${IN_FLIGHT} in flight; ${r.admitted.toLocaleString()} admitted, ${r.refused.toLocaleString()} refused`,
      );
      console.log(`    one at a time   count ${ms(await oneAtATime(phase.shards))}`);
    }
    const accuracy = { label: 'accuracy', limit: rate * 5, shards: 8, seconds: 6 };
    const r = await drive(accuracy);
    console.log(
      `  accuracy: limit ${accuracy.limit.toLocaleString()} over 8 counter items, ${(rate * 6).toLocaleString()} requests: ` +
        `${r.admitted.toLocaleString()} admitted, ${r.refused.toLocaleString()} refused; ${r.writeCount.toLocaleString()} counter writes ` +
        `(${(r.writeCount - r.admitted).toLocaleString()} past the limit, learning shards were full with ${IN_FLIGHT} in flight)`,
    );
  } finally {
    ddb.middlewareStack.remove('benchWriteSpy');
    await dynamo.stop();
  }
}
