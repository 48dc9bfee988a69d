/**
 * Live monitoring of a cluster, as the core pushes it to views (the Monitor page, the CLI):
 * GPU samples from each node's streaming nvidia-smi, Serve applications / deployments /
 * replicas from the dashboard API, per-deployment metrics from Ray's Prometheus export, alerts,
 * the events timeline, cost, and series deltas for the charts. Every measured value is
 * `number | null`: null is "no value" ([N/A], [Not Supported], a vLLM gauge that vanished while
 * idle, no data yet) and is never shown as 0.
 *
 * Views are keyed (`key`): a `monitor.delta` carries upserts by key and removed keys, so a
 * client merges them into the snapshot it got from `monitor.subscribe`.
 */
import { z } from 'zod';
import {
  ApplicationStatus,
  DeploymentStatus,
  DeploymentStatusTrigger,
  ReplicaState,
} from '../serve/status';

export * from './monitor-keys';
export * from './monitor-gpu-values';

/** A measured number: null when there is no value. */
export const Num = z.number().nullable();

/** One value with when it was measured (Unix ms, core clock); stale when older than ~3 periods. */
export const Measured = z.object({
  value: Num,
  /** Unix ms of the sample the value comes from; null when never measured. */
  at: z.number().nullable(),
  stale: z.boolean(),
});
export type Measured = z.infer<typeof Measured>;

// ---------------------------------------------------------------- GPUs

/** One process on a GPU (nvidia-smi --query-compute-apps), matched to a Serve replica by pid. */
export const GpuProcess = z.object({
  pid: z.number(),
  usedMemoryMiB: Num,
  /** The Serve replica whose actor has this pid, or is a parent of it (vLLM's EngineCore), when one does. */
  replicaId: z.string().nullable(),
  /** The replica actor's pid the process runs under (itself, or a parent); null when none. */
  actorPid: z.number().nullable().optional(),
});
export type GpuProcess = z.infer<typeof GpuProcess>;

/**
 * One GPU. Its values (utilization, memory used, temperature, power) and `at` move every period;
 * a `monitor.delta` carries them in `gpuValues`, and the GPU itself only when anything else
 * changed.
 */
export const GpuSample = z.object({
  /** `${nodeId}/${index}`. */
  key: z.string(),
  /** Raydeck's node id (inventory), the node whose nvidia-smi stream reported this GPU. */
  nodeId: z.string(),
  index: z.number(),
  uuid: z.string().nullable(),
  name: z.string().nullable(),
  utilizationPct: Num,
  memoryUsedMiB: Num,
  memoryTotalMiB: Num,
  temperatureC: Num,
  powerW: Num,
  /** Unix ms of the last line for this GPU. */
  at: z.number().nullable(),
  /** No line for this GPU for ~3 periods while its node's stream is alive (or the stream ended). */
  stale: z.boolean(),
  /** The GPU disappeared from the stream (it was there before) or nvidia-smi said it is lost. */
  lost: z.boolean(),
  /** Temperature at or over the hot threshold. */
  hot: z.boolean(),
  /** Last Xid error code reported for this GPU (null: none seen). */
  xid: z.number().nullable(),
  /** Unix ms of that Xid (kernel log time), and the driver's text with the code's meaning. */
  xidAt: Num.optional(),
  xidMessage: z.string().nullable().optional(),
  /** PCI bus id in the kernel's form (`0000:3b:00`), which Xid lines name the GPU by. */
  pciBusId: z.string().nullable().optional(),
  processes: z.array(GpuProcess),
});
export type GpuSample = z.infer<typeof GpuSample>;

// ---------------------------------------------------------------- nodes

export const MonitorNode = z.object({
  /** Raydeck's node id (inventory). */
  key: z.string(),
  nodeId: z.string(),
  name: z.string(),
  host: z.string(),
  role: z.enum(['head', 'worker']),
  /** Ray's node id and IP when Ray lists the node (matched by address). */
  rayNodeId: z.string().nullable(),
  nodeIp: z.string().nullable(),
  /** Unix ms of the last sample from this node (GPU line or metrics page). */
  lastSeenAt: z.number().nullable(),
  /** Nothing heard from the node for ~3 periods. */
  stale: z.boolean(),
  gpuCount: z.number(),
  /** Why a collector on this node is not delivering (SSH down, nvidia-smi missing, ...). */
  problems: z.array(z.string()),
});
export type MonitorNode = z.infer<typeof MonitorNode>;

// ---------------------------------------------------------------- Serve

export const ApplicationView = z.object({
  /** The application's name. */
  key: z.string(),
  name: z.string(),
  status: ApplicationStatus,
  message: z.string(),
});
export type ApplicationView = z.infer<typeof ApplicationView>;

export const ReplicaView = z.object({
  /** `${app}/${deployment}/${replicaId}`. */
  key: z.string(),
  app: z.string(),
  deployment: z.string(),
  replicaId: z.string(),
  state: ReplicaState,
  /** Raydeck's node id of the replica's node (matched by IP); null when pending or unknown. */
  nodeId: z.string().nullable(),
  rayNodeId: z.string().nullable(),
  nodeIp: z.string().nullable(),
  /** The replica actor's pid. */
  pid: z.number().nullable(),
  /**
   * GPU keys (`${nodeId}/${index}`) the replica's processes are on, from nvidia-smi compute apps:
   * its actor, processes under it (vLLM's EngineCore), the actors of its placement group (vLLM's
   * Ray workers) and processes under those.
   */
  gpuIds: z.array(z.string()),
  /** GPUs Ray gave the replica: its actor's, or its placement group's actors' (0: a CPU replica). */
  gpusFromRay: z.number().optional(),
  /** Unix seconds (Ray's clock). */
  startedAt: z.number().nullable(),
  /** Requests the replica is processing (ray_serve_replica_processing_queries). */
  ongoing: Measured,
});
export type ReplicaView = z.infer<typeof ReplicaView>;

export const AutoscalingView = z.object({
  min: Num,
  max: Num,
  /** target_ongoing_requests (Ray 2.60's name). */
  targetOngoingRequests: Num,
});
export type AutoscalingView = z.infer<typeof AutoscalingView>;

/** Per-deployment metrics, each with its time; null where Ray / vLLM exports nothing. */
export const DeploymentMetrics = z.object({
  /** Requests queued in the handles, not yet assigned (ray_serve_deployment_queued_queries). */
  queueLength: Measured,
  /** Requests the replicas are processing (sum of ray_serve_replica_processing_queries). */
  ongoingRequests: Measured,
  /** Requests per second (rate of ray_serve_deployment_request_counter_total, else HTTP). */
  rps: Measured,
  latencyP50Ms: Measured,
  latencyP95Ms: Measured,
  latencyP99Ms: Measured,
  /** Errors / requests over the last window, 0..1. */
  errorRate: Measured,
  vllmRunning: Measured,
  vllmWaiting: Measured,
  /** 0..1. */
  kvCacheUsage: Measured,
  /** Generated tokens per second. */
  tokensPerS: Measured,
  ttftP50Ms: Measured,
  ttftP95Ms: Measured,
});
export type DeploymentMetrics = z.infer<typeof DeploymentMetrics>;

export const DeploymentView = z.object({
  /** `${app}/${name}`. */
  key: z.string(),
  app: z.string(),
  name: z.string(),
  status: DeploymentStatus,
  statusTrigger: DeploymentStatusTrigger,
  message: z.string(),
  /** Ray's target_num_replicas (moves with autoscaling). */
  desired: z.number(),
  running: z.number(),
  starting: z.number(),
  pending: z.number(),
  stopping: z.number(),
  /** Ray's reason replicas are pending, when it says. */
  pendingReason: z.string().nullable(),
  autoscaling: AutoscalingView.nullable(),
  /** Resources one replica asks for ({"CPU": 1, "GPU": 1}). */
  replicaResources: z.record(z.string(), z.number()),
  metrics: DeploymentMetrics,
});
export type DeploymentView = z.infer<typeof DeploymentView>;

// ---------------------------------------------------------------- alerts, events, cost

export const ALERT_KINDS = [
  'replica-unhealthy',
  'deployment-below-target',
  'queue-growing-gpus-idle',
  'gpu-lost',
  'gpu-hot',
  'gpu-xid',
  'node-stale',
] as const;
export const AlertKind = z.enum(ALERT_KINDS);
export type AlertKind = z.infer<typeof AlertKind>;

export const Severity = z.enum(['info', 'warning', 'critical']);
export type Severity = z.infer<typeof Severity>;

export const Alert = z.object({
  /** `${kind}:${subject}`: stable while the condition holds. */
  key: z.string(),
  kind: AlertKind,
  severity: Severity,
  /** What it is about: a replica / deployment / GPU / node key. */
  subject: z.string(),
  message: z.string(),
  /** Unix ms since the condition holds. */
  since: z.number(),
});
export type Alert = z.infer<typeof Alert>;

export const MONITOR_EVENT_KINDS = [
  'replica-started',
  'replica-died',
  'replica-restarted',
  'replica-state',
  'deployment-status',
  'autoscaler',
  'node-lost',
  'node-back',
  'gpu-lost',
  'gpu-back',
  'gpu-xid',
  'scale',
] as const;
export const MonitorEventKind = z.enum(MONITOR_EVENT_KINDS);
export type MonitorEventKind = z.infer<typeof MonitorEventKind>;

export const MonitorEvent = z.object({
  /** Increasing per cluster. */
  seq: z.number(),
  /** Unix ms. */
  at: z.number(),
  kind: MonitorEventKind,
  severity: Severity,
  /** A replica / deployment / GPU / node key. */
  subject: z.string(),
  message: z.string(),
});
export type MonitorEvent = z.infer<typeof MonitorEvent>;

/** Prices the user entered, USD per hour. A node's own price wins over its GPUs' model price. */
export const MonitorPrices = z.object({
  perNodeHour: z.record(z.string(), z.number()),
  perGpuModelHour: z.record(z.string(), z.number()),
});
export type MonitorPrices = z.infer<typeof MonitorPrices>;

export const CostView = z.object({
  prices: MonitorPrices,
  /** The cluster's $/h over the nodes with a price; null when no node has one. */
  perHour: Num,
  /** $ per 1M requests at the measured request rate; null without a rate or a price. */
  perMillionRequests: Num,
  /** The request rate it is computed from (all deployments' ingress). */
  rps: Num,
  perNode: z.array(
    z.object({
      nodeId: z.string(),
      perHour: Num,
      source: z.enum(['node', 'gpu-model']).nullable(),
    }),
  ),
  /** Node ids with no price (node or GPU model). */
  unpriced: z.array(z.string()),
});
export type CostView = z.infer<typeof CostView>;

// ---------------------------------------------------------------- snapshot, deltas

/** What feeds the monitor and whether it delivers. */
export const CollectorStatus = z.object({
  /** `${kind}:${nodeId ?? 'cluster'}`. */
  key: z.string(),
  kind: z.enum(['gpu', 'gpu-apps', 'gpu-xid', 'serve', 'metrics']),
  nodeId: z.string().nullable(),
  state: z.enum(['starting', 'running', 'error', 'stopped']),
  message: z.string().nullable(),
});
export type CollectorStatus = z.infer<typeof CollectorStatus>;

export const MonitorSnapshot = z.object({
  clusterId: z.string(),
  takenAt: z.number(),
  /** The sampling period (ms): values older than ~3 periods are stale. */
  periodMs: z.number(),
  nodes: z.array(MonitorNode),
  gpus: z.array(GpuSample),
  applications: z.array(ApplicationView),
  deployments: z.array(DeploymentView),
  replicas: z.array(ReplicaView),
  alerts: z.array(Alert),
  /** The latest events, oldest first (at most 200). */
  events: z.array(MonitorEvent),
  cost: CostView,
  collectors: z.array(CollectorStatus),
});
export type MonitorSnapshot = z.infer<typeof MonitorSnapshot>;

/** A series' points: [Unix ms, value] in time order. */
export const SeriesPoints = z.array(z.tuple([z.number(), z.number()]));
/** Series key -> points appended since the last push (or since `sinceMs` for monitor.series). */
export const SeriesDelta = z.record(z.string(), SeriesPoints);
export type SeriesDelta = z.infer<typeof SeriesDelta>;

/**
 * The GPUs read since the last push, one column per value (row i: GPU `keys[i]`, its `at` and
 * values; null is "no value"). The points of the GPU series (`seriesKey.gpu`) as columns: a
 * record of 16,384 keys a second cost a page more to parse than the whole GPUs it replaced.
 */
export const GpuValues = z.object({
  keys: z.array(z.string()),
  at: z.array(z.number().nullable()),
  util: z.array(Num),
  memUsed: z.array(Num),
  temp: z.array(Num),
  power: z.array(Num),
});
export type GpuValues = z.infer<typeof GpuValues>;

export const MonitorDelta = z.object({
  clusterId: z.string(),
  at: z.number(),
  /** Series points appended since the last push; the GPU series' are in `gpuValues`. */
  series: SeriesDelta,
  /**
   * The GPUs' new readings (absent: none). A client sets each GPU's values and `at` from its row,
   * then merges the upserts.
   */
  gpuValues: GpuValues.optional(),
  /**
   * Views that changed since the last push, by key (replace the item with that key). A GPU whose
   * values or `at` alone changed is not here but in `gpuValues`.
   */
  upserts: z.object({
    nodes: z.array(MonitorNode),
    gpus: z.array(GpuSample),
    applications: z.array(ApplicationView),
    deployments: z.array(DeploymentView),
    replicas: z.array(ReplicaView),
    collectors: z.array(CollectorStatus),
  }),
  /** Keys of views that went away. */
  removed: z.object({
    nodes: z.array(z.string()),
    gpus: z.array(z.string()),
    applications: z.array(z.string()),
    deployments: z.array(z.string()),
    replicas: z.array(z.string()),
    collectors: z.array(z.string()),
  }),
  /** The whole cost view when it changed. */
  cost: CostView.nullable(),
});
export type MonitorDelta = z.infer<typeof MonitorDelta>;

// ---------------------------------------------------------------- scaling

/** A scaling change: a fixed replica count, or the autoscaling bounds (and target ongoing requests). */
export const ScaleChange = z.union([
  z.object({ replicas: z.number().int().min(0).max(1000) }).strict(),
  z
    .object({
      min: z.number().int().min(0).max(1000),
      max: z.number().int().min(1).max(1000),
      target: z.number().positive().max(100_000).optional(),
    })
    .strict()
    .refine((c) => c.min <= c.max, { error: 'min must be at most max', path: ['min'] }),
]);
export type ScaleChange = z.infer<typeof ScaleChange>;

/** Where one new replica would land (or why it would stay pending). */
export const FitPlacement = z.object({
  /** 1-based among the replicas the change adds. */
  replica: z.number(),
  /** Raydeck's node id; null when it stays pending. */
  nodeId: z.string().nullable(),
  nodeIp: z.string().nullable(),
  /** GPUs it takes on that node (fractional GPUs allowed). */
  gpus: z.number(),
  pending: z.boolean(),
  /** Why it stays pending (e.g. "needs 1 GPU; the most free on a node is 0"). */
  reason: z.string().nullable(),
});
export type FitPlacement = z.infer<typeof FitPlacement>;

export const FitNode = z.object({
  nodeId: z.string().nullable(),
  nodeIp: z.string().nullable(),
  gpuTotal: z.number(),
  gpuFree: z.number(),
  cpuTotal: z.number(),
  cpuFree: z.number(),
});
export type FitNode = z.infer<typeof FitNode>;

export const FitPreview = z.object({
  /** Replicas now (Ray's target) and after the change (for autoscaling: the replicas that must exist, max(min, current) clamped to max). */
  currentReplicas: z.number(),
  nextReplicas: z.number(),
  /** Resources one replica asks for. */
  perReplica: z.record(z.string(), z.number()),
  placements: z.array(FitPlacement),
  /** Free resources per node before the change, as the fit used them. */
  nodes: z.array(FitNode),
  /** For autoscaling: how many of `max` would fit at all. */
  maxThatFit: z.number().nullable(),
});
export type FitPreview = z.infer<typeof FitPreview>;
