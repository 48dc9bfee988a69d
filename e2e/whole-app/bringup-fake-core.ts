/**
 * A stand-in core for the Bring-up page's whole-app tests: a real bring-up needs SSH nodes, so
 * this RaydeckClient answers just the calls the page makes (clusters, nodes, bringup.*,
 * cluster.*), records every call, and lets a test push `bringup.changed`, `bringup.log` and
 * `operation.progress` events as the real core would. Answers are copied, as a transport would.
 * A start with `nodeIds` plans like the core's partial bring-up: the head only verifies.
 */
import { stepLogBytes } from '../../core/bringup/run-store';
import {
  RAY_VERSION,
  RaydeckError,
  type BringUpRun,
  type BringUpStep,
  type Cluster,
  type ClusterNode,
  type ClusterStatus,
  type EventName,
  type EventPayload,
  type MethodInput,
  type MethodName,
  type MethodOutput,
  type NodePlan,
  type RaydeckClient,
  type StepKind,
} from '../../shared';

export const T0 = '2025-01-01T00:00:00.000Z';
export const CLUSTER: Cluster = { id: 'c1', name: 'lab', createdAt: T0, nodeCount: 3 };

function node(id: string, name: string, role: ClusterNode['role'], host: string): ClusterNode {
  return {
    id,
    clusterId: CLUSTER.id,
    name,
    host,
    port: 22,
    user: 'root',
    auth: { kind: 'agent' },
    jumpNodeId: null,
    role,
    hasSecret: false,
    vouchedFingerprints: [],
    createdAt: T0,
  };
}

export const HEAD = node('n1', 'gpu1', 'head', '198.51.100.11');
export const WORKER = node('n2', 'gpu2', 'worker', '198.51.100.12');
export const BASTION = node('n0', 'bastion', 'jump', '198.51.100.2');
/** Workers for day-2 tests: in the inventory, not (yet) live in Ray. */
export const SPARE = node('n3', 'gpu3', 'worker', '198.51.100.13');
export const SPARE2 = node('n4', 'gpu4', 'worker', '198.51.100.14');

const TITLES: Record<StepKind, string> = {
  preflight: 'Preflight checks',
  install: `Install Ray ${RAY_VERSION}`,
  'start-head': 'Start Ray head',
  join: 'Join the head',
  verify: 'Verify every node and GPU registered',
};

export function step(kind: StepKind, patch: Partial<BringUpStep> = {}): BringUpStep {
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
    ...patch,
  };
}

type StepPatches = Partial<Record<StepKind, Partial<BringUpStep>>>;

/** A run over gpu1 (head) and gpu2 (worker); the worker comes first, as a core could send it. */
export function makeRun(
  patch: Partial<BringUpRun> = {},
  head: StepPatches = {},
  worker: StepPatches = {},
): BringUpRun {
  const plan = (n: ClusterNode, kinds: StepKind[], patches: StepPatches): NodePlan => ({
    nodeId: n.id,
    nodeName: n.name,
    role: n.role === 'head' ? 'head' : 'worker',
    host: n.host,
    steps: kinds.map((k) => step(k, patches[k])),
    numGpus: null,
    vllmBuild: null,
  });
  return {
    id: 'run-1',
    clusterId: CLUSTER.id,
    options: { source: { kind: 'pypi' }, withVllm: true },
    rayVersion: RAY_VERSION,
    state: 'planned',
    startedAt: null,
    endedAt: null,
    verified: null,
    nodes: [
      plan(WORKER, ['preflight', 'install', 'join'], worker),
      plan(HEAD, ['preflight', 'install', 'start-head', 'verify'], head),
    ],
    ...patch,
  };
}

/** A finished bring-up that installed Ray on both nodes (so the cluster panel offers Start and Stop). */
export function installedRun(patch: Partial<BringUpRun> = {}): BringUpRun {
  const done = { state: 'done' as const, progress: 1 };
  return makeRun(
    {
      id: 'run-installed',
      state: 'succeeded',
      startedAt: T0,
      endedAt: T0,
      verified: { nodes: 2, gpus: 3, rayVersion: RAY_VERSION },
      ...patch,
    },
    { preflight: done, install: done, 'start-head': done, verify: done },
    { preflight: done, install: done, join: done },
  );
}

export const RUNNING_STATUS: ClusterStatus = {
  clusterId: CLUSTER.id,
  state: 'running',
  downNodes: [],
  detail: 'The dashboard answers through the tunnel.',
  dashboardReachable: true,
  rayVersion: RAY_VERSION,
  nodes: [
    {
      nodeId: HEAD.id,
      name: 'gpu1',
      ip: HEAD.host,
      rayNodeId: 'r1',
      alive: true,
      isHead: true,
      gpus: 2,
      cpus: 8,
    },
    {
      nodeId: WORKER.id,
      name: 'gpu2',
      ip: WORKER.host,
      rayNodeId: 'r2',
      alive: true,
      isHead: false,
      gpus: 1,
      cpus: 8,
    },
  ],
  aliveNodes: 2,
  gpus: 3,
};

type Handler<M extends MethodName> = (
  input: MethodInput<M>,
) => MethodOutput<M> | Promise<MethodOutput<M>>;
type Handlers = { [M in MethodName]?: Handler<M> };

export class FakeBringupCore {
  clusters: Cluster[] = [CLUSTER];
  nodes: ClusterNode[] = [WORKER, HEAD, BASTION];
  runs: BringUpRun[] = [];
  logs = new Map<string, string[]>();
  status: ClusterStatus = RUNNING_STATUS;
  readonly calls: { method: MethodName; input: unknown }[] = [];
  private readonly listeners = new Map<string, Set<(payload: unknown) => void>>();
  private nextId = 1;

  /** Per-method overrides of the default answers below. */
  readonly handlers: Handlers = {
    'clusters.list': () => this.clusters,
    'nodes.list': ({ clusterId }) =>
      this.nodes
        .filter((n) => n.clusterId === clusterId)
        .map((n) => ({ ...n, connection: { state: 'idle' as const } })),
    'bringup.list': ({ clusterId }) => this.runs.filter((r) => r.clusterId === clusterId),
    'bringup.plan': ({ clusterId, options }) =>
      makeRun({
        id: `plan-${this.nextId++}`,
        clusterId,
        options: { source: { kind: 'pypi' }, withVllm: true, ...options },
      }),
    'bringup.start': ({ clusterId, options }) =>
      this.addRun({
        ...makeRun({
          id: `run-${this.nextId++}`,
          clusterId,
          state: 'running',
          startedAt: new Date().toISOString(),
          options: { source: { kind: 'pypi' }, withVllm: true, ...options },
        }),
        ...(options?.nodeIds ? { nodes: this.partialPlan(options.nodeIds) } : {}),
      }),
    'bringup.retry': ({ runId }) => ({ ...this.run(runId), state: 'running' }),
    'bringup.cancel': ({ runId }) => ({ ...this.run(runId), state: 'cancelled' }),
    'bringup.logs': ({ runId, nodeId, step: kind }) => {
      const lines = this.logs.get(logKey(runId, nodeId, kind)) ?? [];
      return { lines, end: stepLogBytes(lines) };
    },
    'cluster.status': () => this.status,
    'cluster.dashboard': ({ clusterId }) => ({
      url: `http://127.0.0.1:41234/?raydeck-key=key-of-${clusterId}`,
    }),
    'cluster.stop': () => ({ operationId: 'op-stop' }),
    'cluster.down': () => ({ operationId: 'op-down' }),
    'cluster.removeWorker': ({ nodeId }) => {
      const n = this.nodes.find((x) => x.id === nodeId);
      if (!n) throw new RaydeckError({ code: 'not_found', message: `No node ${nodeId}.` });
      if (n.role === 'head')
        throw new RaydeckError({
          code: 'conflict',
          message: `${n.name} is the head: tear the cluster down instead, or make another node the head first.`,
        });
      return { operationId: `op-remove-${n.name}` };
    },
    'cluster.start': ({ clusterId }) =>
      this.addRun(
        makeRun({
          id: `run-${this.nextId++}`,
          clusterId,
          state: 'running',
          startedAt: new Date().toISOString(),
        }),
      ),
  };

  callsOf<M extends MethodName>(method: M): MethodInput<M>[] {
    return this.calls.filter((c) => c.method === method).map((c) => c.input as MethodInput<M>);
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const listener of this.listeners.get(event) ?? []) listener(structuredClone(payload));
  }

  client(): RaydeckClient {
    return {
      call: (async (method: MethodName, input: unknown) => {
        this.calls.push({ method, input: structuredClone(input) });
        await Promise.resolve();
        const handler = this.handlers[method] as ((input: unknown) => unknown) | undefined;
        if (!handler)
          throw new RaydeckError({
            code: 'unknown_method',
            message: `The fake core does not answer ${method}.`,
          });
        return structuredClone(await handler(input));
      }) as RaydeckClient['call'],
      subscribe: ((event: string, listener: (payload: unknown) => void) => {
        const set = this.listeners.get(event) ?? new Set();
        set.add(listener);
        this.listeners.set(event, set);
        return () => set.delete(listener);
      }) as RaydeckClient['subscribe'],
      onStatus: (listener) => {
        listener('open');
        return () => {};
      },
      close: () => {},
    };
  }

  private addRun(run: BringUpRun): BringUpRun {
    this.runs = [run, ...this.runs];
    return run;
  }

  /** The core's plan for `nodeIds`: the chosen workers set up and join, the head only verifies. */
  private partialPlan(nodeIds: string[]): NodePlan[] {
    const plan = (n: ClusterNode, kinds: StepKind[]): NodePlan => ({
      nodeId: n.id,
      nodeName: n.name,
      role: n.role === 'head' ? 'head' : 'worker',
      host: n.host,
      steps: kinds.map((k) => step(k)),
      numGpus: null,
      vllmBuild: null,
    });
    const chosen = this.nodes.filter((n) => nodeIds.includes(n.id));
    const head = this.nodes.find((n) => n.role === 'head')!;
    return [
      plan(head, ['verify']),
      ...chosen.map((n) => plan(n, ['preflight', 'install', 'join'])),
    ];
  }

  private run(runId: string): BringUpRun {
    const run = this.runs.find((r) => r.id === runId);
    if (!run) throw new RaydeckError({ code: 'not_found', message: `No run ${runId}.` });
    return run;
  }
}

export const logKey = (runId: string, nodeId: string, kind: StepKind) =>
  `${runId}/${nodeId}/${kind}`;
