/**
 * reservePort (lib/local/ports.ts): the port DynamoDB Local gets, claimed by a lock file so
 * runtimes starting at once (test files in parallel) never share one.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reservePort } from '../../lib/local/ports.ts';

const locks = join(tmpdir(), 'lendstack-ports');
const ephemeralLow = 32_768;

describe('reservePort', () => {
  it('gives 20 reservations made at once 20 different ports below the ephemeral range, each locked until released', async () => {
    const held = await Promise.all(Array.from({ length: 20 }, () => reservePort()));
    expect(new Set(held.map((r) => r.port)).size).toBe(20);
    for (const { port } of held) {
      expect(port).toBeGreaterThanOrEqual(10_000);
      expect(port).toBeLessThan(ephemeralLow);
      expect(existsSync(join(locks, String(port)))).toBe(true);
    }
    for (const r of held) r.release();
    for (const { port } of held) expect(existsSync(join(locks, String(port)))).toBe(false);
  });

  it("sweeps the locks of processes that died, and keeps a live process's", async () => {
    mkdirSync(locks, { recursive: true });
    // 10000-10001 are in the range reservePort picks from; pid 2^22+1 is above Linux's pid_max default.
    writeFileSync(join(locks, '10000'), String(4_194_305));
    writeFileSync(join(locks, '10001'), String(process.pid));
    const r = await reservePort();
    expect(existsSync(join(locks, '10000'))).toBe(false);
    expect(existsSync(join(locks, '10001'))).toBe(true);
    expect(r.port).not.toBe(10001);
    r.release();
    rmSync(join(locks, '10001'));
  });
});
