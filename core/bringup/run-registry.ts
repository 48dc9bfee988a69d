/**
 * The bring-up runs this process knows, in memory over the RunStore: loaded once from disk
 * (interrupted runs marked failed and saved so), every change published as `bringup.changed`
 * and saved, and the runs another live Raydeck process owns (its pid) — read again from disk on
 * each access, never driven here. Once detached (the app closes) it records nothing more, so
 * the runs on disk stay as they were for the next start.
 */
import { RaydeckError, type BringUpRun } from '../../shared';
import type { EventBus } from '../api/event-bus';
import type { RunStore } from './run-store';

export class RunRegistry {
  private readonly runs = new Map<string, BringUpRun>();
  /** Runs that another live Raydeck process is running (its pid). */
  private readonly foreign = new Map<string, number>();
  private loaded: Promise<void> | null = null;
  private detached = false;
  /** The latest save: settles once every change recorded so far is on disk. */
  private saving: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: RunStore,
    private readonly bus: EventBus,
    private readonly now: () => Date,
    /** Whether this process is running the run now (its runs are never foreign). */
    private readonly runsHere: (runId: string) => boolean,
  ) {}

  /** Loads the stored runs once, and re-reads the runs other processes own. */
  async load(): Promise<void> {
    this.loaded ??= this.store.loadAll(this.now).then(async (runs) => {
      for (const r of runs) if (!this.runs.has(r.id)) this.runs.set(r.id, r);
      for (const r of runs) if (r.state === 'failed') void this.store.save(r);
      for (const r of runs) {
        const owner =
          r.state === 'running' && !this.runsHere(r.id) ? await this.store.ownerOf(r.id) : null;
        if (owner !== null) this.foreign.set(r.id, owner);
      }
    });
    await this.loaded;
    // Another process's runs move on without us: read them again.
    for (const id of this.foreign.keys()) {
      const run = await this.store.load(id, this.now);
      if (run) this.runs.set(id, run);
      if (!run || run.state !== 'running') this.foreign.delete(id);
    }
  }

  /** The run, or undefined (call `load` first). */
  find(runId: string): BringUpRun | undefined {
    return this.runs.get(runId);
  }

  /** The run, or the not_found error a client reads (call `load` first). */
  get(runId: string): BringUpRun {
    const run = this.runs.get(runId);
    if (!run)
      throw new RaydeckError({ code: 'not_found', message: `No bring-up run with id ${runId}.` });
    return run;
  }

  ofCluster(clusterId: string): BringUpRun[] {
    return [...this.runs.values()].filter((r) => r.clusterId === clusterId);
  }

  /** The pid of the other process running `runId`, if one does. */
  ownerOf(runId: string): number | undefined {
    return this.foreign.get(runId);
  }

  refuseForeign(runId: string, what: string): void {
    const pid = this.foreign.get(runId);
    if (pid !== undefined)
      throw new RaydeckError({
        code: 'conflict',
        message: `This run belongs to another Raydeck process (pid ${pid}: the app or a raydeck command): ${what} it there, or wait until it ends.`,
      });
  }

  /** Records a new version of a run: kept, published, saved. */
  put(run: BringUpRun): void {
    if (this.detached) return;
    this.runs.set(run.id, run);
    this.bus.emit('bringup.changed', run);
    this.saving = this.store.save(run).catch(() => {});
  }

  /** Settles once every change recorded so far is on disk (or failed to be written). */
  saved(): Promise<void> {
    return this.saving;
  }

  update(runId: string, change: (run: BringUpRun) => BringUpRun): void {
    const run = this.runs.get(runId);
    if (run) this.put(change(run));
  }

  /** Keeps the newest runs of a cluster on disk and here; the rest go. */
  prune(clusterId: string): void {
    void this.store
      .prune(this.ofCluster(clusterId))
      .then((gone) => gone.forEach((id) => this.runs.delete(id)));
  }

  /** The app is closing: record nothing more. */
  detach(): void {
    this.detached = true;
  }

  get isDetached(): boolean {
    return this.detached;
  }
}
