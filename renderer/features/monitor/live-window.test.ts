/** The live chart's window: fixed memory, merging deltas of one scrape, gaps kept, peaks kept when downsampled. */
import { describe, expect, it } from 'vitest';
import { LiveWindow } from './live-window';

describe('LiveWindow', () => {
  it('keeps at most `capacity` points, dropping the oldest', () => {
    const w = new LiveWindow(1, 3);
    for (let t = 1; t <= 5; t++) w.append(t, [t * 10]);
    expect(w.size).toBe(3);
    expect(w.toAligned()).toEqual([
      [3, 4, 5],
      [30, 40, 50],
    ]);
  });

  it('merges series of the same timestamp and keeps null as a gap, never 0', () => {
    const w = new LiveWindow(2, 10);
    w.append(1, [5, undefined]);
    w.append(1, [undefined, null]);
    w.append(2, [Number.NaN, 7]);
    expect(w.toAligned()).toEqual([
      [1, 2],
      [5, null],
      [null, 7],
    ]);
  });

  it('ignores a point older than the newest and tells listeners once per batch', () => {
    const w = new LiveWindow(1, 10);
    let calls = 0;
    w.subscribe(() => calls++);
    w.appendSeries(0, [
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
    w.append(2, [99]);
    expect(calls).toBe(1);
    expect(w.toAligned()[1]).toEqual([1, 2, 3]);
  });

  it('downsamples to about maxPoints and keeps the spike and the dip', () => {
    const w = new LiveWindow(1, 1000);
    for (let t = 0; t < 1000; t++) w.append(t, [t === 500 ? 1000 : t === 700 ? -50 : 1]);
    const [x, y] = w.toAligned(100);
    expect(x.length).toBeLessThanOrEqual(100);
    expect(Math.max(...(y as number[]))).toBe(1000);
    expect(Math.min(...(y as number[]))).toBe(-50);
    for (let i = 1; i < x.length; i++) expect(x[i]!).toBeGreaterThan(x[i - 1]!);
  });
});
