/**
 * `npm run bench tracer`: what Powertools Tracer costs a cold start. The same route handler
 * (GET /v1/events/{id}) bundled as the CDK bundles it, without and with the Tracer (client
 * capture + handler middleware), and the bare GetItem baseline: bundle size and the median
 * time of one cold import in fresh processes, with the Lambda environment the Tracer reads.
 */
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bundle, importMs } from './bundles.ts';

const root = resolve(import.meta.dirname, '..');

/**
 * Median CPU time (user + system) of one cold import in fresh processes: on a shared machine
 * wall time mostly measures the neighbours, CPU time measures the module's own work.
 */
function importCpuMs(file: string, runs: number, env: Record<string, string>): number {
  const script = `const c=process.cpuUsage();await import(${JSON.stringify(file)});const d=process.cpuUsage(c);console.log((d.user+d.system)/1000)`;
  const samples = Array.from({ length: runs }, () =>
    Number(
      execFileSync(process.execPath, ['-e', script, '--input-type=module'], {
        env: { ...process.env, TABLE_NAME: 'bench', AWS_REGION: 'ap-southeast-3', ...env },
      }).toString(),
    ),
  ).sort((a, b) => a - b);
  return samples[Math.floor(runs / 2)] ?? 0;
}

export async function benchTracer(runs = 15) {
  // The Tracer only instruments inside Lambda: make it believe it is there (no daemon is reached at import).
  const lambdaEnv = {
    AWS_LAMBDA_FUNCTION_NAME: 'bench',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    _X_AMZN_TRACE_ID: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1',
    POWERTOOLS_TRACE_ENABLED: 'true',
  };
  const cases = [
    ['bare GetItem handler', join(root, 'bench/fixtures/bare-getitem.ts')],
    ['getEvent, no Tracer', join(root, 'functions/api/platform/get-event.ts')],
    ['getEvent + Powertools Tracer', join(root, 'bench/fixtures/traced-get-event.ts')],
  ] as const;
  console.log(
    `\nPowertools Tracer: bundle size, cold import wall time and CPU time (node ${process.version}, medians of ${runs})`,
  );
  for (const [name, entry] of cases) {
    const file = await bundle(name.replace(/\W+/g, '-'), entry);
    const kb = statSync(file).size / 1024;
    const wall = importMs(file, runs, lambdaEnv).toFixed(1).padStart(7);
    const cpu = importCpuMs(file, runs, lambdaEnv).toFixed(1).padStart(7);
    console.log(`  ${kb.toFixed(1).padStart(8)} KB  ${wall} ms wall  ${cpu} ms CPU  ${name}`);
  }
}
