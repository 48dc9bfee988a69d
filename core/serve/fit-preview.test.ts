/** Fit preview: where new replicas land (spread over free GPUs) and why the rest stay pending. */
import { describe, expect, it } from 'vitest';
import { fitPreview, fitWarnings, type FitClusterNode } from './fit-preview';

const node = (id: string, gpus: number, cpus = 8, alive = true): FitClusterNode => ({
  nodeId: id,
  rayNodeId: `ray-${id}`,
  nodeIp: `10.0.0.${id.slice(-1)}`,
  gpuTotal: gpus,
  cpuTotal: cpus,
  alive,
});
const on = (id: string, gpu: number, cpu = 1) => ({
  rayNodeId: `ray-${id}`,
  nodeIp: null,
  resources: { GPU: gpu, CPU: cpu },
});

describe('fit preview', () => {
  it('spreads new GPU replicas over the nodes with free GPUs, then leaves the rest pending with the reason', () => {
    const p = fitPreview({
      nodes: [node('n1', 2), node('n2', 2), node('n3', 2, 8, false)],
      placed: [on('n1', 1), on('n1', 1), on('n2', 1)],
      perReplica: { GPU: 1, CPU: 1 },
      currentReplicas: 3,
      nextReplicas: 5,
    });
    expect(p.nodes.map((n) => [n.nodeId, n.gpuFree])).toEqual([
      ['n1', 0],
      ['n2', 1],
    ]);
    expect(p.placements.map((x) => [x.replica, x.nodeId, x.pending])).toEqual([
      [1, 'n2', false],
      [2, null, true],
    ]);
    expect(p.placements[1]!.reason).toBe(
      'needs 1 GPU + 1 CPU; the most free on one node is 0 GPU (10.0.0.1)',
    );
    expect(fitWarnings(p, 'llm/LLMServer')[0]).toMatch(
      /^1 of 2 new replicas of llm\/LLMServer would stay pending: needs 1 GPU/,
    );
  });

  it('says when no node has enough GPUs for one replica at all', () => {
    const p = fitPreview({
      nodes: [node('n1', 2), node('n2', 2)],
      placed: [],
      perReplica: { GPU: 4 },
      currentReplicas: 0,
      nextReplicas: 1,
    });
    expect(p.placements[0]!.reason).toMatch(/no node has 4 GPUs at all \(cluster: 4\)/);
  });

  it('fractional GPUs pack several replicas on one GPU; scaling down places nothing', () => {
    const p = fitPreview({
      nodes: [node('n1', 1)],
      placed: [],
      perReplica: { GPU: 0.5, CPU: 1 },
      currentReplicas: 0,
      nextReplicas: 3,
    });
    expect(p.placements.map((x) => x.pending)).toEqual([false, false, true]);
    expect(
      fitPreview({
        nodes: [node('n1', 1)],
        placed: [],
        perReplica: { GPU: 1 },
        currentReplicas: 3,
        nextReplicas: 1,
      }).placements,
    ).toEqual([]);
  });

  it('for autoscaling: how many of max fit, with a warning', () => {
    const p = fitPreview({
      nodes: [node('n1', 2)],
      placed: [on('n1', 1)],
      perReplica: { GPU: 1 },
      currentReplicas: 1,
      nextReplicas: 1,
      maxReplicas: 4,
    });
    expect(p.maxThatFit).toBe(2);
    expect(fitWarnings(p, 'a/b', 4)).toEqual([
      "Autoscaling up to 4 replicas of a/b: only 2 fit the cluster's free resources now; the rest would stay pending.",
    ]);
  });
});
