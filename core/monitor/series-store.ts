/**
 * The core's time series: one bounded ring buffer per series (timestamps and values in two
 * Float64Arrays of fixed capacity, so memory never grows with time), staleness (a series not
 * written for ~3 periods is stale), counters turned into per-second rates correctly across
 * resets (a counter that drops restarted: the rate comes from the new value alone), histograms
 * turned into latency percentiles from the bucket deltas between two scrapes, and the points
 * appended since the last push, for the subscribers' `monitor.delta`.
 */
import type { SeriesDelta } from '../../shared/domain/monitor';

export class Ring {
  readonly t: Float64Array;
  readonly v: Float64Array;
  private head = 0; // next write
  private count = 0;
  /** Points appended since the last `takeNew`. */
  unsent = 0;

  constructor(
    readonly capacity: number,
    /** Whether its points go out in `takeDelta` (the series store's pushes). */
    readonly inDelta = true,
  ) {
    this.t = new Float64Array(capacity);
    this.v = new Float64Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  push(t: number, v: number): void {
    this.t[this.head] = t;
    this.v[this.head] = v;
    this.head = (this.head + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
    if (this.unsent < this.capacity) this.unsent++;
  }

  /** The k-th newest point (0 = newest). */
  private at(k: number): number {
    return (this.head - 1 - k + 2 * this.capacity) % this.capacity;
  }

  last(): { t: number; v: number } | null {
    if (!this.count) return null;
    const i = this.at(0);
    return { t: this.t[i]!, v: this.v[i]! };
  }

  /** Points newer than `sinceMs`, oldest first. */
  since(sinceMs: number): [number, number][] {
    const out: [number, number][] = [];
    for (let k = this.count - 1; k >= 0; k--) {
      const i = this.at(k);
      if (this.t[i]! > sinceMs) out.push([this.t[i]!, this.v[i]!]);
    }
    return out;
  }

  /** The points appended since the last call, oldest first. */
  takeNew(): [number, number][] {
    const n = Math.min(this.unsent, this.count);
    const out: [number, number][] = new Array(n);
    for (let k = n - 1, j = 0; k >= 0; k--, j++) {
      const i = this.at(k);
      out[j] = [this.t[i]!, this.v[i]!];
    }
    this.unsent = 0;
    return out;
  }
}

/** A cumulative histogram bucket: upper bound (Infinity for +Inf) and count. */
export interface Bucket {
  le: number;
  count: number;
}

export interface SeriesStoreOptions {
  /** Sampling period (ms): a series older than `staleAfterPeriods` periods is stale. */
  periodMs?: number;
  staleAfterPeriods?: number;
  /** Points per series (default 600: 10 minutes at 1 Hz). */
  capacity?: number;
  /** Capacity per key prefix, e.g. { 'gpu/': 300 }. */
  capacityByPrefix?: Record<string, number>;
  /** Series kept at most; the least recently written goes first. */
  maxSeries?: number;
  /** Key prefixes whose points `takeDelta` leaves out (kept, and read by `since`). */
  notInDelta?: readonly string[];
}

interface CounterState {
  t: number;
  v: number;
}

export class SeriesStore {
  readonly periodMs: number;
  private readonly staleAfterMs: number;
  private readonly capacity: number;
  private readonly capacityByPrefix: [string, number][];
  private readonly maxSeries: number;
  private readonly notInDelta: readonly string[];
  private readonly rings = new Map<string, Ring>();
  private readonly counters = new Map<string, CounterState>();
  private readonly histograms = new Map<string, Bucket[]>();
  private readonly dirty = new Set<string>();

  constructor(opts: SeriesStoreOptions = {}) {
    this.periodMs = opts.periodMs ?? 1000;
    this.staleAfterMs = this.periodMs * (opts.staleAfterPeriods ?? 3);
    this.capacity = opts.capacity ?? 600;
    this.capacityByPrefix = Object.entries(opts.capacityByPrefix ?? {});
    this.maxSeries = opts.maxSeries ?? 100_000;
    this.notInDelta = opts.notInDelta ?? [];
  }

  get seriesCount(): number {
    return this.rings.size;
  }

  private ring(key: string): Ring {
    let r = this.rings.get(key);
    if (!r) {
      if (this.rings.size >= this.maxSeries) this.evictOldest();
      const cap = this.capacityByPrefix.find(([p]) => key.startsWith(p))?.[1] ?? this.capacity;
      r = new Ring(cap, !this.notInDelta.some((p) => key.startsWith(p)));
      this.rings.set(key, r);
    }
    return r;
  }

  private evictOldest(): void {
    let oldest: string | null = null;
    let oldestT = Infinity;
    for (const [k, r] of this.rings) {
      const t = r.last()?.t ?? -Infinity;
      if (t < oldestT) {
        oldestT = t;
        oldest = k;
      }
    }
    if (oldest !== null) this.remove(oldest);
  }

  /** A gauge value (or any value already computed). NaN is not stored: it is "no value". */
  push(key: string, t: number, v: number): void {
    if (Number.isNaN(v)) return;
    const r = this.ring(key);
    r.push(t, v);
    if (r.inDelta) this.dirty.add(key);
  }

  /**
   * A counter's raw value: stores its per-second rate under `key` from the second reading on.
   * A value lower than the last one is a restart: the rate is the new value over the interval.
   * Returns the rate stored, or null (first reading, no time passed, not a number).
   */
  pushCounter(key: string, t: number, raw: number): number | null {
    if (!Number.isFinite(raw)) return null;
    const prev = this.counters.get(key);
    this.counters.set(key, { t, v: raw });
    const rate = counterRate(prev, t, raw);
    if (rate !== null) this.push(key, t, rate);
    return rate;
  }

  /**
   * A histogram's cumulative buckets: stores the quantiles of the observations since the last
   * reading under `${keyPrefix}` + each name of `quantiles` (e.g. { P50Ms: 0.5 }). Buckets lower
   * than before are a restart (the new counts are the delta). No observations: nothing stored.
   */
  pushHistogram(
    keyPrefix: string,
    t: number,
    buckets: Bucket[],
    quantiles: Record<string, number>,
  ): Record<string, number> | null {
    const sorted = [...buckets].sort((a, b) => a.le - b.le);
    const prev = this.histograms.get(keyPrefix);
    this.histograms.set(keyPrefix, sorted);
    if (!prev) return null;
    const delta = bucketDelta(prev, sorted);
    if (!delta) return null;
    const out: Record<string, number> = {};
    for (const [name, q] of Object.entries(quantiles)) {
      const v = quantile(delta, q);
      if (v !== null) {
        out[name] = v;
        this.push(keyPrefix + name, t, v);
      }
    }
    return out;
  }

  last(key: string): { t: number; v: number } | null {
    return this.rings.get(key)?.last() ?? null;
  }

  isStale(key: string, now: number): boolean {
    const l = this.last(key);
    return !l || now - l.t > this.staleAfterMs;
  }

  /** Points of each key newer than sinceMs (keys without points left out). */
  since(keys: readonly string[], sinceMs: number): SeriesDelta {
    const out: SeriesDelta = {};
    for (const k of keys) {
      const r = this.rings.get(k);
      if (!r) continue;
      const pts = r.since(sinceMs);
      if (pts.length) out[k] = pts;
    }
    return out;
  }

  /** The points appended since the last call, per key: the next push to subscribers. */
  takeDelta(): SeriesDelta {
    const out: SeriesDelta = {};
    for (const k of this.dirty) {
      const r = this.rings.get(k);
      if (r && r.unsent) out[k] = r.takeNew();
    }
    this.dirty.clear();
    return out;
  }

  remove(key: string): void {
    this.rings.delete(key);
    this.counters.delete(key);
    this.histograms.delete(key);
    this.dirty.delete(key);
  }

  /** Drops every series whose key starts with the prefix (a deployment or node that went away). */
  removePrefix(prefix: string): void {
    for (const k of [...this.rings.keys()]) if (k.startsWith(prefix)) this.remove(k);
    for (const k of [...this.counters.keys()]) if (k.startsWith(prefix)) this.counters.delete(k);
    for (const k of [...this.histograms.keys()])
      if (k.startsWith(prefix)) this.histograms.delete(k);
  }
}

/** Per-second rate between two readings of a counter; a drop is a restart (the new value is the increase). */
export function counterRate(
  prev: { t: number; v: number } | undefined,
  t: number,
  raw: number,
): number | null {
  if (!prev || t <= prev.t || !Number.isFinite(raw)) return null;
  const increase = raw >= prev.v ? raw - prev.v : raw;
  return increase / ((t - prev.t) / 1000);
}

/** Per-bucket cumulative counts of the observations between two readings; null when there are none. */
export function bucketDelta(prev: Bucket[], cur: Bucket[]): Bucket[] | null {
  const before = new Map(prev.map((b) => [b.le, b.count]));
  let reset = false;
  for (const b of cur) if (b.count < (before.get(b.le) ?? 0)) reset = true;
  const delta = cur.map((b) => ({
    le: b.le,
    count: reset ? b.count : b.count - (before.get(b.le) ?? 0),
  }));
  const total = delta[delta.length - 1]?.count ?? 0;
  return total > 0 ? delta : null;
}

/**
 * `m`'s buckets (bound -> count) in bound order, written into `out`'s objects (reused, the
 * array grown or cut to size): a fleet's histograms, read every second per node, would
 * otherwise be new objects that live a period and are promoted garbage.
 */
export function fillBuckets(m: ReadonlyMap<number, number>, out: Bucket[]): Bucket[] {
  let i = 0;
  for (const [le, count] of m) {
    const b = out[i++];
    if (b) {
      b.le = le;
      b.count = count;
    } else out.push({ le, count });
  }
  out.length = i;
  return out.sort((a, b) => a.le - b.le);
}

/**
 * bucketDelta into `out`'s objects (reused) for buckets in bound order with distinct bounds:
 * whether there were observations (else `out` holds zeros or is empty).
 */
export function bucketDeltaInto(prev: Bucket[], cur: Bucket[], out: Bucket[]): boolean {
  const before = (i: number, j: number) => {
    const le = cur[i]!.le;
    while (j < prev.length && prev[j]!.le < le) j++;
    return j;
  };
  let reset = false;
  for (let i = 0, j = 0; i < cur.length && !reset; i++) {
    j = before(i, j);
    const p = prev[j];
    if (cur[i]!.count < (p !== undefined && p.le === cur[i]!.le ? p.count : 0)) reset = true;
  }
  for (let i = 0, j = 0; i < cur.length; i++) {
    j = before(i, j);
    const p = prev[j];
    const c = cur[i]!;
    const count = reset ? c.count : c.count - (p !== undefined && p.le === c.le ? p.count : 0);
    const o = out[i];
    if (o) {
      o.le = c.le;
      o.count = count;
    } else out.push({ le: c.le, count });
  }
  out.length = cur.length;
  return (out[out.length - 1]?.count ?? 0) > 0;
}

/**
 * The q-quantile of cumulative buckets, interpolated linearly inside the bucket it falls in
 * (as Prometheus' histogram_quantile); in the +Inf bucket: the highest finite bound.
 */
export function quantile(buckets: Bucket[], q: number): number | null {
  const total = buckets[buckets.length - 1]?.count ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const b of buckets) {
    if (b.count >= rank) {
      if (b.le === Infinity) return lowerBound;
      const inBucket = b.count - lowerCount;
      return inBucket > 0
        ? lowerBound + (b.le - lowerBound) * ((rank - lowerCount) / inBucket)
        : b.le;
    }
    lowerBound = b.le;
    lowerCount = b.count;
  }
  return lowerBound;
}
