/**
 * GPU -> replica and Xid errors through the cluster monitor, over fake collectors fed with what
 * remote/scripts/gpu-stream.sh prints (the apps stream's bus ids and parent chains, the xid
 * stream's started line and kernel lines from the real capture) and Ray 2.60's real Serve
 * status: a vLLM process under the replica actor maps to that replica, a process under no
 * replica to none; an Xid on a GPU flags it, dates it from the kernel clock, raises a critical
 * alert and a timeline event, also when it arrives before the GPU's bus id is known.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ClusterNode } from '../../shared/domain/node';
import type { MonitorEvent } from '../../shared/domain/monitor';
import { readServeInstance } from '../ray/serve-api';
import { ClusterMonitor } from './cluster-monitor';
import type { RayActorRecord, RayNodeRecord } from '../ray/dashboard-client';
import type { Collector, CollectorFactory, GpuStreamKind } from './collector';

const APPS = readServeInstance(
  JSON.parse(
    fs.readFileSync(
      path.resolve(__dirname, '../ray/fixtures/ray-2.60-serve-llm-applications.json'),
      'utf8',
    ),
  ),
);
const XID79 = fs
  .readFileSync(
    path.resolve(__dirname, 'fixtures/dmesg-xid79-fallen-off-bus-sxid20034-RECONSTRUCTED.log'),
    'utf8',
  )
  .split('\n');

function setup() {
  const feeds = new Map<string, (line: string, at: number) => void>();
  let serve: ((i: typeof APPS, at: number) => void) | null = null;
  let rayNodes: ((n: RayNodeRecord[]) => void) | null = null;
  let rayActors: ((a: RayActorRecord[]) => void) | undefined;
  const collector = (kind: Collector['status']['kind'], nodeId: string | null): Collector => ({
    status: { key: `${kind}:${nodeId}`, kind, nodeId, state: 'running', message: null },
    start() {},
    stop() {},
  });
  const kinds = { gpu: 'gpu', apps: 'gpu-apps', xid: 'gpu-xid' } as const;
  const factory: CollectorFactory = {
    gpuStream: (nodeId, stream: GpuStreamKind, _p, onLine) => {
      feeds.set(`${nodeId}:${stream}`, onLine);
      return collector(kinds[stream], nodeId);
    },
    metrics: (nodeId) => collector('metrics', nodeId),
    serve: (_c, _p, onInstance, onRayNodes, onRayActors) => {
      serve = onInstance;
      rayNodes = onRayNodes;
      rayActors = onRayActors;
      return collector('serve', null);
    },
  };
  let now = 1_800_000_000_000;
  const events: MonitorEvent[] = [];
  const node = { id: 'n1', name: 'gpu-1', host: '192.0.2.2', role: 'head' } as ClusterNode;
  const m = new ClusterMonitor(
    'c1',
    [node],
    factory,
    { perNodeHour: {}, perGpuModelHour: {} },
    {
      periodMs: 1000,
      appsPeriodMs: 5000,
      hotC: 85,
      emitDelta: () => {},
      emitEvents: (e) => events.push(...e),
      emitAlerts: () => {},
      now: () => now,
      autoTick: false,
    },
  );
  m.start();
  const feed = (stream: GpuStreamKind, ...lines: string[]) =>
    lines.forEach((l) => feeds.get(`n1:${stream}`)!(l, now));
  return {
    m,
    feed,
    serve: () => serve!(APPS, now),
    ray: (nodes: RayNodeRecord[], actors: RayActorRecord[]) => {
      rayNodes!(nodes);
      rayActors!(actors);
    },
    events,
    now: () => now,
    advance: (ms: number) => (now += ms),
  };
}

describe('GPU -> replica and Xid errors in the cluster monitor', () => {
  it("maps a compute app to the replica actor above it, and an Xid to its GPU's bus id", () => {
    const { m, feed, serve, events, now } = setup();
    serve();
    feed(
      'gpu',
      '0, GPU-a, NVIDIA H100 80GB HBM3, 37, 1000, 81559, 52, 100.0',
      '1, GPU-b, NVIDIA H100 80GB HBM3, 90, 2000, 81559, 60, 300.5',
      '0, GPU-a, NVIDIA H100 80GB HBM3, 38, 1000, 81559, 52, 100.0', // next block
    );
    // An Xid for GPU-a's bus before the apps stream said which bus GPU-a is on.
    feed('xid', `{"kind":"started","stream":"xid","sources":["dmesg"],"monotonicS":6781800}`);
    feed('xid', XID79[2]!.replace('91:00', '19:00'));
    feed(
      'apps',
      'bus GPU-a, 00000000:19:00.0',
      'bus GPU-b, 00000000:3B:00.0',
      'GPU-b, 4301, 20000', // vLLM's EngineCore, a child of the LLMServer replica (pid 4279)
      'GPU-a, 999, 100', // a process of no replica
      'chain 4301 4279 4100 1',
      'chain 999 1',
      '--end--',
    );
    feed('xid', XID79[2]!.replace('91:00', '3b:00'));
    m.tick();
    const s = m.snapshot();
    const llm = s.replicas.find((r) => r.replicaId === 'pyae00yf')!;
    expect(llm).toMatchObject({ pid: 4279, nodeId: 'n1', gpuIds: ['n1/1'] });
    expect(s.replicas.find((r) => r.replicaId === '2vqiibm7')!.gpuIds).toEqual([]);
    const [a, b] = s.gpus;
    expect(b!.processes).toEqual([
      { pid: 4301, usedMemoryMiB: 20000, replicaId: 'pyae00yf', actorPid: 4279 },
    ]);
    expect(a!.processes).toEqual([
      { pid: 999, usedMemoryMiB: 100, replicaId: null, actorPid: null },
    ]);
    // Kernel time 6781741.548779 against the node's clock 6781800 when the stream started.
    const xidAt = now() - Math.round((6781800 - 6781741.548779) * 1000);
    for (const g of [a!, b!]) {
      expect(g).toMatchObject({ xid: 79, xidAt });
      expect(g.xidMessage).toMatch(/^Xid 79 \(GPU has fallen off the bus\): pid=/);
    }
    expect([a!.pciBusId, b!.pciBusId]).toEqual(['0000:19:00', '0000:3b:00']);
    expect(
      s.alerts.filter((x) => x.kind === 'gpu-xid').map((x) => [x.subject, x.severity]),
    ).toEqual([
      ['n1/0', 'critical'],
      ['n1/1', 'critical'],
    ]);
    const xe = events.filter((e) => e.kind === 'gpu-xid');
    expect(xe.map((e) => [e.subject, e.severity, e.at])).toEqual([
      ['n1', 'critical', xidAt], // bus not known yet: the node
      ['n1/1', 'critical', xidAt],
    ]);
    expect(xe[1]!.message).toMatch(
      /^Xid 79 \(GPU has fallen off the bus\) on GPU 1 of n1 \(PCI 0000:3b:00\)/,
    );
  });

  it("vLLM's Ray workers (actors of the replica's placement group, not under its actor) map to the replica", () => {
    const { m, feed, serve, ray } = setup();
    const RAY_NODE = 'd0ab7093fa5ea03ad5bd35551c82458033419c9ebbcfc816e04fca01'; // the fixture's
    serve();
    // Ray's state API: the replica actor (pid 4279) and a RayWorkerWrapper (pid 5100, 1 GPU) in
    // one placement group; an unrelated actor with a GPU of its own in none.
    const actor = (pid: number, pg: string | null, gpus: number, cls: string): RayActorRecord => ({
      actor_id: `a${pid}`,
      class_name: cls,
      state: 'ALIVE',
      node_id: RAY_NODE,
      pid,
      placement_group_id: pg,
      required_resources: gpus ? { GPU: gpus, CPU: 1 } : { CPU: 1 },
    });
    ray(
      [
        {
          node_id: RAY_NODE,
          node_ip: '192.0.2.2',
          is_head_node: true,
          state: 'ALIVE',
          resources_total: { GPU: 2 },
        },
      ],
      [
        actor(4279, 'pg-1', 0, 'ServeReplica:llm:LLMServer:tiny-llama'),
        actor(5100, 'pg-1', 1, 'RayWorkerWrapper'),
        actor(6000, null, 1, 'Other'),
      ],
    );
    feed(
      'gpu',
      '0, GPU-a, NVIDIA H100 80GB HBM3, 37, 1000, 81559, 52, 100.0',
      '1, GPU-b, NVIDIA H100 80GB HBM3, 90, 2000, 81559, 60, 300.5',
      '0, GPU-a, NVIDIA H100 80GB HBM3, 38, 1000, 81559, 52, 100.0',
    );
    feed(
      'apps',
      'GPU-b, 5100, 30000', // the worker actor itself, a child of the raylet (pid 300)
      'GPU-a, 6000, 100',
      'chain 5100 300 1',
      'chain 6000 300 1',
      '--end--',
    );
    m.tick();
    const s = m.snapshot();
    expect(s.replicas.find((r) => r.replicaId === 'pyae00yf')).toMatchObject({
      gpuIds: ['n1/1'],
      gpusFromRay: 1,
    });
    expect(s.gpus[1]!.processes).toEqual([
      { pid: 5100, usedMemoryMiB: 30000, replicaId: 'pyae00yf', actorPid: null },
    ]);
    expect(s.gpus[0]!.processes[0]!.replicaId).toBeNull();
    expect(s.replicas.find((r) => r.replicaId === '2vqiibm7')).toMatchObject({
      gpuIds: [],
      gpusFromRay: 0,
    });
  });

  it('compute apps seen before their GPU map to it once the GPU is seen', () => {
    const { m, feed, serve } = setup();
    serve();
    feed('apps', 'GPU-b, 4301, 20000', 'chain 4301 4279 1', '--end--');
    m.tick();
    expect(m.snapshot().replicas.find((r) => r.replicaId === 'pyae00yf')!.gpuIds).toEqual([]);
    feed(
      'gpu',
      '0, GPU-b, NVIDIA H100 80GB HBM3, 90, 2000, 81559, 60, 300.5',
      '0, GPU-b, NVIDIA H100 80GB HBM3, 91, 2000, 81559, 60, 300.5',
    );
    m.tick();
    expect(m.snapshot().replicas.find((r) => r.replicaId === 'pyae00yf')!.gpuIds).toEqual(['n1/0']);
  });

  it('repeats of one Xid within a minute are one event; a non-fatal Xid is a warning that expires', () => {
    const { m, feed, events, advance } = setup();
    feed(
      'gpu',
      '0, GPU-a, NVIDIA H100 80GB HBM3, 37, 1000, 81559, 52, 100.0',
      '0, GPU-a, X, 1, 1, 1, 1, 1',
    );
    feed('apps', 'bus GPU-a, 00000000:19:00.0', '--end--');
    const line = (t: number) =>
      `[${t.toFixed(6)}] NVRM: Xid (PCI:0000:19:00): 13, pid=1234, name=python, Graphics SM Warp Exception`;
    feed('xid', `{"kind":"started","stream":"xid","sources":["journalctl"],"monotonicS":1000}`);
    feed('xid', line(990), line(995), line(1000));
    m.tick();
    expect(events.filter((e) => e.kind === 'gpu-xid').map((e) => e.severity)).toEqual(['warning']);
    expect(m.snapshot().alerts.find((x) => x.kind === 'gpu-xid')!.severity).toBe('warning');
    advance(31 * 60_000); // past XID_ALERT_MS: no alert; the GPU still says its last Xid
    m.tick();
    expect(m.snapshot().alerts.filter((x) => x.kind === 'gpu-xid')).toEqual([]);
    expect(m.snapshot().gpus[0]!.xid).toBe(13);
  });
});
