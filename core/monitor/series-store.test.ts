/**
 * The series store: fixed memory, staleness, counter rates across resets, histogram percentiles
 * (and their in-place forms equal to the allocating ones), deltas.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Ring,
  SeriesStore,
  bucketDelta,
  bucketDeltaInto,
  fillBuckets,
  quantile,
  type Bucket,
} from './series-store';

describe('ring buffer', () => {
  it('keeps its capacity over a million pushes, the newest points in order', () => {
    const r = new Ring(600);
    const t0 = r.t;
    for (let i = 0; i < 1_000_000; i++) r.push(i, i * 2);
    expect(r.size).toBe(600);
    expect(r.t).toBe(t0); // the same arrays: nothing reallocated
    expect(r.t.length).toBe(600);
    const pts = r.since(-1);
    expect(pts).toHaveLength(600);
    expect(pts[0]).toEqual([999_400, 1_998_800]);
    expect(pts[599]).toEqual([999_999, 1_999_998]);
    expect(r.last()).toEqual({ t: 999_999, v: 1_999_998 });
  });

  it('store memory is bounded by series count x capacity', () => {
    const s = new SeriesStore({ capacity: 10, maxSeries: 50 });
    for (let i = 0; i < 1_000_000; i++) s.push(`k${i % 50}`, i, i);
    for (let i = 0; i < 10; i++) s.push(`new${i}`, 2_000_000 + i, i); // the least recently written go
    expect(s.seriesCount).toBe(50);
    expect(s.since(['k49'], -1).k49).toHaveLength(10);
    expect(s.since(['new9'], -1).new9).toHaveLength(1);
    expect(s.last('k0')).toBeNull();
  });
});

describe('series store', () => {
  it('says a series is stale after 3 periods without a point', () => {
    const s = new SeriesStore({ periodMs: 1000 });
    s.push('a', 10_000, 1);
    expect(s.isStale('a', 12_000)).toBe(false);
    expect(s.isStale('a', 13_000)).toBe(false);
    expect(s.isStale('a', 13_001)).toBe(true);
    expect(s.isStale('never', 0)).toBe(true);
  });

  it('turns a counter into a per-second rate, and a drop into a restart', () => {
    const s = new SeriesStore();
    expect(s.pushCounter('c', 1000, 100)).toBeNull(); // first reading: no rate yet
    expect(s.pushCounter('c', 2000, 110)).toBe(10);
    expect(s.pushCounter('c', 4000, 130)).toBe(10);
    // The process restarted: 130 -> 6. The 6 requests since the restart are the increase.
    expect(s.pushCounter('c', 5000, 6)).toBe(6);
    expect(s.pushCounter('c', 6000, 16)).toBe(10);
    expect(s.since(['c'], 0).c!.map(([, v]) => v)).toEqual([10, 10, 6, 10]);
    expect(s.pushCounter('c', 6000, 20)).toBeNull(); // no time passed
    expect(s.pushCounter('c', 7000, NaN)).toBeNull();
  });

  it('never stores NaN (no value is not a value)', () => {
    const s = new SeriesStore();
    s.push('g', 1, NaN);
    expect(s.last('g')).toBeNull();
  });

  it('computes percentiles from bucket deltas, not from the lifetime counts', () => {
    const s = new SeriesStore();
    const q = { P50Ms: 0.5, P99Ms: 0.99 };
    const b = (c10: number, c100: number, cInf: number) => [
      { le: 10, count: c10 },
      { le: 100, count: c100 },
      { le: Infinity, count: cInf },
    ];
    expect(s.pushHistogram('h/', 1000, b(1000, 1000, 1000), q)).toBeNull(); // first reading
    // 100 new observations, all between 10 and 100 ms: the lifetime p50 would be < 10.
    const r = s.pushHistogram('h/', 2000, b(1000, 1100, 1100), q)!;
    expect(r.P50Ms).toBeCloseTo(55);
    expect(r.P99Ms).toBeCloseTo(99.1);
    expect(s.last('h/P50Ms')!.v).toBeCloseTo(55);
    // No new observations: nothing stored (not 0).
    expect(s.pushHistogram('h/', 3000, b(1000, 1100, 1100), q)).toBeNull();
    expect(s.last('h/P50Ms')!.t).toBe(2000);
    // Restarted: the new counts are the delta.
    expect(s.pushHistogram('h/', 4000, b(4, 4, 4), q)!.P50Ms).toBeCloseTo(5);
  });

  it('quantile: in the +Inf bucket gives the highest finite bound; empty gives null', () => {
    expect(
      quantile(
        [
          { le: 10, count: 0 },
          { le: Infinity, count: 5 },
        ],
        0.5,
      ),
    ).toBe(10);
    expect(
      quantile(
        [
          { le: 10, count: 0 },
          { le: Infinity, count: 0 },
        ],
        0.5,
      ),
    ).toBeNull();
    expect(bucketDelta([{ le: 1, count: 3 }], [{ le: 1, count: 3 }])).toBeNull();
  });

  it('hands each appended point to subscribers once', () => {
    const s = new SeriesStore();
    s.push('a', 1, 1);
    s.push('a', 2, 2);
    s.push('b', 2, 5);
    expect(s.takeDelta()).toEqual({
      a: [
        [1, 1],
        [2, 2],
      ],
      b: [[2, 5]],
    });
    expect(s.takeDelta()).toEqual({});
    s.push('a', 3, 3);
    expect(s.takeDelta()).toEqual({ a: [[3, 3]] });
    expect(s.since(['a', 'zz'], 1)).toEqual({
      a: [
        [2, 2],
        [3, 3],
      ],
    });
  });

  it('gives GPU series their own capacity and drops a prefix', () => {
    const s = new SeriesStore({ capacity: 20, capacityByPrefix: { 'gpu/': 5 } });
    for (let i = 0; i < 30; i++) {
      s.push('gpu/n/0/util', i, i);
      s.push('dep/a/b/rps', i, i);
    }
    expect(s.since(['gpu/n/0/util'], -1)['gpu/n/0/util']).toHaveLength(5);
    expect(s.since(['dep/a/b/rps'], -1)['dep/a/b/rps']).toHaveLength(20);
    s.removePrefix('gpu/n/');
    expect(s.seriesCount).toBe(1);
  });
});

describe('histogram buckets in place', () => {
  it('fillBuckets and bucketDeltaInto reuse their arrays and equal the allocating forms', () => {
    const les = fc.constantFrom(0.5, 1, 2, 5, 10, 100, Infinity);
    const reading = fc
      .dictionary(les.map(String), fc.integer({ min: 0, max: 50 }), { maxKeys: 7 })
      .map((d) => new Map(Object.entries(d).map(([le, c]) => [Number(le), c])));
    fc.assert(
      fc.property(fc.array(reading, { minLength: 1, maxLength: 6 }), (readings) => {
        let prev: Bucket[] = [];
        let spare: Bucket[] = [];
        const out: Bucket[] = [];
        let first = true;
        for (const m of readings) {
          const expected = [...m].map(([le, count]) => ({ le, count })).sort((a, b) => a.le - b.le);
          const cur = fillBuckets(m, spare);
          expect(cur).toBe(spare);
          expect(cur).toEqual(expected);
          if (!first) {
            const live = bucketDeltaInto(prev, cur, out);
            const want = bucketDelta(prev, cur);
            expect(live).toBe(want !== null);
            if (want) expect(out).toEqual(want);
          }
          first = false;
          spare = prev;
          prev = cur;
        }
      }),
      { numRuns: 500 },
    );
  });
});
