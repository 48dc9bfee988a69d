/** The heat map's data mapping and geometry: no value is never 0, lost and hot are marked, the pointer finds its cell. */
import { describe, expect, it } from 'vitest';
import {
  cellOrigin,
  COMPACT_GEOMETRY,
  cellTooltip,
  heatCell,
  heatLayout,
  heatRows,
  hitTest,
  TEMP_SCALE,
} from './heatmap-cells';
import { gpu, node } from './monitor-fixtures';

describe('heat map cells', () => {
  it('a missing utilization ([N/A], [Not Supported]) is "no value", not 0', () => {
    const c = heatCell(gpu('n1', 0, { utilizationPct: null }), 'util');
    expect(c.state).toBe('no-value');
    expect(c.value).toBeNull();
    expect(c.level).toBeNull();
    const zero = heatCell(gpu('n1', 1, { utilizationPct: 0 }), 'util');
    expect(zero.state).toBe('value');
    expect(zero.value).toBe(0);
    expect(zero.level).toBe(0);
  });

  it('memory is used / total, and no value when either is missing or the total is 0', () => {
    expect(
      heatCell(gpu('n1', 0, { memoryUsedMiB: 6000, memoryTotalMiB: 24000 }), 'memory').value,
    ).toBe(25);
    expect(heatCell(gpu('n1', 0, { memoryUsedMiB: null }), 'memory').state).toBe('no-value');
    expect(heatCell(gpu('n1', 0, { memoryTotalMiB: 0 }), 'memory').state).toBe('no-value');
  });

  it('temperature maps onto its own scale, clamped', () => {
    expect(heatCell(gpu('n1', 0, { temperatureC: TEMP_SCALE.max + 20 }), 'temperature').level).toBe(
      1,
    );
    expect(heatCell(gpu('n1', 0, { temperatureC: TEMP_SCALE.min }), 'temperature').level).toBe(0);
  });

  it('a lost GPU is lost whatever its last values; hot and stale are carried', () => {
    const lost = heatCell(gpu('n1', 0, { lost: true, utilizationPct: 80 }), 'util');
    expect(lost.state).toBe('lost');
    expect(lost.value).toBeNull();
    const hot = heatCell(gpu('n1', 1, { hot: true, temperatureC: 93 }), 'temperature');
    expect(hot.hot).toBe(true);
    expect(hot.state).toBe('value');
    expect(heatCell(gpu('n1', 2, { stale: true }), 'util').stale).toBe(true);
  });

  it('rows: head first, nodes by name (numeric), GPUs by index; a node without GPUs has an empty row', () => {
    const rows = heatRows(
      [
        node('w10', { name: 'gpu-10' }),
        node('w2', { name: 'gpu-2' }),
        node('h', { name: 'zz-head', role: 'head' }),
        node('cpu', { name: 'gpu-3' }),
      ],
      [gpu('w2', 1), gpu('w2', 0), gpu('h', 0), gpu('w10', 0)],
      'util',
    );
    expect(rows.map((r) => r.node.name)).toEqual(['zz-head', 'gpu-2', 'gpu-3', 'gpu-10']);
    expect(rows[1]!.cells.map((c) => c.gpu.index)).toEqual([0, 1]);
    expect(rows[2]!.cells).toEqual([]);
  });
});

describe('heat map layout', () => {
  const nodes = Array.from({ length: 10 }, (_, i) => node(`n${i}`, { name: `gpu-${i}` }));
  const gpus = nodes.flatMap((n) => Array.from({ length: 8 }, (_, k) => gpu(n.nodeId, k)));
  const rows = heatRows(nodes, gpus, 'util');

  it('packs node blocks into columns that fit the width', () => {
    const l = heatLayout(rows, 1000);
    expect(l.perBlock).toBe(8);
    expect(l.columns * l.blockW).toBeLessThanOrEqual(1000);
    expect(l.columns * l.rowCount).toBeGreaterThanOrEqual(10);
    expect(heatLayout(rows, 10).columns).toBe(1);
  });

  it('the point in the middle of a cell finds that cell; the label finds the node', () => {
    const l = heatLayout(rows, 1000);
    for (const [i, c] of [
      [0, 0],
      [3, 7],
      [9, 4],
    ] as const) {
      const o = cellOrigin(l, i, c);
      expect(hitTest(l, rows, o.x + l.cell / 2, o.y + l.cell / 2)).toEqual({ row: i, cell: c });
    }
    const o = cellOrigin(l, 5, 0);
    expect(hitTest(l, rows, o.x - l.labelW + 2, o.y + 2)).toEqual({ row: 5, cell: null });
    expect(hitTest(l, rows, -1, 5)).toBeNull();
  });

  it('a fleet gets the compact geometry, as wide as its blocks, and the pointer still finds every cell', () => {
    const fleetNodes = Array.from({ length: 512 }, (_, i) => node(`f${i}`, { name: `gpu-${i}` }));
    const fleetRows = heatRows(
      fleetNodes,
      fleetNodes.flatMap((n) => Array.from({ length: 8 }, (_, k) => gpu(n.nodeId, k))),
      'util',
    );
    const l = heatLayout(fleetRows, 1400);
    expect(l.cell).toBe(COMPACT_GEOMETRY.cell);
    expect(l.width).toBeLessThanOrEqual(1400);
    expect(l.width).toBe(l.columns * (l.blockW + l.blockGap) - l.blockGap);
    for (const [i, c] of [
      [0, 0],
      [300, 5],
      [511, 7],
    ] as const) {
      const o = cellOrigin(l, i, c);
      expect(hitTest(l, fleetRows, o.x + l.cell / 2, o.y + l.cell / 2)).toEqual({
        row: i,
        cell: c,
      });
    }
  });

  it('the tooltip spells out no value, lost and hot', () => {
    const row = heatRows(
      [node('n1', { name: 'gpu-1' })],
      [
        gpu('n1', 0, { utilizationPct: null, powerW: null, hot: true, temperatureC: 92 }),
        gpu('n1', 1, { lost: true }),
      ],
      'util',
    )[0]!;
    const t0 = cellTooltip(row, row.cells[0]!).join('\n');
    expect(t0).toContain('Utilization no value');
    expect(t0).toContain('Power no value');
    expect(t0).toContain('HOT');
    expect(t0).not.toMatch(/Utilization 0/);
    expect(cellTooltip(row, row.cells[1]!).join('\n')).toContain('LOST');
  });
});
