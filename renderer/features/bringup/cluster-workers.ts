/**
 * Which of the inventory's workers a running Ray cluster lacks: a worker is in the cluster only
 * when the head's dashboard reports a live Ray node for it. Workers Ray lists as dead, or does
 * not list at all, can be added with a partial bring-up (`BringUpOptions.nodeIds`).
 */
import type { ClusterNode, ClusterStatus } from '../../../shared';

/** A worker Ray does not run, and what Ray says of it (for the words next to its checkbox). */
export interface AddableWorker {
  node: ClusterNode;
  ray: 'dead' | 'absent';
}

export function workersToAdd(
  nodes: readonly ClusterNode[],
  status: ClusterStatus,
): AddableWorker[] {
  const alive = new Set(
    status.nodes.filter((r) => r.alive && r.nodeId !== null).map((r) => r.nodeId),
  );
  const listed = new Set(status.nodes.map((r) => r.nodeId));
  return nodes
    .filter((n) => n.role === 'worker' && !alive.has(n.id))
    .map((node) => ({ node, ray: listed.has(node.id) ? 'dead' : 'absent' }));
}
