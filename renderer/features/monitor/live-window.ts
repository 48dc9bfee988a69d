/**
 * The data behind one live chart: a fixed window of points (fixed memory, oldest dropped) of
 * one or more series sharing a time axis, appended to as deltas arrive, and handed to uPlot as
 * aligned arrays downsampled to the chart's pixel width (min/max per pixel bucket, so a spike
 * never disappears). Missing values stay null (a gap), never 0. Listeners are told after each
 * append so a chart redraws without React re-rendering.
 */

/** uPlot's aligned data: x (unix seconds), then one array per series. */
export type AlignedSeries = [number[], ...(number | null)[][]];

export class LiveWindow {
  private readonly xs: Float64Array;
  private readonly ys: (number | null)[][];
  private start = 0;
  private count = 0;
  private readonly listeners = new Set<() => void>();
  /** Grows with every change; a chart compares it to skip redrawing unchanged data. */
  version = 0;

  /**
   * @param seriesCount how many series share the time axis
   * @param capacity points kept per series (older ones are dropped)
   */
  constructor(
    readonly seriesCount: number,
    readonly capacity = 600,
  ) {
    this.xs = new Float64Array(capacity);
    this.ys = Array.from({ length: seriesCount }, () =>
      new Array<number | null>(capacity).fill(null),
    );
  }

  get size(): number {
    return this.count;
  }

  /** The newest timestamp (unix seconds), or null when empty. */
  get lastTime(): number | null {
    return this.count ? this.xs[(this.start + this.count - 1) % this.capacity]! : null;
  }

  /**
   * Adds one point in time. `values[i]` is series i's value (null: no value, a gap; undefined:
   * not in this delta). A point at the newest timestamp merges into it (series of one scrape
   * arrive in separate deltas); a point older than the newest is ignored (deltas are in order).
   */
  append(t: number, values: readonly (number | null | undefined)[]): void {
    const last = this.lastTime;
    if (last !== null && t < last) return;
    let slot: number;
    if (last !== null && t === last) slot = (this.start + this.count - 1) % this.capacity;
    else {
      if (this.count < this.capacity) {
        slot = (this.start + this.count) % this.capacity;
        this.count++;
      } else {
        slot = this.start;
        this.start = (this.start + 1) % this.capacity;
      }
      this.xs[slot] = t;
      for (const y of this.ys) y[slot] = null;
    }
    for (let i = 0; i < this.seriesCount; i++) {
      const v = values[i];
      if (v !== undefined) this.ys[i]![slot] = v === null || Number.isFinite(v) ? v : null;
    }
    this.version++;
    for (const l of this.listeners) l();
  }

  /** Adds many points of one series ([t, v] in time order), then tells listeners once. */
  appendSeries(series: number, points: readonly (readonly [number, number | null])[]): void {
    const saved = [...this.listeners];
    this.listeners.clear();
    try {
      const row: (number | null | undefined)[] = new Array(this.seriesCount).fill(undefined);
      for (const [t, v] of points) {
        row[series] = v;
        this.append(t, row);
      }
    } finally {
      for (const l of saved) this.listeners.add(l);
    }
    if (points.length) for (const l of this.listeners) l();
  }

  clear(): void {
    this.start = 0;
    this.count = 0;
    this.version++;
    for (const l of this.listeners) l();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * The window as uPlot data, at most about `maxPoints` per series: when there are more points
   * than that, each bucket keeps its first timestamp and, per series, the value farthest from
   * the bucket's mean side (min or max alternately), so peaks and dips survive.
   */
  toAligned(maxPoints = Infinity): AlignedSeries {
    const n = this.count;
    const cap = this.capacity;
    const at = (i: number) => (this.start + i) % cap;
    if (n <= maxPoints || maxPoints < 2) {
      const x = new Array<number>(n);
      const ys = this.ys.map(() => new Array<number | null>(n));
      for (let i = 0; i < n; i++) {
        const s = at(i);
        x[i] = this.xs[s]!;
        for (let k = 0; k < ys.length; k++) ys[k]![i] = this.ys[k]![s]!;
      }
      return [x, ...ys];
    }
    // Two points (min and max) per bucket keep the envelope of the data.
    const buckets = Math.max(1, Math.floor(maxPoints / 2));
    const per = n / buckets;
    const x: number[] = [];
    const ys: (number | null)[][] = this.ys.map(() => []);
    for (let b = 0; b < buckets; b++) {
      const from = Math.floor(b * per);
      const to = Math.min(n, Math.floor((b + 1) * per));
      if (to <= from) continue;
      if (to - from === 1) {
        x.push(this.xs[at(from)]!);
        for (let k = 0; k < ys.length; k++) ys[k]!.push(this.ys[k]![at(from)]!);
        continue;
      }
      const mid = from + Math.floor((to - from) / 2);
      x.push(this.xs[at(from)]!, this.xs[at(mid)]!);
      for (let k = 0; k < ys.length; k++) {
        let lo: number | null = null;
        let hi: number | null = null;
        let loI = -1;
        let hiI = -1;
        for (let i = from; i < to; i++) {
          const v = this.ys[k]![at(i)]!;
          if (v === null) continue;
          if (lo === null || v < lo) {
            lo = v;
            loI = i;
          }
          if (hi === null || v > hi) {
            hi = v;
            hiI = i;
          }
        }
        // Keep the two in the order they happened.
        if (loI <= hiI) ys[k]!.push(lo, hi);
        else ys[k]!.push(hi, lo);
      }
    }
    return [x, ...ys];
  }
}
