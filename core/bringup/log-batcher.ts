/**
 * Step log lines of bring-up runs, batched: lines gather per run/node/step for 150 ms, then
 * each batch is appended to its step log on disk first and sent as `bringup.log` with the byte
 * offset it starts at — a reader joining a backlog to live batches keeps exactly the batches at
 * or past the backlog's end.
 */
import { capLine, type StepKind } from '../../shared';
import type { EventBus } from '../api/event-bus';
import type { RunStore } from './run-store';

export const LOG_FLUSH_MS = 150;

interface Batch {
  runId: string;
  nodeId: string;
  step: StepKind;
  lines: string[];
}

export class StepLogBatcher {
  private readonly batches = new Map<string, Batch>();
  private timer: NodeJS.Timeout | null = null;
  /** Once stopped (the app closes), lines are dropped. */
  private stopped = false;

  constructor(
    private readonly store: RunStore,
    private readonly bus: EventBus,
  ) {}

  log(runId: string, nodeId: string, step: StepKind, line: string): void {
    if (this.stopped) return;
    const key = `${runId}/${nodeId}/${step}`;
    const batch = this.batches.get(key) ?? { runId, nodeId, step, lines: [] };
    batch.lines.push(capLine(line));
    this.batches.set(key, batch);
    this.timer ??= setTimeout(() => this.flush(), LOG_FLUSH_MS);
  }

  /** Writes and sends every batch gathered so far; resolves once they are written and sent. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const sent = [...this.batches.values()].map((b) =>
      this.store.appendLog(b.runId, b.nodeId, b.step, b.lines).then(
        (at) => this.bus.emit('bringup.log', { ...b, at }),
        () => this.bus.emit('bringup.log', { ...b, at: Number.MAX_SAFE_INTEGER }), // not on disk: only live readers see it
      ),
    );
    this.batches.clear();
    return Promise.all(sent).then(() => undefined);
  }

  /** Flushes what is gathered, then drops later lines. */
  stop(): void {
    void this.flush();
    this.stopped = true;
  }
}
