/** `npm run bench`: benchmarks, not tests. Each prints its figures; none asserts a time. */
import { benchBundles } from './bundles.ts';

const only = process.argv[2];
if (!only || only === 'bundles') await benchBundles();
