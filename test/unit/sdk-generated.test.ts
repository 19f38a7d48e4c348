/**
 * The SDK's generated layer is the OpenAPI document's: regenerated here and compared with the
 * committed sdk/generated files. A route table change fails this test until `npm run sdk` is
 * run, and then `tsc` (npm test's typecheck) fails wherever the change breaks the SDK's use
 * (sdk/index.ts, the SDK's tests and the e2e walks written with it).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { generateSdk } from '../../scripts/sdk.ts';

const root = join(import.meta.dirname, '..', '..');

it('sdk/generated matches the OpenAPI document (run `npm run sdk` after changing a route)', {
  timeout: 60_000,
}, async () => {
  for (const [name, text] of Object.entries(await generateSdk())) {
    // The committed files are biome-formatted: format the fresh text the same way.
    const formatted = execFileSync(
      join(root, 'node_modules', '.bin', 'biome'),
      ['format', `--stdin-file-path=sdk/generated/${name}`],
      {
        input: text,
        cwd: root,
        maxBuffer: 64 * 1024 * 1024,
      },
    ).toString();
    expect(
      formatted === readFileSync(join(root, 'sdk', 'generated', name), 'utf8'),
      `sdk/generated/${name} is stale: run npm run sdk`,
    ).toBe(true);
  }
});
