/** The GPUs a replica's placement group asked Ray for, however Ray's actor list names them. */
import { describe, expect, it } from 'vitest';
import { ReplicaPlacement, actorGpus } from './replica-placement';

const PG = '8b5e3f1c0a2d4e6f7a8b9c0d1e2f3a4b';

describe('actorGpus', () => {
  it('reads GPU, or the placement-group names once (a pinned bundle, else the wildcard)', () => {
    expect(actorGpus({ CPU: 1, GPU: 1 })).toBe(1);
    expect(actorGpus({ [`GPU_group_0_${PG}`]: 1, [`GPU_group_${PG}`]: 1, CPU: 0 })).toBe(1);
    expect(actorGpus({ [`GPU_group_${PG}`]: 2 })).toBe(2);
    expect(actorGpus({ [`CPU_group_0_${PG}`]: 1 })).toBe(0);
    expect(actorGpus(null)).toBe(0);
  });
});

describe('ReplicaPlacement', () => {
  it("counts the GPUs of the replica's group and lists its other actors as workers", () => {
    const p = new ReplicaPlacement([
      {
        actor_id: 'r',
        state: 'ALIVE',
        node_id: 'n1',
        pid: 100,
        placement_group_id: PG,
        required_resources: { CPU: 1 },
      },
      {
        actor_id: 'w',
        state: 'ALIVE',
        node_id: 'n1',
        pid: 200,
        placement_group_id: PG,
        required_resources: { [`GPU_group_0_${PG}`]: 1, [`GPU_group_${PG}`]: 1 },
      },
      {
        actor_id: 'x',
        state: 'ALIVE',
        node_id: 'n1',
        pid: 300,
        placement_group_id: null,
        required_resources: { GPU: 1 },
      },
    ]);
    expect(p.groupGpus('n1', 100)).toBe(1);
    expect(p.workersOf('n1', 100).map((a) => a.actor_id)).toEqual(['w']);
    expect(p.groupGpus('n1', 300)).toBe(0);
  });
});
