/**
 * The client's side of GPU values in a delta: GPU series keys read back (any node id, nothing
 * else taken for one), each GPU's value set from its series' last point, `at` from the newest,
 * lost GPUs and other series left alone, unchanged GPUs and lists kept by identity.
 */
import { describe, expect, it } from 'vitest';
import type { GpuSample } from './monitor';
import { applyGpuSeries } from './monitor-gpu-values';
import { GPU_SERIES, parseGpuSeriesKey, seriesKey } from './monitor-keys';

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
  powerW: null,
  at: 1000,
  stale: false,
  lost: false,
  hot: false,
  xid: null,
  processes: [],
  ...over,
});

describe('GPU series keys', () => {
  it('read back to the GPU view key and field, whatever the node id holds', () => {
    const ids = ['n1', 'n/2', 'a b', '50%', 'gpu/0/util', 'ünï', '%2F', 'x'.repeat(200)];
    for (const nodeId of ids)
      for (const index of [0, 7, 1234])
        for (const field of GPU_SERIES)
          expect(parseGpuSeriesKey(seriesKey.gpu(nodeId, index, field))).toEqual({
            gpu: `${nodeId}/${index}`,
            field,
          });
  });

  it('are not read from other keys', () => {
    for (const key of [
      seriesKey.deployment('gpu', 'x', 'rps'),
      seriesKey.cluster('gpuUtilAvg'),
      'gpu/n1/0/toString',
      'gpu/n1/x/util',
      'gpu//0/util',
      'gpu/%E0%A4%A/0/util',
    ])
      expect(parseGpuSeriesKey(key)).toBeNull();
  });
});

describe('applyGpuSeries', () => {
  it("sets each value from its series' last point and at from the newest; the rest keep identity", () => {
    const list = [gpu('n1', 0), gpu('n1', 1), gpu('n/2', 0, { lost: true, utilizationPct: null })];
    const next = applyGpuSeries(list, {
      [seriesKey.gpu('n1', 1, 'util')]: [
        [2000, 10],
        [3000, 20],
      ],
      [seriesKey.gpu('n1', 1, 'power')]: [[2000, 300.5]],
      [seriesKey.gpu('n/2', 0, 'util')]: [[3000, 99]],
      [seriesKey.gpu('n9', 0, 'util')]: [[3000, 1]],
      [seriesKey.deployment('llm', 'x', 'rps')]: [[3000, 7]],
    });
    expect(next).not.toBe(list);
    expect(next[0]).toBe(list[0]);
    expect(next[2]).toBe(list[2]); // lost: no values until the core re-sends it
    expect(next[1]).toEqual({ ...list[1], utilizationPct: 20, powerW: 300.5, at: 3000 });
    expect(list[1]!.utilizationPct).toBe(50); // the old list is not touched
  });

  it('returns the same list when no point is for its GPUs, and finds GPUs after a reorder', () => {
    const list = [gpu('n1', 0), gpu('n1', 1)];
    expect(applyGpuSeries(list, { [seriesKey.cluster('rps')]: [[1, 2]] })).toBe(list);
    expect(applyGpuSeries(list, { [seriesKey.gpu('n1', 0, 'temp')]: [] })).toBe(list);
    applyGpuSeries(list, { [seriesKey.gpu('n1', 0, 'temp')]: [[5000, 41]] });
    const reordered = [list[1]!, list[0]!];
    const next = applyGpuSeries(reordered, { [seriesKey.gpu('n1', 0, 'temp')]: [[6000, 42]] });
    expect(next.map((g) => [g.key, g.temperatureC])).toEqual([
      ['n1/1', 40],
      ['n1/0', 42],
    ]);
  });
});
