/**
 * The `raydeck` command as a user runs it: `node bin/raydeck.js` as a child process, in a world
 * of its own ($RAYDECK_HOME and $HOME in fresh folders), never throwing for a non-zero exit.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './testbed';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}
export interface World {
  raydeckHome: string;
  home: string;
}

const made: string[] = [];

/** A fresh $RAYDECK_HOME and $HOME; `removeWorlds()` (afterAll) deletes them. */
export function world(): World {
  const mk = (prefix: string) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    made.push(dir);
    return dir;
  };
  return { raydeckHome: mk('raydeck-cli-home-'), home: mk('raydeck-cli-user-') };
}

export function removeWorlds(): void {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

function envOf(w: World): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, RAYDECK_HOME: w.raydeckHome, HOME: w.home };
  delete env.SSH_AUTH_SOCK; // keys come from the testbed's key file only
  delete env.RAYDECK_DEBUG;
  return env;
}

const BIN = path.join(ROOT, 'bin', 'raydeck.js');

/** Runs `raydeck ARGS` in `w` to its end. */
export function raydeck(w: World, args: string[], timeoutMs = 180_000): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: ROOT, env: envOf(w), timeout: timeoutMs, maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        const code = err
          ? typeof (err as { code?: unknown }).code === 'number'
            ? (err as { code: number }).code
            : -1
          : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Starts `raydeck ARGS` in `w` and returns the process (to kill it mid-work) and its end. */
export function raydeckProcess(
  w: World,
  args: string[],
): { child: ChildProcess; done: Promise<CliResult> } {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: envOf(w),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliResult>((resolve) =>
    child.on('close', (code, signal) =>
      resolve({ code: code ?? (signal ? -1 : 0), stdout, stderr }),
    ),
  );
  return { child, done };
}

/** A line of a stack trace (`    at fn (file:1:2)`). */
export const STACK_LINE = /^\s+at .+:\d+:\d+\)?$/m;
