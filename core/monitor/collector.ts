/**
 * The monitor's collectors behind one interface, each started and stopped by the cluster's
 * monitor, each over an existing connection of the core:
 * - GPU streams: ONE long-lived `remote/scripts/gpu-stream.sh` per node and stream (the GPU
 *   query with nvidia-smi's own -lms loop; the compute apps at a slower period; the kernel log's
 *   Xid lines), lines handed over as they come, restarted after a pause when the stream ends;
 * - metrics: the part of Ray's Prometheus page of a node (`ray start --metrics-export-port`,
 *   RAY_PORTS.metrics) that the monitor reads, cut on the node by ONE long-lived
 *   `remote/scripts/metrics-stream.sh` that sends it only when it changed;
 * - Serve: `GET /api/serve/applications/` (and Ray's nodes and actors, less often) through the
 *   head's dashboard tunnel, the ServeConnector the Serve methods use.
 * Stopping aborts the streams (the script's watchdog ends nvidia-smi on the node) and releases
 * the leases: nothing is left running.
 */
import type { CollectorStatus } from '../../shared/domain/monitor';
import type { ServeInstance } from '../../shared/serve/status';
import type { RayActorRecord, RayNodeRecord } from '../ray/dashboard-client';
import type { ServeConnectionWithNodes, ServeConnectorWithNodes } from '../serve/serve-target';
import type { NodeConnection } from '../ssh/types';
import { MetricsStreamReader } from './metrics-stream';
import { SERVE_METRIC_FAMILIES } from './serve-metrics';

export interface Collector {
  readonly status: CollectorStatus;
  start(): void;
  stop(): void;
}

export type Lease = (nodeId: string) => Promise<NodeConnection>;

/** gpu-stream.sh's streams: GPU values, compute apps (with bus ids and parent chains), Xid lines. */
export type GpuStreamKind = 'gpu' | 'apps' | 'xid';
const STREAM_COLLECTOR = { gpu: 'gpu', apps: 'gpu-apps', xid: 'gpu-xid' } as const;

/** What the cluster monitor is fed: the seam tests and the fleet bench replace. */
export interface CollectorFactory {
  gpuStream(
    nodeId: string,
    stream: GpuStreamKind,
    periodMs: number,
    onLine: (line: string, at: number) => void,
  ): Collector;
  /** `page` is null when the node's page did not change since the last one handed over. */
  metrics(
    nodeId: string,
    periodMs: number,
    onPage: (page: string | Buffer | null, at: number) => void,
  ): Collector;
  serve(
    clusterId: string,
    periodMs: number,
    onInstance: (instance: ServeInstance, at: number) => void,
    onRayNodes: (nodes: RayNodeRecord[]) => void,
    /** Ray's ALIVE actors, every 10th period (GPU -> replica through placement groups). */
    onRayActors?: (actors: RayActorRecord[]) => void,
  ): Collector;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** A loop that runs `once` every period until stopped, recording its state. */
abstract class Loop implements Collector {
  readonly status: CollectorStatus;
  protected stopped = true;
  protected abort = new AbortController();
  private timer: NodeJS.Timeout | null = null;

  constructor(kind: CollectorStatus['kind'], nodeId: string | null) {
    this.status = {
      key: `${kind}:${nodeId ?? 'cluster'}`,
      kind,
      nodeId,
      state: 'stopped',
      message: null,
    };
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.abort = new AbortController();
    this.status.state = 'starting';
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    this.abort.abort();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.status.state = 'stopped';
    this.cleanup();
  }

  protected schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.run();
    }, ms);
    this.timer.unref?.();
  }

  private async run(): Promise<void> {
    if (this.stopped) return;
    const next = await this.once().then(
      (ms) => {
        if (!this.stopped) {
          this.status.state = 'running';
          this.status.message = null;
        }
        return ms;
      },
      (err: unknown) => {
        if (!this.stopped) {
          this.status.state = 'error';
          this.status.message = message(err);
        }
        return this.retryMs();
      },
    );
    this.schedule(next);
  }

  /** One round; resolves with the delay before the next. */
  protected abstract once(): Promise<number>;
  protected retryMs(): number {
    return 5000;
  }
  protected cleanup(): void {}
}

/** One gpu-stream.sh run per node and stream; restarted 5 s after it ends (60 s when nvidia-smi is missing or the kernel log unreadable). */
export class GpuStreamCollector extends Loop {
  private missing = false;
  constructor(
    private readonly lease: Lease,
    readonly nodeId: string,
    private readonly stream: GpuStreamKind,
    private readonly periodMs: number,
    private readonly onLine: (line: string, at: number) => void,
  ) {
    super(STREAM_COLLECTOR[stream], nodeId);
  }

  protected async once(): Promise<number> {
    const conn = await this.lease(this.nodeId);
    let error: string | null = null;
    try {
      this.status.state = 'running';
      const r = await conn.runScript('gpu-stream', {
        input: { stream: this.stream, periodMs: this.periodMs },
        signal: this.abort.signal,
        maxOutputBytes: 16 * 1024,
        onLine: (line, from) => {
          if (from !== 'stdout') return;
          if (line.startsWith('{"kind":"error"')) {
            try {
              error = (JSON.parse(line) as { message?: string }).message ?? line;
            } catch {
              error = line;
            }
            return;
          }
          this.onLine(line, Date.now());
        },
      });
      if (this.stopped) return 0;
      throw new Error(
        error ??
          `nvidia-smi stream ended (exit ${r.code})${r.stderr ? `: ${r.stderr.trim().slice(-200)}` : ''}`,
      );
    } catch (err) {
      this.missing = /not installed|not recognized|not a valid field|not readable/i.test(
        message(err),
      );
      throw err;
    } finally {
      conn.release();
    }
  }

  protected override retryMs(): number {
    return this.missing ? 60_000 : 5000;
  }
}

/**
 * The part of one node's Ray metrics page the monitor reads, from ONE long-lived
 * `remote/scripts/metrics-stream.sh` on the node (it reads the page every period, keeps the
 * wanted families and sends a page only when it changed, else `--same--`); restarted 5 s after
 * it ends. A page the node cannot read is this collector's error until the next page.
 */
export class MetricsCollector extends Loop {
  constructor(
    private readonly lease: Lease,
    readonly nodeId: string,
    private readonly port: number,
    private readonly periodMs: number,
    private readonly families: readonly string[],
    private readonly onPage: (page: string | null, at: number) => void,
  ) {
    super('metrics', nodeId);
  }

  protected async once(): Promise<number> {
    const conn = await this.lease(this.nodeId);
    const reader = new MetricsStreamReader();
    let failed: string | null = null;
    try {
      const r = await conn.runScript('metrics-stream', {
        input: { port: this.port, periodMs: this.periodMs, families: this.families },
        signal: this.abort.signal,
        maxOutputBytes: 16 * 1024,
        onLine: (line, from) => {
          if (from !== 'stdout' || this.stopped) return;
          const ev = reader.push(line);
          if (!ev) return;
          if (ev.kind !== 'error') {
            this.status.state = 'running';
            this.status.message = null;
            this.onPage(ev.kind === 'page' ? ev.page : null, Date.now());
          } else if (line.startsWith('{')) failed = ev.message;
          else {
            this.status.state = 'error';
            this.status.message = `Ray's metrics on port ${this.port}: ${ev.message}`;
          }
        },
      });
      if (this.stopped) return 0;
      throw new Error(
        failed ??
          `metrics stream ended (exit ${r.code})${r.stderr ? `: ${r.stderr.trim().slice(-200)}` : ''}`,
      );
    } finally {
      conn.release();
    }
  }
}

/** Serve's applications every period (and Ray's nodes and actors every 10th), through the head's dashboard. */
export class ServeCollector extends Loop {
  private conn: ServeConnectionWithNodes | null = null;
  private round = 0;
  constructor(
    private readonly connect: ServeConnectorWithNodes,
    private readonly clusterId: string,
    private readonly periodMs: number,
    private readonly onInstance: (instance: ServeInstance, at: number) => void,
    private readonly onRayNodes: (nodes: RayNodeRecord[]) => void,
    private readonly onRayActors?: (actors: RayActorRecord[]) => void,
  ) {
    super('serve', null);
  }

  protected async once(): Promise<number> {
    const started = Date.now();
    this.conn ??= await this.connect(this.clusterId);
    try {
      const instance = await this.conn.api.applications();
      if (this.stopped) return 0;
      this.onInstance(instance, Date.now());
      const round = this.round++;
      if (round % 10 === 0 && this.conn.nodes) this.onRayNodes(await this.conn.nodes());
      // A Ray without the state API (or one refusing it) only loses the placement-group match.
      if (round % 10 === 0 && this.conn.actors && this.onRayActors)
        this.onRayActors(await this.conn.actors().catch(() => []));
    } catch (err) {
      this.conn?.release();
      this.conn = null;
      throw err;
    }
    return Math.max(0, this.periodMs - (Date.now() - started));
  }

  protected override cleanup(): void {
    this.conn?.release();
    this.conn = null;
  }
}

export function sshCollectors(
  lease: Lease,
  connect: ServeConnectorWithNodes,
  metricsPort: number,
): CollectorFactory {
  return {
    gpuStream: (nodeId, stream, periodMs, onLine) =>
      new GpuStreamCollector(lease, nodeId, stream, periodMs, onLine),
    metrics: (nodeId, periodMs, onPage) =>
      new MetricsCollector(lease, nodeId, metricsPort, periodMs, SERVE_METRIC_FAMILIES, onPage),
    serve: (clusterId, periodMs, onInstance, onRayNodes, onRayActors) =>
      new ServeCollector(connect, clusterId, periodMs, onInstance, onRayNodes, onRayActors),
  };
}
