/**
 * Bring-up runs on disk, so a reloaded page or a restarted app shows them: one JSON file per run
 * under `$RAYDECK_HOME/bringup/<runId>.json` (written atomically, coalesced while a run is busy)
 * and each step's log as `<runId>/<nodeId>.<step>.log` (appended, each batch's byte offset its
 * `at`; read back as a bounded tail with its end offset, appends and reads in one queue).
 * A run found "running" at start-up was interrupted: its running steps become failed with a
 * message saying a retry resumes them (the detached jobs on the nodes are re-attached then) —
 * unless the process running it is still alive (the app while a CLI command starts, or the
 * other way round): each running run has an owner file `<runId>.owner` with its process's pid,
 * and such a run stays "running", owned elsewhere (`ownerOf`).
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BringUpRun, type StepKind, type StepLogTail } from '../../shared';
import { readJsonFile, writeJsonAtomic } from '../storage/atomic-file';

export const MAX_LOG_LINES = 2000;

/** A batch of lines as a step log holds them, one per line, newline-terminated. */
export const stepLogText = (lines: readonly string[]): string =>
  lines.map((l) => `${l}\n`).join('');
/** Bytes a batch takes in a step log: how far the next batch's offset (`at`) moves. */
export const stepLogBytes = (lines: readonly string[]): number =>
  Buffer.byteLength(stepLogText(lines));
const MAX_RUNS_PER_CLUSTER = 20;

export class RunStore {
  private readonly pending = new Map<string, BringUpRun>();
  private flushing: Promise<void> = Promise.resolve();
  private logQueue: Promise<void> = Promise.resolve();

  constructor(private readonly dir: string) {}

  /** Every stored run, interrupted ones marked as such (call once at start-up). */
  async loadAll(now: () => Date = () => new Date()): Promise<BringUpRun[]> {
    let names: string[];
    try {
      names = (await fs.readdir(this.dir)).filter((n) => n.endsWith('.json'));
    } catch {
      return [];
    }
    const runs: BringUpRun[] = [];
    for (const name of names) {
      const run = await this.load(name.slice(0, -'.json'.length), now);
      if (run) runs.push(run);
    }
    return runs;
  }

  /** One stored run as `loadAll` reads it (null when missing or unreadable). */
  async load(runId: string, now: () => Date = () => new Date()): Promise<BringUpRun | null> {
    const run = await readJsonFile(
      path.join(this.dir, `${runId}.json`),
      BringUpRun.nullable(),
      null,
    ).catch(() => null);
    if (!run || run.state !== 'running') return run;
    return (await this.ownerOf(runId)) !== null ? run : markInterrupted(run, now().toISOString());
  }

  /** Marks `runId` as run by this process (until `release`). */
  async claim(runId: string): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
    await fs.writeFile(
      this.ownerFile(runId),
      JSON.stringify({ pid: process.pid, host: os.hostname() }),
      { mode: 0o600 },
    );
  }

  async release(runId: string): Promise<void> {
    await fs.rm(this.ownerFile(runId), { force: true });
  }

  /** The pid of another live process on this machine running `runId`, else null. */
  async ownerOf(runId: string): Promise<number | null> {
    try {
      const owner = JSON.parse(await fs.readFile(this.ownerFile(runId), 'utf8')) as {
        pid?: unknown;
        host?: unknown;
      };
      if (
        typeof owner.pid !== 'number' ||
        owner.pid === process.pid ||
        owner.host !== os.hostname()
      )
        return null;
      process.kill(owner.pid, 0);
      return owner.pid;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'EPERM' ? -1 : null;
    }
  }

  private ownerFile(runId: string): string {
    return path.join(this.dir, `${runId}.owner`);
  }

  /** Saves a run (the latest version wins if saves pile up). */
  save(run: BringUpRun): Promise<void> {
    this.pending.set(run.id, run);
    this.flushing = this.flushing.then(async () => {
      const latest = this.pending.get(run.id);
      if (!latest) return;
      this.pending.delete(run.id);
      await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
      await writeJsonAtomic(path.join(this.dir, `${latest.id}.json`), latest);
    });
    return this.flushing;
  }

  async remove(runId: string): Promise<void> {
    await fs.rm(path.join(this.dir, `${runId}.json`), { force: true });
    await this.release(runId);
    await this.inLogQueue(() =>
      fs.rm(path.join(this.dir, runId), { recursive: true, force: true }),
    );
  }

  /** Keeps the newest runs of a cluster, removes the rest; returns the ids removed. */
  async prune(runs: BringUpRun[]): Promise<string[]> {
    const sorted = [...runs].sort((a, b) => (b.startedAt ?? '').localeCompare(a.startedAt ?? ''));
    const drop = sorted.slice(MAX_RUNS_PER_CLUSTER).filter((r) => r.state !== 'running');
    for (const r of drop) await this.remove(r.id);
    return drop.map((r) => r.id);
  }

  private logFile(runId: string, nodeId: string, step: StepKind): string {
    return path.join(this.dir, runId, `${nodeId.replace(/[^A-Za-z0-9_-]/g, '_')}.${step}.log`);
  }

  /** Runs log appends and reads one at a time, in call order: offsets and tails stay exact. */
  private inLogQueue<T>(work: () => Promise<T>): Promise<T> {
    const done = this.logQueue.then(work);
    this.logQueue = done.then(
      () => undefined,
      () => undefined,
    );
    return done;
  }

  /** Appends lines to a step's log; resolves to the byte offset they start at (their `at`). */
  appendLog(runId: string, nodeId: string, step: StepKind, lines: string[]): Promise<number> {
    const file = this.logFile(runId, nodeId, step);
    return this.inLogQueue(async () => {
      // Measured on disk each time, so a restarted app's offsets go on from the last one's.
      const at = await fs.stat(file).then(
        (s) => s.size,
        () => 0,
      );
      await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
      await fs.appendFile(file, stepLogText(lines), { mode: 0o600 });
      return at;
    });
  }

  /** The last lines of a step's log (bounded; reads only the file's tail) and where it ends. */
  readLog(
    runId: string,
    nodeId: string,
    step: StepKind,
    maxLines = MAX_LOG_LINES,
  ): Promise<StepLogTail> {
    const file = this.logFile(runId, nodeId, step);
    return this.inLogQueue(async () => {
      let handle: fs.FileHandle;
      try {
        handle = await fs.open(file, 'r');
      } catch {
        return { lines: [], end: 0 };
      }
      try {
        const { size } = await handle.stat();
        const want = Math.min(size, 512 * 1024);
        const buf = Buffer.alloc(want);
        await handle.read(buf, 0, want, size - want);
        const lines = buf.toString('utf8').split('\n');
        if (lines.at(-1) === '') lines.pop();
        if (want < size) lines.shift(); // a partial first line
        return { lines: lines.slice(-maxLines), end: size };
      } finally {
        await handle.close();
      }
    });
  }
}

export function markInterrupted(run: BringUpRun, at: string): BringUpRun {
  return {
    ...run,
    state: 'failed',
    endedAt: at,
    nodes: run.nodes.map((n) => ({
      ...n,
      steps: n.steps.map((s) =>
        s.state === 'running'
          ? {
              ...s,
              state: 'failed' as const,
              endedAt: at,
              error: 'Raydeck stopped while this step ran.',
              hint: 'Retry: a step still running on the node is picked up where it is, not started again.',
            }
          : s,
      ),
    })),
  };
}
