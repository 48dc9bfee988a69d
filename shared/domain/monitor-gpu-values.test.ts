/**
 * The client's side of GPU values in a delta: each row sets its GPU's values (null stays "no
 * value") and `at`; GPUs without a row and lists without rows keep their identity; rows of GPUs
 * the list lacks are skipped; a reordered list is still found by key.
 */
import { describe, expect, it } from 'vitest';
import type { GpuSample, GpuValues } from './monitor';
import { applyGpuValues } from './monitor-gpu-values';

const gpu = (nodeId: string, index: number, over: Partial<GpuSample> = {}): GpuSample => ({
  key: `${nodeId}/${index}`,
  nodeId,
  index,
  uuid: `GPU-${nodeId}-${index}`,
  name: 'NVIDIA A10G',
  utilizationPct: 50,
  memoryUsedMiB: 1000,
  memoryTotalMiB: 24000,
  temperatureC: 40,
  powerW: 100,
  at: 1000,
  stale: false,
  lost: false,
  hot: false,
  xid: null,
  processes: [],
  ...over,
});

const rows = (...r: [string, number, (number | null)[]][]): GpuValues => ({
  keys: r.map((x) => x[0]),
  at: r.map((x) => x[1]),
  util: r.map((x) => x[2][0]!),
  memUsed: r.map((x) => x[2][1]!),
  temp: r.map((x) => x[2][2]!),
  power: r.map((x) => x[2][3]!),
});

describe('applyGpuValues', () => {
  it('sets the values and at of the GPUs with a row; null stays no value; the rest keep identity', () => {
    const list = [gpu('n1', 0), gpu('n1', 1), gpu('n/2', 0)];
    const next = applyGpuValues(
      list,
      rows(['n1/1', 3000, [20, 2000, null, 300.5]], ['n9/0', 3000, [1, 1, 1, 1]]),
    );
    expect(next).not.toBe(list);
    expect(next[0]).toBe(list[0]);
    expect(next[2]).toBe(list[2]);
    expect(next[1]).toEqual({
      ...list[1],
      at: 3000,
      utilizationPct: 20,
      memoryUsedMiB: 2000,
      temperatureC: null,
      powerW: 300.5,
    });
    expect(list[1]!.utilizationPct).toBe(50); // the old list is not touched
  });

  it('returns the same list without rows, and finds GPUs after a reorder', () => {
    const list = [gpu('n1', 0), gpu('n1', 1)];
    expect(applyGpuValues(list, undefined)).toBe(list);
    expect(applyGpuValues(list, rows())).toBe(list);
    applyGpuValues(list, rows(['n1/0', 5000, [1, 2, 41, 4]]));
    const reordered = [list[1]!, list[0]!];
    const next = applyGpuValues(reordered, rows(['n1/0', 6000, [1, 2, 42, 4]]));
    expect(next.map((g) => [g.key, g.temperatureC])).toEqual([
      ['n1/1', 40],
      ['n1/0', 42],
    ]);
  });
});
