/**
 * `npm run bench [bundles|schedules|rate-limit|servicing|tracer]`: benchmarks, not tests. Each prints its
 * figures; none asserts a time.
 */
import { benchBundles } from './bundles.ts';
import { benchRateLimit } from './rate-limit.ts';
import { benchSchedules } from './schedules.ts';
import { benchServicing } from './servicing.ts';
import { benchTracer } from './tracer.ts';

const only = process.argv[2];
if (!only || only === 'schedules') benchSchedules(Number(process.env.BENCH_SCHEDULES ?? 10_000));
if (!only || only === 'bundles') await benchBundles();
if (!only || only === 'rate-limit')
  await benchRateLimit(Number(process.env.BENCH_RATE ?? 2_000), Number(process.env.BENCH_RATE_SECONDS ?? 10));
if (!only || only === 'servicing') await benchServicing(Number(process.env.BENCH_LOANS ?? 10_000));
if (!only || only === 'tracer') await benchTracer();
