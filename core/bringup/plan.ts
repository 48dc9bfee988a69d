/**
 * Builds the bring-up plan a user sees before anything runs: for each Ray node of the cluster
 * (jump hosts excluded) the steps preflight -> install -> start-head (head) or join (workers),
 * and verify on the head once every worker has joined. `options.nodeIds` narrows it to some
 * nodes (a worker added to a running cluster): the head then only verifies. `options.startOnly`
 * (day 2 Start) leaves the install out: Ray starts where it is installed, nowhere else. Refuses a cluster
 * without exactly one head, and node ids (`nodeIds`, `vllmNodeIds`) that are not Ray nodes of the
 * cluster, and an empty choice of vLLM nodes.
 */
import { randomUUID } from 'node:crypto';
import {
  RAY_VERSION,
  RaydeckError,
  type BringUpOptions,
  type BringUpRun,
  type BringUpStep,
  type ClusterNode,
  type NodePlan,
  type StepKind,
} from '../../shared';

const TITLES: Record<StepKind, string> = {
  preflight: 'Preflight checks',
  install: `Install Ray ${RAY_VERSION}`,
  'start-head': 'Start Ray head',
  join: 'Join the head',
  verify: 'Verify every node and GPU registered',
};

export function step(kind: StepKind): BringUpStep {
  return {
    kind,
    title: TITLES[kind],
    state: 'pending',
    progress: null,
    detail: '',
    startedAt: null,
    endedAt: null,
    error: null,
    hint: null,
  };
}

function nodePlan(n: ClusterNode, kinds: StepKind[]): NodePlan {
  return {
    nodeId: n.id,
    nodeName: n.name,
    role: n.role === 'head' ? 'head' : 'worker',
    host: n.host,
    steps: kinds.map(step),
    numGpus: null,
    vllmBuild: null,
  };
}

export function planBringUp(
  clusterId: string,
  nodes: ClusterNode[],
  options: BringUpOptions,
): BringUpRun {
  const rayNodes = nodes.filter((n) => n.role !== 'jump');
  const heads = rayNodes.filter((n) => n.role === 'head');
  if (heads.length !== 1) {
    throw new RaydeckError({
      code: 'conflict',
      message:
        heads.length === 0
          ? 'The cluster has no head node: mark one node as the Ray head first (Nodes page, Edit).'
          : 'The cluster has more than one head node: keep one head, make the others workers.',
    });
  }
  const head = heads[0]!;
  const chosen = options.nodeIds ? new Set(options.nodeIds) : null;
  if (chosen) {
    const unknown = [...chosen].filter((id) => !rayNodes.some((n) => n.id === id));
    if (unknown.length > 0) {
      throw new RaydeckError({
        code: 'validation',
        message: `Not a Ray node of this cluster: ${unknown.join(', ')}.`,
        issues: [{ path: 'options.nodeIds', message: 'must name nodes of this cluster' }],
      });
    }
  }
  if (options.withVllm && options.vllmNodeIds) {
    const strangers = options.vllmNodeIds.filter((id) => !rayNodes.some((n) => n.id === id));
    const problem =
      options.vllmNodeIds.length === 0
        ? 'choose at least one node for vLLM, or turn “Install vLLM” off'
        : strangers.length > 0
          ? `not a Ray node of this cluster: ${strangers.join(', ')}`
          : null;
    if (problem) {
      throw new RaydeckError({
        code: 'validation',
        message: `vLLM nodes: ${problem}.`,
        issues: [{ path: 'options.vllmNodeIds', message: problem }],
      });
    }
  }
  const workers = rayNodes.filter((n) => n.role === 'worker' && (!chosen || chosen.has(n.id)));
  const install: StepKind[] = options.startOnly ? [] : ['install'];
  const headSteps: StepKind[] =
    !chosen || chosen.has(head.id) ? ['preflight', ...install, 'start-head', 'verify'] : ['verify'];
  return {
    id: randomUUID(),
    clusterId,
    options,
    rayVersion: RAY_VERSION,
    state: 'planned',
    startedAt: null,
    endedAt: null,
    verified: null,
    nodes: [
      nodePlan(head, headSteps),
      ...workers.map((w) => nodePlan(w, ['preflight', ...install, 'join'])),
    ],
  };
}
