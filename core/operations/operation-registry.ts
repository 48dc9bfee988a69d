/**
 * Long-running work as Operations. `start()` returns an id at once; the work reports progress
 * and log lines, which go out as `operation.progress` / `operation.log` events and into
 * `$RAYDECK_HOME/operations/<id>.json|.log`, so a reloaded page or restarted app can show them.
 * Log lines are kept in a bounded ring per operation; the on-disk log is the full record.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Operation, RaydeckError, capLine, type OperationLogLine } from '../../shared';
import type { EventBus } from '../api/event-bus';
import { writeJsonAtomic } from '../storage/atomic-file';

export interface OperationContext {
  readonly id: string;
  readonly signal: AbortSignal;
  /** `fraction` 0..1 or null (unknown); `detail` is one short line for the UI. */
  progress(fraction: number | null, detail: string): void;
  log(line: string, stream?: OperationLogLine['stream']): void;
}

export type OperationWork = (ctx: OperationContext) => Promise<void>;

const LOG_RING = 2000;
const PERSIST_EVERY_MS = 1000;

interface Live {
  op: Operation;
  ring: OperationLogLine[];
  abort: AbortController;
  lastPersist: number;
  done: Promise<void>;
}

export class OperationRegistry {
  private readonly live = new Map<string, Live>();
  private loaded = false;

  constructor(
    private readonly dir: string,
    private readonly bus: EventBus,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Starts `work` in the background and returns its id at once; `clusterId` names the cluster it works on, if any. */
  async start(
    kind: string,
    title: string,
    work: OperationWork,
    opts: { clusterId?: string } = {},
  ): Promise<string> {
    await this.loadEarlier();
    const id = randomUUID();
    const op: Operation = {
      id,
      kind,
      title,
      state: 'running',
      progress: 0,
      detail: 'Starting',
      startedAt: this.now().toISOString(),
      endedAt: null,
      error: null,
      ...(opts.clusterId ? { clusterId: opts.clusterId } : {}),
    };
    const abort = new AbortController();
    const entry: Live = { op, ring: [], abort, lastPersist: 0, done: Promise.resolve() };
    this.live.set(id, entry);
    await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
    await this.persist(entry, true);
    this.bus.emit('operation.progress', { ...op });

    const ctx: OperationContext = {
      id,
      signal: abort.signal,
      progress: (fraction, detail) => {
        if (entry.op.state !== 'running') return;
        entry.op = {
          ...entry.op,
          progress: fraction === null ? null : Math.min(1, Math.max(0, fraction)),
          detail,
        };
        this.bus.emit('operation.progress', { ...entry.op });
        void this.persist(entry, false);
      },
      log: (line, stream = 'info') => this.appendLog(entry, line, stream),
    };
    entry.done = (async () => {
      try {
        await work(ctx);
        if (abort.signal.aborted) this.finish(entry, 'cancelled', 'Cancelled', null);
        else this.finish(entry, 'succeeded', 'Done', null);
      } catch (err) {
        if (abort.signal.aborted) this.finish(entry, 'cancelled', 'Cancelled', null);
        else {
          const message = err instanceof Error ? err.message : String(err);
          this.appendLog(entry, message, 'stderr');
          this.finish(entry, 'failed', 'Failed', message);
        }
      }
      await this.persist(entry, true);
    })();
    return id;
  }

  async list(): Promise<Operation[]> {
    await this.loadEarlier();
    return [...this.live.values()]
      .map((e) => ({ ...e.op }))
      .sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  }

  async get(id: string): Promise<Operation> {
    await this.loadEarlier();
    return { ...this.entry(id).op };
  }

  async logs(id: string, tail: number): Promise<OperationLogLine[]> {
    await this.loadEarlier();
    return this.entry(id).ring.slice(-tail);
  }

  async cancel(id: string): Promise<Operation> {
    await this.loadEarlier();
    const entry = this.entry(id);
    if (entry.op.state === 'running') {
      this.appendLog(entry, 'Cancel requested', 'info');
      entry.abort.abort();
    }
    return { ...entry.op };
  }

  /** Resolves when the operation has ended (for tests and the CLI). */
  async wait(id: string): Promise<Operation> {
    const entry = this.entry(id);
    await entry.done;
    return { ...entry.op };
  }

  private entry(id: string): Live {
    const entry = this.live.get(id);
    if (!entry)
      throw new RaydeckError({ code: 'not_found', message: `No operation with id ${id}.` });
    return entry;
  }

  private appendLog(entry: Live, line: string, stream: OperationLogLine['stream']) {
    const item: OperationLogLine = {
      operationId: entry.op.id,
      at: this.now().toISOString(),
      stream,
      line: capLine(line),
    };
    entry.ring.push(item);
    if (entry.ring.length > LOG_RING) entry.ring.splice(0, entry.ring.length - LOG_RING);
    this.bus.emit('operation.log', item);
    // 0600: log lines name hosts, users and commands (issue 16).
    void fs
      .appendFile(path.join(this.dir, `${entry.op.id}.log`), `${JSON.stringify(item)}\n`, {
        mode: 0o600,
      })
      .catch(() => {});
  }

  private finish(entry: Live, state: Operation['state'], detail: string, error: string | null) {
    entry.op = {
      ...entry.op,
      state,
      detail,
      error,
      progress: state === 'succeeded' ? 1 : entry.op.progress,
      endedAt: this.now().toISOString(),
    };
    this.bus.emit('operation.progress', { ...entry.op });
  }

  private async persist(entry: Live, force: boolean) {
    const now = Date.now();
    if (!force && now - entry.lastPersist < PERSIST_EVERY_MS) return;
    entry.lastPersist = now;
    await writeJsonAtomic(path.join(this.dir, `${entry.op.id}.json`), entry.op).catch(() => {});
  }

  /**
   * Loads operations of earlier runs once. One that was still running when Raydeck stopped is
   * shown as failed with that reason (resuming it is the job of the feature that owns it).
   */
  private async loadEarlier() {
    if (this.loaded) return;
    this.loaded = true;
    let files: string[];
    try {
      files = await fs.readdir(this.dir);
    } catch {
      return;
    }
    for (const file of files.filter((f) => f.endsWith('.json'))) {
      try {
        const parsed = Operation.safeParse(
          JSON.parse(await fs.readFile(path.join(this.dir, file), 'utf8')),
        );
        if (!parsed.success || this.live.has(parsed.data.id)) continue;
        let op = parsed.data;
        if (op.state === 'running') {
          op = {
            ...op,
            state: 'failed',
            detail: 'Interrupted',
            error: 'Raydeck stopped while this was running.',
            endedAt: op.endedAt ?? op.startedAt,
          };
        }
        const ring = await this.readLogTail(op.id);
        this.live.set(op.id, {
          op,
          ring,
          abort: new AbortController(),
          lastPersist: 0,
          done: Promise.resolve(),
        });
      } catch {
        // An unreadable record is skipped, never fatal.
      }
    }
  }

  private async readLogTail(id: string): Promise<OperationLogLine[]> {
    try {
      const text = await fs.readFile(path.join(this.dir, `${id}.log`), 'utf8');
      return text
        .split('\n')
        .filter(Boolean)
        .slice(-LOG_RING)
        .flatMap((l) => {
          try {
            return [JSON.parse(l) as OperationLogLine];
          } catch {
            return [];
          }
        });
    } catch {
      return [];
    }
  }
}
