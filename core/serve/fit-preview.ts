/**
 * The fit preview of a scaling change: given the cluster's nodes (Ray's GPU / CPU totals per
 * node) and the replicas already placed (every deployment's replicas with their node and
 * per-replica resources), which of the new replicas would land on which node and which would
 * stay pending, and why. Free = total − what placed replicas ask for (Ray's logical resources,
 * as its scheduler counts them; work outside Serve that holds resources is not seen). New
 * replicas spread: each goes to the node with the most free GPUs (then CPUs) that fits it.
 */
import type { FitNode, FitPlacement, FitPreview } from '../../shared/domain/monitor';

export interface FitClusterNode {
  nodeId: string | null;
  rayNodeId: string | null;
  nodeIp: string | null;
  gpuTotal: number;
  cpuTotal: number;
  alive: boolean;
}

export interface PlacedReplica {
  rayNodeId: string | null;
  nodeIp: string | null;
  resources: Record<string, number>;
}

export interface FitInput {
  nodes: FitClusterNode[];
  placed: PlacedReplica[];
  perReplica: Record<string, number>;
  currentReplicas: number;
  nextReplicas: number;
  /** For an autoscaling change: the max replicas (to say how many of them fit). */
  maxReplicas?: number | null;
}

const EPS = 1e-9;
const fmt = (n: number) => String(Math.round(n * 100) / 100);

export function fitPreview(input: FitInput): FitPreview {
  const gpu = input.perReplica.GPU ?? 0;
  const cpu = input.perReplica.CPU ?? 0;
  const nodes: (FitNode & { key: string })[] = input.nodes
    .filter((n) => n.alive)
    .map((n) => {
      const on = input.placed.filter(
        (r) =>
          (r.rayNodeId !== null && r.rayNodeId === n.rayNodeId) ||
          (r.nodeIp !== null && r.nodeIp === n.nodeIp),
      );
      const usedGpu = on.reduce((a, r) => a + (r.resources.GPU ?? 0), 0);
      const usedCpu = on.reduce((a, r) => a + (r.resources.CPU ?? 0), 0);
      return {
        key: n.rayNodeId ?? n.nodeIp ?? n.nodeId ?? '?',
        nodeId: n.nodeId,
        nodeIp: n.nodeIp,
        gpuTotal: n.gpuTotal,
        gpuFree: Math.max(0, n.gpuTotal - usedGpu),
        cpuTotal: n.cpuTotal,
        cpuFree: Math.max(0, n.cpuTotal - usedCpu),
      };
    });
  const free = nodes.map((n) => ({ ...n }));
  const place = (): (typeof free)[number] | null => {
    const fits = free.filter((n) => n.gpuFree + EPS >= gpu && n.cpuFree + EPS >= cpu);
    fits.sort((a, b) => b.gpuFree - a.gpuFree || b.cpuFree - a.cpuFree);
    return fits[0] ?? null;
  };
  const why = (): string => {
    if (!free.length) return 'no node of the cluster is alive in Ray';
    const best = [...free].sort((a, b) => b.gpuFree - a.gpuFree || b.cpuFree - a.cpuFree)[0]!;
    const need = [gpu ? `${fmt(gpu)} GPU` : null, cpu ? `${fmt(cpu)} CPU` : null]
      .filter(Boolean)
      .join(' + ');
    const most =
      gpu > 0
        ? `the most free on one node is ${fmt(best.gpuFree)} GPU (${best.nodeIp ?? best.key})`
        : `the most free on one node is ${fmt(best.cpuFree)} CPU (${best.nodeIp ?? best.key})`;
    const total = free.reduce((a, n) => a + n.gpuTotal, 0);
    const totalHint =
      gpu > 0 && gpu > Math.max(...free.map((n) => n.gpuTotal))
        ? `; no node has ${fmt(gpu)} GPUs at all (cluster: ${fmt(total)})`
        : '';
    return `needs ${need || 'no resources'}; ${most}${totalHint}`;
  };
  const placements: FitPlacement[] = [];
  const adding = Math.max(0, input.nextReplicas - input.currentReplicas);
  for (let i = 1; i <= adding; i++) {
    const n = place();
    if (n) {
      n.gpuFree -= gpu;
      n.cpuFree -= cpu;
      placements.push({
        replica: i,
        nodeId: n.nodeId,
        nodeIp: n.nodeIp,
        gpus: gpu,
        pending: false,
        reason: null,
      });
    } else
      placements.push({
        replica: i,
        nodeId: null,
        nodeIp: null,
        gpus: gpu,
        pending: true,
        reason: why(),
      });
  }
  let maxThatFit: number | null = null;
  if (input.maxReplicas !== undefined && input.maxReplicas !== null) {
    const sim = nodes.map((n) => ({ ...n }));
    let fit = input.currentReplicas;
    for (; fit < input.maxReplicas; fit++) {
      const n = sim
        .filter((x) => x.gpuFree + EPS >= gpu && x.cpuFree + EPS >= cpu)
        .sort((a, b) => b.gpuFree - a.gpuFree)[0];
      if (!n) break;
      n.gpuFree -= gpu;
      n.cpuFree -= cpu;
    }
    maxThatFit = Math.min(input.maxReplicas, fit);
  }
  return {
    currentReplicas: input.currentReplicas,
    nextReplicas: input.nextReplicas,
    perReplica: input.perReplica,
    placements,
    nodes: nodes.map(({ key: _key, ...n }) => n),
    maxThatFit,
  };
}

/** Warnings a preview gives before an apply. */
export function fitWarnings(p: FitPreview, deployment: string, maxReplicas?: number): string[] {
  const out: string[] = [];
  const pending = p.placements.filter((x) => x.pending);
  if (pending.length)
    out.push(
      `${pending.length} of ${p.placements.length} new replica${p.placements.length > 1 ? 's' : ''} of ${deployment} would stay pending: ${pending[0]!.reason}.`,
    );
  if (p.maxThatFit !== null && maxReplicas !== undefined && p.maxThatFit < maxReplicas)
    out.push(
      `Autoscaling up to ${maxReplicas} replicas of ${deployment}: only ${p.maxThatFit} fit the cluster's free resources now; the rest would stay pending.`,
    );
  return out;
}
