/**
 * "Check this machine": what Raydeck needs locally before it can manage clusters — a writable
 * state folder, free disk for logs and wheelhouses, and the OpenSSH client tools users rely on
 * for keys. Runs as an Operation so the UI shows progress.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { CheckResult } from '../../shared';
import type { OperationContext } from '../operations/operation-registry';

const run = promisify(execFile);
const MIN_FREE_BYTES = 2 * 1024 ** 3;

type Check = (home: string) => Promise<CheckResult>;

const checks: Check[] = [
  async (home) => {
    const probe = path.join(home, `.write-test-${process.pid}`);
    try {
      await fs.mkdir(home, { recursive: true, mode: 0o700 });
      await fs.writeFile(probe, 'ok');
      await fs.rm(probe);
      return {
        id: 'state-folder',
        label: 'State folder writable',
        status: 'pass',
        detail: home,
        hint: null,
      };
    } catch (err) {
      return {
        id: 'state-folder',
        label: 'State folder writable',
        status: 'fail',
        detail: `${home}: ${(err as Error).message}`,
        hint: 'Set RAYDECK_HOME to a folder you can write to.',
      };
    }
  },
  async (home) => {
    try {
      const st = await fs.statfs(home);
      const free = st.bavail * st.bsize;
      const gib = (free / 1024 ** 3).toFixed(1);
      return free >= MIN_FREE_BYTES
        ? {
            id: 'free-disk',
            label: 'Free disk',
            status: 'pass',
            detail: `${gib} GiB free`,
            hint: null,
          }
        : {
            id: 'free-disk',
            label: 'Free disk',
            status: 'warn',
            detail: `${gib} GiB free`,
            hint: 'Offline wheelhouses need several GiB; free some space.',
          };
    } catch (err) {
      return {
        id: 'free-disk',
        label: 'Free disk',
        status: 'warn',
        detail: (err as Error).message,
        hint: null,
      };
    }
  },
  async () => {
    try {
      await run('ssh-keygen', ['-?'], { timeout: 5000 }).catch(
        (e: { stderr?: string; code?: unknown }) => {
          if (typeof e.code === 'string') throw e; // ENOENT: not installed
        },
      );
      return {
        id: 'ssh-tools',
        label: 'OpenSSH client tools',
        status: 'pass',
        detail: 'ssh-keygen found',
        hint: null,
      };
    } catch {
      return {
        id: 'ssh-tools',
        label: 'OpenSSH client tools',
        status: 'warn',
        detail: 'ssh-keygen not found',
        hint: 'Install the OpenSSH client to create and inspect keys (Raydeck itself does not need it to connect).',
      };
    }
  },
  async () => {
    const major = Number(process.versions.node.split('.')[0]);
    return major >= 20
      ? {
          id: 'node',
          label: 'Node.js',
          status: 'pass',
          detail: `v${process.versions.node}`,
          hint: null,
        }
      : {
          id: 'node',
          label: 'Node.js',
          status: 'fail',
          detail: `v${process.versions.node}`,
          hint: 'Raydeck needs Node.js 20.19 or newer.',
        };
  },
];

export async function runLocalChecks(home: string, ctx: OperationContext): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const [i, check] of checks.entries()) {
    if (ctx.signal.aborted) break;
    const result = await check(home);
    results.push(result);
    ctx.log(`${result.status.toUpperCase()} ${result.label}: ${result.detail}`);
    ctx.progress((i + 1) / checks.length, result.label);
  }
  return results;
}
