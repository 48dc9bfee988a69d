/**
 * View deltas: an item is sent again only when its content changed (nested fields too, NaN equal
 * to NaN, an undefined field equal to a missing one), keys that went away are removed, the cost
 * view only when it changed; a GPU not for its values or `at` (rows of gpuValues when those
 * change); and sameContent / sameGpuBesidesValues against JSON equality on generated values.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CostView, GpuSample } from '../../shared/domain/monitor';
import { ViewDeltas, sameContent, sameGpuBesidesValues } from './view-deltas';

const cost = (perHour: number | null) => ({ perHour, perNode: [] }) as unknown as CostView;
const view = (gpus: object[], c = cost(null)) =>
  ({
    nodes: [],
    gpus,
    applications: [],
    deployments: [],
    replicas: [],
    collectors: [],
    cost: c,
  }) as unknown as Parameters<ViewDeltas['diff']>[0];

describe('view deltas', () => {
  it('sends changed items, removals and a changed cost; nothing for the same content built afresh', () => {
    const d = new ViewDeltas();
    const gpu = (k: string, util: number | null, pids: number[] = []) => ({
      key: k,
      util,
      nan: NaN,
      gone: undefined,
      processes: pids.map((pid) => ({ pid })),
    });
    const first = d.diff(view([gpu('a', 1), gpu('b', 2)], cost(3)));
    expect(first.upserts.gpus.map((g) => g.key)).toEqual(['a', 'b']);
    expect(first.cost).not.toBeNull();
    const same = d.diff(view([gpu('a', 1), gpu('b', 2)], cost(3)));
    expect(same.upserts.gpus).toEqual([]);
    expect(same.removed.gpus).toEqual([]);
    expect(same.cost).toBeNull();
    const nested = d.diff(view([gpu('a', 1, [7]), gpu('b', null)], cost(4)));
    expect(nested.upserts.gpus.map((g) => g.key)).toEqual(['a', 'b']);
    expect(nested.cost).toMatchObject({ perHour: 4 });
    const removed = d.diff(view([gpu('b', null)], cost(4)));
    expect(removed.upserts.gpus).toEqual([]);
    expect(removed.removed.gpus).toEqual(['a']);
    expect(d.diff(view([gpu('a', 1, [7]), gpu('b', null)], cost(4))).upserts.gpus).toHaveLength(1);
  });

  it('sameContent is JSON equality on JSON-like values', () => {
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.constantFrom(null, true, false, 0, 1, -1, 2.5, NaN, 'a', ''),
        fc.array(tie('value'), { maxLength: 3 }),
        fc.dictionary(fc.constantFrom('a', 'b', 'c'), tie('value'), { maxKeys: 3 }),
      ),
    })).value;
    fc.assert(
      fc.property(json, json, (a, b) => {
        expect(sameContent(a, b)).toBe(JSON.stringify(a) === JSON.stringify(b));
        expect(sameContent(a, structuredClone(a))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('a GPU is sent again for anything but its values and at; those go as rows when they change', () => {
    const value = fc.constantFrom(null, 0, 1, 55.5, NaN);
    const gpu = fc.record({
      key: fc.constant('n1/0'),
      utilizationPct: value,
      memoryUsedMiB: value,
      temperatureC: value,
      powerW: value,
      memoryTotalMiB: value,
      at: fc.constantFrom(null, 1, 2),
      lost: fc.boolean(),
      xid: fc.constantFrom(null, 79),
      processes: fc.array(fc.record({ pid: fc.constantFrom(1, 2) }), { maxLength: 2 }),
    });
    // What gpuValues rows do not carry: everything but the values and at.
    const shape = (g: Record<string, unknown>) =>
      JSON.stringify({
        ...g,
        at: 0,
        utilizationPct: 0,
        memoryUsedMiB: 0,
        temperatureC: 0,
        powerW: 0,
      });
    fc.assert(
      fc.property(gpu, gpu, (a, b) => {
        expect(sameGpuBesidesValues(a as unknown as GpuSample, b as unknown as GpuSample)).toBe(
          shape(a) === shape(b),
        );
      }),
      { numRuns: 2000 },
    );
    const d = new ViewDeltas();
    const g = (util: number | null, at: number, lost = false) => ({
      key: 'n1/0',
      utilizationPct: util,
      at,
      lost,
    });
    const first = d.diff(view([g(1, 1)]));
    expect(first.upserts.gpus).toHaveLength(1);
    expect(first.gpuValues?.keys).toEqual(['n1/0']);
    const moved = d.diff(view([g(NaN, 2)]));
    expect(moved.upserts.gpus).toEqual([]);
    expect(moved.gpuValues).toMatchObject({ keys: ['n1/0'], at: [2], util: [null] });
    const same = d.diff(view([g(null, 2)])); // NaN and null alike, as JSON sends them
    expect(same.gpuValues).toBeUndefined();
    expect(d.diff(view([g(null, 2, true)])).upserts.gpus).toHaveLength(1);
    expect(d.diff(view([])).removed.gpus).toEqual(['n1/0']);
    expect(d.diff(view([g(null, 2)])).gpuValues?.keys).toEqual(['n1/0']); // back: sent anew
  });
});
