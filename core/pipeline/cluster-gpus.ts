/**
 * The GPUs of a cluster's nodes as the pipeline checks need them (count and memory per node),
 * from the nodes' latest preflight (nvidia-smi's list, core/nodes/preflight-service.ts): the same
 * facts bring-up gives Ray as --num-gpus. Null when no node has been checked yet.
 */
import type { ClusterNodeGpus } from '../../shared';
import type { NodeInventory } from '../inventory/node-inventory';
import type { PreflightService } from '../nodes/preflight-service';

export async function clusterGpuNodes(
  deps: { nodes: NodeInventory; preflight: PreflightService },
  clusterId: string,
): Promise<ClusterNodeGpus[] | null> {
  const [nodes, facts] = await Promise.all([
    deps.nodes.list(clusterId),
    deps.preflight.latest(clusterId),
  ]);
  if (facts.length === 0) return null;
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
