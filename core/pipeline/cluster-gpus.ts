/**
 * The GPUs of a cluster's nodes as the pipeline checks need them (count and memory per node),
 * from the nodes' latest preflight (nvidia-smi's list, core/nodes/preflight-service.ts): the same
 * facts bring-up gives Ray as --num-gpus. Without a preflight, the GPU counts the newest
 * bring-up found on each node (its preflight step; memory unknown). Null when neither exists.
 */
import type { BringUpRun, ClusterNodeGpus } from '../../shared';
import type { NodeInventory } from '../inventory/node-inventory';
import type { PreflightService } from '../nodes/preflight-service';

export async function clusterGpuNodes(
  deps: {
    nodes: NodeInventory;
    preflight: PreflightService;
    /** The cluster's bring-up runs, newest first. */
    runs?: (clusterId: string) => Promise<BringUpRun[]>;
  },
  clusterId: string,
): Promise<ClusterNodeGpus[] | null> {
  const [nodes, facts] = await Promise.all([
    deps.nodes.list(clusterId),
    deps.preflight.latest(clusterId),
  ]);
  if (facts.length === 0) return deps.runs ? fromBringUp(await deps.runs(clusterId)) : null;
  const byNode = new Map(facts.map((f) => [f.nodeId, f]));
  return nodes
    .filter((n) => n.role !== 'jump' && byNode.has(n.id))
    .map((n) => {
      const gpus = byNode.get(n.id)!.gpus;
      const memory = gpus.map((g) => g.memoryMiB).filter((m): m is number => m !== null);
      return {
        name: n.name,
        gpus: gpus.length,
        // the smallest card decides what fits on any of them
        gpuMemoryMiB: memory.length === gpus.length && memory.length ? Math.min(...memory) : null,
      };
    });
}

/** Each node's GPU count as the newest bring-up's preflight step found it (null: none known). */
export function fromBringUp(runs: readonly BringUpRun[]): ClusterNodeGpus[] | null {
  for (const run of runs) {
    const known = run.nodes.filter((n) => n.numGpus !== null);
    if (known.length)
      return known.map((n) => ({ name: n.nodeName, gpus: n.numGpus!, gpuMemoryMiB: null }));
  }
  return null;
}
