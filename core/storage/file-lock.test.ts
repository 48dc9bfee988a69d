/** The inventory lock across real processes: no lost update, stale locks broken, live ones waited for. */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withFileLock } from './file-lock';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'raydeck-lock-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** A read-modify-write of a counter with a yield in the middle, where a race would lose updates. */
async function increment(counter: string, lock: string | null): Promise<void> {
  const body = async () => {
    const n = Number(await fs.readFile(counter, 'utf8').catch(() => '0'));
    await new Promise((r) => setImmediate(r));
    await fs.writeFile(counter, String(n + 1));
  };
  if (lock) await withFileLock(lock, body);
  else await body();
}

describe('withFileLock', () => {
  it('serialises read-modify-write across processes: 4 processes x 25 increments = 100', async () => {
    const counter = path.join(dir, 'counter');
    const lock = `${counter}.lock`;
    const child = path.join(dir, 'child.mts');
    const lockModule = path.resolve(__dirname, 'file-lock.ts');
    await fs.writeFile(
      child,
      `import fs from 'node:fs/promises';
import { withFileLock } from ${JSON.stringify(lockModule)};
for (let i = 0; i < 25; i++) {
  await withFileLock(${JSON.stringify(lock)}, async () => {
    const n = Number(await fs.readFile(${JSON.stringify(counter)}, 'utf8').catch(() => '0'));
    await new Promise((r) => setImmediate(r));
    await fs.writeFile(${JSON.stringify(counter)}, String(n + 1));
  });
}
`,
    );
    const tsx = path.resolve(__dirname, '../../node_modules/.bin/tsx');
    const codes = await Promise.all(
      Array.from(
        { length: 4 },
        () =>
          new Promise<number | null>((resolve) =>
            spawn(tsx, [child], { stdio: 'inherit' }).on('exit', resolve),
          ),
      ),
    );
    expect(codes).toEqual([0, 0, 0, 0]);
    expect(await fs.readFile(counter, 'utf8')).toBe('100');
    await expect(fs.stat(lock)).rejects.toMatchObject({ code: 'ENOENT' });
  }, 60_000);

  it('without the lock the same race loses updates (the test above can fail)', async () => {
    const counter = path.join(dir, 'counter');
    await Promise.all(Array.from({ length: 20 }, () => increment(counter, null)));
    expect(Number(await fs.readFile(counter, 'utf8'))).toBeLessThan(20);
    await fs.rm(counter);
    await Promise.all(Array.from({ length: 20 }, () => increment(counter, `${counter}.lock`)));
    expect(await fs.readFile(counter, 'utf8')).toBe('20');
  });

  it('breaks a lock whose owner process is gone', async () => {
    const lock = path.join(dir, 'state.lock');
    const dead = spawn(process.execPath, ['-e', '0']);
    const pid = dead.pid!;
    await new Promise((r) => dead.on('exit', r));
    await fs.writeFile(
      lock,
      JSON.stringify({ pid, host: os.hostname(), at: Date.now(), nonce: 'x' }),
    );
    expect(await withFileLock(lock, async () => 'ran', { timeoutMs: 1_000 })).toBe('ran');
  });

  it('breaks a lock older than staleMs even if its pid is alive (pid reuse, another host)', async () => {
    const lock = path.join(dir, 'state.lock');
    await fs.writeFile(
      lock,
      JSON.stringify({ pid: 1, host: 'elsewhere', at: Date.now() - 60_000, nonce: 'x' }),
    );
    expect(await withFileLock(lock, async () => 'ran', { timeoutMs: 1_000 })).toBe('ran');
  });

  it('waits for a live owner and then names it when giving up', async () => {
    const lock = path.join(dir, 'state.lock');
    await fs.writeFile(
      lock,
      JSON.stringify({ pid: 1, host: os.hostname(), at: Date.now(), nonce: 'x' }),
    );
    await expect(withFileLock(lock, async () => 'ran', { timeoutMs: 200 })).rejects.toThrow(
      /state\.lock is held by process 1 on /,
    );
    expect(JSON.parse(await fs.readFile(lock, 'utf8')).nonce).toBe('x');
  });

  it('releases the lock when the work throws', async () => {
    const lock = path.join(dir, 'state.lock');
    await expect(
      withFileLock(lock, async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await withFileLock(lock, async () => 'again', { timeoutMs: 200 })).toBe('again');
  });
});
