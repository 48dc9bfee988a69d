/** The pure run helpers: node states, head-first order, newest run, elapsed times, summary. */
import { describe, expect, it } from 'vitest';
import type { BringUpRun, BringUpStep, NodePlan, RayNodeStatus, StepState } from '../../../shared';
import {
  canRetryNode,
  everInstalled,
  formatElapsed,
  headFirst,
  newestRun,
  nodeState,
  rayNodeOrder,
  runProgress,
  upsertRun,
  verifiedSummary,
} from './run-format';

const step = (state: StepState, progress: number | null = null): BringUpStep => ({
  kind: 'install',
  title: 't',
  state,
  progress,
  detail: '',
  startedAt: null,
  endedAt: null,
  error: null,
  hint: null,
});
const node = (name: string, role: 'head' | 'worker', states: StepState[]): NodePlan => ({
  nodeId: name,
  nodeName: name,
  role,
  host: '',
  steps: states.map((s) => step(s)),
  numGpus: null,
  vllmBuild: null,
});
const run = (id: string, state: BringUpRun['state'], nodes: NodePlan[] = []): BringUpRun => ({
  id,
  clusterId: 'c',
  options: { source: { kind: 'pypi' }, withVllm: true },
  rayVersion: '2.60.0',
  state,
  nodes,
  startedAt: null,
  endedAt: null,
  verified: null,
});

describe('run-format', () => {
  it('knows whether anything was ever brought up: an install done or skipped, or Ray started (a Start has no install step)', () => {
    const plan = (steps: Partial<BringUpStep>[]): BringUpRun =>
      run('r', 'succeeded', [
        { ...node('a', 'head', []), steps: steps.map((p) => ({ ...step('pending'), ...p })) },
      ]);
    expect(everInstalled(undefined)).toBe(false);
    expect(
      everInstalled([
        plan([
          { kind: 'preflight', state: 'done' },
          { kind: 'install', state: 'failed' },
        ]),
      ]),
    ).toBe(false);
    expect(everInstalled([plan([{ kind: 'install', state: 'skipped' }])])).toBe(true);
    expect(
      everInstalled([
        plan([
          { kind: 'preflight', state: 'done' },
          { kind: 'start-head', state: 'done' },
          { kind: 'verify', state: 'done' },
        ]),
      ]),
    ).toBe(true);
    expect(everInstalled([plan([{ kind: 'start-head', state: 'failed' }])])).toBe(false);
  });

  it('derives a node state: failed wins, part-way is running only while the run runs', () => {
    expect(nodeState(node('a', 'worker', ['done', 'failed', 'pending']), false)).toBe('failed');
    expect(nodeState(node('a', 'worker', ['done', 'running', 'pending']), true)).toBe('running');
    expect(nodeState(node('a', 'worker', ['done', 'pending']), true)).toBe('running');
    expect(nodeState(node('a', 'worker', ['done', 'pending']), false)).toBe('pending');
    expect(nodeState(node('a', 'worker', ['done', 'cancelled']), false)).toBe('cancelled');
    expect(nodeState(node('a', 'worker', ['done', 'skipped']), false)).toBe('done');
  });

  it('offers a retry for failed or cancelled steps, not while a step of the node runs', () => {
    expect(canRetryNode(node('a', 'worker', ['done', 'failed']))).toBe(true);
    expect(canRetryNode(node('a', 'worker', ['cancelled']))).toBe(true);
    expect(canRetryNode(node('a', 'worker', ['failed', 'running']))).toBe(false);
    expect(canRetryNode(node('a', 'worker', ['done', 'done']))).toBe(false);
  });

  it('puts the head first and keeps the workers in order', () => {
    expect(
      headFirst([node('w1', 'worker', []), node('h', 'head', []), node('w2', 'worker', [])]).map(
        (n) => n.nodeName,
      ),
    ).toEqual(['h', 'w1', 'w2']);
  });

  it("orders Ray's node list: head, then live workers by name (node2 before node10), then dead ones", () => {
    const n = (name: string, isHead: boolean, alive: boolean): RayNodeStatus => ({
      nodeId: null,
      name,
      ip: `10.0.0.${name.slice(4)}`,
      rayNodeId: `r-${name}-${alive}`,
      alive,
      isHead,
      gpus: 2,
      cpus: 8,
    });
    const order = rayNodeOrder([
      n('node10', false, true),
      n('node3', false, false),
      n('node2', false, true),
      n('node1', true, true),
    ]);
    expect(order.map((x) => `${x.name}${x.alive ? '' : ' (dead)'}`)).toEqual([
      'node1',
      'node2',
      'node10',
      'node3 (dead)',
    ]);
  });

  it('picks the newest run that ran, skipping reviewed plans; upserts changed runs on top', () => {
    expect(newestRun([run('p', 'planned'), run('r2', 'running'), run('r1', 'failed')])?.id).toBe(
      'r2',
    );
    expect(newestRun([run('p', 'planned')])).toBeNull();
    expect(upsertRun([run('r1', 'failed')], run('r2', 'running')).map((r) => r.id)).toEqual([
      'r2',
      'r1',
    ]);
    expect(
      upsertRun([run('r2', 'running'), run('r1', 'failed')], run('r1', 'running')).map(
        (r) => `${r.id}:${r.state}`,
      ),
    ).toEqual(['r2:running', 'r1:running']);
  });

  it('formats elapsed times and the verified summary', () => {
    const t = Date.parse('2025-01-01T00:00:00Z');
    expect(formatElapsed(null, null, t)).toBeNull();
    expect(formatElapsed('2025-01-01T00:00:00Z', null, t + 7_400)).toBe('7s');
    expect(formatElapsed('2025-01-01T00:00:00Z', '2025-01-01T00:01:05Z', t + 999_999)).toBe(
      '1m 05s',
    );
    expect(formatElapsed('2025-01-01T00:00:00Z', null, t + 3_780_000)).toBe('1h 03m');
    expect(verifiedSummary({ nodes: 1, gpus: 1, rayVersion: '2.60.0' })).toBe(
      '1 node, 1 GPU, Ray 2.60.0 verified',
    );
    expect(verifiedSummary({ nodes: 3, gpus: 0, rayVersion: '2.60.0' })).toBe(
      '3 nodes, 0 GPUs, Ray 2.60.0 verified',
    );
  });

  it('counts a running step by its fraction in the overall progress', () => {
    const r = run('r', 'running', [
      {
        ...node('h', 'head', []),
        steps: [step('done'), step('running', 0.5), step('pending'), step('skipped')],
      },
    ]);
    expect(runProgress(r)).toBeCloseTo(2.5 / 4);
  });
});
