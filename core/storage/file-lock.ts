/**
 * A cross-process lock beside a state file (`inventory.json.lock`), held across one
 * read-modify-write so the CLI and a running app never write a stale copy over each other.
 *
 * Taking it: create the lock file exclusively (O_EXCL) with the owner's pid, host and time.
 * A lock is stale when its owner on this host is gone, or when it is older than `staleMs`
 * (a read-modify-write takes milliseconds; a frozen or foreign owner must not wedge the app).
 * Breaking a stale lock is safe against two breakers: the lock is renamed to a unique name first
 * (only one rename wins), and the renamed file is put back if it turns out to be a fresh lock
 * that replaced the stale one in between.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

export interface FileLockOptions {
  /** Give up after this long (ms); the error names the lock file and its owner. Default 10 s. */
  timeoutMs?: number;
  /** A lock older than this is stale even if its owner looks alive (pid reuse). Default 30 s. */
  staleMs?: number;
}

interface LockOwner {
  pid: number;
  host: string;
  at: number;
  nonce: string;
}

const HOST = os.hostname();

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readOwner(
  file: string,
): Promise<{ owner: LockOwner | null; text: string; mtimeMs: number } | null> {
  try {
    const [text, stat] = await Promise.all([fs.readFile(file, 'utf8'), fs.stat(file)]);
    let owner: LockOwner | null = null;
    try {
      owner = JSON.parse(text) as LockOwner;
    } catch {
      owner = null; // torn or foreign content: judged by age alone
    }
    return { owner, text, mtimeMs: stat.mtimeMs };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

function isStale(found: { owner: LockOwner | null; mtimeMs: number }, staleMs: number): boolean {
  const age = Date.now() - (found.owner?.at ?? found.mtimeMs);
  if (age > staleMs) return true;
  const owner = found.owner;
  if (!owner) return Date.now() - found.mtimeMs > 2_000; // content not written yet, or torn
  return owner.host === HOST && owner.pid !== process.pid && !pidAlive(owner.pid);
}

/** Removes a stale lock whose content is still `staleText`; returns quietly if it changed. */
async function breakStale(lockFile: string, staleText: string): Promise<void> {
  const aside = `${lockFile}.${randomBytes(6).toString('hex')}.stale`;
  try {
    await fs.rename(lockFile, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // another breaker won
    throw err;
  }
  const moved = await fs.readFile(aside, 'utf8').catch(() => '');
  if (moved !== staleText) {
    // A fresh lock replaced the stale one between our look and our rename: give it back.
    await fs.link(aside, lockFile).catch(() => {});
  }
  await fs.rm(aside, { force: true });
}

async function tryCreate(lockFile: string, owner: LockOwner): Promise<boolean> {
  try {
    const handle = await fs.open(lockFile, 'wx', 0o600);
    try {
      await handle.writeFile(JSON.stringify(owner));
    } finally {
      await handle.close();
    }
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/** Runs `fn` while holding `lockFile`; the lock is released even when `fn` throws. */
export async function withFileLock<T>(
  lockFile: string,
  fn: () => Promise<T>,
  opts: FileLockOptions = {},
): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const staleMs = opts.staleMs ?? 30_000;
  await fs.mkdir(path.dirname(lockFile), { recursive: true, mode: 0o700 });
  const owner: LockOwner = {
    pid: process.pid,
    host: HOST,
    at: Date.now(),
    nonce: randomBytes(8).toString('hex'),
  };
  const deadline = Date.now() + timeoutMs;
  let delay = 2;
  for (;;) {
    owner.at = Date.now();
    if (await tryCreate(lockFile, owner)) break;
    const found = await readOwner(lockFile);
    if (found && isStale(found, staleMs)) {
      await breakStale(lockFile, found.text);
      continue;
    }
    if (Date.now() > deadline) {
      const who = found?.owner
        ? `process ${found.owner.pid} on ${found.owner.host}`
        : 'another process';
      throw new Error(
        `${lockFile} is held by ${who}; try again, or remove the file if no Raydeck is running.`,
      );
    }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 50);
  }
  try {
    return await fn();
  } finally {
    // Remove only our own lock (a stale-breaker may have taken it if we overran staleMs).
    const still = await readOwner(lockFile).catch(() => null);
    if (still?.owner?.nonce === owner.nonce) await fs.rm(lockFile, { force: true });
  }
}
