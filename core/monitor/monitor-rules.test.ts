/** Alert rules, the events timeline (replica started / died / restarted, autoscaler) and cost, on hand-made views. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type {
  DeploymentView,
  GpuSample,
  MonitorNode,
  ReplicaView,
} from '../../shared/domain/monitor';
import { AlertRules, growing } from './alert-rules';
import { Timeline } from './timeline';
import { PriceBook, computeCost } from './cost';

const m = { value: null, at: null, stale: true };
const dep = (patch: Partial<DeploymentView> = {}): DeploymentView => ({
  key: 'llm/LLM',
  app: 'llm',
  name: 'LLM',
  status: 'HEALTHY',
  statusTrigger: 'UNSPECIFIED',
  message: '',
  desired: 2,
  running: 2,
  starting: 0,
  pending: 0,
  stopping: 0,
  pendingReason: null,
  autoscaling: null,
  replicaResources: { GPU: 1 },
  metrics: {
    queueLength: m,
    ongoingRequests: m,
    rps: m,
    latencyP50Ms: m,
    latencyP95Ms: m,
    latencyP99Ms: m,
    errorRate: m,
    vllmRunning: m,
    vllmWaiting: m,
    kvCacheUsage: m,
    tokensPerS: m,
    ttftP50Ms: m,
    ttftP95Ms: m,
  },
  ...patch,
});
const rep = (id: string, patch: Partial<ReplicaView> = {}): ReplicaView => ({
  key: `llm/LLM/${id}`,
  app: 'llm',
  deployment: 'LLM',
  replicaId: id,
  state: 'RUNNING',
  nodeId: 'n1',
  rayNodeId: 'r1',
  nodeIp: '10.0.0.1',
  pid: 100,
  gpuIds: ['n1/0'],
  startedAt: 1,
  ongoing: m,
  ...patch,
});
const gpu = (patch: Partial<GpuSample> = {}): GpuSample => ({
  key: 'n1/0',
  nodeId: 'n1',
  index: 0,
  uuid: 'GPU-a',
  name: 'NVIDIA H100 80GB HBM3',
  utilizationPct: 5,
  memoryUsedMiB: 1,
  memoryTotalMiB: 2,
  temperatureC: 40,
  powerW: 100,
  at: 1,
  stale: false,
  lost: false,
  hot: false,
  xid: null,
  processes: [],
  ...patch,
});
const node = (patch: Partial<MonitorNode> = {}): MonitorNode => ({
  key: 'n1',
  nodeId: 'n1',
  name: 'node1',
  host: '10.0.0.1',
  role: 'head',
  rayNodeId: 'r1',
  nodeIp: '10.0.0.1',
  lastSeenAt: 1,
  stale: false,
  gpuCount: 1,
  problems: [],
  ...patch,
});

describe('alert rules', () => {
  it('raises each kind, holds below-target back for its grace period, keeps since', () => {
    const rules = new AlertRules({
      belowTargetGraceMs: 10_000,
      idleUtilPct: 20,
      queueRiseTicks: 3,
    });
    const input = (now: number) => ({
      now,
      nodes: [node({ stale: true })],
      gpus: [
        gpu(),
        gpu({ key: 'n1/1', index: 1, lost: true }),
        gpu({ key: 'n1/2', index: 2, hot: true, temperatureC: 91 }),
      ],
      deployments: [dep({ running: 1, pending: 1, pendingReason: 'no GPU' })],
      replicas: [rep('a'), rep('b', { state: 'RECOVERING' })],
      queueHistory: () => [1, 2, 4],
    });
    const first = rules.evaluate(input(1000));
    expect(first.changed).toBe(true);
    expect(first.alerts.map((a) => a.key).sort()).toEqual([
      'gpu-hot:n1/2',
      'gpu-lost:n1/1',
      'node-stale:n1',
      'queue-growing-gpus-idle:llm/LLM',
      'replica-unhealthy:llm/LLM/b',
    ]);
    const later = rules.evaluate(input(12_000));
    const below = later.alerts.find((a) => a.kind === 'deployment-below-target')!;
    expect(below.since).toBe(1000);
    expect(below.message).toBe('llm/LLM: 1 of 2 replicas running, 1 pending (no GPU).');
    expect(rules.evaluate(input(13_000)).changed).toBe(false);
    const healthy = rules.evaluate({
      now: 14_000,
      nodes: [node()],
      gpus: [gpu()],
      deployments: [dep()],
      replicas: [rep('a')],
      queueHistory: () => [],
    });
    expect(healthy.alerts).toEqual([]);
    expect(healthy.changed).toBe(true);
  });

  it('a queue that rose but fell is not growing', () => {
    expect(growing([1, 2, 3], 3)).toBe(true);
    expect(growing([1, 3, 2], 3)).toBe(false);
    expect(growing([2, 2, 2], 3)).toBe(false);
    expect(growing([1, 2], 3)).toBe(false);
  });
});

describe('timeline', () => {
  it('a killed replica: died, then replaced (restarted); a pid change is a restart; autoscaler moves', () => {
    const t = new Timeline();
    t.serve(0, [dep()], [rep('a'), rep('b')]);
    expect(t.take()).toEqual([]);
    t.serve(1000, [dep({ running: 1 })], [rep('a')]);
    t.serve(2000, [dep()], [rep('a', { pid: 200 }), rep('c', { state: 'STARTING' })]);
    t.serve(
      3000,
      [dep({ desired: 3, statusTrigger: 'AUTOSCALING', status: 'UPSCALING' })],
      [rep('a', { pid: 200 }), rep('c')],
    );
    const ev = t.take().map((e) => `${e.kind} ${e.subject}`);
    expect(ev).toEqual([
      'replica-died llm/LLM/b',
      'replica-restarted llm/LLM/a',
      'replica-restarted llm/LLM/c',
      'deployment-status llm/LLM',
      'autoscaler llm/LLM',
      'replica-state llm/LLM/c',
    ]);
    expect(t.all()).toHaveLength(6);
  });

  it('scaling down stops replicas without calling them dead', () => {
    const t = new Timeline();
    t.serve(0, [dep()], [rep('a'), rep('b')]);
    t.serve(1000, [dep({ desired: 1 })], [rep('a')]);
    expect(t.take().map((e) => e.kind)).toEqual(['scale', 'replica-state']);
  });
});

describe('cost', () => {
  it('node price wins, else GPU model prices; $ per 1M requests from rps; unpriced listed', () => {
    const nodes = [node(), node({ key: 'n2', nodeId: 'n2' }), node({ key: 'n3', nodeId: 'n3' })];
    const gpus = [
      gpu({ nodeId: 'n2', key: 'n2/0' }),
      gpu({ nodeId: 'n2', key: 'n2/1', index: 1 }),
      gpu({ nodeId: 'n3', key: 'n3/0', name: 'Other' }),
    ];
    const c = computeCost(
      { perNodeHour: { n1: 10 }, perGpuModelHour: { 'NVIDIA H100 80GB HBM3': 2.5 } },
      nodes,
      gpus,
      10,
    );
    expect(c.perNode).toEqual([
      { nodeId: 'n1', perHour: 10, source: 'node' },
      { nodeId: 'n2', perHour: 5, source: 'gpu-model' },
      { nodeId: 'n3', perHour: null, source: null },
    ]);
    expect(c.perHour).toBe(15);
    expect(c.perMillionRequests).toBeCloseTo((15 / 36_000) * 1e6);
    expect(c.unpriced).toEqual(['n3']);
    expect(
      computeCost({ perNodeHour: {}, perGpuModelHour: {} }, nodes, gpus, 0).perMillionRequests,
    ).toBeNull();
  });

  it('stores prices per cluster under the lock; null removes one', async () => {
    const file = path.join(
      fs.mkdtempSync(path.join(os.tmpdir(), 'prices-')),
      'monitor-prices.json',
    );
    const book = new PriceBook(file);
    expect(await book.get('c1')).toEqual({ perNodeHour: {}, perGpuModelHour: {} });
    await book.set('c1', { perNodeHour: { n1: 3, n2: 4 } });
    await book.set('c2', { perGpuModelHour: { H100: 2 } });
    expect(await book.set('c1', { perNodeHour: { n2: null } })).toEqual({
      perNodeHour: { n1: 3 },
      perGpuModelHour: {},
    });
    expect(await new PriceBook(file).get('c2')).toEqual({
      perNodeHour: {},
      perGpuModelHour: { H100: 2 },
    });
  });
});
