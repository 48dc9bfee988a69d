/**
 * One subscribed cluster's live monitor: starts its collectors (per node: the GPU stream, the
 * compute-apps stream, the kernel log's Xid lines, the metrics page; per cluster: Serve's
 * status), folds what they deliver
 * into the series store and the views, and once per period derives deployments / replicas /
 * GPUs / nodes, alerts, timeline events and cost, and pushes `monitor.delta` (series appended
 * since the last push + the views that changed), `monitor.event` and `monitor.alerts`. A metrics
 * page that changed refreshes the views at once while ticks are cheap (tick-pacer.ts).
 */
import type {
  ApplicationView,
  CollectorStatus,
  DeploymentView,
  GpuSample,
  Measured,
  MonitorDelta,
  MonitorNode,
  MonitorPrices,
  MonitorSnapshot,
  ReplicaView,
} from '../../shared/domain/monitor';
import { DEPLOYMENT_SERIES, GPU_SERIES, seriesKey, viewKey } from '../../shared/domain/monitor';
import type { ClusterNode } from '../../shared/domain/node';
import { RAY_METRICS_REPORT_MS } from '../../shared/domain/bringup';
import type { ServeInstance } from '../../shared/serve/status';
import type { RayNodeRecord } from '../ray/dashboard-client';
import { AlertRules } from './alert-rules';
import type { Collector, CollectorFactory } from './collector';
import { computeCost } from './cost';
import { NodeGpus } from './gpu-state';
import { AppBlocks, GpuBlocks } from './nvidia-smi';
import { PromTextParser } from './prometheus-text';
import { SERVE_METRIC_PREFIXES, ServeMetrics, type DeploymentValues } from './serve-metrics';
import { SeriesStore } from './series-store';
import { Timeline } from './timeline';
import { ViewDeltas } from './view-deltas';
import { ReplicaPlacement } from './replica-placement';
import { NodeXidFeed } from './xid-feed';
import { TickPacer } from './tick-pacer';

export interface ClusterMonitorOptions {
  periodMs: number;
  /** How often each node reads its metrics page (default: periodMs). */
  metricsPeriodMs?: number;
  appsPeriodMs: number;
  hotC: number;
  emitDelta: (d: MonitorDelta) => void;
  emitEvents: (events: MonitorSnapshot['events']) => void;
  emitAlerts: (alerts: MonitorSnapshot['alerts']) => void;
  now?: () => number;
  /** Tick on a timer every period (default); false: the caller calls tick() (the fleet bench). */
  autoTick?: boolean;
}

interface NodeFeed {
  gpus: NodeGpus;
  blocks: GpuBlocks;
  flushTimer: NodeJS.Timeout | null;
  /** A GPU's series keys by its view key, made once (in GPU_SERIES' order). */
  seriesKeys: Map<string, string[]>;
  apps: AppBlocks;
  parser: PromTextParser;
  lastPageAt: number | null;
}

export class ClusterMonitor {
  readonly store: SeriesStore;
  private readonly feeds = new Map<string, NodeFeed>();
  private readonly collectors: Collector[] = [];
  private readonly metrics: ServeMetrics;
  private readonly timeline = new Timeline();
  private readonly rules = new AlertRules();
  private readonly startedAt: number;
  private instance: ServeInstance | null = null;
  private rayNodes: RayNodeRecord[] = [];
  /** Ray's actors by node, pid and placement group (vLLM's Ray workers -> their replica). */
  private placement = new ReplicaPlacement([]);
  private ticker: NodeJS.Timeout | null = null;
  private view: Omit<MonitorSnapshot, 'clusterId' | 'takenAt' | 'periodMs' | 'events'>;
  private readonly deltas = new ViewDeltas();
  private readonly now: () => number;
  /** Early view refreshes on a changed metrics page (only with the timer; never on a fleet). */
  private readonly pacer: TickPacer | null;

  constructor(
    readonly clusterId: string,
    private nodes: ClusterNode[],
    private readonly factory: CollectorFactory,
    private prices: MonitorPrices,
    private readonly opts: ClusterMonitorOptions,
  ) {
    this.now = opts.now ?? Date.now;
    this.startedAt = this.now();
    this.store = new SeriesStore({
      periodMs: opts.periodMs,
      capacityByPrefix: { 'gpu/': 300 },
      // A delta carries the GPUs' values as gpuValues rows (view-deltas.ts), not as points.
      notInDelta: ['gpu/'],
    });
    this.metrics = new ServeMetrics(
      this.store,
      (r) => this.replicaDeployment(r),
      0.9 * RAY_METRICS_REPORT_MS,
    );
    this.pacer =
      opts.autoTick === false
        ? null
        : new TickPacer({
            maxTickMs: 10,
            coalesceMs: 20,
            minGapMs: opts.periodMs / 5,
            now: this.now,
          });
    this.view = {
      nodes: [],
      gpus: [],
      applications: [],
      deployments: [],
      replicas: [],
      alerts: [],
      cost: computeCost(prices, [], [], null),
      collectors: [],
    };
  }

  start(): void {
    for (const n of this.nodes) this.startNode(n);
    const serve = this.factory.serve(
      this.clusterId,
      this.opts.periodMs,
      (inst) => {
        const first = this.instance === null;
        this.instance = inst;
        if (first) this.tick(); // the first Serve state shows at once, not a period later
      },
      (records) => (this.rayNodes = records),
      (actors) => (this.placement = new ReplicaPlacement(actors)),
    );
    this.collectors.push(serve);
    serve.start();
    if (this.opts.autoTick !== false) {
      this.ticker = setInterval(() => this.tick(), this.opts.periodMs);
      this.ticker.unref?.();
    }
    this.tick();
  }

  private startNode(n: ClusterNode): void {
    const feed: NodeFeed = {
      gpus: new NodeGpus(n.id, this.opts.hotC),
      blocks: new GpuBlocks(),
      flushTimer: null,
      seriesKeys: new Map(),
      apps: new AppBlocks(),
      parser: new PromTextParser({ keepPrefixes: SERVE_METRIC_PREFIXES }),
      lastPageAt: null,
    };
    this.feeds.set(n.id, feed);
    const gpu = this.factory.gpuStream(n.id, 'gpu', this.opts.periodMs, (line, at) =>
      this.gpuLine(feed, line, at),
    );
    const apps = this.factory.gpuStream(n.id, 'apps', this.opts.appsPeriodMs, (line) => {
      const block = feed.apps.push(line);
      if (block) feed.gpus.setApps(block);
    });
    const metrics = this.factory.metrics(n.id, this.metricsPeriodMs, (page, at) => {
      // null: the node's page did not change, what was read of the last one holds.
      if (page === null) {
        if (this.metrics.repeat(n.id, at)) feed.lastPageAt = at;
        return;
      }
      feed.lastPageAt = at;
      this.metrics.ingest(n.id, feed.parser.parse(page), at);
      // Shown now, not at the next tick: views only, the series keep one point a period.
      this.pacer?.fresh(() => this.tick({ series: false }));
    });
    const xids = new NodeXidFeed(feed.gpus, (at, severity, subject, message) =>
      this.timeline.add(at, 'gpu-xid', severity, subject, message),
    );
    const xid = this.factory.gpuStream(n.id, 'xid', this.opts.appsPeriodMs, (line, at) =>
      xids.line(line, at),
    );
    for (const c of [gpu, apps, metrics, xid]) {
      this.collectors.push(c);
      c.start();
    }
  }

  /** A line of a node's GPU stream: blocks are cut when a GPU repeats or the stream goes quiet. */
  gpuLine(feed: NodeFeed, line: string, at: number): void {
    const done = feed.blocks.push(line, at);
    if (done) this.gpuBlock(feed, done);
    // The quiet timer is re-armed, not made anew, for each line (4,096 lines a second on a fleet).
    if (feed.flushTimer) {
      feed.flushTimer.refresh();
      return;
    }
    feed.flushTimer = setTimeout(
      () => {
        feed.flushTimer = null;
        const b = feed.blocks.flush();
        if (b) this.gpuBlock(feed, b);
      },
      Math.min(250, this.opts.periodMs / 2),
    );
    feed.flushTimer.unref?.();
  }

  private gpuBlock(feed: NodeFeed, block: Parameters<NodeGpus['applyBlock']>[0]): void {
    for (const c of feed.gpus.applyBlock(block)) {
      if (c.kind === 'lost')
        this.timeline.add(
          block.at,
          'gpu-lost',
          'critical',
          c.key,
          `GPU ${c.index} (${c.uuid}) of ${feed.gpus.nodeId} disappeared from nvidia-smi.`,
        );
      else if (c.kind === 'back')
        this.timeline.add(
          block.at,
          'gpu-back',
          'info',
          c.key,
          `GPU ${c.index} of ${feed.gpus.nodeId} is back.`,
        );
    }
    for (const r of block.rows) {
      const key = feed.gpus.keyOf(r.uuid ?? `index-${r.index}`);
      if (!key) continue;
      let keys = feed.seriesKeys.get(key);
      if (!keys) {
        const i = Number(key.slice(key.lastIndexOf('/') + 1));
        keys = GPU_SERIES.map((f) => seriesKey.gpu(feed.gpus.nodeId, i, f));
        feed.seriesKeys.set(key, keys);
      }
      // GPU_SERIES' order. Kept for monitor.series; deltas carry them as gpuValues rows.
      const values = [r.utilizationPct, r.memoryUsedMiB, r.temperatureC, r.powerW];
      for (let f = 0; f < 4; f++) {
        const v = values[f]!;
        if (v !== null) this.store.push(keys[f]!, block.at, v);
      }
    }
  }

  /** A replica's view and series keys, made once (three URI encodings each, 4,096 a tick). */
  private readonly keysOfReplica = new Map<
    string,
    { app: string; dep: string; view: string; ongoing: string }
  >();
  private replicaKeys(app: string, dep: string, replicaId: string) {
    let k = this.keysOfReplica.get(replicaId);
    if (!k || k.app !== app || k.dep !== dep) {
      if (this.keysOfReplica.size >= 100_000) this.keysOfReplica.clear();
      k = {
        app,
        dep,
        view: viewKey.replica(app, dep, replicaId),
        ongoing: seriesKey.replica(app, dep, replicaId, 'ongoing'),
      };
      this.keysOfReplica.set(replicaId, k);
    }
    return k;
  }

  private replicaDeployment(replicaId: string): string | null {
    for (const a of this.instance?.applications ?? [])
      for (const d of a.deployments)
        if (d.replicas.some((r) => r.replicaId === replicaId))
          return viewKey.deployment(a.name, d.name);
    return null;
  }

  setPrices(p: MonitorPrices): void {
    this.prices = p;
  }

  private get metricsPeriodMs(): number {
    return this.opts.metricsPeriodMs ?? this.opts.periodMs;
  }

  /**
   * One period: derive the views, alerts, events, cost; push what changed. `series: false` (an
   * early refresh on a fresh metrics page) derives and pushes the views but appends no points.
   */
  tick({ series = true }: { series?: boolean } = {}): void {
    const began = performance.now();
    const now = this.now();
    const staleMs = this.opts.periodMs * 3;
    const { deployments: depValues, replicas: replicaOngoing } = this.metrics.tick(
      now,
      staleMs,
      series,
    );
    const rayByIp = new Map(this.rayNodes.map((r) => [r.node_ip, r]));
    const nodeByRayId = new Map<string, string>();
    const nodeByIp = new Map<string, string>();
    // Per node, once a tick (not a scan of every collector per node: 512 nodes x 2,000 collectors).
    const problemsOf = new Map<string, string[]>();
    const streamUp = new Set<string>();
    for (const c of this.collectors) {
      const st = c.status;
      if (st.nodeId === null) continue;
      if (st.state === 'error') {
        const list = problemsOf.get(st.nodeId);
        const p = `${st.kind}: ${st.message}`;
        if (list) list.push(p);
        else problemsOf.set(st.nodeId, [p]);
      } else if (st.kind === 'gpu' && st.state === 'running') streamUp.add(st.nodeId);
    }
    const nodes: MonitorNode[] = this.nodes.map((n) => {
      const feed = this.feeds.get(n.id)!;
      const ray = rayByIp.get(n.host) ?? null;
      if (ray) nodeByRayId.set(ray.node_id, n.id);
      nodeByIp.set(ray?.node_ip ?? n.host, n.id);
      const seen = Math.max(feed.gpus.lastSeenAt ?? -Infinity, feed.lastPageAt ?? -Infinity);
      const lastSeenAt = Number.isFinite(seen) ? seen : null;
      const problems = problemsOf.get(n.id) ?? [];
      return {
        key: n.id,
        nodeId: n.id,
        name: n.name,
        host: n.host,
        role: n.role === 'head' ? 'head' : 'worker',
        rayNodeId: ray?.node_id ?? null,
        nodeIp: ray?.node_ip ?? null,
        lastSeenAt,
        stale: now - (lastSeenAt ?? this.startedAt) > staleMs,
        gpuCount: feed.gpus.count,
        problems,
      };
    });
    // Replicas and deployments from Serve's status.
    const replicas: ReplicaView[] = [];
    const deployments: DeploymentView[] = [];
    const applications: ApplicationView[] = [];
    const pidToReplica = new Map<string, string>();
    const groupToReplica = new Map<string, string>(); // placement group -> replica id
    const gpusUnder = (rayNodeId: string, pid: number) => {
      const n = nodeByRayId.get(rayNodeId);
      return n ? (this.feeds.get(n)?.gpus.gpusUnder(pid) ?? []) : [];
    };
    for (const a of this.instance?.applications ?? []) {
      applications.push({ key: a.name, name: a.name, status: a.status, message: a.message });
      for (const d of a.deployments) {
        for (const r of d.replicas) {
          const nodeId =
            (r.nodeId && nodeByRayId.get(r.nodeId)) || (r.nodeIp && nodeByIp.get(r.nodeIp)) || null;
          if (nodeId && r.pid !== null) pidToReplica.set(`${nodeId}:${r.pid}`, r.replicaId);
          const group = this.placement.groupOf(r.nodeId, r.pid);
          if (group) groupToReplica.set(group, r.replicaId);
          const keys = this.replicaKeys(a.name, d.name, r.replicaId);
          const key = keys.view;
          const ongoing = replicaOngoing.get(key);
          replicas.push({
            key,
            app: a.name,
            deployment: d.name,
            replicaId: r.replicaId,
            state: r.state,
            nodeId,
            rayNodeId: r.nodeId,
            nodeIp: r.nodeIp,
            pid: r.pid,
            // GPUs of the compute apps that are the replica's actor or run under it (EngineCore),
            // or are actors of its placement group (vLLM's Ray workers) or run under those.
            gpuIds: [
              ...new Set([
                ...(nodeId && r.pid !== null
                  ? (this.feeds.get(nodeId)?.gpus.gpusUnder(r.pid) ?? [])
                  : []),
                ...this.placement.workerGpus(r.nodeId, r.pid, gpusUnder),
              ]),
            ],
            gpusFromRay: Math.max(
              typeof d.requiredResources.GPU === 'number' ? d.requiredResources.GPU : 0,
              this.placement.groupGpus(r.nodeId, r.pid),
            ),
            startedAt: r.startedAt,
            ongoing: this.measured(ongoing, keys.ongoing, now),
          });
        }
        deployments.push(
          this.deploymentView(a, d, depValues.get(viewKey.deployment(a.name, d.name)), now),
        );
      }
    }
    const gpus: GpuSample[] = [];
    const rayIdOf = new Map(nodes.map((n) => [n.nodeId, n.rayNodeId]));
    for (const [nodeId, feed] of this.feeds) {
      feed.gpus.streamUp = streamUp.has(nodeId);
      const rayId = rayIdOf.get(nodeId) ?? null;
      gpus.push(
        ...feed.gpus.samples(
          now,
          staleMs,
          (pid) => pidToReplica.get(`${nodeId}:${pid}`) ?? null,
          (pid) => groupToReplica.get(this.placement.groupOf(rayId, pid) ?? '') ?? null,
        ),
      );
    }
    // Cluster series.
    const ingressRps = (this.instance?.applications ?? [])
      .map((a) =>
        a.ingressDeployment
          ? depValues.get(viewKey.deployment(a.name, a.ingressDeployment))?.rps
          : undefined,
      )
      .filter((x): x is number => x !== undefined);
    const rps = ingressRps.length ? ingressRps.reduce((x, y) => x + y, 0) : null;
    const utils = gpus.filter((g) => g.utilizationPct !== null && !g.stale);
    if (series && rps !== null) this.store.push(seriesKey.cluster('rps'), now, rps);
    if (series && utils.length)
      this.store.push(
        seriesKey.cluster('gpuUtilAvg'),
        now,
        utils.reduce((x, g) => x + g.utilizationPct!, 0) / utils.length,
      );
    const cost = computeCost(this.prices, nodes, gpus, rps);
    if (series && cost.perHour !== null)
      this.store.push(seriesKey.cluster('costPerHour'), now, cost.perHour);
    // Timeline, node events, alerts.
    if (this.instance) this.timeline.serve(now, deployments, replicas);
    const nodesBefore = new Map(this.view.nodes.map((x) => [x.key, x]));
    for (const n of nodes) {
      const before = nodesBefore.get(n.key);
      if (before && before.stale !== n.stale)
        this.timeline.add(
          now,
          n.stale ? 'node-lost' : 'node-back',
          n.stale ? 'critical' : 'info',
          n.key,
          n.stale
            ? `${n.name} (${n.host}) stopped answering${n.problems[0] ? `: ${n.problems[0]}` : ''}.`
            : `${n.name} answers again.`,
        );
    }
    const { alerts, changed } = this.rules.evaluate({
      now,
      nodes,
      gpus,
      deployments,
      replicas,
      queueHistory: (k) => {
        const key = seriesKey.deployment(
          k.slice(0, k.indexOf('/')),
          k.slice(k.indexOf('/') + 1),
          'queueLength',
        );
        const since = now - 10 * this.opts.periodMs;
        return this.store.since([key], since)[key]?.map(([, v]) => v) ?? [];
      },
    });
    const collectors: CollectorStatus[] = this.collectors.map((c) => ({ ...c.status }));
    this.view = { nodes, gpus, applications, deployments, replicas, alerts, cost, collectors };
    this.push(now, changed);
    this.pacer?.ticked(now, performance.now() - began);
  }

  private measured(v: number | undefined, key: string, now: number): Measured {
    if (v !== undefined) return { value: v, at: now, stale: false };
    const last = this.store.last(key);
    return { value: null, at: last?.t ?? null, stale: last !== null };
  }

  private deploymentView(
    a: ServeInstance['applications'][number],
    d: ServeInstance['applications'][number]['deployments'][number],
    v: DeploymentValues | undefined,
    now: number,
  ): DeploymentView {
    const cfg = (
      a.deployedConfig?.deployments as
        { name?: string; autoscaling_config?: Record<string, unknown> }[] | undefined
    )?.find((x) => x.name === d.name)?.autoscaling_config;
    const num = (x: unknown) => (typeof x === 'number' ? x : null);
    const metrics = Object.fromEntries(
      DEPLOYMENT_SERIES.map((f) => [
        f,
        this.measured(v?.[f], seriesKey.deployment(a.name, d.name, f), now),
      ]),
    ) as DeploymentView['metrics'];
    return {
      key: viewKey.deployment(a.name, d.name),
      app: a.name,
      name: d.name,
      status: d.status,
      statusTrigger: d.statusTrigger,
      message: d.message,
      desired: d.counts.desired,
      running: d.counts.running,
      starting: d.counts.starting,
      pending: d.counts.pending,
      stopping: d.counts.stopping,
      pendingReason: d.pendingReason,
      autoscaling: d.autoscaling
        ? {
            min: d.autoscaling.min,
            max: d.autoscaling.max,
            targetOngoingRequests: num(cfg?.target_ongoing_requests),
          }
        : null,
      replicaResources: Object.fromEntries(
        Object.entries(d.requiredResources).filter(
          (e): e is [string, number] => typeof e[1] === 'number',
        ),
      ),
      metrics,
    };
  }

  private push(now: number, alertsChanged: boolean): void {
    const { upserts, removed, cost, gpuValues } = this.deltas.diff(this.view);
    this.opts.emitDelta({
      clusterId: this.clusterId,
      at: now,
      series: this.store.takeDelta(),
      ...(gpuValues ? { gpuValues } : {}),
      upserts,
      removed,
      cost,
    });
    const events = this.timeline.take();
    if (events.length) this.opts.emitEvents(events);
    if (alertsChanged) this.opts.emitAlerts(this.view.alerts);
  }

  snapshot(): MonitorSnapshot {
    return {
      clusterId: this.clusterId,
      takenAt: this.now(),
      periodMs: this.opts.periodMs,
      ...this.view,
      events: this.timeline.all(),
    };
  }

  /** Ray's nodes as last read (the fit preview). */
  get rayNodeRecords(): RayNodeRecord[] {
    return this.rayNodes;
  }

  stop(): void {
    this.pacer?.stop();
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
    for (const c of this.collectors) c.stop();
    for (const f of this.feeds.values()) if (f.flushTimer) clearTimeout(f.flushTimer);
    this.collectors.length = 0;
  }
}
