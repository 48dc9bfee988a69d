/**
 * When a cluster's monitor may refresh its views before its period is up. A node's metrics page
 * that changed is shown at once (a load rising shows within ~1 s of Ray exporting it, instead of
 * waiting up to a period for the next tick), coalesced over a few milliseconds (pages of several
 * nodes arrive together) and never sooner than `minGapMs` after the last tick — but only while a
 * tick is cheap: a cluster whose tick costs more than `maxTickMs` (a fleet of hundreds of nodes)
 * keeps one tick a period, so the extra refreshes cost small clusters microseconds and big ones
 * nothing.
 */
export interface TickPacerOptions {
  /** A tick that took longer than this (ms, wall clock) turns early refreshes off until a cheap one. */
  maxTickMs: number;
  /** Wait this long after a fresh page before refreshing (ms): pages arriving together, one refresh. */
  coalesceMs: number;
  /** At least this long between two ticks (ms). */
  minGapMs: number;
  now?: () => number;
}

export class TickPacer {
  private lastTickAt = -Infinity;
  /** Unknown until the first tick: no early refresh before the cost of one is known. */
  private lastCostMs = Infinity;
  private pending: NodeJS.Timeout | null = null;
  private readonly now: () => number;

  constructor(private readonly opts: TickPacerOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** A tick ran at `at` and took `costMs`: it showed what a pending refresh waited for. */
  ticked(at: number, costMs: number): void {
    this.lastTickAt = at;
    this.lastCostMs = costMs;
    this.stop();
  }

  /** Fresh data arrived: schedules `refresh` unless one is pending or ticks are too dear. */
  fresh(refresh: () => void): boolean {
    if (this.pending || this.lastCostMs > this.opts.maxTickMs) return false;
    const wait = Math.max(this.opts.coalesceMs, this.lastTickAt + this.opts.minGapMs - this.now());
    this.pending = setTimeout(() => {
      this.pending = null;
      refresh();
    }, wait);
    this.pending.unref?.();
    return true;
  }

  stop(): void {
    if (this.pending) clearTimeout(this.pending);
    this.pending = null;
  }
}
