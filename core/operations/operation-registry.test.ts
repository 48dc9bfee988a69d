import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Operation } from '../../shared';
import { EventBus } from '../api/event-bus';
import { useTempHomes } from '../testing/temp-home';
import { OperationRegistry } from './operation-registry';

const newHome = useTempHomes();
const dir = () => path.join(newHome(), 'operations');

describe('OperationRegistry', () => {
  it('returns the id before the work finishes, then reports progress, logs and success', async () => {
    const bus = new EventBus();
    const states: Operation[] = [];
    bus.on('operation.progress', (op) => states.push(op));
    const reg = new OperationRegistry(dir(), bus);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const id = await reg.start('test', 'Test work', async (ctx) => {
      ctx.progress(0.5, 'half');
      ctx.log('hello');
      await gate;
    });
    expect((await reg.get(id)).state).toBe('running');
    release();
    const done = await reg.wait(id);
    expect(done).toMatchObject({ state: 'succeeded', progress: 1 });
    expect(states.map((s) => s.detail)).toEqual(['Starting', 'half', 'Done']);
    expect((await reg.logs(id, 10)).map((l) => l.line)).toEqual(['hello']);
  });

  it('keeps the cluster an operation works on, across a restart (the Activity page names it)', async () => {
    const d = dir();
    const reg = new OperationRegistry(d, new EventBus());
    const id = await reg.start('preflight', 'Preflight checks', async () => {}, {
      clusterId: 'c1',
    });
    expect((await reg.wait(id)).clusterId).toBe('c1');
    const other = await reg.start('local-check', 'Check this machine', async () => {});
    expect((await reg.wait(other)).clusterId).toBeUndefined();
    const again = new OperationRegistry(d, new EventBus());
    expect((await again.get(id)).clusterId).toBe('c1');
  });

  it('cancel aborts the signal and ends as cancelled', async () => {
    const reg = new OperationRegistry(dir(), new EventBus());
    const id = await reg.start(
      'test',
      'Long',
      (ctx) =>
        new Promise((_, reject) =>
          ctx.signal.addEventListener('abort', () => reject(new Error('aborted'))),
        ),
    );
    await reg.cancel(id);
    expect((await reg.wait(id)).state).toBe('cancelled');
  });

  it('a failure keeps its message; logs are bounded in memory', async () => {
    const reg = new OperationRegistry(dir(), new EventBus());
    const id = await reg.start('test', 'Fails', async (ctx) => {
      for (let i = 0; i < 2500; i++) ctx.log(`line ${i}`);
      throw new Error('pip install failed');
    });
    const op = await reg.wait(id);
    expect(op).toMatchObject({ state: 'failed', error: 'pip install failed' });
    const logs = await reg.logs(id, 2000);
    expect(logs).toHaveLength(2000);
    expect(logs.at(-1)!.line).toBe('pip install failed');
  });

  it('a new process shows earlier operations, and one left running as interrupted', async () => {
    const d = dir();
    const reg = new OperationRegistry(d, new EventBus());
    const id = await reg.start('test', 'Done earlier', async (ctx) => ctx.log('kept'));
    await reg.wait(id);
    fs.writeFileSync(
      path.join(d, 'stale.json'),
      JSON.stringify({
        id: 'stale',
        kind: 'bring-up',
        title: 'Bring-up',
        state: 'running',
        progress: 0.3,
        detail: 'install',
        startedAt: '2026-01-01T00:00:00.000Z',
        endedAt: null,
        error: null,
      }),
    );
    const next = new OperationRegistry(d, new EventBus());
    const list = await next.list();
    expect(list.find((o) => o.id === id)?.state).toBe('succeeded');
    expect(list.find((o) => o.id === 'stale')).toMatchObject({
      state: 'failed',
      error: 'Raydeck stopped while this was running.',
    });
    expect((await next.logs(id, 5)).map((l) => l.line)).toEqual(['kept']);
  });
});
