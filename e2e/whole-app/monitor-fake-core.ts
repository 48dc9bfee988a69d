/**
 * A stand-in core for the Monitor page's whole-app tests (the page's test kit): the monitor's
 * collectors need SSH nodes, GPUs and Ray, so this RaydeckClient answers just what the page
 * calls (clusters.list, monitor.*, serve.scalePreview / serve.scale, operations.get / cancel), records
 * every call, and lets a test push monitor.delta / monitor.event / monitor.alerts and
 * operation.progress as the real core would. Answers are copied, as a transport would.
 */
import {
  RaydeckError,
  type Cluster,
  type EventName,
  type EventPayload,
  type MethodInput,
  type MethodName,
  type MethodOutput,
  type MonitorSnapshot,
  type Operation,
  type RaydeckClient,
} from '../../shared';
import {
  deployment,
  gpu,
  measured,
  metrics,
  node,
  replica,
  snapshot,
} from '../../renderer/features/monitor/monitor-fixtures';

export const CLUSTER: Cluster = {
  id: 'c1',
  name: 'lab',
  createdAt: '2026-12-06T05:00:00.000Z',
  nodeCount: 2,
};

/** Two GPU nodes: n1 (head) with GPU 0 running the LLM replica and GPU 1 unsupported, n2 with a lost and a hot GPU. */
export function labSnapshot(): MonitorSnapshot {
  return snapshot({
    clusterId: CLUSTER.id,
    nodes: [
      node('n1', { name: 'gpu-head', role: 'head', gpuCount: 2 }),
      node('n2', { name: 'gpu-worker', gpuCount: 2 }),
    ],
    gpus: [
      gpu('n1', 0, {
        utilizationPct: 87,
        processes: [{ pid: 4242, usedMemoryMiB: 20000, replicaId: 'r-llm-1' }],
      }),
      gpu('n1', 1, { utilizationPct: null, temperatureC: null, powerW: null }),
      gpu('n2', 0, { lost: true }),
      gpu('n2', 1, { hot: true, temperatureC: 94, utilizationPct: 12 }),
    ],
    applications: [{ key: 'llm', name: 'llm', status: 'RUNNING', message: '' }],
    deployments: [
      deployment('llm', 'LLMServer', {
        metrics: metrics({
          queueLength: 3,
          ongoingRequests: 5,
          rps: 2.5,
          latencyP50Ms: 120,
          latencyP95Ms: 480,
          latencyP99Ms: 900,
          kvCacheUsage: 0.42,
          tokensPerS: 35,
        }),
      }),
    ],
    replicas: [
      replica('llm', 'LLMServer', 'r-llm-1', {
        nodeId: 'n1',
        pid: 4242,
        gpuIds: ['n1/0'],
        ongoing: measured(5),
      }),
    ],
  });
}

type Handler<M extends MethodName> = (
  input: MethodInput<M>,
) => MethodOutput<M> | Promise<MethodOutput<M>>;
type Handlers = { [M in MethodName]?: Handler<M> };

export const EMPTY_DIFF = { applications: [], deletes: [], ignoredTopLevel: [], changed: false };

export class FakeMonitorCore {
  clusters: Cluster[] = [CLUSTER];
  snapshot: MonitorSnapshot = labSnapshot();
  /** While set, monitor.subscribe refuses with this message (the head does not answer). */
  subscribeError: string | null = null;
  operations = new Map<string, Operation>();
  readonly calls: { method: MethodName; input: unknown }[] = [];
  private readonly listeners = new Map<string, Set<(payload: unknown) => void>>();

  readonly handlers: Handlers = {
    'clusters.list': () => this.clusters,
    'monitor.subscribe': () => {
      if (this.subscribeError)
        throw new RaydeckError({ code: 'conflict', message: this.subscribeError });
      return this.snapshot;
    },
    'monitor.unsubscribe': () => ({ stopped: true }),
    'monitor.series': () => ({ at: Date.now(), series: {} }),
    'monitor.setPrices': ({ perNodeHour = {}, perGpuModelHour = {} }) => {
      const merge = (old: Record<string, number>, ch: Record<string, number | null>) => {
        const out = { ...old };
        for (const [k, v] of Object.entries(ch))
          if (v === null) delete out[k];
          else out[k] = v;
        return out;
      };
      const prices = {
        perNodeHour: merge(this.snapshot.cost.prices.perNodeHour, perNodeHour),
        perGpuModelHour: merge(this.snapshot.cost.prices.perGpuModelHour, perGpuModelHour),
      };
      this.snapshot = { ...this.snapshot, cost: { ...this.snapshot.cost, prices } };
      return prices;
    },
    'operations.get': ({ id }) => {
      const op = this.operations.get(id);
      if (!op) throw new RaydeckError({ code: 'not_found', message: `No operation ${id}.` });
      return op;
    },
    'operations.cancel': ({ id }) => {
      const op = this.operations.get(id);
      if (!op) throw new RaydeckError({ code: 'not_found', message: `No operation ${id}.` });
      return op;
    },
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
}
