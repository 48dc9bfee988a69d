/** Which inventory workers a running cluster lacks: not the head or jump hosts, not live Ray nodes. */
import { describe, expect, it } from 'vitest';
import type { ClusterNode, ClusterStatus, RayNodeStatus } from '../../../shared';
import { workersToAdd } from './cluster-workers';

const node = (id: string, role: ClusterNode['role']): ClusterNode => ({
  id,
  clusterId: 'c',
  name: id,
  host: `10.0.0.${id.length}`,
  port: 22,
  user: 'root',
  auth: { kind: 'agent' },
  jumpNodeId: null,
  role,
  hasSecret: false,
  vouchedFingerprints: [],
  createdAt: '2025-01-01T00:00:00.000Z',
});
const ray = (nodeId: string | null, alive: boolean, isHead = false): RayNodeStatus => ({
  nodeId,
  name: nodeId ?? 'unknown',
  ip: '10.0.0.9',
  rayNodeId: `r-${nodeId}-${alive}`,
  alive,
  isHead,
  gpus: 0,
  cpus: 1,
});
const status = (nodes: RayNodeStatus[]): ClusterStatus => ({
  clusterId: 'c',
  state: 'running',
  detail: '',
  dashboardReachable: true,
  rayVersion: '2.60.0',
  nodes,
  aliveNodes: 0,
  gpus: 0,
  downNodes: [],
});

describe('workersToAdd', () => {
  it('lists workers with no live Ray node, saying whether Ray lists them dead or not at all', () => {
    const nodes = [
      node('head', 'head'),
      node('w-alive', 'worker'),
      node('w-dead', 'worker'),
      node('w-new', 'worker'),
      node('jump', 'jump'),
    ];
    const found = workersToAdd(
      nodes,
      status([
        ray('head', true, true),
        ray('w-alive', true),
        ray('w-dead', false),
        ray(null, true),
      ]),
    );
    expect(found.map((w) => [w.node.id, w.ray])).toEqual([
      ['w-dead', 'dead'],
      ['w-new', 'absent'],
    ]);
  });

  it('counts a worker alive when Ray lists it dead once and alive again (a restart)', () => {
    expect(workersToAdd([node('w', 'worker')], status([ray('w', false), ray('w', true)]))).toEqual(
      [],
    );
  });
});
