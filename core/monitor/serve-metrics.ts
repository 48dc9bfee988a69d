/**
 * Per-deployment serving metrics from the Prometheus pages of every node (Ray 2.60's names, see
 * RAY-FACTS.md — there is no ray_serve_num_ongoing_requests): queue length
 * (ray_serve_deployment_queued_queries), ongoing requests (ray_serve_replica_processing_queries,
 * also per replica), request rate (ray_serve_deployment_request_counter_total), error rate
 * (ray_serve_deployment_error_counter_total), latency percentiles
 * (ray_serve_deployment_processing_latency_ms), and vLLM's engine metrics per replica
 * (ray_vllm_*, labelled ReplicaId): running / waiting requests, KV-cache use, tokens/s
 * (ray_vllm_generation_tokens_total), TTFT (ray_vllm_time_to_first_token_seconds).
 *
 * Counters and histograms are differenced per node (a node's restart resets only its own
 * counters), then summed. A vLLM gauge no page carries is null ("no value"), never 0.
 */
import type { DeploymentSeriesField } from '../../shared/domain/monitor';
import { seriesKey, viewKey } from '../../shared/domain/monitor';
import type { ParsedPage, PromSample } from './prometheus-text';
import {
  bucketDeltaInto,
  counterRate,
  fillBuckets,
  quantile,
  type Bucket,
  type SeriesStore,
} from './series-store';

/** The metric prefixes the collectors parse (the rest of a page is skipped unparsed). */
export const SERVE_METRIC_PREFIXES = ['ray_serve_', 'ray_vllm_'] as const;

/**
 * The metric families ingest() reads, named as Ray's `# TYPE` lines name them (a counter with its
 * `_total`, a histogram without `_bucket`): what a node's metrics-stream.sh keeps of its page, so
 * ~60 KB of a ~1 MiB page crosses the wire (the test reads a whole page and the kept part alike).
 */
export const SERVE_METRIC_FAMILIES = [
  'ray_serve_deployment_queued_queries',
  'ray_serve_replica_processing_queries',
  'ray_serve_deployment_request_counter_total',
  'ray_serve_deployment_error_counter_total',
  'ray_serve_deployment_processing_latency_ms',
  'ray_vllm_num_requests_running',
  'ray_vllm_num_requests_waiting',
  'ray_vllm_kv_cache_usage_perc',
  'ray_vllm_generation_tokens_total',
  'ray_vllm_time_to_first_token_seconds',
] as const;

export type DeploymentValues = Partial<Record<DeploymentSeriesField, number>>;

interface NodeRaw {
  at: number;
  gauges: Map<
    string,
    Partial<Record<'queueLength' | 'ongoingRequests' | 'vllmRunning' | 'vllmWaiting', number>>
  >;
  kv: Map<string, number[]>;
  counters: Map<string, Partial<Record<'requests' | 'errors' | 'tokens', number>>>;
  latency: Map<string, Map<number, number>>;
  ttft: Map<string, Map<number, number>>;
  replicaOngoing: Map<string, number>;
}

/**
 * A sample's deployment key, once per label set: by its raw label text (the parser hands out the
 * same interned string for a repeated line; a WeakMap on the frozen label objects was slower).
 */
const DEP_OF = new Map<string, string | null>();
function depOf(s: PromSample): string | null {
  let d = DEP_OF.get(s.labelKey);
  if (d === undefined) {
    const l = s.labels;
    d =
      l.application !== undefined && l.deployment !== undefined
        ? viewKey.deployment(l.application, l.deployment)
        : null;
    if (DEP_OF.size >= 50_000) DEP_OF.clear();
    DEP_OF.set(s.labelKey, d);
  }
  return d;
}

/** Bucket bounds by their label text (a page repeats a few dozen of them, 60,000 times a second on a fleet). */
const LE = new Map<string, number>();
function leOf(text: string | undefined): number {
  if (text === undefined) return NaN;
  let le = LE.get(text);
  if (le === undefined) {
    le = text === '+Inf' ? Infinity : Number(text);
    if (LE.size < 10_000) LE.set(text, le);
  }
  return le;
}

function addBucket(m: Map<string, Map<number, number>>, dep: string, s: PromSample): void {
  const le = leOf(s.labels.le);
  if (Number.isNaN(le)) return;
  let b = m.get(dep);
  if (!b) m.set(dep, (b = new Map()));
  b.set(le, (b.get(le) ?? 0) + s.value);
}

const toBuckets = (m: Map<number, number> | undefined): Bucket[] =>
  m ? [...m].map(([le, count]) => ({ le, count })).sort((a, b) => a.le - b.le) : [];

export class ServeMetrics {
  private readonly nodes = new Map<string, NodeRaw>();
  private readonly counterPrev = new Map<string, { t: number; v: number }>();
  /** Keyed node \0 deployment \0 field; the parts kept too (tick reads them without splitting). */
  private readonly counterRates = new Map<
    string,
    { t: number; rate: number; node: string; dep: string; f: string }
  >();
  /** A node's histogram as last differenced, and the array its next reading is written into. */
  private readonly histPrev = new Map<string, { t: number; buckets: Bucket[]; spare: Bucket[] }>();
  /**
   * Its observations between the last two readings (`live`: there were some). Both kept and
   * refilled in place: new bucket objects per node per page lived a period (promoted garbage).
   */
  private readonly histDelta = new Map<
    string,
    { t: number; buckets: Bucket[]; node: string; dep: string; kind: string; live: boolean }
  >();

  constructor(
    private readonly store: SeriesStore,
    /** Replica id -> deployment key, from Serve's status (vLLM's metrics name only the replica). */
    private readonly replicaDeployment: (replicaId: string) => string | null = () => null,
    /**
     * Counters and histograms are differenced over at least this long (ms). Ray moves a node's
     * page once per export interval (1 s at the least); a page read twice as often would give
     * rates of 0 and twice the truth in turn, so a page read sooner after the last difference
     * leaves the last rate and bucket deltas as they are.
     */
    private readonly minRateWindowMs = 0,
  ) {}

  /** One node's page, parsed at time t. */
  ingest(nodeId: string, page: ParsedPage, t: number): void {
    this.apply(nodeId, this.read(page, t), t);
  }

  /**
   * The node's page is unchanged at time t (its metrics-stream.sh said `--same--`): what was
   * read of its last page holds now, as if that page were ingested again (counters did not move:
   * a rate of 0; histograms: no observations). False when there is no page of the node yet.
   */
  repeat(nodeId: string, t: number): boolean {
    const raw = this.nodes.get(nodeId);
    if (!raw) return false;
    this.apply(nodeId, raw, t);
    return true;
  }

  /** The per-deployment sums of one page. */
  private read(page: ParsedPage, t: number): NodeRaw {
    const raw: NodeRaw = {
      at: t,
      gauges: new Map(),
      kv: new Map(),
      counters: new Map(),
      latency: new Map(),
      ttft: new Map(),
      replicaOngoing: new Map(),
    };
    const replicaDep = new Map<string, string>();
    const gauge = (
      dep: string,
      f: 'queueLength' | 'ongoingRequests' | 'vllmRunning' | 'vllmWaiting',
      v: number,
    ) => {
      let g = raw.gauges.get(dep);
      if (!g) raw.gauges.set(dep, (g = {}));
      g[f] = (g[f] ?? 0) + v;
    };
    const counter = (dep: string, f: 'requests' | 'errors' | 'tokens', v: number) => {
      let c = raw.counters.get(dep);
      if (!c) raw.counters.set(dep, (c = {}));
      c[f] = (c[f] ?? 0) + v;
    };
    const vllm: PromSample[] = [];
    for (const s of page.samples) {
      if (Number.isNaN(s.value)) continue;
      const l = s.labels;
      switch (s.name) {
        case 'ray_serve_deployment_queued_queries': {
          const d = depOf(s);
          if (d) gauge(d, 'queueLength', s.value);
          break;
        }
        case 'ray_serve_replica_processing_queries': {
          const d = depOf(s);
          if (!d) break;
          gauge(d, 'ongoingRequests', s.value);
          if (l.replica) {
            replicaDep.set(l.replica, d);
            const rk = viewKey.replica(l.application!, l.deployment!, l.replica);
            raw.replicaOngoing.set(rk, (raw.replicaOngoing.get(rk) ?? 0) + s.value);
          }
          break;
        }
        case 'ray_serve_deployment_request_counter_total': {
          const d = depOf(s);
          if (d) counter(d, 'requests', s.value);
          if (d && l.replica) replicaDep.set(l.replica, d);
          break;
        }
        case 'ray_serve_deployment_error_counter_total': {
          const d = depOf(s);
          if (d) counter(d, 'errors', s.value);
          break;
        }
        case 'ray_serve_deployment_processing_latency_ms_bucket': {
          const d = depOf(s);
          if (d) addBucket(raw.latency, d, s);
          break;
        }
        default:
          if (s.name.startsWith('ray_vllm_')) vllm.push(s);
      }
    }
    for (const s of vllm) {
      const r = s.labels.ReplicaId;
      const d = r ? (replicaDep.get(r) ?? this.replicaDeployment(r)) : null;
      if (!d) continue;
      if (s.name === 'ray_vllm_num_requests_running') gauge(d, 'vllmRunning', s.value);
      else if (s.name === 'ray_vllm_num_requests_waiting') gauge(d, 'vllmWaiting', s.value);
      else if (s.name === 'ray_vllm_kv_cache_usage_perc')
        raw.kv.set(d, [...(raw.kv.get(d) ?? []), s.value]);
      else if (s.name === 'ray_vllm_generation_tokens_total') counter(d, 'tokens', s.value);
      else if (s.name === 'ray_vllm_time_to_first_token_seconds_bucket') addBucket(raw.ttft, d, s);
    }
    return raw;
  }

  /** Differences of a node's page read at t against its previous one. */
  private apply(nodeId: string, raw: NodeRaw, t: number): void {
    raw.at = t;
    for (const [dep, c] of raw.counters)
      for (const [f, v] of Object.entries(c)) {
        const k = `${nodeId}\u0000${dep}\u0000${f}`;
        // Updated in place: a new object per counter per page outlived a scavenge or two.
        const prev = this.counterPrev.get(k);
        if (prev && t - prev.t < this.minRateWindowMs) continue;
        const rate = counterRate(prev, t, v);
        if (prev) {
          prev.t = t;
          prev.v = v;
        } else this.counterPrev.set(k, { t, v });
        if (rate === null) continue;
        const r = this.counterRates.get(k);
        if (r) {
          r.t = t;
          r.rate = rate;
        } else this.counterRates.set(k, { t, rate, node: nodeId, dep, f });
      }
    for (const [kind, m] of [
      ['latency', raw.latency],
      ['ttft', raw.ttft],
    ] as const)
      for (const [dep, b] of m) {
        const k = `${nodeId}\u0000${dep}\u0000${kind}`;
        const prev = this.histPrev.get(k);
        if (prev && t - prev.t < this.minRateWindowMs) continue;
        const d = this.histDelta.get(k);
        if (!prev) {
          this.histPrev.set(k, { t, buckets: fillBuckets(b, []), spare: [] });
          if (d) d.live = false;
          continue;
        }
        const before = prev.buckets;
        prev.buckets = fillBuckets(b, prev.spare);
        prev.spare = before;
        prev.t = t;
        if (d) {
          d.t = t;
          d.live = bucketDeltaInto(before, prev.buckets, d.buckets);
        } else {
          const buckets: Bucket[] = [];
          const live = bucketDeltaInto(before, prev.buckets, buckets);
          this.histDelta.set(k, { t, buckets, node: nodeId, dep, kind, live });
        }
      }
    this.nodes.set(nodeId, raw);
  }

  /** Forgets a node (removed from the cluster). */
  dropNode(nodeId: string): void {
    this.nodes.delete(nodeId);
    for (const m of [this.counterPrev, this.counterRates, this.histPrev, this.histDelta])
      for (const k of [...m.keys()]) if (k.startsWith(`${nodeId}\u0000`)) m.delete(k);
  }

  /**
   * The deployments' values now, over the nodes heard within `freshMs`; pushes them into the
   * series store (dep/<app>/<deployment>/<field>) and replicas' ongoing requests too.
   */
  tick(
    t: number,
    freshMs: number,
    /** false: the values only, no points appended (an early refresh between periods). */
    series = true,
  ): { deployments: Map<string, DeploymentValues>; replicas: Map<string, number> } {
    const fresh = new Set([...this.nodes].filter(([, r]) => t - r.at <= freshMs).map(([n]) => n));
    const deps = new Map<string, DeploymentValues>();
    const get = (d: string) => {
      let v = deps.get(d);
      if (!v) deps.set(d, (v = {}));
      return v;
    };
    const replicas = new Map<string, number>();
    for (const n of fresh) {
      const r = this.nodes.get(n)!;
      for (const [d, g] of r.gauges) {
        const v = get(d);
        for (const [f, x] of Object.entries(g))
          v[f as DeploymentSeriesField] = (v[f as DeploymentSeriesField] ?? 0) + x;
      }
      for (const [d, kv] of r.kv) {
        const v = get(d);
        v.kvCacheUsage = Math.max(v.kvCacheUsage ?? 0, kv.reduce((a, b) => a + b, 0) / kv.length);
      }
      for (const [rk, x] of r.replicaOngoing) replicas.set(rk, (replicas.get(rk) ?? 0) + x);
      // A deployment a fresh node reports counters for has a rate of 0 until it moves.
      for (const d of r.counters.keys()) get(d);
    }
    const rates = new Map<string, Partial<Record<string, number>>>();
    for (const { t: at, rate, node, dep, f } of this.counterRates.values()) {
      if (!fresh.has(node) || t - at > freshMs) continue;
      let r = rates.get(dep);
      if (!r) rates.set(dep, (r = {}));
      r[f] = (r[f] ?? 0) + rate;
    }
    for (const [dep, r] of rates) {
      const v = get(dep);
      if (r.requests !== undefined) v.rps = r.requests;
      if (r.tokens !== undefined) v.tokensPerS = r.tokens;
      if (r.requests) v.errorRate = Math.min(1, (r.errors ?? 0) / r.requests);
    }
    const hist = new Map<string, Map<number, number>>();
    for (const { t: at, buckets, node, dep, kind, live } of this.histDelta.values()) {
      if (!live || !fresh.has(node) || t - at > freshMs) continue;
      const hk = `${dep}\u0000${kind}`;
      let m = hist.get(hk);
      if (!m) hist.set(hk, (m = new Map()));
      for (const b of buckets) m.set(b.le, (m.get(b.le) ?? 0) + b.count);
    }
    for (const [hk, m] of hist) {
      const [dep, kind] = hk.split('\u0000') as [string, string];
      const b = toBuckets(m);
      const v = get(dep);
      if (kind === 'latency') {
        const p50 = quantile(b, 0.5);
        const p95 = quantile(b, 0.95);
        const p99 = quantile(b, 0.99);
        if (p50 !== null) v.latencyP50Ms = p50;
        if (p95 !== null) v.latencyP95Ms = p95;
        if (p99 !== null) v.latencyP99Ms = p99;
      } else {
        const p50 = quantile(b, 0.5);
        const p95 = quantile(b, 0.95);
        if (p50 !== null) v.ttftP50Ms = p50 * 1000;
        if (p95 !== null) v.ttftP95Ms = p95 * 1000;
      }
    }
    if (!series) return { deployments: deps, replicas };
    for (const [dep, v] of deps) {
      const slash = dep.indexOf('/');
      const app = dep.slice(0, slash);
      const name = dep.slice(slash + 1);
      for (const [f, x] of Object.entries(v))
        this.store.push(seriesKey.deployment(app, name, f as DeploymentSeriesField), t, x);
    }
    for (const [rk, x] of replicas) {
      const [app, dep, rep] = rk.split('/') as [string, string, string];
      this.store.push(seriesKey.replica(app, dep, rep, 'ongoing'), t, x);
    }
    return { deployments: deps, replicas };
  }
}
