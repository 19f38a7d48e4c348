import { randomInt } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A port nothing listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** The lowest port the kernel hands out for port-0 binds and outgoing connections (Linux; 32768 elsewhere too). */
function ephemeralLow(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 12_000 ? low : 32_768;
  } catch {
    return 32_768;
  }
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes a lock whose owner died; an empty one is being written by its owner right now, a missing one was released. */
function removeIfStale(lock: string) {
  let owner: number;
  try {
    owner = Number(readFileSync(lock, 'utf8'));
  } catch {
    return; // Released meanwhile (reading must not create it again, as an empty lock nobody removes).
  }
  if (owner > 0 && !alive(owner)) rmSync(lock, { force: true });
}

/**
 * A port for a server in another process (DynamoDB Local's Java), held until `release`.
 *
 * freePort's pick is free only until it returns: another runtime starting at the same time (the
 * test suites run in parallel) can be handed the same number before Java binds it, and then both
 * runtimes' readiness probes reach the one Java that won, and one runtime loses its database
 * when the other stops (CI saw ECONNREFUSED mid-suite). So this port comes from below the
 * kernel's ephemeral range (no port-0 bind and no outgoing connection takes it) and is claimed
 * by a lock file naming this process (a dead owner's lock is taken over), then checked free.
 */
export async function reservePort(): Promise<{ port: number; release: () => void }> {
  const locks = join(tmpdir(), 'lendstack-ports');
  mkdirSync(locks, { recursive: true });
  // Locks of runtimes that were killed (a crash test, a Ctrl-C mid-start) go here, not only when picked again.
  for (const name of readdirSync(locks)) removeIfStale(join(locks, name));
  const high = ephemeralLow();
  for (let tries = 0; tries < 200; tries++) {
    const port = randomInt(10_000, high);
    const lock = join(locks, String(port));
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
    } catch {
      // Taken; if its owner died since the sweep, a later try may pick the port again.
      removeIfStale(lock);
      continue;
    }
    if (await canBind(port)) return { port, release: () => rmSync(lock, { force: true }) };
    rmSync(lock, { force: true });
  }
  throw new Error('No free port for DynamoDB Local after 200 tries');
}

/** Retries `probe` until it resolves or `timeoutMs` passes (Java starting on a busy 2-core machine can take most of a minute). */
export async function waitFor<T>(what: string, probe: () => Promise<T>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      return await probe();
    } catch (error) {
      last = error;
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  throw new Error(
    `${what} did not become ready in ${timeoutMs / 1000} s: ${last instanceof Error ? last.message : last}`,
  );
}
