import { describe, expect, it } from 'vitest';
import type { ClusterNode } from '../../shared';
import { planBringUp } from './plan';

const node = (id: string, role: ClusterNode['role']): ClusterNode => ({
  id,
  clusterId: 'c',
  name: id,
  host: `${id}.lab`,
  port: 22,
  user: 'u',
  auth: { kind: 'agent' },
  jumpNodeId: null,
  role,
  hasSecret: false,
  vouchedFingerprints: [],
  createdAt: '',
});

describe('planBringUp', () => {
  it('puts the head first, gives workers a join step, verifies on the head, skips jump hosts', () => {
    const plan = planBringUp(
      'c',
      [node('w1', 'worker'), node('bastion', 'jump'), node('h', 'head'), node('w2', 'worker')],
      { source: { kind: 'pypi' }, withVllm: false },
    );
    expect(
      plan.nodes.map((n) => [n.nodeName, n.role, n.steps.map((s) => s.kind).join(',')]),
    ).toEqual([
      ['h', 'head', 'preflight,install,start-head,verify'],
      ['w1', 'worker', 'preflight,install,join'],
      ['w2', 'worker', 'preflight,install,join'],
    ]);
    expect(plan.state).toBe('planned');
    expect(plan.nodes.every((n) => n.steps.every((s) => s.state === 'pending'))).toBe(true);
  });

  it('day 2 Start (startOnly) plans no install step anywhere', () => {
    const plan = planBringUp('c', [node('w1', 'worker'), node('h', 'head')], {
      source: { kind: 'pypi' },
      withVllm: true,
      startOnly: true,
    });
    expect(plan.nodes.map((n) => n.steps.map((s) => s.kind).join(','))).toEqual([
      'preflight,start-head,verify',
      'preflight,join',
    ]);
  });

  it('refuses vLLM nodes that are not Ray nodes of the cluster, and an empty choice', () => {
    const nodes = [node('h', 'head'), node('w1', 'worker'), node('bastion', 'jump')];
    const plan = (vllmNodeIds: string[]) =>
      planBringUp('c', nodes, { source: { kind: 'pypi' }, withVllm: true, vllmNodeIds });
    expect(plan(['w1']).options.vllmNodeIds).toEqual(['w1']);
    expect(() => plan(['bastion'])).toThrow(/vLLM nodes: not a Ray node of this cluster: bastion/);
    expect(() => plan([])).toThrow(/choose at least one node for vLLM/);
    // With vLLM off, the list does not matter.
    expect(() =>
      planBringUp('c', nodes, { source: { kind: 'pypi' }, withVllm: false, vllmNodeIds: [] }),
    ).not.toThrow();
  });

  it('refuses a cluster without exactly one head', () => {
    expect(() =>
      planBringUp('c', [node('w', 'worker')], { source: { kind: 'pypi' }, withVllm: true }),
    ).toThrow(/no head node/);
  });
});
