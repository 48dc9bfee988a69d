/**
 * GPU -> replica -> queue, as rows: per node, per GPU, the Serve replicas running on it (from
 * the replica's GPU ids, matched by the core from nvidia-smi's compute apps and Ray's actor
 * pids — the actor itself or a process under it such as vLLM's EngineCore —, or a process on
 * the GPU naming the replica) with their deployment's queue length and latency beside them.
 * Replicas on a node but on no known GPU get rows of their own: those Ray gave GPUs (their
 * deployment asks for them) but with no process on a GPU yet, and CPU replicas; replicas not
 * placed anywhere (pending, with Ray's reason) are listed apart.
 */
import type {
  DeploymentView,
  GpuProcess,
  GpuSample,
  MonitorNode,
  MonitorSnapshot,
  ReplicaView,
} from '../../../shared';

/** One collator for every sort (localeCompare with options builds one per call: slow for 512 nodes). */
const NAME_ORDER = new Intl.Collator(undefined, { numeric: true });

export interface ReplicaOnGpu {
  replica: ReplicaView;
  deployment: DeploymentView | null;
  /** GPUs Ray gives each replica of its deployment (its GPU resource); 0 for CPU replicas. */
  gpusFromRay: number;
  /** Its processes on this row's GPU (the actor, or processes under it); [] off a GPU. */
  processes: GpuProcess[];
}

export interface GpuRow {
  node: MonitorNode;
  /** null: the node's replicas that run on no known GPU. */
  gpu: GpuSample | null;
  /**
   * For a row without a GPU: 'assigned' — Ray gave these replicas GPUs but no process of theirs
   * is on a GPU yet (nvidia-smi lists none); 'cpu' — they asked Ray for no GPU. null on GPU rows.
   */
  noGpu: 'assigned' | 'cpu' | null;
  replicas: ReplicaOnGpu[];
}

export interface GpuReplicaTable {
  rows: GpuRow[];
  /** Replicas Ray has not placed on a node (pending), with their deployment (for its reason). */
  unplaced: ReplicaOnGpu[];
}

/** GPUs one replica of the deployment asks Ray for (fractional GPUs count). */
const gpusOf = (d: DeploymentView | null) => d?.replicaResources.GPU ?? 0;

export function gpuReplicaTable(s: MonitorSnapshot): GpuReplicaTable {
  const deps = new Map(s.deployments.map((d) => [d.key, d]));
  const gpuByKey = new Map(s.gpus.map((g) => [g.key, g]));
  const on = (r: ReplicaView, gpu: GpuSample | null): ReplicaOnGpu => {
    const deployment = deps.get(`${r.app}/${r.deployment}`) ?? null;
    return {
      replica: r,
      deployment,
      gpusFromRay: r.gpusFromRay ?? gpusOf(deployment),
      processes: gpu?.processes.filter((p) => p.replicaId === r.replicaId) ?? [],
    };
  };
  const byReplicaId = new Map(s.replicas.map((r) => [r.replicaId, r]));
  const onGpu = new Map<string, ReplicaOnGpu[]>();
  const placed = new Set<string>();
  const add = (gpuKey: string, r: ReplicaView) => {
    const list = onGpu.get(gpuKey) ?? [];
    if (list.some((x) => x.replica.key === r.key)) return;
    list.push(on(r, gpuByKey.get(gpuKey) ?? null));
    onGpu.set(gpuKey, list);
    placed.add(r.key);
  };
  for (const r of s.replicas) for (const g of r.gpuIds) add(g, r);
  for (const g of s.gpus)
    for (const p of g.processes) {
      const r = p.replicaId ? byReplicaId.get(p.replicaId) : undefined;
      if (r) add(g.key, r);
    }
  const gpusByNode = new Map<string, GpuSample[]>();
  for (const g of s.gpus) gpusByNode.set(g.nodeId, [...(gpusByNode.get(g.nodeId) ?? []), g]);
  const rows: GpuRow[] = [];
  const nodes = [...s.nodes].sort(
    (a, b) =>
      (a.role === 'head' ? 0 : 1) - (b.role === 'head' ? 0 : 1) ||
      NAME_ORDER.compare(a.name, b.name),
  );
  for (const node of nodes) {
    for (const gpu of (gpusByNode.get(node.nodeId) ?? []).sort((a, b) => a.index - b.index))
      rows.push({ node, gpu, noGpu: null, replicas: onGpu.get(gpu.key) ?? [] });
    const elsewhere = s.replicas
      .filter((r) => r.nodeId === node.nodeId && !placed.has(r.key))
      .map((r) => on(r, null));
    const assigned = elsewhere.filter((r) => r.gpusFromRay > 0);
    const cpu = elsewhere.filter((r) => r.gpusFromRay <= 0);
    if (assigned.length) rows.push({ node, gpu: null, noGpu: 'assigned', replicas: assigned });
    if (cpu.length) rows.push({ node, gpu: null, noGpu: 'cpu', replicas: cpu });
  }
  const known = new Set(s.nodes.map((n) => n.nodeId));
  const unplaced = s.replicas
    .filter((r) => !placed.has(r.key) && (r.nodeId === null || !known.has(r.nodeId)))
    .map((r) => on(r, null));
  return { rows, unplaced };
}

/** Rows shown at once; a fleet's 4,096 GPUs as table rows would cost a second per update. */
export const MAX_GPU_ROWS = 400;

/**
 * The rows to show: those whose node name contains `nodeFilter` (any case), idle GPUs only
 * when `showIdle` (lost, hot and Xid-flagged GPUs always), at most MAX_GPU_ROWS; `total` is how many matched before the cap.
 */
export function visibleGpuRows(
  rows: readonly GpuRow[],
  nodeFilter: string,
  showIdle: boolean,
): { rows: GpuRow[]; total: number } {
  const f = nodeFilter.trim().toLowerCase();
  const matched = rows.filter(
    (r) =>
      (showIdle || r.replicas.length > 0 || r.gpu?.lost || r.gpu?.hot || r.gpu?.xid != null) &&
      (!f || r.node.name.toLowerCase().includes(f)),
  );
  return { rows: matched.slice(0, MAX_GPU_ROWS), total: matched.length };
}
