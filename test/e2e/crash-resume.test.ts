/**
 * `npm start -- --data-dir D` killed with SIGKILL while a BRE run is PROCESSING, then started
 * again on the same D: the run finishes (its bureau call runs again), the journey goes on with
 * the waits the workflow had before the kill (their task tokens kept), to the disbursal. The
 * kill is the runtime process's alone, as `kill -9 <pid>` does: DynamoDB Local (its Java
 * child) outlives it, and the restart stops that leftover before opening the same files.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { client, eventually } from '../helpers/http.ts';

const root = resolve(import.meta.dirname, '..', '..');
const started: ChildProcess[] = [];

/** `npm start -- --data-dir <dataDir> --port 0` (what `npm start` runs), in its own process group. */
async function start(cwd: string, dataDir: string) {
  const child = spawn(
    join(root, 'node_modules/.bin/tsx'),
    [join(root, 'bin/local.ts'), '--data-dir', dataDir, '--port', '0'],
    {
      cwd,
      detached: true,
      // The test polls with one key: lift the per-key limit.
      env: { ...process.env, RATE_LIMIT_PER_MINUTE: '100000' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  started.push(child);
  let output = '';
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  const baseUrl = await eventually(() => /is up in .* on (http:\/\/\S+)/.exec(output)?.[1], 120_000).catch(
    (error: Error) => {
      throw new Error(`${error.message}\n${output}`);
    },
  );
  const { apiKey } = JSON.parse(readFileSync(join(cwd, '.lendstack/sandbox-credentials.json'), 'utf8'));
  const runtime = JSON.parse(readFileSync(join(cwd, '.lendstack/runtime.json'), 'utf8'));
  return {
    child,
    api: client(baseUrl, { 'x-api-key': apiKey }),
    pid: runtime.pid as number,
    dynamodb: runtime.dynamodb,
  };
}

afterAll(() => {
  // Whatever is left of both process trees (the first one's DynamoDB Local, should the restart have missed it).
  for (const child of started) {
    try {
      process.kill(-(child.pid ?? 0), 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

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

/** The lines of the application executions' journals in the data directory (a line being written is left out). */
function journal(
  dataDir: string,
): { t: string; event?: { type: string; state?: { name: string } }; reentries?: string[] }[] {
  const dir = join(dataDir, 'stepfunctions');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.startsWith('application.'))
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n'))
    .flatMap((line) => {
      try {
        return [JSON.parse(line)];
      } catch {
        return [];
      }
    });
}

type Api = Awaited<ReturnType<typeof start>>['api'];
async function poll(api: Api, path: string, until: (body: any) => boolean) {
  return eventually(async () => {
    const res = await api('GET', path);
    return until(res.body) && res.body;
  }, 60_000);
}

describe('npm start after a crash', () => {
  it('finishes a BRE run that was PROCESSING when the runtime was killed, and the journey goes on to the disbursal', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'lendstack-crash-'));
    const dataDir = join(cwd, 'data');
    const customerID = 'crash-resume';
    const program = 'PERSONAL_LOAN';

    const t0 = Date.now();
    const first = await start(cwd, dataDir);
    const t1 = Date.now();
    expect((await first.api('POST', '/v2/user/create', { body: { customerID, mobile: '9811122233' } })).status).toBe(
      200,
    );
    const details = await first.api('POST', '/v2/user/details/update', {
      body: {
        customerID,
        program,
        basicDetails: {
          // PAN digits 9005: the sandbox bureau takes 5 s, so the run is PROCESSING when the kill comes.
          personalDetails: {
            pan: 'ABCPX9005Z',
            email: 'crash@example.com',
            name: 'Crash Resume',
            dob: '1990-01-15',
            gender: 'MALE',
            currentAddress: {
              pincode: '560095',
              currentAddressLine1: 'line 1',
              currentAddressLine2: 'line 2',
              currentAddressCity: 'Bengaluru',
              currentAddressState: 'Karnataka',
            },
          },
          employmentDetails: {
            employmentType: 'Salaried',
            monthlyIncome: '0-25000',
            email: 'crash@organization.com',
            employmentOrganization: 'some_org',
            address: { line1: 'l1', line2: 'l2', city: 'Bengaluru', state: 'Karnataka', pincode: '560095' },
          },
        },
        consents: ['HYBRID_CONSENT', 'BUREAU', 'TNC'].map((type) => ({
          type,
          timestamp: '2026-01-01T00:00:00Z',
          body: 'consent',
          ipAddress: '192.0.2.1',
          url: 'https://example.com/consent',
        })),
      },
    });
    expect(details.body.statusCode).toBe('UUD-S-000');
    const trigger = await first.api('POST', '/v2/user/offers', { body: { customerID, riskVariables: {} } });
    const referenceID = trigger.body.data.referenceID as string;
    expect(referenceID).toMatch(/^bre_/);
    const processing = await first.api('GET', `/v2/user/offers?referenceID=${referenceID}`);
    expect(processing.body.data.status).toBe('PROCESSING');
    // Killed once the workflow is in the bureau call.
    await eventually(
      () => journal(dataDir).some((l) => l.event?.type === 'StateEntered' && l.event.state?.name === 'PullBureau'),
      30_000,
    );

    const exited = new Promise((r) => first.child.once('exit', r));
    process.kill(first.pid, 'SIGKILL');
    await exited;

    const t2 = Date.now();
    const second = await start(cwd, dataDir);
    const t3 = Date.now();
    // The killed runtime's DynamoDB Local was stopped before the new one opened the files.
    expect(await portOpen(first.dynamodb)).toBe(false);
    const decided = await poll(
      second.api,
      `/v2/user/offers?referenceID=${referenceID}`,
      (b) => b.data.status !== 'PROCESSING',
    );
    expect(decided).toMatchObject({ data: { status: 'SUCCESS' }, statusCode: 'GEO-S-000' });
    const t4 = Date.now();
    // It was resumed in the bureau call, which ran again.
    expect(journal(dataDir).find((l) => l.t === 'resume')?.reentries).toContain('PullBureau');

    // The journey goes on: the offer, KYC (its wait was open before the kill), agreement, disbursal.
    const offerID = decided.data.offers[0].offerID;
    const accepted = await second.api('POST', '/user/acceptOffer', {
      body: { customerID, offerDetails: { offerID, amount: 80000, tenure: 8, interest: 25 } },
    });
    expect(accepted.body.statusCode).toBe('AOP-S-000');
    const kyc = await second.api('POST', '/v2/kyc/ckyc', { body: { customerID, program } });
    const verdict = await poll(
      second.api,
      `/v2/kyc/details?referenceID=${kyc.body.data.referenceID}`,
      (b) => b.data?.status !== 'PROCESSING',
    );
    expect(verdict.data.status).toBe('APPROVED');
    const agreement = await second.api('POST', '/v2/loan/agreement', { body: { customerID, program } });
    await poll(
      second.api,
      `/v2/loan/agreement?referenceID=${agreement.body.data.referenceID}`,
      (b) => b.data.status === 'SUCCESS',
    );
    const disbursal = await second.api('POST', '/v2/loan/disburse', { body: { customerID, program } });
    const disbursed = await poll(
      second.api,
      `/v2/loan/disburse?referenceID=${disbursal.body.data.referenceID}`,
      (b) => b.data.status !== 'PROCESSING',
    );
    expect(disbursed.data.status).toBe('SUCCESS');
    const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    console.info(
      `crash-resume: first start ${s(t1 - t0)}, restart ${s(t3 - t2)}, BRE run SUCCESS ${s(t4 - t3)} after it, journey to the disbursal ${s(Date.now() - t4)}, whole test ${s(Date.now() - t0)}`,
    );
  }, 300_000);
});
