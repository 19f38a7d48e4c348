/**
 * The sandbox CLI (`npx lendstack`, bin/lendstack.mjs) as a user runs it, piped, against the
 * local runtime: `login` from the credentials file `npm start` writes, `events tail` and
 * `listen --forward-to` running while `trigger user_created` and `trigger payment_gateway`
 * drive the real flows, and the receiver verifying each forward's signature with the secret
 * `listen` printed. Piped output carries no ANSI codes; a down stage and a bad key exit 1.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTH_KEY_HEADER, SIGNATURE_HEADER, verifyWebhookSignature } from '#core/webhooks';
import { type LocalRuntime, startLocalRuntime } from '../../lib/local/runtime.ts';
import { eventually } from '../helpers/http.ts';

const BIN = resolve('bin/lendstack.mjs');
// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes are what is looked for
const ANSI = /\u001b\[/;

let runtime: LocalRuntime;
let cwd: string;
let receiver: Server;
let receiverUrl: string;
const received: { body: string; signature: string; authKey: string }[] = [];
const children: ChildProcess[] = [];

/** A CLI process in `cwd` (its `.lendstack/` holds the credentials), stdout piped. */
function cli(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, ...env } });
  children.push(child);
  const out = { stdout: '', stderr: '', code: undefined as number | null | undefined };
  child.stdout?.on('data', (d) => {
    out.stdout += d;
  });
  child.stderr?.on('data', (d) => {
    out.stderr += d;
  });
  const exited = new Promise<typeof out>((r) =>
    child.on('exit', (code) => {
      out.code = code;
      r(out);
    }),
  );
  return { child, out, exited };
}

beforeAll(async () => {
  process.env.RATE_LIMIT_PER_MINUTE = '100000';
  cwd = mkdtempSync(join(tmpdir(), 'lendstack-cli-'));
  runtime = await startLocalRuntime({ port: 0, credentialsDir: join(cwd, '.lendstack') });
  receiver = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    received.push({
      body: Buffer.concat(chunks).toString('utf8'),
      signature: String(req.headers[SIGNATURE_HEADER.toLowerCase()] ?? ''),
      authKey: String(req.headers[AUTH_KEY_HEADER] ?? ''),
    });
    res.writeHead(200).end('ok');
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
}, 60_000);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  await new Promise((r) => receiver?.close(r));
  await runtime?.stop();
});

describe('lendstack CLI', () => {
  it('logs in from the sandbox credentials file, the profile mode 0600', async () => {
    const { out, exited } = cli(['login']);
    await exited;
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain(`logged in to ${runtime.baseUrl}`);
    expect(statSync(join(cwd, '.lendstack', 'cli.json')).mode & 0o777).toBe(0o600);
  }, 30_000);

  it('exits 1 with a clear line for a bad key and for an unreachable stage', async () => {
    const bad = await cli(['login', '--base-url', runtime.baseUrl, '--api-key', 'sk_nope']).exited;
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^error: .*401, the key was refused/m);
    const down = await cli(['login', '--base-url', 'http://127.0.0.1:1', '--api-key', 'x']).exited;
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/^error: cannot reach http:\/\/127\.0\.0\.1:1/m);
    // The failed logins left the good profile alone.
    expect((await cli(['events', 'tail', '--help']).exited).code).toBe(0);
  }, 30_000);

  it('tails and forwards, signed, the events that trigger user_created and payment_gateway produce', async () => {
    const tail = cli(['events', 'tail', '--interval', '500']);
    const listen = cli(['listen', '--forward-to', receiverUrl, '--interval', '500']);
    const secret = await eventually(() => /webhook signing secret: (whsec_[0-9a-f]+)/.exec(listen.out.stdout)?.[1]);
    const authKey = await eventually(() => /finfra-auth-key: ([0-9a-f]+)/.exec(listen.out.stdout)?.[1]);
    await eventually(() => tail.out.stdout.includes('tailing'));

    const created = await cli(['trigger', 'user_created']).exited;
    expect(created.code, created.stderr).toBe(0);
    const userId = /(bor_[0-9a-z]+)/.exec(created.stdout)?.[1];
    expect(userId).toBeDefined();
    const paid = await cli(['trigger', 'payment_gateway']).exited;
    expect(paid.code, paid.stderr).toBe(0);
    const loanId = /(loan_[0-9a-z]+)/.exec(paid.stdout)?.[1];
    expect(loanId).toBeDefined();

    // events tail: one line per event (time, id, type, status, object id), as they arrive.
    const line = (type: string, objectId: string) =>
      new RegExp(`^\\S+Z  evt_\\S+  ${type}\\s+\\S+\\s+.*${objectId}`, 'm');
    await eventually(() => line('user_created', String(userId)).test(tail.out.stdout), 30_000);
    await eventually(() => /^\S+Z {2}evt_\S+ {2}payment_gateway +PAID/m.test(tail.out.stdout), 30_000);
    expect(tail.out.stdout).toMatch(line('loan', String(loanId)));

    // listen: every event forwarded as a webhook, signed with the secret it printed.
    const forwarded = await eventually(() => {
      const payloads = received.map((r) => ({ ...r, payload: JSON.parse(r.body) }));
      const user = payloads.find((p) => p.payload.type === 'user_created' && p.payload.data.userId === userId);
      const payment = payloads.find((p) => p.payload.type === 'payment_gateway');
      return user && payment && payloads;
    }, 30_000);
    const now = Math.floor(Date.now() / 1000);
    for (const hook of forwarded) {
      expect(verifyWebhookSignature(secret, hook.body, hook.signature, now)).toBe(true);
      expect(verifyWebhookSignature('whsec_other', hook.body, hook.signature, now)).toBe(false);
      expect(hook.authKey).toBe(authKey);
      expect(Object.keys(hook.payload).sort()).toEqual(['created_at', 'data', 'id', 'status', 'type']);
    }
    expect(new Set(forwarded.map((f) => f.payload.id)).size).toBe(forwarded.length);
    expect(listen.out.stdout).toMatch(/--> payment_gateway PAID \[evt_\S+\] {2}<-- 200/);

    for (const out of [tail.out.stdout, listen.out.stdout, created.stdout, paid.stdout]) expect(out).not.toMatch(ANSI);
  }, 90_000);
});
