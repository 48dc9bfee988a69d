/** The heat map's pixels (its speed is measured in bench/monitor-ui.bench.ts, not here): a missing value is hatched, never the ramp's 0; lost has its cross, hot its frame, stale is faint. */
import { describe, expect, it } from 'vitest';
import { cellOrigin, heatLayout, heatRows } from './heatmap-cells';
import { makeRamp, packRgba, paintCells, unpackRgba, type HeatPalette } from './heatmap-pixels';
import { gpu, node } from './monitor-fixtures';

const PAL: HeatPalette = {
  ramp: makeRamp([0, 0, 0], [0, 0, 200], [200, 200, 0]),
  noValueBg: packRgba(20, 20, 20),
  noValueLine: packRgba(140, 140, 140),
  lost: packRgba(240, 0, 0),
  lostMark: packRgba(255, 255, 255),
  hot: packRgba(250, 50, 50),
};

function paint(gpus: ReturnType<typeof gpu>[], stale = false) {
  const rows = heatRows([node('n1', { stale })], gpus, 'util');
  const l = heatLayout(rows, 400);
  const buf = new Uint32Array(l.width * l.height);
  paintCells(buf, l.width, l.height, rows, l, 1, PAL);
  /** All pixel values of cell k. */
  const cell = (k: number) => {
    const o = cellOrigin(l, 0, k);
    const out: number[] = [];
    for (let y = Math.round(o.y); y < Math.round(o.y) + l.cell; y++)
      for (let x = Math.round(o.x); x < Math.round(o.x) + l.cell; x++)
        out.push(buf[y * l.width + x]!);
    return out;
  };
  return { cell, buf };
}

describe('heat map pixels', () => {
  it('0 % is the ramp start; no value is hatched and never the ramp start', () => {
    const { cell } = paint([
      gpu('n1', 0, { utilizationPct: 0 }),
      gpu('n1', 1, { utilizationPct: null }),
    ]);
    expect(new Set(cell(0))).toEqual(new Set([PAL.ramp[0]]));
    const none = new Set(cell(1));
    expect(none.has(PAL.ramp[0]!)).toBe(false);
    expect(none).toEqual(new Set([PAL.noValueBg, PAL.noValueLine]));
  });

  it('100 % is the ramp end', () => {
    const { cell } = paint([gpu('n1', 0, { utilizationPct: 100 })]);
    expect(new Set(cell(0))).toEqual(new Set([PAL.ramp[100]]));
  });

  it('a lost GPU is red with a white cross; a hot one has a frame around its value', () => {
    const { cell } = paint([
      gpu('n1', 0, { lost: true }),
      gpu('n1', 1, { hot: true, utilizationPct: 0 }),
    ]);
    expect(new Set(cell(0))).toEqual(new Set([PAL.lost, PAL.lostMark]));
    const hot = cell(1);
    expect(hot[0]).toBe(PAL.hot);
    expect(hot[7 * 14 + 7]).toBe(PAL.ramp[0]);
  });

  it('a stale node is faint (alpha lowered), colours kept', () => {
    const { cell } = paint([gpu('n1', 0, { utilizationPct: 100 })], true);
    const [r, g, b, a] = unpackRgba(cell(0)[0]!);
    const [r1, g1, b1] = unpackRgba(PAL.ramp[100]!);
    expect([r, g, b]).toEqual([r1, g1, b1]);
    expect(a).toBe(102);
  });

  it('repainting the same shape without clearing gives the same pixels as a fresh paint', () => {
    const rows1 = heatRows(
      [node('n1')],
      [gpu('n1', 0, { utilizationPct: 90, hot: true }), gpu('n1', 1, { lost: true })],
      'util',
    );
    const rows2 = heatRows(
      [node('n1')],
      [gpu('n1', 0, { utilizationPct: null }), gpu('n1', 1, { utilizationPct: 10 })],
      'util',
    );
    const l = heatLayout(rows1, 400);
    const reused = new Uint32Array(l.width * l.height);
    paintCells(reused, l.width, l.height, rows1, l, 2, PAL);
    paintCells(reused, l.width, l.height, rows2, l, 2, PAL, false);
    const fresh = new Uint32Array(l.width * l.height);
    paintCells(fresh, l.width, l.height, rows2, l, 2, PAL);
    expect(reused).toEqual(fresh);
  });
});
