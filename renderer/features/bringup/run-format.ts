/**
 * Pure helpers over bring-up runs for the UI: head-first node order (plans and Ray's own node
 * list), a node's overall state,
 * overall progress, elapsed times, and the words for sources and the verified summary.
 */
import type {
  BringUpRun,
  ClusterStatus,
  NodePlan,
  PackageSource,
  RayNodeStatus,
  StepState,
} from '../../../shared';

/** The head first, then the workers in the order the core planned them. */
export function headFirst(nodes: readonly NodePlan[]): NodePlan[] {
  return [...nodes.filter((n) => n.role === 'head'), ...nodes.filter((n) => n.role !== 'head')];
}

/** Ray's nodes as a person scans them: the head, then live before dead, then by name (node2 before node10). */
export function rayNodeOrder(nodes: readonly RayNodeStatus[]): RayNodeStatus[] {
  const rank = (n: RayNodeStatus) => (n.isHead ? 0 : n.alive ? 1 : 2);
  return [...nodes].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      a.name.localeCompare(b.name, undefined, { numeric: true }) ||
      a.ip.localeCompare(b.ip),
  );
}

export function isFinished(run: BringUpRun): boolean {
  return run.state === 'succeeded' || run.state === 'failed' || run.state === 'cancelled';
}

/** The run the page shows: the newest one that ran or runs (plans only reviewed are skipped). */
export function newestRun(runs: readonly BringUpRun[] | undefined): BringUpRun | null {
  return runs?.find((r) => r.state !== 'planned') ?? null;
}

/** Puts a changed run into a newest-first list (new runs go on top). */
export function upsertRun(list: readonly BringUpRun[], run: BringUpRun): BringUpRun[] {
  const i = list.findIndex((r) => r.id === run.id);
  if (i < 0) return [run, ...list];
  const next = list.slice();
  next[i] = run;
  return next;
}

/**
 * One word for a node: failed wins, then running, cancelled, done (all done or skipped). A node
 * part-way through (some steps done, the rest pending) is running while its run runs.
 */
export function nodeState(node: NodePlan, runRunning: boolean): StepState {
  const states = node.steps.map((s) => s.state);
  if (states.includes('failed')) return 'failed';
  if (states.includes('running')) return 'running';
  if (states.includes('cancelled')) return 'cancelled';
  if (states.length > 0 && states.every((s) => s === 'done' || s === 'skipped')) return 'done';
  if (runRunning && states.some((s) => s === 'done' || s === 'skipped')) return 'running';
  return 'pending';
}

/** Whether a node has something a retry would run again, and nothing of it runs now. */
export function canRetryNode(node: NodePlan): boolean {
  return (
    node.steps.some((s) => s.state === 'failed' || s.state === 'cancelled') &&
    !node.steps.some((s) => s.state === 'running')
  );
}

/** 0..1 over every step: finished steps count 1, a running step its own fraction. */
export function runProgress(run: BringUpRun): number {
  const steps = run.nodes.flatMap((n) => n.steps);
  if (steps.length === 0) return 1;
  const sum = steps.reduce(
    (acc, s) =>
      acc +
      (s.state === 'done' || s.state === 'skipped' || s.state === 'failed'
        ? 1
        : s.state === 'running'
          ? (s.progress ?? 0)
          : 0),
    0,
  );
  return sum / steps.length;
}

/** "7s", "1m 05s", "2h 03m"; null before the thing started. */
export function formatElapsed(
  startedAt: string | null,
  endedAt: string | null,
  now: number,
): string | null {
  if (!startedAt) return null;
  const start = Date.parse(startedAt);
  const end = endedAt ? Date.parse(endedAt) : now;
  if (Number.isNaN(start) || Number.isNaN(end)) return null;
  const s = Math.max(0, Math.floor((end - start) / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** "2 nodes, 4 GPUs, Ray 2.60.0 verified". */
export function verifiedSummary(verified: NonNullable<BringUpRun['verified']>): string {
  return `${plural(verified.nodes, 'node', 'nodes')}, ${plural(verified.gpus, 'GPU', 'GPUs')}, Ray ${verified.rayVersion} verified`;
}

export function sourceText(source: PackageSource): string {
  switch (source.kind) {
    case 'pypi':
      return 'PyPI';
    case 'index':
      return `the index ${source.url}`;
    case 'wheelhouse':
      return `the wheelhouse ${source.dir} (copied to each node)`;
  }
}

export const CLUSTER_STATE_TEXT: Record<ClusterStatus['state'], string> = {
  running: 'running',
  degraded: 'degraded',
  stopped: 'stopped',
  unreachable: 'unreachable',
  'no-head': 'no head',
};

export { plural };

/**
 * Whether anything was ever installed on the cluster by a run we know of: some node's install
 * step finished (done, or skipped because it was there), or Ray started on some node (a Start's
 * runs have no install step). Before that, Start has nothing to start.
 */
export function everInstalled(runs: readonly BringUpRun[] | undefined): boolean {
  const finished = (s: { kind: string; state: string }) =>
    (s.kind === 'install' && (s.state === 'done' || s.state === 'skipped')) ||
    ((s.kind === 'start-head' || s.kind === 'join') && s.state === 'done');
  return (runs ?? []).some((r) => r.nodes.some((n) => n.steps.some(finished)));
}

/** The newest run that ended verified, if any. */
export function lastVerifiedRun(runs: readonly BringUpRun[] | undefined): BringUpRun | null {
  return runs?.find((r) => r.state === 'succeeded' && r.verified) ?? null;
}
