/**
 * `npm run bench [bundles|schedules]`: benchmarks, not tests. Each prints its figures; none
 * asserts a time.
 */
import { benchBundles } from './bundles.ts';
import { benchSchedules } from './schedules.ts';

const only = process.argv[2];
if (!only || only === 'schedules') benchSchedules(Number(process.env.BENCH_SCHEDULES ?? 10_000));
if (!only || only === 'bundles') await benchBundles();
