import { describe, expect, it } from 'vitest';
import type { BringUpRun } from '../../shared';
import { fromBringUp } from './cluster-gpus';

const run = (gpus: (number | null)[]): BringUpRun =>
  ({
    nodes: gpus.map((numGpus, i) => ({ nodeName: `node${i + 1}`, numGpus })),
  }) as unknown as BringUpRun;

describe('fromBringUp (GPU facts without a preflight)', () => {
  it("takes the newest run that found GPUs: each node's count, memory unknown", () => {
    expect(fromBringUp([run([null, null]), run([2, 0]), run([8, 8])])).toEqual([
      { name: 'node1', gpus: 2, gpuMemoryMiB: null },
      { name: 'node2', gpus: 0, gpuMemoryMiB: null },
    ]);
  });
  it('knows nothing without a run that reached preflight', () => {
    expect(fromBringUp([])).toBeNull();
    expect(fromBringUp([run([null])])).toBeNull();
  });
});
