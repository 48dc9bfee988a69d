/**
 * MonitorService over fake collectors fed with real captures (Ray 2.60 Serve LLM status and
 * metrics, nvidia-smi rows): views, metrics with timestamps, GPU flags, pending with Ray's
 * reason, alerts after their grace, the timeline, deltas, and every collector stopped on
 * unsubscribe / dispose.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ClusterNode } from '../../shared/domain/node';
import type { EventPayload } from '../../shared/contract/events';
import { EventBus } from '../api/event-bus';
import { readServeInstance } from '../ray/serve-api';
import type { Collector, CollectorFactory } from './collector';
import { PriceBook } from './cost';
import { MonitorService } from './monitor-service';

const PAGE = fs.readFileSync(
  path.resolve(__dirname, 'fixtures/ray-2.60-serve-llm-cpu-metrics.txt'),
  'utf8',
);
const RAY_FIXTURES = path.resolve(__dirname, '../ray/fixtures');
const APPS = (f: string) =>
  readServeInstance(JSON.parse(fs.readFileSync(path.join(RAY_FIXTURES, f), 'utf8')));

class FakeCollector implements Collector {
  status;
  constructor(
    kind: Collector['status']['kind'],
    nodeId: string | null,
    readonly feed: (x: never) => void,
  ) {
    this.status = {
      key: `${kind}:${nodeId ?? 'cluster'}`,
      kind,
      nodeId,
      state: 'stopped' as const,
      message: null,
    };
  }
  start() {
    (this.status as { state: string }).state = 'running';
  }
  stop() {
    (this.status as { state: string }).state = 'stopped';
  }
}

function fakes() {
  const made: FakeCollector[] = [];
  const gpu = new Map<string, (line: string, at: number) => void>();
  const pages = new Map<string, (page: Buffer, at: number) => void>();
  let serve: ((i: ReturnType<typeof APPS>, at: number) => void) | null = null;
  let rayNodes: ((n: never[]) => void) | null = null;
  const factory: CollectorFactory = {
    gpuStream: (nodeId, stream, _p, onLine) => {
      if (stream === 'gpu') gpu.set(nodeId, onLine);
      const c = new FakeCollector(stream === 'gpu' ? 'gpu' : 'gpu-apps', nodeId, onLine as never);
      made.push(c);
      return c;
    },
    metrics: (nodeId, _p, onPage) => {
      pages.set(nodeId, onPage);
      const c = new FakeCollector('metrics', nodeId, onPage as never);
      made.push(c);
      return c;
    },
    serve: (_id, _p, onInstance, onRay) => {
      serve = onInstance;
      rayNodes = onRay as never;
      const c = new FakeCollector('serve', null, onInstance as never);
      made.push(c);
      return c;
    },
  };
  return { factory, made, gpu, pages, serve: () => serve!, rayNodes: () => rayNodes! };
}

const node = (id: string, host: string, role: 'head' | 'worker'): ClusterNode =>
  ({
    id,
    clusterId: 'c1',
    name: id,
    host,
    port: 22,
    user: 'ray',
    auth: { kind: 'agent' },
    jumpNodeId: null,
    role,
    hasSecret: false,
    vouchedFingerprints: [],
    createdAt: '',
  }) as ClusterNode;

function setup() {
  const bus = new EventBus();
  const f = fakes();
  let now = 1_000_000;
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mon-'));
  const svc = new MonitorService({
    bus,
    nodes: {
      list: async () => [node('n1', '192.0.2.2', 'head'), node('n2', '192.0.2.3', 'worker')],
    },
    collectors: f.factory,
    prices: new PriceBook(path.join(home, 'monitor-prices.json')),
    periodMs: 10_000, // ticks are driven by the test (its own timer would fire after 10 s)
    now: () => now,
  });
  const seen: {
    delta: EventPayload<'monitor.delta'>[];
    events: EventPayload<'monitor.event'>[];
    alerts: EventPayload<'monitor.alerts'>[];
  } = { delta: [], events: [], alerts: [] };
  bus.on('monitor.delta', (d) => seen.delta.push(d));
  bus.on('monitor.event', (d) => seen.events.push(d));
  bus.on('monitor.alerts', (d) => seen.alerts.push(d));
  return { svc, f, seen, advance: (ms: number) => (now += ms), now: () => now };
}

describe('monitor service', () => {
  it('subscribes idempotently, builds the views from real captures, pushes deltas, stops everything', async () => {
    const { svc, f, seen, advance, now } = setup();
    const [a, b] = await Promise.all([svc.subscribe('c1'), svc.subscribe('c1')]);
    expect(a.nodes.map((n) => n.nodeId)).toEqual(['n1', 'n2']);
    expect(b.clusterId).toBe('c1');
    expect(f.made).toHaveLength(9); // 2 nodes x (gpu, apps, xid, metrics) + serve
    const m = svc.get('c1')!;

    f.rayNodes()([
      {
        node_id: 'ray-n1',
        node_ip: '192.0.2.2',
        is_head_node: true,
        state: 'ALIVE',
        resources_total: { CPU: 2 },
      },
    ] as never[]);
    f.serve()(APPS('ray-2.60-serve-llm-applications.json'), now());
    f.gpu.get('n1')!(
      '0, GPU-a, NVIDIA H100 80GB HBM3, 37, 1000, 81559, 52, [Not Supported]',
      now(),
    );
    f.gpu.get('n1')!('1, GPU-b, NVIDIA H100 80GB HBM3, 90, 2000, 81559, 91, 300.5', now());
    f.gpu.get('n1')!(
      '0, GPU-a, NVIDIA H100 80GB HBM3, 38, 1000, 81559, 52, [Not Supported]',
      now(),
    ); // next block
    f.pages.get('n1')!(Buffer.from(PAGE), now());
    m.tick();
    let s = await svc.snapshot('c1');
    expect(s.gpus.map((g) => [g.key, g.utilizationPct, g.powerW, g.hot])).toEqual([
      ['n1/0', 37, null, false],
      ['n1/1', 90, 300.5, true],
    ]);
    const llm = s.deployments.find((d) => d.key === 'llm/LLMServer:tiny-llama')!;
    expect(llm.metrics.ongoingRequests).toEqual({ value: 6, at: now(), stale: false });
    expect(llm.metrics.vllmRunning.value).toBe(5);
    expect(llm.metrics.rps.value).toBeNull(); // one page: no rate yet, not 0
    expect(s.replicas.find((r) => r.replicaId === 'pyae00yf')).toMatchObject({
      nodeId: 'n1',
      state: 'RUNNING',
    });
    expect(s.nodes.find((n) => n.nodeId === 'n1')).toMatchObject({
      rayNodeId: 'ray-n1',
      stale: false,
      gpuCount: 2,
    });
    expect(s.alerts.map((x) => x.key)).toContain('gpu-hot:n1/1');
    const d0 = seen.delta[seen.delta.length - 1]!;
    expect(Object.keys(d0.series)).toEqual(
      expect.arrayContaining(['dep/llm/LLMServer%3Atiny-llama/ongoingRequests']),
    );
    // The GPUs' values go as rows (gpuValues), their points stay in the store.
    expect(d0.gpuValues?.keys).toEqual(['n1/0', 'n1/1']);
    expect(d0.gpuValues?.power).toEqual([null, 300.5]);
    expect(Object.keys(d0.series).some((k) => k.startsWith('gpu/'))).toBe(false);
    expect(m.store.last('gpu/n1/1/power')?.v).toBe(300.5);
    expect(d0.upserts.gpus).toHaveLength(2);

    // A second page a second later: request rates appear; an unchanged view is not sent again.
    advance(1000);
    f.pages.get('n1')!(
      Buffer.from(
        PAGE.replace(
          /^(ray_serve_deployment_request_counter_total\{[^\n]*\}) ([0-9.]+)$/gm,
          (_, x: string, v: string) => `${x} ${Number(v) + 5}`,
        ),
      ),
      now(),
    );
    f.gpu.get('n1')!('1, GPU-b, NVIDIA H100 80GB HBM3, 90, 2000, 81559, 91, 300.5', now());
    m.tick();
    s = await svc.snapshot('c1');
    expect(
      s.deployments.find((d) => d.key === 'llm/OpenAiIngress')!.metrics.rps.value,
    ).toBeGreaterThan(0);
    expect(s.cost.rps).toBeGreaterThan(0);
    const d1 = seen.delta[seen.delta.length - 1]!;
    expect(d1.upserts.applications).toEqual([]);

    // Upscale with a pending replica: Ray's reason; below target becomes an alert after its grace.
    f.serve()(APPS('ray-2.60-serve-llm-applications-upscale-pending.json'), now());
    m.tick();
    s = await svc.snapshot('c1');
    const up = s.deployments.find((d) => d.key === 'llm/LLMServer:tiny-llama')!;
    expect(up).toMatchObject({ desired: 2, running: 1, pending: 1 });
    expect(up.pendingReason).toMatch(/taken more than 30s/);
    expect(
      seen.events
        .flatMap((e) => e.events.map((x) => x.kind))
        .filter((k) => k !== 'deployment-status'),
    ).toEqual(['autoscaler', 'replica-started']);
    advance(61_000);
    m.tick();
    expect(seen.alerts[seen.alerts.length - 1]!.alerts.map((x) => x.kind)).toContain(
      'deployment-below-target',
    );
    // n2 never delivered anything: stale; GPUs of n1 stale too after 3 periods without lines.
    s = await svc.snapshot('c1');
    expect(s.nodes.find((n) => n.nodeId === 'n2')!.stale).toBe(true);

    expect(await svc.unsubscribe('c1')).toBe(true);
    expect(f.made.every((c) => c.status.state === 'stopped')).toBe(true);
    expect(await svc.unsubscribe('c1')).toBe(false);
    await expect(svc.snapshot('c1')).rejects.toThrow(/not monitored/);
  });

  it('prices change the cost of a running monitor; dispose stops every cluster', async () => {
    const { svc, f } = setup();
    await svc.subscribe('c1');
    await svc.setPrices({ clusterId: 'c1', perNodeHour: { n1: 4, n2: 6 } });
    svc.get('c1')!.tick();
    expect((await svc.snapshot('c1')).cost.perHour).toBe(10);
    svc.dispose();
    expect(f.made.every((c) => c.status.state === 'stopped')).toBe(true);
  });
  it('a changed metrics page shows at once, before the period is up: views refreshed, no series point added', async () => {
    const { svc, f, seen, advance, now } = setup(); // a 10 s period: only the early refresh can run
    await svc.subscribe('c1');
    const m = svc.get('c1')!;
    f.serve()(APPS('ray-2.60-serve-llm-applications.json'), now());
    f.pages.get('n1')!(Buffer.from(PAGE), now());
    m.tick();
    const ongoing = async () =>
      (await svc.snapshot('c1')).deployments.find((d) => d.key === 'llm/LLMServer:tiny-llama')!
        .metrics.ongoingRequests.value;
    expect(await ongoing()).toBe(6);
    const deltas = seen.delta.length;
    advance(2_500); // past the pacer's gap after the tick (a fifth of the period)
    f.pages.get('n1')!(Buffer.from(PAGE.replace(/(replica="pyae00yf"\}) 6\.0$/m, '$1 9.0')), now());
    for (let i = 0; i < 100 && (await ongoing()) !== 9; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(await ongoing()).toBe(9);
    const early = seen.delta.slice(deltas);
    expect(early).toHaveLength(1);
    expect(early[0]!.upserts.deployments.map((d) => d.key)).toContain('llm/LLMServer:tiny-llama');
    expect(Object.keys(early[0]!.series).filter((k) => k.startsWith('dep/'))).toEqual([]);
    await svc.unsubscribe('c1');
  });
});
