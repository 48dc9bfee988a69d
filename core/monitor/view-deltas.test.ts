/**
 * View deltas: an item is sent again only when its content changed (nested fields too, NaN equal
 * to NaN, an undefined field equal to a missing one), keys that went away are removed, the cost
 * view only when it changed; a GPU not for its values or `at` alone, but when a value comes or
 * goes; and sameContent / sameGpuBesidesValues against JSON equality on generated values.
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

  it('a GPU is sent again for anything but its values and at, and when a value comes or goes', () => {
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
    // What a client cannot learn from series points: everything but the values' numbers and at.
    const shape = (g: Record<string, unknown>) =>
      JSON.stringify({
        ...g,
        at: 0,
        utilizationPct: JSON.stringify(g.utilizationPct) === 'null',
        memoryUsedMiB: JSON.stringify(g.memoryUsedMiB) === 'null',
        temperatureC: JSON.stringify(g.temperatureC) === 'null',
        powerW: JSON.stringify(g.powerW) === 'null',
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
    const g = (util: number | null, at: number) => ({ key: 'n1/0', utilizationPct: util, at });
    expect(d.diff(view([g(1, 1)])).upserts.gpus).toHaveLength(1);
    expect(d.diff(view([g(2, 2)])).upserts.gpus).toEqual([]);
    expect(d.diff(view([g(null, 3)])).upserts.gpus).toHaveLength(1);
  });
});
