#!/usr/bin/env node
/**
 * The `lendstack` bin (`npx lendstack …` from the repo): runs bin/lendstack.ts through the
 * project's tsx on the project's Node 24 (node_modules/node), whichever node started this
 * launcher, so a fresh clone needs only `npm ci`.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const projectNode = join(root, 'node_modules', 'node', 'bin', 'node');
const node = existsSync(projectNode) ? projectNode : process.execPath;
const tsx = import.meta.resolve('tsx');
const child = spawn(node, ['--import', tsx, join(root, 'bin', 'lendstack.ts'), ...process.argv.slice(2)], {
  stdio: 'inherit',
});
// Ctrl-C reaches the child through the terminal's process group; a kill by pid is passed on.
for (const signal of ['SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
