/**
 * Bring-up coordination in milliseconds, over fake nodes that answer the job runner's protocol
 * (remote/scripts/job/; fake-nodes.test-kit.ts): head first, workers join while the head starts, a
 * dead head fails the joins at once, retry of one node, cancel, detach and re-attach after a
 * restart, a run another process owns. The cluster suite proves the same against real sshd and Ray.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BringUpOptions, BringUpRun } from '../../shared';
import { EventBus } from '../api/event-bus';
import { useTempHomes } from '../testing/temp-home';
import { BringUpService } from './bringup-service';
import { deferred } from './execution';
import { FakeNodes, clusterNode, fakeSteps } from './fake-nodes.test-kit';
import { findStep } from './run-state';
import { RunStore } from './run-store';

const tempHome = useTempHomes();
const OPTIONS: BringUpOptions = { source: { kind: 'pypi' }, withVllm: false };

function setup(
  fake = new FakeNodes([
    clusterNode('h', 'head'),
    clusterNode('w1', 'worker'),
    clusterNode('w2', 'worker'),
  ]),
  dir = path.join(tempHome(), 'bringup'),
) {
  const bus = new EventBus();
  const verified: BringUpRun[] = [];
  const service = () =>
    new BringUpService({
      nodes: fake.inventory,
      access: fake.access,
      bus,
      store: new RunStore(dir),
      runStep: fakeSteps((r) => verified.push(r)),
    });
  return { fake, dir, bus, verified, service: service(), another: service };
}

const stepState = (run: BringUpRun, nodeId: string, kind: Parameters<typeof findStep>[2]) =>
  findStep(run, nodeId, kind)?.state;

describe('bring-up coordination over fake nodes', () => {
  it('starts the head first; workers join while the head starts; verify runs once every worker joined', async () => {
    const { fake, service, verified } = setup();
    const headUp = deferred<void>();
    fake.script('h', 'start-head', { until: headUp.promise });
    const joinsStarted = () => fake.started().filter((s) => s.endsWith(' join')).length;
    const run = await service.start('c', OPTIONS);
    // Both joins start while the head's `ray start` still runs (its token is known already).
    await expect.poll(joinsStarted, { interval: 2 }).toBe(2);
    expect(fake.events.some((e) => e.startsWith('end h start-head'))).toBe(false);
    headUp.resolve();
    const done = await service.settled(run.id);
    expect(done.state).toBe('succeeded');
    const joins = [...fake.jobs.values()].filter((j) => j.step === 'join');
    for (const j of joins)
      expect(j.params).toMatchObject({
        headAddress: `${clusterNode('h', 'head').host}:6379`,
        token: 'token-of-h-0123456789',
        auth: true,
      });
    // The head's install ran before its start; verify saw both joins done.
    const started = fake.started();
    expect(started.indexOf('h install')).toBeLessThan(started.indexOf('h start-head'));
    expect(verified).toHaveLength(1);
    expect(['w1', 'w2'].map((w) => stepState(verified[0]!, w, 'join'))).toEqual(['done', 'done']);
    expect(
      done.nodes.find((n) => n.nodeId === 'h')?.steps.find((s) => s.kind === 'start-head')?.detail,
    ).toMatch(/^Head running on .*:6379/);
  });

  it('a head whose start fails fails the joins at once (cancelled on the nodes), and the run', async () => {
    const { fake, service } = setup();
    const never = new Promise(() => {});
    const headFails = deferred<void>();
    fake.script('h', 'start-head', {
      until: headFails.promise,
      code: 1,
      log: 'port 6379 in use\n',
    });
    fake.script('w1', 'join', { until: never });
    fake.script('w2', 'join', { until: never });
    const run = await service.start('c', OPTIONS);
    await expect
      .poll(() => fake.started().filter((s) => s.endsWith(' join')).length, { interval: 2 })
      .toBe(2);
    headFails.resolve();
    const done = await service.settled(run.id);
    expect(done.state).toBe('failed');
    expect(findStep(done, 'h', 'start-head')?.error).toMatch(
      /ray start --head failed \(exit 1\): port 6379 in use/,
    );
    for (const w of ['w1', 'w2']) {
      expect(findStep(done, w, 'join')).toMatchObject({
        state: 'failed',
        error: 'The head did not start, so there is nothing to join.',
      });
      expect(fake.events).toContain(`cancel ${w} join`);
    }
    expect(stepState(done, 'h', 'verify')).toBe('pending');
  });

  it('a head failing before its start fails the joins without running them', async () => {
    const { fake, service } = setup();
    fake.script('h', 'install', {
      code: 1,
      log: 'ERROR: No matching distribution found for ray==2.60.0\n',
    });
    const done = await service.settled((await service.start('c', OPTIONS)).id);
    expect(done.state).toBe('failed');
    expect(findStep(done, 'h', 'install')?.error).toMatch(
      /^Install failed: No matching distribution/,
    );
    expect(fake.started().filter((s) => s.endsWith(' join'))).toEqual([]);
    for (const w of ['w1', 'w2'])
      expect(findStep(done, w, 'join')?.error).toBe(
        'The head did not start, so there is nothing to join.',
      );
  });

  it('retries one node: only its failed steps run again (joining the running head), then verify', async () => {
    const { fake, service } = setup();
    fake.script('w2', 'install', { code: 1, log: 'No space left on device\n' });
    const first = await service.settled((await service.start('c', OPTIONS)).id);
    expect(first.state).toBe('failed');
    expect(findStep(first, 'w2', 'install')?.hint).toMatch(/ran out of disk space/);
    expect(stepState(first, 'w1', 'join')).toBe('done');
    fake.scripts.delete('w2/install');
    const before = fake.started().length;
    await service.retry(first.id, 'w2');
    const done = await service.settled(first.id);
    expect(done.state).toBe('succeeded');
    // The head's token is read from the head (its start is done): nothing else reruns.
    expect(fake.started().slice(before)).toEqual(expect.arrayContaining(['w2 install', 'w2 join']));
    expect(fake.started().slice(before)).toHaveLength(2);
    expect(
      [...fake.jobs.values()].filter((j) => j.nodeId === 'w2' && j.step === 'join')[0]?.params,
    ).toMatchObject({ token: 'token-of-h-0123456789' });
  });

  it('cancel stops the running jobs on their nodes and marks what was left cancelled', async () => {
    const { fake, service } = setup();
    fake.script('h', 'install', { until: new Promise(() => {}) });
    const run = await service.start('c', OPTIONS);
    await expect.poll(() => fake.started().includes('h install'), { interval: 2 }).toBe(true);
    await service.cancel(run.id);
    const done = await service.settled(run.id);
    expect(done.state).toBe('cancelled');
    expect(fake.events).toContain('cancel h install');
    expect(stepState(done, 'h', 'install')).toBe('cancelled');
    expect(stepState(done, 'h', 'start-head')).toBe('cancelled');
    for (const w of ['w1', 'w2']) expect(stepState(done, w, 'join')).toBe('cancelled');
  });

  it('closing the app leaves the jobs running; after a restart, a retry re-attaches instead of starting them again', async () => {
    const { fake, service, another, dir } = setup(new FakeNodes([clusterNode('h', 'head')]));
    const headUp = deferred<void>();
    fake.script('h', 'start-head', { until: headUp.promise });
    const run = await service.start('c', OPTIONS);
    await expect.poll(() => fake.started().includes('h start-head'), { interval: 2 }).toBe(true);
    service.dispose();
    await service.settled(run.id);
    expect(fake.events.filter((e) => e.startsWith('cancel'))).toEqual([]);
    // On disk the run still shows its step running: the next start reads it as interrupted.
    expect(
      stepState(
        JSON.parse(fs.readFileSync(path.join(dir, `${run.id}.json`), 'utf8')) as BringUpRun,
        'h',
        'start-head',
      ),
    ).toBe('running');
    const restarted = another();
    const interrupted = await restarted.get(run.id);
    expect(interrupted.state).toBe('failed');
    expect(findStep(interrupted, 'h', 'start-head')?.error).toBe(
      'Raydeck stopped while this step ran.',
    );
    await restarted.retry(run.id);
    headUp.resolve();
    const done = await restarted.settled(run.id);
    expect(done.state).toBe('succeeded');
    expect(fake.started().filter((s) => s === 'h start-head')).toHaveLength(1);
  });

  it('a run another live process owns is read, never driven; once it ends this process can start', async () => {
    const { fake, service, dir } = setup(new FakeNodes([clusterNode('h', 'head')]));
    const other = spawn('sleep', ['30']);
    try {
      const store = new RunStore(dir);
      const theirs = (await setup(fake, path.join(tempHome(), 'scratch')).service.plan(
        'c',
        OPTIONS,
      )) as BringUpRun;
      const running = { ...theirs, state: 'running' as const, startedAt: new Date().toISOString() };
      await store.save(running);
      fs.writeFileSync(
        path.join(dir, `${running.id}.owner`),
        JSON.stringify({ pid: other.pid, host: os.hostname() }),
      );
      expect((await service.get(running.id)).state).toBe('running');
      await expect(service.start('c', OPTIONS)).rejects.toThrow(
        /already running in another Raydeck process/,
      );
      await expect(service.cancel(running.id)).rejects.toThrow(
        /belongs to another Raydeck process/,
      );
      expect(fake.leases).toBe(0);
      await store.save({ ...running, state: 'succeeded', endedAt: new Date().toISOString() });
      expect((await service.get(running.id)).state).toBe('succeeded');
      expect((await service.settled((await service.start('c', OPTIONS)).id)).state).toBe(
        'succeeded',
      );
    } finally {
      other.kill();
    }
  });
});
