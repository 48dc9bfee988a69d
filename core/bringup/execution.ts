/**
 * One execution of a run: what its node tasks share while they run — the abort controller
 * (cancel, or detach when the app closes), the head's start as two one-shot promises the
 * workers wait on, the workers' joint end the head's verify waits for, and `done`, which
 * settles when the execution has stopped (what `BringUpService.settled` waits on, no polling).
 */
import type { BringUpRun, NodePlan } from '../../shared';

/** The head's Ray address and auth token, as workers join it. */
export interface HeadInfo {
  address: string;
  token: string;
}

/** A promise with its resolve function held beside it. */
export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve: (value: T) => void = () => {};
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * Shared by the node tasks of one execution: the head's start and the workers' joins. `launch`
 * settles when the head's `ray start` is about to run (its token is known), `head` when it ran:
 * workers join from `launch` on (their `ray start` waits for the head's GCS), and a join still
 * running when `head` settles null (the head failed) is cancelled.
 */
export class Execution {
  readonly abort = new AbortController();
  private readonly headStarted = deferred<HeadInfo | null>();
  private readonly launched = deferred<HeadInfo | null>();
  private readonly stopped = deferred<void>();
  readonly head = this.headStarted.promise;
  readonly launch = this.launched.promise;
  /** Settles once this execution has stopped (its run's final state is recorded). */
  readonly done = this.stopped.promise;
  private headSettled = false;
  /** The head's start (or an earlier step of the head) failed. */
  headFailed = false;
  /** Settles when every worker's task has ended (the head's verify waits for it). */
  workersDone: Promise<unknown> = Promise.resolve();

  settleLaunch(h: HeadInfo | null): void {
    this.launched.resolve(h); // a promise settles once: later calls change nothing
  }

  settleHead(h: HeadInfo | null): void {
    if (this.headSettled) return;
    this.headSettled = true;
    this.headFailed = h === null;
    this.launched.resolve(h);
    this.headStarted.resolve(h);
  }

  finish(): void {
    this.stopped.resolve();
  }
}

/** A run's node plan by id; a missing one is a bug of the caller (runs never lose nodes). */
export function nodeOf(run: BringUpRun, nodeId: string): NodePlan {
  const node = run.nodes.find((n) => n.nodeId === nodeId);
  if (!node) throw new Error(`internal: node ${nodeId} is not part of run ${run.id}`);
  return node;
}

/** A run's head (every plan has exactly one: planBringUp refuses a cluster without). */
export function headOf(run: BringUpRun): NodePlan {
  const head = run.nodes.find((n) => n.role === 'head');
  if (!head) throw new Error(`internal: run ${run.id} has no head`);
  return head;
}
