/**
 * Builders of monitor views for tests and the UI bench (the test kit of the Monitor page): a
 * node, a GPU sample, a deployment, a replica, a whole snapshot, a fleet of N nodes x M GPUs and
 * a delta that moves every GPU (as value rows, as the core sends it) — each with the
 * contract's shape and values that say what they are (null for "no value", never 0 as a
 * stand-in).
 */
import {
  DEPLOYMENT_SERIES,
  GPU_SERIES,
  seriesKey,
  type CostView,
  type DeploymentMetrics,
  type DeploymentView,
  type GpuSample,
  type GpuValues,
  type Measured,
  type MonitorDelta,
  type MonitorNode,
  type MonitorSnapshot,
  type ReplicaView,
} from '../../../shared';

export const T_NOW = Date.UTC(2026, 11, 6, 6, 0, 0);

export function measured(value: number | null, at: number | null = T_NOW): Measured {
  return { value, at: value === null ? null : at, stale: false };
}

export function node(id: string, over: Partial<MonitorNode> = {}): MonitorNode {
  return {
    key: id,
    nodeId: id,
    name: id,
    host: `198.51.100.${10 + (Number(/\d+/.exec(id)?.[0]) || 0)}`,
    role: 'worker',
    rayNodeId: `ray-${id}`,
    nodeIp: null,
    lastSeenAt: T_NOW,
    stale: false,
    gpuCount: 0,
    problems: [],
    ...over,
  };
}

export function gpu(nodeId: string, index: number, over: Partial<GpuSample> = {}): GpuSample {
  return {
    key: `${nodeId}/${index}`,
    nodeId,
    index,
    uuid: `GPU-${nodeId}-${index}`,
    name: 'NVIDIA A10G',
    utilizationPct: 50,
    memoryUsedMiB: 12000,
    memoryTotalMiB: 24000,
    temperatureC: 55,
    powerW: 120,
    at: T_NOW,
    stale: false,
    lost: false,
    hot: false,
    xid: null,
    processes: [],
    ...over,
  };
}

export function metrics(values: Partial<Record<keyof DeploymentMetrics, number | null>> = {}) {
  const keys: readonly (keyof DeploymentMetrics)[] = DEPLOYMENT_SERIES;
  return Object.fromEntries(keys.map((k) => [k, measured(values[k] ?? null)])) as DeploymentMetrics;
}

export function deployment(
  app: string,
  name: string,
  over: Partial<DeploymentView> = {},
): DeploymentView {
  return {
    key: `${app}/${name}`,
    app,
    name,
    status: 'HEALTHY',
    statusTrigger: 'CONFIG_UPDATE_COMPLETED',
    message: '',
    desired: 1,
    running: 1,
    starting: 0,
    pending: 0,
    stopping: 0,
    pendingReason: null,
    autoscaling: null,
    replicaResources: { CPU: 1, GPU: 1 },
    metrics: metrics(),
    ...over,
  };
}

export function replica(
  app: string,
  dep: string,
  id: string,
  over: Partial<ReplicaView> = {},
): ReplicaView {
  return {
    key: `${app}/${dep}/${id}`,
    app,
    deployment: dep,
    replicaId: id,
    state: 'RUNNING',
    nodeId: null,
    rayNodeId: null,
    nodeIp: null,
    pid: null,
    gpuIds: [],
    startedAt: T_NOW / 1000 - 60,
    ongoing: measured(null),
    ...over,
  };
}

export function cost(over: Partial<CostView> = {}): CostView {
  return {
    prices: { perNodeHour: {}, perGpuModelHour: {} },
    perHour: null,
    perMillionRequests: null,
    rps: null,
    perNode: [],
    unpriced: [],
    ...over,
  };
}

export function snapshot(over: Partial<MonitorSnapshot> = {}): MonitorSnapshot {
  return {
    clusterId: 'c1',
    takenAt: T_NOW,
    periodMs: 1000,
    nodes: [],
    gpus: [],
    applications: [],
    deployments: [],
    replicas: [],
    alerts: [],
    events: [],
    cost: cost(),
    collectors: [],
    ...over,
  };
}

/** A fleet of `nodes` x `gpusPerNode` GPUs with utilization spread over 0..100. */
export function fleet(nodes: number, gpusPerNode: number, clusterId = 'c1'): MonitorSnapshot {
  const ns: MonitorNode[] = [];
  const gs: GpuSample[] = [];
  for (let i = 0; i < nodes; i++) {
    const id = `n${i}`;
    ns.push(
      node(id, { name: `gpu-${i}`, role: i === 0 ? 'head' : 'worker', gpuCount: gpusPerNode }),
    );
    for (let k = 0; k < gpusPerNode; k++)
      gs.push(gpu(id, k, { utilizationPct: (i * gpusPerNode + k) % 101 }));
  }
  return snapshot({ clusterId, nodes: ns, gpus: gs });
}

/** Each GPU's series keys (GPU_SERIES' order), made once per GPU key. */
const GPU_KEYS = new Map<string, string[]>();

/**
 * A delta at `at` that moves every GPU of `s` as the core sends it: a `gpuValues` row per GPU
 * with a new utilization, memory, temperature and power, no GPU upserts. With `upserts`, the
 * form the core sent before: every GPU re-sent whole, and its values as points of its series.
 */
export function fleetDelta(
  s: MonitorSnapshot,
  at: number,
  tick: number,
  opts: { upserts?: boolean } = {},
): MonitorDelta {
  const series: MonitorDelta['series'] = {};
  const gpus: GpuSample[] = [];
  const rows: GpuValues = { keys: [], at: [], util: [], memUsed: [], temp: [], power: [] };
  s.gpus.forEach((g, i) => {
    const util = (i * 7 + tick * 13) % 101;
    const values = [util, 12000 + util * 100, 35 + (util >> 2), 70 + util * 5.6] as const;
    if (!opts.upserts) {
      rows.keys.push(g.key);
      rows.at.push(at);
      rows.util.push(values[0]);
      rows.memUsed.push(values[1]);
      rows.temp.push(values[2]);
      rows.power.push(values[3]);
      return;
    }
    let keys = GPU_KEYS.get(g.key);
    if (!keys)
      GPU_KEYS.set(g.key, (keys = GPU_SERIES.map((f) => seriesKey.gpu(g.nodeId, g.index, f))));
    keys.forEach((k, f) => (series[k] = [[at, values[f]!]]));
    gpus.push({
      ...g,
      at,
      utilizationPct: values[0],
      memoryUsedMiB: values[1],
      temperatureC: values[2],
      powerW: values[3],
    });
  });
  return {
    clusterId: s.clusterId,
    at,
    series,
    ...(opts.upserts ? {} : { gpuValues: rows }),
    upserts: { nodes: [], gpus, applications: [], deployments: [], replicas: [], collectors: [] },
    removed: {
      nodes: [],
      gpus: [],
      applications: [],
      deployments: [],
      replicas: [],
      collectors: [],
    },
    cost: null,
  };
}
