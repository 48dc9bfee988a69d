/**
 * A bring-up run is run by one process: another process (the app while a CLI command starts, or
 * the other way round) neither takes it for interrupted nor starts a second run of the cluster,
 * and sees it end.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BringUpRun } from '../../shared';
import { EventBus } from '../api/event-bus';
import { useTempHomes } from '../testing/temp-home';
import { BringUpService, type BringUpDeps } from './bringup-service';
import { planBringUp } from './plan';
import { RunStore } from './run-store';

const tempHome = useTempHomes();
const node = (id: string, role: 'head' | 'worker') => ({
  id,
  clusterId: 'c',
  name: id,
  host: `${id}.lab`,
  port: 22,
  user: 'u',
  auth: { kind: 'agent' as const },
  jumpNodeId: null,
  role,
  hasSecret: false,
  vouchedFingerprints: [],
  createdAt: '',
});

function runningRun(): BringUpRun {
  return {
    ...planBringUp('c', [node('h', 'head')], { source: { kind: 'pypi' }, withVllm: false }),
    state: 'running',
    startedAt: new Date().toISOString(),
  };
}

/** A live process standing in for the other Raydeck; killed at the end. */
function otherProcess() {
  const child = spawn('sleep', ['60']);
  return { pid: child.pid!, end: () => new Promise((r) => (child.on('exit', r), child.kill())) };
}

async function ownedBy(dir: string, run: BringUpRun, pid: number) {
  const store = new RunStore(dir);
  await store.save(run);
  fs.writeFileSync(path.join(dir, `${run.id}.owner`), JSON.stringify({ pid, host: os.hostname() }));
}

function service(dir: string): BringUpService {
  const nodes = { list: async () => [node('h', 'head')] } as unknown as BringUpDeps['nodes'];
  return new BringUpService({
    nodes,
    access: {} as BringUpDeps['access'],
    bus: new EventBus(),
    store: new RunStore(dir),
  });
}

describe('runs owned by another live process', () => {
  it('stay running for this process, which refuses a second run of the cluster, retry and cancel', async () => {
    const dir = path.join(tempHome(), 'bringup');
    const other = otherProcess();
    try {
      const run = runningRun();
      await ownedBy(dir, run, other.pid);
      const here = service(dir);
      expect((await here.get(run.id)).state).toBe('running');
      await expect(here.start('c', { source: { kind: 'pypi' }, withVllm: false })).rejects.toThrow(
        new RegExp(`already running in another Raydeck process \\(pid ${other.pid}`),
      );
      await expect(here.retry(run.id)).rejects.toThrow(/belongs to another Raydeck process/);
      await expect(here.cancel(run.id)).rejects.toThrow(/belongs to another Raydeck process/);
      // The other process finishes it: this one reads the end.
      await new RunStore(dir).save({
        ...run,
        state: 'succeeded',
        endedAt: new Date().toISOString(),
      });
      expect((await here.get(run.id)).state).toBe('succeeded');
    } finally {
      await other.end();
    }
  });

  it('a run whose process is gone is interrupted, as before', async () => {
    const dir = path.join(tempHome(), 'bringup');
    const other = otherProcess();
    const run = runningRun();
    await ownedBy(dir, run, other.pid);
    await other.end();
    const loaded = await new RunStore(dir).loadAll();
    expect(loaded.find((r) => r.id === run.id)?.state).toBe('failed');
  });
});
