/**
 * The OpenAPI document passes `redocly lint` (the recommended rules, made stricter in
 * redocly.yaml: every example valid against its schema, unique operationIds, described tags).
 * A route whose schema, example or tags break a rule fails `npm test` here.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { openApiDocument } from '../../functions/api/openapi.ts';
import { routeList } from '../../functions/api/routes.ts';

const root = join(import.meta.dirname, '..', '..');

it('passes redocly lint with no errors', { timeout: 60_000 }, async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'lendstack-openapi-')), 'openapi.json');
  writeFileSync(file, JSON.stringify(openApiDocument(routeList), null, 2));
  // redocly exits 1 on errors: read its report either way.
  const { stdout } = await promisify(execFile)(
    join(root, 'node_modules', '.bin', 'redocly'),
    ['lint', file, '--config', join(root, 'redocly.yaml'), '--format', 'json'],
    { cwd: root, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, REDOCLY_TELEMETRY: 'off' } },
  ).catch((e: { stdout: string }) => ({ stdout: e.stdout }));
  const report = JSON.parse(stdout) as {
    totals: { errors: number; warnings: number };
    problems: { ruleId: string; severity: string; message: string; location: { pointer: string }[] }[];
  };
  const byRule = new Map<string, number>();
  for (const p of report.problems)
    byRule.set(`${p.severity} ${p.ruleId}`, (byRule.get(`${p.severity} ${p.ruleId}`) ?? 0) + 1);
  console.log(
    `redocly lint: ${report.totals.errors} errors, ${report.totals.warnings} warnings`,
    Object.fromEntries(byRule),
  );
  const errors = report.problems
    .filter((p) => p.severity === 'error')
    .map((p) => `${p.ruleId} at ${p.location[0]?.pointer}: ${p.message}`);
  expect(errors).toEqual([]);
  expect(report.totals.errors).toBe(0);
});
