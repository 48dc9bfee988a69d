/**
 * A bounded load generator for cluster tests: `concurrency` workers each send one request at a
 * time through `send` (for the testbed: through the head's SSH tunnel, so only testbed addresses
 * are reached) until `stop()` is called, `maxRequests` were sent or `maxMs` passed — it always
 * ends by itself. Counts the answers by HTTP status (0 for a transport error) and keeps each
 * request's latency.
 */

export interface LoadOptions {
  concurrency: number;
  /** Hard cap on requests sent in all. */
  maxRequests: number;
  /** Hard cap on the run's wall time. */
  maxMs: number;
}

export interface LoadResult {
  sent: number;
  byStatus: Record<number, number>;
  latenciesMs: number[];
  /** When the first request was sent (epoch ms). */
  startedAt: number;
  endedAt: number;
}

export class LoadGenerator {
  private stopped = false;
  private sent = 0;
  private readonly byStatus: Record<number, number> = {};
  private readonly latencies: number[] = [];
  private startedAt = 0;
  private run: Promise<void> | null = null;

  constructor(
    private readonly send: () => Promise<number>,
    private readonly opts: LoadOptions,
  ) {}

  /** Starts the workers; returns the time the first request goes out. */
  start(): number {
    if (this.run) throw new Error('load generator already started');
    this.startedAt = Date.now();
    const deadline = this.startedAt + this.opts.maxMs;
    const worker = async () => {
      while (!this.stopped && this.sent < this.opts.maxRequests && Date.now() < deadline) {
        this.sent++;
        const t0 = Date.now();
        const status = await this.send().catch(() => 0);
        this.latencies.push(Date.now() - t0);
        this.byStatus[status] = (this.byStatus[status] ?? 0) + 1;
      }
    };
    this.run = Promise.all(Array.from({ length: this.opts.concurrency }, worker)).then(() => {});
    return this.startedAt;
  }

  /** Stops sending and waits for the requests in flight. */
  async stop(): Promise<LoadResult> {
    this.stopped = true;
    await this.run;
    return {
      sent: this.sent,
      byStatus: { ...this.byStatus },
      latenciesMs: [...this.latencies],
      startedAt: this.startedAt,
      endedAt: Date.now(),
    };
  }
}
