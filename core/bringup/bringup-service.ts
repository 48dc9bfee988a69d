/**
 * The bring-up API's door: plan, start, retry, cancel, list, logs, settled, dispose. It keeps
 * one Execution per run it is running and wires the parts that do the work: the run registry
 * (runs in memory over the store, published as `bringup.changed`; runs of other processes),
 * the step log batcher (`bringup.log`), the coordinator (head first, workers join while it
 * starts, verify last) and the per-step dispatch. Runs survive a reload (events +
 * `bringup.list`) and a restart (store); closing the app detaches from the jobs on the nodes.
 */
import type { BringUpOptions, BringUpRun, StepKind, StepLogTail } from '../../shared';
import { RaydeckError } from '../../shared';
import { redactIndexUrl } from '../../shared/domain/package-source';
import type { EventBus } from '../api/event-bus';
import type { NodeInventory } from '../inventory/node-inventory';
import type { NodeAccess } from '../nodes/node-access';
import { Execution } from './execution';
import { StepLogBatcher } from './log-batcher';
import { planBringUp } from './plan';
import { DETACH_REASON } from './remote-job';
import { runExecution } from './run-coordinator';
import { RunRegistry } from './run-registry';
import { resetForRetry } from './run-state';
import type { RunStore } from './run-store';
import { runStep, type StepRunner } from './step-dispatch';

export interface BringUpDeps {
  nodes: NodeInventory;
  access: NodeAccess;
  bus: EventBus;
  store: RunStore;
  now?: () => Date;
  /** What runs one step (default: the real steps on the node); tests stand in for some. */
  runStep?: StepRunner;
}

/** The options as a run records and shows them: an index URL's password redacted. */
function recordedOptions(options: BringUpOptions): BringUpOptions {
  return options.source.kind === 'index'
    ? { ...options, source: { ...options.source, url: redactIndexUrl(options.source.url) } }
    : options;
}

export class BringUpService {
  private readonly registry: RunRegistry;
  private readonly stepLogs: StepLogBatcher;
  /** Index URLs with credentials, by run id: kept in memory only, never in a run record. */
  private readonly indexUrls = new Map<string, string>();
  private readonly executions = new Map<string, Execution>();
  /** Executions that stopped and are writing their end (what `settled` still waits for). */
  private readonly ending = new Map<string, Execution>();
  private readonly now: () => Date;

  constructor(private readonly deps: BringUpDeps) {
    this.now = deps.now ?? (() => new Date());
    this.registry = new RunRegistry(deps.store, deps.bus, this.now, (id) =>
      this.executions.has(id),
    );
    this.stepLogs = new StepLogBatcher(deps.store, deps.bus);
  }

  async plan(clusterId: string, options: BringUpOptions): Promise<BringUpRun> {
    return planBringUp(clusterId, await this.deps.nodes.list(clusterId), recordedOptions(options));
  }

  async start(clusterId: string, options: BringUpOptions): Promise<BringUpRun> {
    await this.registry.load();
    const busy = this.registry.ofCluster(clusterId).find((r) => r.state === 'running');
    const owner = busy && this.registry.ownerOf(busy.id);
    if (owner !== undefined) {
      throw new RaydeckError({
        code: 'conflict',
        message: `A bring-up of this cluster is already running in another Raydeck process (pid ${owner}: the app or a raydeck command): wait for it, or cancel it there.`,
      });
    }
    if (busy)
      throw new RaydeckError({
        code: 'conflict',
        message: 'A bring-up of this cluster is already running: wait for it, or cancel it first.',
      });
    const run = {
      ...(await this.plan(clusterId, options)),
      state: 'running' as const,
      startedAt: this.now().toISOString(),
    };
    // The run record (saved, sent to every client) shows the index URL without its password;
    // the full URL lives only in this process, for this run's installs (issue 16).
    if (
      options.source.kind === 'index' &&
      run.options.source.kind === 'index' &&
      run.options.source.url !== options.source.url
    ) {
      this.indexUrls.set(run.id, options.source.url);
    }
    await this.deps.store.claim(run.id); // before it shows as running: another process must not take it for interrupted
    this.registry.put(run);
    this.registry.prune(clusterId);
    this.execute(run.id);
    return run;
  }

  async get(runId: string): Promise<BringUpRun> {
    await this.registry.load();
    return this.registry.get(runId);
  }

  async list(clusterId: string): Promise<BringUpRun[]> {
    await this.registry.load();
    return this.registry
      .ofCluster(clusterId)
      .sort((a, b) => (b.startedAt ?? '').localeCompare(a.startedAt ?? ''))
      .slice(0, 20);
  }

  async logs(runId: string, nodeId: string, step: StepKind): Promise<StepLogTail> {
    await this.get(runId);
    void this.stepLogs.flush();
    return this.deps.store.readLog(runId, nodeId, step);
  }

  async retry(runId: string, nodeId?: string): Promise<BringUpRun> {
    const run = await this.get(runId);
    if (this.executions.has(runId))
      throw new RaydeckError({
        code: 'conflict',
        message: 'This run is still going; retry once it has stopped.',
      });
    this.registry.refuseForeign(runId, 'retry');
    if (nodeId && !run.nodes.some((n) => n.nodeId === nodeId))
      throw new RaydeckError({
        code: 'not_found',
        message: `Node ${nodeId} is not part of this run.`,
      });
    if (run.state === 'succeeded' && !nodeId) return run;
    await this.deps.store.claim(runId);
    this.registry.put(resetForRetry(run, nodeId));
    this.execute(runId);
    return this.registry.get(runId);
  }

  async cancel(runId: string): Promise<BringUpRun> {
    const run = await this.get(runId);
    this.registry.refuseForeign(runId, 'cancel');
    this.executions.get(runId)?.abort.abort();
    return run;
  }

  /** Waits for a run to stop (tests, CLI): resolves when its execution (and any retry started meanwhile) has ended. */
  async settled(runId: string): Promise<BringUpRun> {
    let exec = this.executions.get(runId) ?? this.ending.get(runId);
    while (exec) {
      await exec.done;
      const next = this.executions.get(runId); // a retry started meanwhile
      exec = next !== exec ? next : undefined;
    }
    return this.get(runId);
  }

  /**
   * The app is closing: stop following, but leave the steps running on their nodes (detached
   * jobs) and the runs on disk as they are — the next start shows them interrupted, and a retry
   * re-attaches to what still runs instead of starting it again.
   */
  dispose(): void {
    this.stepLogs.stop();
    this.registry.detach();
    for (const e of this.executions.values()) e.abort.abort(DETACH_REASON);
  }

  private execute(runId: string): void {
    const exec = new Execution();
    this.executions.set(runId, exec);
    const deps = {
      nodes: this.deps.nodes,
      access: this.deps.access,
      now: this.now,
      runStep: this.deps.runStep ?? runStep,
      run: (id: string) => this.registry.get(id),
      update: (id: string, change: (run: BringUpRun) => BringUpRun) =>
        this.registry.update(id, change),
      log: (id: string, nodeId: string, step: StepKind, line: string) =>
        this.stepLogs.log(id, nodeId, step, line),
      indexUrl: (id: string) => this.indexUrls.get(id),
    };
    void runExecution(deps, runId, exec).finally(async () => {
      this.executions.delete(runId);
      this.ending.set(runId, exec);
      const written = [this.stepLogs.flush(), this.registry.saved()];
      if (!this.registry.isDetached) written.push(this.deps.store.release(runId));
      // `settled` resolves once the run's end is on disk, its logs written and sent.
      await Promise.allSettled(written);
      if (this.ending.get(runId) === exec) this.ending.delete(runId);
      exec.finish();
    });
  }
}
