/**
 * The whole-run testbed lock, on a lock file of its own (never the real one): taken at once when
 * free, with the holder named and this process's children told; a second taker waits and then
 * fails naming the holder; released, it is free again. The holder elsewhere is a real flock(1).
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'raydeck-lock-'));
const lock = path.join(dir, 'testbed.lock');
const saved = {
  file: process.env.RAYDECK_TESTBED_LOCK,
  held: process.env.RAYDECK_TESTBED_LOCK_HELD,
};
let mod: typeof import('./testbed-lock');

beforeAll(async () => {
  process.env.RAYDECK_TESTBED_LOCK = lock;
  delete process.env.RAYDECK_TESTBED_LOCK_HELD;
  vi.resetModules();
  mod = await import('./testbed-lock');
});
afterAll(() => {
  if (saved.file === undefined) delete process.env.RAYDECK_TESTBED_LOCK;
  else process.env.RAYDECK_TESTBED_LOCK = saved.file;
  if (saved.held !== undefined) process.env.RAYDECK_TESTBED_LOCK_HELD = saved.held;
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Whether another process could take the lock right now (flock -n: exit 0 taken, 1 held). */
const freeForOthers = () => spawnSync('flock', ['-n', lock, 'true']).status === 0;

describe('holdTestbedLock', () => {
  it('takes a free lock, names its holder, tells children, and frees it on release', async () => {
    expect(mod.TESTBED_LOCK_FILE).toBe(lock);
    const lines: string[] = [];
    const release = await mod.holdTestbedLock('the test', { say: (l) => lines.push(l) });
    expect(lines).toEqual([]);
    expect(freeForOthers()).toBe(false);
    expect(fs.readFileSync(`${lock}.owner`, 'utf8')).toBe(`pid ${process.pid}: the test\n`);
    expect(process.env.RAYDECK_TESTBED_LOCK_HELD).toBe('1');
    release();
    release(); // twice is harmless
    expect(freeForOthers()).toBe(true);
    expect(fs.existsSync(`${lock}.owner`)).toBe(false);
    expect(process.env.RAYDECK_TESTBED_LOCK_HELD).toBeUndefined();
  });

  it('waits for another holder, then fails naming it', async () => {
    // A real holder elsewhere: flock(1) around a bounded sleep, its owner line written as tb_lock.py does.
    const holder = spawn('flock', [lock, 'sleep', '20'], { stdio: 'ignore', detached: true });
    try {
      for (let i = 0; i < 100 && freeForOthers(); i++) await new Promise((r) => setTimeout(r, 20));
      fs.writeFileSync(`${lock}.owner`, 'pid 4242: testbed up --force\n');
      const lines: string[] = [];
      const started = Date.now();
      await expect(
        mod.holdTestbedLock('the test', { waitS: 1, say: (l) => lines.push(l) }),
      ).rejects.toThrow(`is still held by pid 4242: testbed up --force after`);
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      expect(lines).toEqual([
        `waiting for the testbed lock ${lock}, held by pid 4242: testbed up --force (up to 1 s)`,
      ]);
      expect(process.env.RAYDECK_TESTBED_LOCK_HELD).toBeUndefined();
    } finally {
      process.kill(-holder.pid!, 'SIGTERM'); // flock and its sleep: the group this test started
    }
  });
});
