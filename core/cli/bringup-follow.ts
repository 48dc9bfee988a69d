/**
 * Following a bring-up run from the CLI: one line per step transition (`node2  install  done
 * (41.2 s)`), computed by comparing successive snapshots of the run, and the outcome at the end
 * (verified nodes and GPUs, or each failed step's error and hint). The run is read with
 * bringup.get every 500 ms, woken early by `bringup.changed`, so lines come out in order.
 */
import {
  StepKind,
  type BringUpRun,
  type BringUpStep,
  type NodePlan,
  type RaydeckClient,
} from '../../shared';
import { duration } from './output';
import { NEVER_STOPPED, pause, watchStop } from './wait';

export const isFinished = (run: BringUpRun) =>
  run.state === 'succeeded' || run.state === 'failed' || run.state === 'cancelled';

interface Widths {
  node: number;
  step: number;
  state: number;
}

function widths(run: BringUpRun): Widths {
  return {
    node: Math.max(4, ...run.nodes.map((n) => n.nodeName.length)),
    step: Math.max(...StepKind.options.map((k) => k.length)),
    state: 'cancelled'.length,
  };
}

function stepTime(step: BringUpStep): string | null {
  if (!step.startedAt || !step.endedAt) return null;
  const ms = Date.parse(step.endedAt) - Date.parse(step.startedAt);
  return Number.isFinite(ms) && ms >= 0 ? duration(ms) : null;
}

/** The line for one step that just reached its current state. */
export function stepLine(node: NodePlan, step: BringUpStep, w: Widths): string {
  const head = `${node.nodeName.padEnd(w.node)}  ${step.kind.padEnd(w.step)}  `;
  const time = stepTime(step);
  let tail: string;
  switch (step.state) {
    case 'done':
      tail = time ? `done  (${time})` : 'done';
      break;
    case 'skipped':
      tail = `skipped${step.detail ? `  (${step.detail})` : ''}`;
      break;
    case 'failed':
      tail = `failed${time ? `  (${time})` : ''}: ${step.error ?? (step.detail || 'no reason given')}`;
      break;
    case 'running':
      tail = `running${step.detail ? `  ${step.detail}` : ''}`;
      break;
    case 'cancelled':
    case 'pending':
      tail = step.state;
      break;
  }
  return (head + tail).trimEnd();
}

/** Lines for every step whose state differs between `before` (null: nothing seen yet) and `after`. */
export function stepTransitions(before: BringUpRun | null, after: BringUpRun): string[] {
  const w = widths(after);
  const lines: string[] = [];
  for (const node of after.nodes) {
    const old = before?.nodes.find((n) => n.nodeId === node.nodeId);
    for (const step of node.steps) {
      const was = old?.steps.find((s) => s.kind === step.kind)?.state ?? 'pending';
      if (step.state !== was) lines.push(stepLine(node, step, w));
    }
  }
  return lines;
}

/** What will run, before anything does. */
export function planLines(run: BringUpRun, clusterName: string): string[] {
  const source = run.options.source;
  const from =
    source.kind === 'pypi'
      ? 'PyPI'
      : source.kind === 'index'
        ? source.url
        : `wheelhouse ${source.dir}`;
  return [
    `Bringing up ${clusterName}: Ray ${run.rayVersion}${run.options.withVllm ? ' + vLLM' : ''} from ${from}`,
    ...run.nodes.map((n) => {
      const facts = [
        n.role,
        n.numGpus !== null ? `${n.numGpus} GPU${n.numGpus === 1 ? '' : 's'}` : null,
        n.vllmBuild,
      ]
        .filter(Boolean)
        .join(', ');
      return `  ${n.nodeName} (${facts}): ${n.steps.map((s) => s.kind).join(', ')}`;
    }),
  ];
}

/** The end of a run: lines for stdout, and the one-line reason when it did not succeed. */
export function outcome(
  run: BringUpRun,
  clusterName: string,
): { lines: string[]; reason: string | null } {
  if (run.state === 'succeeded') {
    const v = run.verified;
    return {
      lines: [
        v
          ? `${clusterName} is up: ${v.nodes} node${v.nodes === 1 ? '' : 's'}, ${v.gpus} GPU${v.gpus === 1 ? '' : 's'}, Ray ${v.rayVersion} (verified on the head)`
          : `${clusterName} is up (Ray ${run.rayVersion}; not verified)`,
      ],
      reason: null,
    };
  }
  const failed = run.nodes.flatMap((n) =>
    n.steps.filter((s) => s.state === 'failed').map((s) => ({ node: n.nodeName, step: s })),
  );
  const lines = failed.flatMap(({ node, step }) => [
    `${node} ${step.kind} failed: ${step.error ?? (step.detail || 'no reason given')}`,
    ...(step.hint ? [`  hint: ${step.hint}`] : []),
  ]);
  if (run.state === 'cancelled')
    return { lines, reason: `the bring-up of ${clusterName} was cancelled` };
  const first = failed[0];
  const reason = first
    ? `the bring-up of ${clusterName} failed: ${first.node} ${first.step.kind}: ${first.step.error ?? 'no reason given'}${failed.length > 1 ? ` (and ${failed.length - 1} more failed step${failed.length > 2 ? 's' : ''})` : ''}`
    : `the bring-up of ${clusterName} ended ${run.state}`;
  return { lines, reason };
}

export interface FollowOptions {
  stopped: Promise<void>;
  /** Receives each transition line (nothing is printed with --json). */
  onLine?: (line: string) => void;
  intervalMs?: number;
  timeoutMs?: number;
}

/**
 * Follows `run` until it has finished. Returns the last snapshot and, when it had not finished,
 * why the following stopped (Ctrl+C, or past the time bound); the caller cancels the run then.
 */
export async function followRun(
  client: RaydeckClient,
  run: BringUpRun,
  opts: FollowOptions,
): Promise<{ run: BringUpRun; stoppedBy: 'user' | 'timeout' | null }> {
  const interval = opts.intervalMs ?? 500;
  const deadline = Date.now() + (opts.timeoutMs ?? 4 * 3600_000);
  const stop = watchStop(opts.stopped);
  let last = run;
  for (const line of stepTransitions(null, run)) opts.onLine?.(line);
  while (!isFinished(last)) {
    if (Date.now() > deadline) return { run: last, stoppedBy: 'timeout' };
    const why = await pause(interval, stop, (resume) =>
      client.subscribe('bringup.changed', (p) => p.id === run.id && resume()),
    );
    if (why === 'stopped') return { run: last, stoppedBy: 'user' };
    const next = await client.call('bringup.get', { runId: run.id });
    for (const line of stepTransitions(last, next)) opts.onLine?.(line);
    last = next;
  }
  return { run: last, stoppedBy: null };
}

/** After Ctrl+C: cancel the run and wait (bounded) until its steps have stopped on the nodes. */
export async function cancelRun(
  client: RaydeckClient,
  runId: string,
  onLine?: (line: string) => void,
  timeoutMs = 30_000,
): Promise<BringUpRun> {
  let before = await client.call('bringup.get', { runId });
  let run = await client.call('bringup.cancel', { runId });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const line of stepTransitions(before, run)) onLine?.(line);
    before = run;
    if (isFinished(run) || Date.now() > deadline) return run;
    await pause(250, NEVER_STOPPED);
    run = await client.call('bringup.get', { runId });
  }
}
