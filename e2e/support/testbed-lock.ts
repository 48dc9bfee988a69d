/**
 * The testbed lock held for a whole run — the cluster test suite's, the bring-up bench's — so
 * that neither tears the testbed down under the other. It is the lock every testbed command that
 * changes the testbed takes for itself (scripts/testbed/tb_lock.py): this process's children are
 * told it holds it (RAYDECK_TESTBED_LOCK_HELD=1) and do not wait for it, and `.owner` beside the
 * lock file names the holder for a command waiting elsewhere.
 *
 * `flock -w` locks the open file description this process shares with the flock child (fd 3
 * there), so the lock stays held after the child exits, until `release` closes it or this
 * process ends (children do not inherit the descriptor: Node opens files close-on-exec).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';

export const TESTBED_LOCK_FILE = process.env.RAYDECK_TESTBED_LOCK ?? '/tmp/raydeck-testbed.lock';
export const TESTBED_LOCK_HELD_ENV = 'RAYDECK_TESTBED_LOCK_HELD';
const OWNER_FILE = `${TESTBED_LOCK_FILE}.owner`;

function owner(): string {
  try {
    return fs.readFileSync(OWNER_FILE, 'utf8').trim() || 'unknown';
  } catch {
    return 'a holder that does not name itself';
  }
}

/** Waits (up to `waitS`) for the lock and holds it; resolves with its release. */
export async function holdTestbedLock(
  holder: string,
  opts: { waitS?: number; say?: (line: string) => void } = {},
): Promise<() => void> {
  const say = opts.say ?? ((line: string) => console.error(line));
  const waitS = opts.waitS ?? 1800;
  if (process.env[TESTBED_LOCK_HELD_ENV] === '1') {
    say(`${TESTBED_LOCK_HELD_ENV}=1: the caller holds ${TESTBED_LOCK_FILE}`);
    return () => undefined;
  }
  const fd = fs.openSync(TESTBED_LOCK_FILE, 'a');
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn('flock', ['-n', '3'], { stdio: ['ignore', 'ignore', 'ignore', fd] });
    child.on('error', () => resolve(null));
    child.on('exit', (c) => resolve(c));
  }).then((free) => {
    if (free !== 1) return free; // 0: taken at once; null: no flock
    say(`waiting for the testbed lock ${TESTBED_LOCK_FILE}, held by ${owner()} (up to ${waitS} s)`);
    return new Promise<number | null>((resolve) => {
      const child = spawn('flock', ['-w', String(waitS), '3'], {
        stdio: ['ignore', 'inherit', 'inherit', fd],
      });
      child.on('error', () => resolve(null));
      child.on('exit', (c) => resolve(c));
    });
  });
  if (code !== 0) {
    fs.closeSync(fd);
    throw new Error(
      code === 1
        ? `the testbed lock ${TESTBED_LOCK_FILE} is still held by ${owner()} after ${waitS} s`
        : `could not take the testbed lock ${TESTBED_LOCK_FILE} (flock ${code === null ? 'not found' : `exit ${code}`})`,
    );
  }
  process.env[TESTBED_LOCK_HELD_ENV] = '1';
  fs.writeFileSync(OWNER_FILE, `pid ${process.pid}: ${holder}\n`);
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    process.off('exit', release);
    fs.rmSync(OWNER_FILE, { force: true });
    fs.closeSync(fd);
    delete process.env[TESTBED_LOCK_HELD_ENV];
  };
  process.on('exit', release);
  return release;
}
