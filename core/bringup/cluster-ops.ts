/**
 * Day-2 operations on a brought-up cluster, each an Operation with progress and a log: stop Ray
 * (workers first, then the head), tear down (stop, and optionally remove the virtualenv), and
 * remove a worker (drain it so Ray moves its work, stop Ray there, drop it from the inventory).
 * Every node's step is a detached job on the node, like bring-up's.
 */
import { randomUUID } from 'node:crypto';
import { RaydeckError, type ClusterNode } from '../../shared';
import type { NodeInventory } from '../inventory/node-inventory';
import type { NodeAccess } from '../nodes/node-access';
import type { OperationContext, OperationRegistry } from '../operations/operation-registry';
import { runJob, type JobStep } from './remote-job';

export interface ClusterOpsDeps {
  nodes: NodeInventory;
  access: NodeAccess;
  operations: OperationRegistry;
  /** Called after a node left the inventory (drops its connection, forgets its state). */
  onNodeRemoved?: (nodeId: string) => Promise<void>;
}

async function runOnNode(
  deps: ClusterOpsDeps,
  op: OperationContext,
  node: ClusterNode,
  step: JobStep,
  params: Record<string, unknown> = {},
): Promise<void> {
  const conn = await deps.access.lease(node.id);
  try {
    await runJob(
      conn,
      { job: `${step}-${randomUUID().slice(0, 8)}`, step, params },
      { signal: op.signal, onLog: (line) => op.log(`${node.name}: ${line}`, 'stdout') },
    );
  } finally {
    conn.release();
  }
}

/** Runs `step` on the workers in parallel, then on the head; failures are collected, not fatal to the others. */
async function workersThenHead(
  deps: ClusterOpsDeps,
  op: OperationContext,
  clusterId: string,
  steps: JobStep[],
): Promise<void> {
  const all = (await deps.nodes.list(clusterId)).filter((n) => n.role !== 'jump');
  if (all.length === 0)
    throw new RaydeckError({ code: 'conflict', message: 'The cluster has no Ray nodes.' });
  const workers = all.filter((n) => n.role === 'worker');
  const heads = all.filter((n) => n.role === 'head');
  const failures: string[] = [];
  let done = 0;
  const one = async (node: ClusterNode) => {
    try {
      for (const step of steps) await runOnNode(deps, op, node, step);
      op.log(`${node.name}: ${steps.join(' + ')} done`);
    } catch (err) {
      failures.push(`${node.name}: ${err instanceof Error ? err.message : String(err)}`);
      op.log(`${node.name}: failed: ${err instanceof Error ? err.message : String(err)}`, 'stderr');
    }
    done += 1;
    op.progress(done / all.length, `${done} of ${all.length} nodes`);
  };
  await Promise.all(workers.map(one));
  await Promise.all(heads.map(one));
  if (failures.length > 0)
    throw new Error(`${failures.length} of ${all.length} nodes failed — ${failures.join('; ')}`);
}

export function stopCluster(deps: ClusterOpsDeps, clusterId: string): Promise<string> {
  return deps.operations.start(
    'cluster-stop',
    'Stop Ray',
    (op) => workersThenHead(deps, op, clusterId, ['stop']),
    { clusterId },
  );
}

export function tearDownCluster(
  deps: ClusterOpsDeps,
  clusterId: string,
  uninstall: boolean,
): Promise<string> {
  const title = uninstall ? 'Tear down (stop Ray, remove the virtualenv)' : 'Tear down (stop Ray)';
  return deps.operations.start(
    'cluster-down',
    title,
    (op) => workersThenHead(deps, op, clusterId, uninstall ? ['stop', 'uninstall'] : ['stop']),
    { clusterId },
  );
}

export async function removeWorker(
  deps: ClusterOpsDeps,
  nodeId: string,
  graceS = 10,
): Promise<string> {
  const node = await deps.nodes.get(nodeId);
  if (node.role === 'head')
    throw new RaydeckError({
      code: 'conflict',
      message: `${node.name} is the head: tear the cluster down instead, or make another node the head first.`,
    });
  return deps.operations.start(
    'remove-worker',
    `Remove ${node.name}`,
    async (op) => {
      op.progress(0.1, `Draining ${node.name}`);
      await runOnNode(deps, op, node, 'drain', { graceS });
      op.progress(0.9, `Removing ${node.name} from the inventory`);
      await deps.nodes.remove(node.id);
      await deps.onNodeRemoved?.(node.id);
      op.log(`${node.name}: drained, Ray stopped, removed from the inventory`);
    },
    { clusterId: node.clusterId },
  );
}
