/**
 * Builds the bring-up plan a user sees before anything runs: for each Ray node of the cluster
 * (jump hosts excluded) the steps preflight -> install -> start-head (head) or join (workers),
 * and verify on the head once every worker has joined. Refuses a cluster without exactly one head.
 */
import { randomUUID } from 'node:crypto';
import { RAY_VERSION, RaydeckError, type BringUpOptions, type BringUpRun, type BringUpStep, type ClusterNode, type StepKind } from '../../shared';

const TITLES: Record<StepKind, string> = {
  preflight: 'Preflight checks',
  install: `Install Ray ${RAY_VERSION}`,
  'start-head': 'Start Ray head',
  join: 'Join the head',
  verify: 'Verify every node and GPU registered',
};

export function step(kind: StepKind): BringUpStep {
  return { kind, title: TITLES[kind], state: 'pending', progress: null, detail: '', startedAt: null, endedAt: null, error: null, hint: null };
}

export function planBringUp(clusterId: string, nodes: ClusterNode[], options: BringUpOptions): BringUpRun {
  const rayNodes = nodes.filter((n) => n.role !== 'jump');
  const heads = rayNodes.filter((n) => n.role === 'head');
  if (heads.length !== 1) {
    throw new RaydeckError({
      code: 'conflict',
      message: heads.length === 0 ? 'The cluster has no head node: mark one node as the Ray head first.' : 'The cluster has more than one head node.',
    });
  }
  const ordered = [...heads, ...rayNodes.filter((n) => n.role === 'worker')];
  return {
    id: randomUUID(),
    clusterId,
    options,
    rayVersion: RAY_VERSION,
    state: 'planned',
    startedAt: null,
    endedAt: null,
    verified: null,
    nodes: ordered.map((n) => ({
      nodeId: n.id,
      nodeName: n.name,
      role: n.role === 'head' ? 'head' : 'worker',
      steps: n.role === 'head' ? [step('preflight'), step('install'), step('start-head'), step('verify')] : [step('preflight'), step('install'), step('join')],
    })),
  };
}
