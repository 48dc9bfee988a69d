/**
 * Bring-up end to end in the core, against bare testbed nodes: 3 nodes to a verified Ray cluster
 * from the testbed's index; one node whose package index is unreachable fails with pip's error
 * and a hint while the others finish, and a retry of that node alone completes it; a link cut in
 * the middle of an install is survived by re-attaching (pip ran once); a re-run on the running
 * cluster changes nothing (timed); then day 2: status, remove a worker (drained), add it back,
 * stop, start, tear down with uninstall; cancel mid-install; workers join while the head starts,
 * and a head that dies then fails those joins at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createClient,
  type BringUpRun,
  type ClusterNode,
  type RaydeckClient,
  type StepKind,
} from '../../shared';
import { createCore, type Core } from '../../core/api/create-core';
import { stepLogBytes } from '../../core/bringup/run-store';
import { makeTempHome } from '../../core/testing/temp-home';
import { createMemoryTransport } from '../../core/transport/memory-transport';
import path from 'node:path';
import { ROOT, fault, heal, onNode, resetTestbed, type TestbedInfo } from '../support/testbed';

let home: { home: string; cleanup(): void };
let core: Core;
let client: RaydeckClient;
let clusterId: string;
let nodes: ClusterNode[];
let tb: TestbedInfo;
const logs = new Map<string, string[]>();
/** Every `bringup.log` batch, by run/node/step, with its offset. */
const batches = new Map<string, { at: number; lines: string[] }[]>();

const id = (name: string) => nodes.find((n) => n.name === name)!.id;
const tbNode = (name: string) => tb.nodes.find((n) => n.name === name)!;
const stepOf = (run: BringUpRun, node: string, kind: string) =>
  run.nodes.find((n) => n.nodeName === node)!.steps.find((s) => s.kind === kind)!;

async function until<T>(
  get: () => Promise<T> | T,
  ok: (v: T) => boolean,
  ms: number,
  what: string,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (ok(v)) return v;
    if (Date.now() > end)
      throw new Error(
        `timed out after ${ms} ms waiting for ${what}; last: ${isRun(v) ? why(v) : JSON.stringify(v).slice(0, 600)}`,
      );
    await new Promise((r) => setTimeout(r, 250));
  }
}
/** The live batches of a step joined end to end: each must start where the one before ended, and together they are the stored log. */
async function expectLiveLogIsStoredLog(runId: string, nodeId: string, step: StepKind) {
  const live = batches.get(`${runId}/${nodeId}/${step}`) ?? [];
  let end = 0;
  for (const b of live) {
    expect(b.at, `${step} batch offsets`).toBe(end);
    end += stepLogBytes(b.lines);
  }
  expect(await client.call('bringup.logs', { runId, nodeId, step })).toEqual({
    lines: live.flatMap((b) => b.lines).slice(-2000),
    end,
  });
}
const isRun = (v: unknown): v is BringUpRun =>
  typeof v === 'object' && v !== null && 'nodes' in v && 'rayVersion' in v;
const why = (run: BringUpRun) =>
  JSON.stringify(
    run.nodes.flatMap((n) =>
      n.steps.filter((s) => s.state !== 'done').map((s) => [n.nodeName, s.kind, s.state, s.error]),
    ),
  );
const settled = (runId: string, ms = 240_000) =>
  until(
    () => client.call('bringup.get', { runId }),
    (r) => r.state !== 'running',
    ms,
    'the run to stop',
  );
async function operationDone(operationId: string, ms = 120_000) {
  const op = await until(
    () => client.call('operations.get', { id: operationId }),
    (o) => o.state !== 'running',
    ms,
    'the operation',
  );
  expect(op, op.error ?? '').toMatchObject({ state: 'succeeded' });
}

/** A core on the test's $RAYDECK_HOME (again after a "restart"), its log lines collected. */
function startCore() {
  core = createCore({
    home: home.home,
    mode: 'memory',
    userKnownHosts: [],
    ssh: {
      keepaliveIntervalMs: 1000,
      keepaliveCountMax: 3,
      backoff: { initialMs: 300, maxMs: 2000, jitter: 0.3 },
    },
  });
  client = createClient(createMemoryTransport(core.service));
  client.subscribe('bringup.log', ({ runId, nodeId, step, lines, at }) => {
    const key = `${nodeId}/${step}`;
    logs.set(key, [...(logs.get(key) ?? []), ...lines]);
    const full = `${runId}/${nodeId}/${step}`;
    batches.set(full, [...(batches.get(full) ?? []), { at, lines }]);
  });
}

beforeAll(async () => {
  tb = resetTestbed();
  home = makeTempHome();
  startCore();
  clusterId = (await client.call('clusters.create', { name: 'bringup' })).id;
  await client.call('nodes.import', {
    clusterId,
    source: { kind: 'testbed-file', path: process.env.RAYDECK_TESTBED_JSON! },
  });
  nodes = await client.call('nodes.list', { clusterId });
  for (const n of nodes)
    await client.call('nodes.trust', {
      id: n.id,
      fingerprint: tbNode(n.name).hostKeyFingerprints[0]!,
    });
}, 300_000);
afterAll(async () => {
  heal('index', 'node3');
  heal('index-hang', 'node2');
  heal('link', 'node2');
  core?.dispose();
  home?.cleanup();
  resetTestbed(); // the next files expect bare nodes
}, 120_000);

describe('bring-up against bare testbed nodes', () => {
  let runId: string;

  it('shows the plan first: head first, workers join, verify on the head', async () => {
    const plan = await client.call('bringup.plan', {
      clusterId,
      options: { source: { kind: 'index', url: tb.index }, withVllm: false },
    });
    expect(plan.state).toBe('planned');
    expect(plan.nodes.map((n) => `${n.nodeName}:${n.steps.map((s) => s.kind).join(',')}`)).toEqual([
      'node1:preflight,install,start-head,verify',
      'node2:preflight,install,join',
      'node3:preflight,install,join',
    ]);
  });

  it('brings two nodes up while node3 cannot reach the index, and survives node2 losing its link mid-install', async () => {
    fault('index', 'node3');
    const run = await client.call('bringup.start', {
      clusterId,
      options: { source: { kind: 'index', url: tb.index }, withVllm: false },
    });
    runId = run.id;
    // Cut node2's link once pip is busy on it, for longer than the keepalive window; then restore.
    await until(
      () => logs.get(`${id('node2')}/install`) ?? [],
      (l) => l.some((x) => x.startsWith('Installing ray')),
      120_000,
      'the installer to start on node2',
    );
    fault('link', 'node2');
    await new Promise((r) => setTimeout(r, 6000));
    heal('link', 'node2');

    const done = await settled(runId);
    expect(done.state).toBe('failed');
    expect(stepOf(done, 'node1', 'start-head').state).toBe('done');
    expect(stepOf(done, 'node2', 'join').state).toBe('done');
    const broken = stepOf(done, 'node3', 'install');
    expect(broken.state).toBe('failed');
    expect(broken.error).toMatch(/^Install failed: /);
    expect(broken.hint).toContain(tb.index);
    expect(stepOf(done, 'node3', 'join').state).toBe('pending');
    expect(done.verified).toMatchObject({ nodes: 2, gpus: 4, rayVersion: '2.60.0' });

    // node2: the connection dropped while the install ran, Raydeck re-attached, it ran exactly once.
    expect((logs.get(`${id('node2')}/install`) ?? []).some((l) => l.includes('re-attaching'))).toBe(
      true,
    );
    expect(
      onNode(tbNode('node2'), `cat ~/.raydeck/jobs/${runId}-install/starts | wc -l`).trim(),
    ).toBe('1');
    expect(
      onNode(
        tbNode('node2'),
        `grep -c '^Installing ray' ~/.raydeck/jobs/${runId}-install/log`,
      ).trim(),
    ).toBe('1');
    // The venv was made without ensurepip (the node's pip put pip in with the packages), and has a working pip.
    expect(logs.get(`${id('node1')}/install`)).toContain(
      'Creating the virtualenv /root/.raydeck/venv (pip goes into it with the packages)',
    );
    expect(onNode(tbNode('node1'), '~/.raydeck/venv/bin/pip --version')).toMatch(
      /^pip \d+\.\d+.* from \/root\/\.raydeck\/venv\//,
    );
  });

  it('retries node3 alone once its index is back, without redoing the others', async () => {
    heal('index', 'node3');
    const before = await client.call('bringup.get', { runId });
    await client.call('bringup.retry', { runId, nodeId: id('node3') });
    const done = await settled(runId);
    expect(done.state, why(done)).toBe('succeeded');
    for (const name of ['node1', 'node2']) {
      expect(stepOf(done, name, 'install').startedAt).toBe(
        stepOf(before, name, 'install').startedAt,
      );
    }
    expect(done.verified).toEqual({ nodes: 3, gpus: 6, rayVersion: '2.60.0' });
    const status = await client.call('cluster.status', { clusterId });
    expect(status).toMatchObject({
      state: 'running',
      dashboardReachable: true,
      rayVersion: '2.60.0',
      aliveNodes: 3,
      gpus: 6,
    });
    // Ray's dashboard stays on the head's loopback; the GCS refuses nothing but needs the token for the API.
    expect(
      onNode(tbNode('node1'), "ss -ltn | awk '{print $4}' | grep ':8265$' || true").trim(),
    ).toBe('127.0.0.1:8265');
  });

  it('changes nothing when run again on the running cluster, and finishes fast', async () => {
    const started = Date.now();
    const run = await client.call('bringup.start', {
      clusterId,
      options: { source: { kind: 'index', url: tb.index }, withVllm: false },
    });
    const done = await settled(run.id, 120_000);
    const seconds = (Date.now() - started) / 1000;
    console.log(`re-run of bring-up on the running 3-node cluster: ${seconds.toFixed(1)} s`);
    expect(done.state, why(done)).toBe('succeeded');
    for (const n of done.nodes) {
      const install = await client.call('bringup.logs', {
        runId: run.id,
        nodeId: n.nodeId,
        step: 'install',
      });
      expect(install.lines.join('\n')).toContain('already installed');
      for (const step of n.steps) await expectLiveLogIsStoredLog(run.id, n.nodeId, step.kind);
    }
    expect(
      (
        await client.call('bringup.logs', {
          runId: run.id,
          nodeId: id('node1'),
          step: 'start-head',
        })
      ).lines.join('\n'),
    ).toContain('nothing to do');
    expect(done.verified).toEqual({ nodes: 3, gpus: 6, rayVersion: '2.60.0' });
  });

  it('removes a worker after draining it, and adds it back to the running cluster', async () => {
    const { operationId } = await client.call('cluster.removeWorker', { nodeId: id('node3') });
    await operationDone(operationId);
    expect((await client.call('nodes.list', { clusterId })).map((n) => n.name)).toEqual([
      'node1',
      'node2',
    ]);
    await until(
      () => client.call('cluster.status', { clusterId }),
      (s) => s.aliveNodes === 2,
      30_000,
      'node3 to leave Ray',
    );

    await client.call('nodes.import', {
      clusterId,
      source: { kind: 'testbed-file', path: process.env.RAYDECK_TESTBED_JSON! },
      aliases: ['node3'],
    });
    nodes = await client.call('nodes.list', { clusterId });
    const run = await client.call('bringup.start', {
      clusterId,
      options: {
        source: { kind: 'index', url: tb.index },
        withVllm: false,
        nodeIds: [id('node3')],
      },
    });
    expect(run.nodes.map((n) => `${n.nodeName}:${n.steps.map((s) => s.kind).join(',')}`)).toEqual([
      'node1:verify',
      'node3:preflight,install,join',
    ]);
    const done = await settled(run.id);
    expect(done.state, why(done)).toBe('succeeded');
    expect(done.verified).toEqual({ nodes: 3, gpus: 6, rayVersion: '2.60.0' });
  });

  it('stops and starts the cluster, then tears it down and removes the virtualenv', async () => {
    await operationDone((await client.call('cluster.stop', { clusterId })).operationId);
    expect((await client.call('cluster.status', { clusterId })).state).toBe('stopped');
    const run = await client.call('cluster.start', { clusterId });
    const done = await settled(run.id);
    expect(done.state, why(done)).toBe('succeeded');
    expect(done.verified).toMatchObject({ nodes: 3, gpus: 6 });
    await operationDone(
      (await client.call('cluster.down', { clusterId, uninstall: true })).operationId,
    );
    for (const name of ['node1', 'node2', 'node3'])
      expect(
        onNode(tbNode(name), 'test -e ~/.raydeck/venv && echo present || echo gone').trim(),
      ).toBe('gone');
  });

  it('survives an app restart in the middle of an install from a pushed wheelhouse: the run shows interrupted, retry re-attaches, pip ran once', async () => {
    logs.clear();
    const wheelhouse = path.join(ROOT, '.cache', 'wheelhouse', 'files');
    const run = await client.call('bringup.start', {
      clusterId,
      options: { source: { kind: 'wheelhouse', dir: wheelhouse }, withVllm: false },
    });
    await until(
      () => logs.get(`${id('node1')}/install`) ?? [],
      (l) => l.some((x) => /^Installing ray/.test(x)),
      180_000,
      'the installer to start on node1',
    );
    core.dispose(); // the app quits; the install goes on on the nodes
    startCore();
    const after = await client.call('bringup.get', { runId: run.id });
    expect(after.state).toBe('failed');
    expect(stepOf(after, 'node1', 'install')).toMatchObject({
      state: 'failed',
      error: expect.stringContaining('Raydeck stopped'),
    });
    await client.call('bringup.retry', { runId: run.id });
    const done = await settled(run.id);
    expect(done.state, why(done)).toBe('succeeded');
    expect(done.verified).toEqual({ nodes: 3, gpus: 6, rayVersion: '2.60.0' });
    for (const name of ['node1', 'node2', 'node3']) {
      expect(
        onNode(tbNode(name), `cat ~/.raydeck/jobs/${run.id}-install/starts | wc -l`).trim(),
      ).toBe('1');
      expect(
        Number(onNode(tbNode(name), 'ls ~/.raydeck/wheelhouse/*.whl | wc -l').trim()),
      ).toBeGreaterThan(10);
    }
    expect(
      (
        await client.call('bringup.logs', { runId: run.id, nodeId: id('node1'), step: 'install' })
      ).lines.join('\n'),
    ).toMatch(/wheels pushed/);
    // Both app instances' batches, joined by their offsets, are the one log on disk.
    await expectLiveLogIsStoredLog(run.id, id('node1'), 'install');
  });

  it('cancels a bring-up in the middle of the installs: the steps end cancelled and pip is stopped on the nodes', async () => {
    await operationDone(
      (await client.call('cluster.down', { clusterId, uninstall: true })).operationId,
    );
    logs.clear();
    fault('index-hang', 'node2'); // node2's installer waits on a silent network: surely running when cancelled
    let run: BringUpRun;
    try {
      run = await client.call('bringup.start', {
        clusterId,
        options: { source: { kind: 'index', url: tb.index }, withVllm: false },
      });
      await until(
        () => logs.get(`${id('node2')}/install`) ?? [],
        (l) => l.some((x) => x.startsWith('Creating the virtualenv')),
        120_000,
        'the install to start on node2',
      );
      await new Promise((r) => setTimeout(r, 3000));
      await client.call('bringup.cancel', { runId: run.id });
    } finally {
      heal('index-hang', 'node2');
    }
    const done = await settled(run.id, 60_000);
    expect(done.state).toBe('cancelled');
    expect(stepOf(done, 'node2', 'install').state).toBe('cancelled');
    expect(stepOf(done, 'node2', 'join').state).toBe('cancelled');
    // The detached job was ended on the node (its process group), not just abandoned.
    await until(
      () =>
        onNode(
          tbNode('node2'),
          `test -e ~/.raydeck/jobs/${run.id}-install/exit && echo ended || echo running`,
        ).trim(),
      (v) => v === 'ended',
      20_000,
      'the install job on node2 to end',
    );
    expect(onNode(tbNode('node2'), "pgrep -fc '[p]ip install' || true").trim()).toBe('0');
  });

  it('joins while the head starts; a head that dies then fails its joins at once (nothing left waiting on the workers), and a retry completes', async () => {
    const run = await client.call('bringup.start', {
      clusterId,
      options: { source: { kind: 'index', url: tb.index }, withVllm: false },
    });
    // Both workers' `ray start --address` run (waiting for the head's GCS) while the head's start runs.
    await until(
      () => client.call('bringup.get', { runId: run.id }),
      (r) =>
        stepOf(r, 'node1', 'start-head').state === 'running' &&
        ['node2', 'node3'].every((n) => stepOf(r, n, 'join').state === 'running'),
      180_000,
      'the joins to run while the head starts',
    );
    // onNode blocks this process (and so the core in it): poll in short calls.
    const pidFile = `~/.raydeck/jobs/${run.id}-start-head/pid`;
    const pid = await until(
      () => onNode(tbNode('node1'), `cat ${pidFile} 2>/dev/null || true`).trim(),
      (p) => /^\d+$/.test(p),
      20_000,
      "the head's start job",
    );
    const failedAt = Date.now();
    onNode(tbNode('node1'), `kill -KILL -- -${pid}`); // the head's start dies, with everything it started
    const done = await settled(run.id, 60_000);
    expect(Date.now() - failedAt).toBeLessThan(30_000); // not the joins' 120 s wait for a GCS
    expect(stepOf(done, 'node1', 'start-head')).toMatchObject({
      state: 'failed',
      error: expect.stringContaining('ray start --head failed'),
    });
    for (const name of ['node2', 'node3']) {
      expect(stepOf(done, name, 'join')).toMatchObject({
        state: 'failed',
        error: 'The head did not start, so there is nothing to join.',
      });
      expect(onNode(tbNode(name), `cat ~/.raydeck/jobs/${run.id}-join/exit`).trim()).toBe('143'); // cancelled on the node
      expect(onNode(tbNode(name), "pgrep -fc '[r]ay start' || true").trim()).toBe('0');
    }
    onNode(tbNode('node1'), '~/.raydeck/venv/bin/ray stop --force >/dev/null 2>&1 || true'); // what the hint says
    await client.call('bringup.retry', { runId: run.id });
    const again = await settled(run.id);
    expect(again.state, why(again)).toBe('succeeded');
    expect(again.verified).toEqual({ nodes: 3, gpus: 6, rayVersion: '2.60.0' });
  });
});
