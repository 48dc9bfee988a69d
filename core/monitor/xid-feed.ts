/**
 * One node's xid stream (remote/scripts/gpu-stream.sh, stream "xid") folded into its GPUs: each
 * `NVRM: Xid` line is dated from its kernel timestamp (CLOCK_MONOTONIC seconds, against the
 * node's clock sent in the stream's started line, so Xids logged since boot keep their time),
 * recorded on the GPU with that PCI bus id (NodeGpus), and reported once as a timeline event —
 * critical for Xids that leave the GPU unusable (FATAL_XIDS), else a warning. A burst of the same
 * Xid on the same GPU (the driver repeats 119 every few seconds) is one event per minute.
 */
import type { Severity } from '../../shared/domain/monitor';
import type { NodeGpus } from './gpu-state';
import { FATAL_XIDS, parseXidLine, xidLabel } from './xid';

const REPEAT_MS = 60_000;

export type XidReport = (at: number, severity: Severity, subject: string, message: string) => void;

export class NodeXidFeed {
  private clock: { monotonicS: number; at: number } | null = null;
  private readonly lastReported = new Map<string, number>();

  constructor(
    private readonly gpus: NodeGpus,
    private readonly report: XidReport,
  ) {}

  /** A line of the stream, as it arrived (at: Unix ms). */
  line(line: string, arrivedAt: number): void {
    if (line.startsWith('{')) {
      try {
        const s = JSON.parse(line) as { kind?: string; monotonicS?: unknown };
        if (s.kind === 'started' && typeof s.monotonicS === 'number')
          this.clock = { monotonicS: s.monotonicS, at: arrivedAt };
      } catch {
        /* not a status line */
      }
      return;
    }
    const x = parseXidLine(line);
    if (!x) return;
    const at =
      this.clock && x.monotonicS !== null
        ? Math.round(this.clock.at + (x.monotonicS - this.clock.monotonicS) * 1000)
        : arrivedAt;
    const gpu = this.gpus.applyXid(x, at);
    const dedupe = `${x.busId}/${x.code}`;
    const last = this.lastReported.get(dedupe);
    if (last !== undefined && Math.abs(at - last) < REPEAT_MS) return;
    this.lastReported.set(dedupe, at);
    const node = this.gpus.nodeId;
    const what = gpu
      ? `GPU ${gpu.index} of ${node} (PCI ${x.busId})`
      : `the GPU at PCI ${x.busId} of ${node}`;
    this.report(
      at,
      FATAL_XIDS.has(x.code) ? 'critical' : 'warning',
      gpu?.key ?? node,
      `${xidLabel(x.code)} on ${what}: ${x.text}${FATAL_XIDS.has(x.code) ? ' The GPU needs a reset (or the node a reboot).' : ''}`,
    );
  }
}
