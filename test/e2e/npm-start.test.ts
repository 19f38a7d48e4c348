/**
 * `npm start` as a user runs it, in its own process: it comes up, keeps data with
 * --data-dir across a restart with the same credentials, and Ctrl-C stops every child.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../lib/local/ports.ts';
import { personalBorrower } from '../helpers/factories.ts';
import { client, eventually } from '../helpers/http.ts';

const root = resolve(import.meta.dirname, '..', '..');

async function start(cwd: string, port: number, dataDir: string) {
  const child = spawn(join(root, 'node_modules/.bin/tsx'), [join(root, 'bin/local.ts'), '--data-dir', dataDir], {
    cwd,
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  await eventually(async () => (await fetch(`${baseUrl}/health`).catch(() => null))?.status === 200, 45_000).catch(
    (error: Error) => {
      child.kill('SIGKILL');
      throw new Error(`${error.message}\n${output}`);
    },
  );
  return { child, baseUrl, output: () => output };
}

function interrupt(child: ChildProcess): Promise<number | null> {
  return new Promise((r) => {
    child.once('exit', (code) => r(code));
    child.kill('SIGINT');
  });
}

const portOpen = (endpoint: string) =>
  new Promise<boolean>((r) => {
    const url = new URL(endpoint);
    const socket = connect(Number(url.port), url.hostname);
    socket.once('connect', () => {
      socket.destroy();
      r(true);
    });
    socket.once('error', () => r(false));
  });

async function partnerClient(baseUrl: string, cwd: string) {
  const c = JSON.parse(readFileSync(join(cwd, '.lendstack/sandbox-credentials.json'), 'utf8'));
  const basic = Buffer.from(`${c.clientId}:${c.clientSecret}`).toString('base64');
  const token = await client(baseUrl)('POST', '/api/auth/token/v2', { headers: { authorization: `Basic ${basic}` } });
  return { credentials: c, partner: client(baseUrl, { authorization: `Bearer ${token.body.access_token}` }) };
}

describe('npm start', () => {
  it('keeps data and credentials in --data-dir across a restart, and Ctrl-C stops every child', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'lendstack-cwd-'));
    const dataDir = join(cwd, 'data');
    const port = await freePort();

    const first = await start(cwd, port, dataDir);
    expect(first.output()).toContain('Sandbox partner credentials');
    const before = await partnerClient(first.baseUrl, cwd);
    const created = await before.partner('POST', '/api/core/users', { body: personalBorrower() });
    expect(created.status).toBe(201);
    const { dynamodb } = JSON.parse(readFileSync(join(cwd, '.lendstack/runtime.json'), 'utf8'));
    expect(await interrupt(first.child)).toBe(0);
    // DynamoDB Local (a Java child process) is gone with it.
    expect(await portOpen(dynamodb)).toBe(false);

    const second = await start(cwd, port, dataDir);
    try {
      const after = await partnerClient(second.baseUrl, cwd);
      expect(after.credentials.apiKey).toBe(before.credentials.apiKey);
      const user = await after.partner('GET', `/api/core/users/${created.body.userId}`);
      expect(user.status).toBe(200);
      expect(user.body.userId).toBe(created.body.userId);
    } finally {
      await interrupt(second.child);
    }
  });

  it('says in one line that the port is busy', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'lendstack-cwd-'));
    const port = await freePort();
    const blocker = (await import('node:http')).createServer().listen(port, '127.0.0.1');
    try {
      const child = spawn(join(root, 'node_modules/.bin/tsx'), [join(root, 'bin/local.ts')], {
        cwd,
        env: { ...process.env, PORT: String(port) },
      });
      let stderr = '';
      child.stderr.on('data', (d) => {
        stderr += d;
      });
      const code = await new Promise((r) => child.once('exit', r));
      expect(code).toBe(1);
      const lines = stderr
        .trim()
        .split('\n')
        .filter((l) => !l.includes('npm warn'));
      expect(lines).toEqual([expect.stringMatching(new RegExp(`Port ${port} is already in use.*PORT=`))]);
    } finally {
      blocker.close();
    }
  });
});
