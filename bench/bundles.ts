/**
 * Bundle size and cold import time of every handler, bundled exactly as the CDK bundles them
 * (esbuild, ESM, minified, node24, AWS SDK external), next to a bare one-GetItem handler.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { routeList } from '../functions/api/routes.ts';

const root = resolve(import.meta.dirname, '..');
const out = mkdtempSync(join(root, 'node_modules', '.bench-'));

export async function bundle(name: string, entry: string) {
  const file = join(out, name, 'index.mjs');
  mkdirSync(join(out, name), { recursive: true });
  await build({
    entryPoints: [entry],
    outfile: file,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    minify: true,
    sourcemap: true,
    mainFields: ['module', 'main'],
    external: ['@aws-sdk/*'],
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    logLevel: 'silent',
  });
  return file;
}

/** Median of `runs` fresh processes, each timing one dynamic import of the bundle. */
export function importMs(file: string, runs = 7, env: Record<string, string> = {}): number {
  const samples = Array.from({ length: runs }, () =>
    Number(
      execFileSync(
        process.execPath,
        [
          '-e',
          `const t=performance.now();await import(${JSON.stringify(file)});console.log(performance.now()-t)`,
          '--input-type=module',
        ],
        {
          env: { ...process.env, TABLE_NAME: 'bench', AWS_REGION: 'ap-southeast-3', ...env },
        },
      ).toString(),
    ),
  );
  samples.sort((a, b) => a - b);
  return samples[Math.floor(runs / 2)] ?? 0;
}

export async function benchBundles() {
  const rows: { name: string; kb: number; ms: number }[] = [];
  const bare = await bundle('bare-getitem', join(root, 'bench/fixtures/bare-getitem.ts'));
  rows.push({ name: 'bare GetItem handler', kb: statSync(bare).size / 1024, ms: importMs(bare) });
  for (const route of routeList) {
    const file = await bundle(route.id, join(root, 'functions', `${route.handler}.ts`));
    rows.push({
      name: `${route.id} (${route.method} ${route.path})`,
      kb: statSync(file).size / 1024,
      ms: importMs(file, 3),
    });
  }
  const [baseline, ...handlers] = rows;
  handlers.sort((a, b) => b.kb - a.kb);
  console.log('\nBundle size and cold import time (node', process.version, ', median of fresh processes)');
  for (const row of [baseline, ...handlers]) {
    if (row) console.log(`  ${row.kb.toFixed(1).padStart(8)} KB  ${row.ms.toFixed(1).padStart(7)} ms  ${row.name}`);
  }
  const largest = handlers[0];
  if (largest && baseline) {
    console.log(
      `\nlargest: ${largest.name}: ${largest.kb.toFixed(0)} KB, ${importMs(join(out, largest.name.split(' ')[0] ?? '', 'index.mjs')).toFixed(1)} ms (median of 7) vs bare ${baseline.kb.toFixed(0)} KB, ${baseline.ms.toFixed(1)} ms`,
    );
  }
}
