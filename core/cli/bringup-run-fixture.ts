/**
 * Test helper: bring-up runs as the core reports them, built step by step, for the tests of
 * `raydeck cluster up|start` and of the transition lines (no cluster needed).
 */
import {
  RAY_VERSION,
  type BringUpRun,
  type BringUpStep,
  type StepKind,
  type StepState,
} from '../../shared';

const T0 = Date.parse('2025-01-01T10:00:00.000Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

function step(kind: StepKind): BringUpStep {
  return {
    kind,
    title: kind,
    state: 'pending',
    progress: null,
    detail: '',
    startedAt: null,
    endedAt: null,
    error: null,
    hint: null,
  };
}

/** A two-node run (node1 head, node2 worker), everything pending, state running. */
export function newRun(id = 'run-1', clusterId = 'c-1'): BringUpRun {
  return {
    id,
    clusterId,
    options: { source: { kind: 'pypi' }, withVllm: true },
    rayVersion: RAY_VERSION,
    state: 'running',
    startedAt: at(0),
    endedAt: null,
    verified: null,
    nodes: [
      {
        nodeId: 'n1',
        nodeName: 'node1',
        role: 'head',
        host: '203.0.113.10',
        numGpus: null,
        vllmBuild: null,
        steps: (['preflight', 'install', 'start-head', 'verify'] as const).map(step),
      },
      {
        nodeId: 'n2',
        nodeName: 'node2',
        role: 'worker',
        host: '203.0.113.11',
        numGpus: null,
        vllmBuild: null,
        steps: (['preflight', 'install', 'join'] as const).map(step),
      },
    ],
  };
}

/** A copy of `run` with one step moved to `state` (times in seconds after the start). */
export function withStep(
  run: BringUpRun,
  node: string,
  kind: StepKind,
  state: StepState,
  extra: { start?: number; end?: number; detail?: string; error?: string; hint?: string } = {},
): BringUpRun {
  const copy = structuredClone(run);
  const s = copy.nodes.find((n) => n.nodeName === node)!.steps.find((x) => x.kind === kind)!;
  s.state = state;
  if (extra.start !== undefined) s.startedAt = at(extra.start);
  if (extra.end !== undefined) s.endedAt = at(extra.end);
  if (extra.detail !== undefined) s.detail = extra.detail;
  if (extra.error !== undefined) s.error = extra.error;
  if (extra.hint !== undefined) s.hint = extra.hint;
  return copy;
}

/** A copy of `run` that ended in `state` (with what verify found, when it succeeded). */
export function ended(
  run: BringUpRun,
  state: 'succeeded' | 'failed' | 'cancelled',
  verified: BringUpRun['verified'] = null,
): BringUpRun {
  return { ...structuredClone(run), state, endedAt: at(120), verified };
}
