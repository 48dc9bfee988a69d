/**
 * The cluster heat map's data and geometry, apart from drawing (so jsdom tests can check them):
 * nodes x GPUs as rows of cells for one metric (utilization, memory used, temperature), where a
 * missing value stays "no value" (hatched), never 0; lost GPUs, hot GPUs and stale nodes are
 * marked. The layout packs one block per node (its name, then its GPUs) into as many columns as
 * the width allows, and maps a pointer position back to the cell under it.
 */
import type { GpuSample, MonitorNode } from '../../../shared';

/** One collator for every sort (localeCompare with options builds one per call: slow for 512 nodes). */
const NAME_ORDER = new Intl.Collator(undefined, { numeric: true });

export type HeatMetric = 'util' | 'memory' | 'temperature';

export const HEAT_METRICS: readonly { id: HeatMetric; label: string; unit: string }[] = [
  { id: 'util', label: 'Utilization', unit: '%' },
  { id: 'memory', label: 'Memory used', unit: '%' },
  { id: 'temperature', label: 'Temperature', unit: '°C' },
];

/** The colour scale of temperatures: cool at or below MIN, full at MAX. */
export const TEMP_SCALE = { min: 30, max: 90 } as const;

/** What a cell shows: a value, "no value" (unsupported, [N/A], no sample), or a lost GPU. */
export type CellState = 'value' | 'no-value' | 'lost';

export interface HeatCell {
  gpu: GpuSample;
  state: CellState;
  /** The metric in its unit (%, °C); null unless state is 'value'. */
  value: number | null;
  /** 0..1 for the colour ramp; null unless state is 'value'. */
  level: number | null;
  hot: boolean;
  /** The GPU's own samples stopped (drawn dimmed, value kept as last seen). */
  stale: boolean;
}

export interface HeatRow {
  node: MonitorNode;
  cells: HeatCell[];
}

function metricValue(g: GpuSample, metric: HeatMetric): number | null {
  switch (metric) {
    case 'util':
      return g.utilizationPct;
    case 'memory':
      return g.memoryUsedMiB === null || !g.memoryTotalMiB
        ? null
        : (100 * g.memoryUsedMiB) / g.memoryTotalMiB;
    case 'temperature':
      return g.temperatureC;
  }
}

function level(v: number, metric: HeatMetric): number {
  const l =
    metric === 'temperature' ? (v - TEMP_SCALE.min) / (TEMP_SCALE.max - TEMP_SCALE.min) : v / 100;
  return Math.min(1, Math.max(0, l));
}

/** One cell from one GPU sample for `metric`. */
export function heatCell(g: GpuSample, metric: HeatMetric): HeatCell {
  const v = g.lost ? null : metricValue(g, metric);
  const ok = v !== null && Number.isFinite(v);
  return {
    gpu: g,
    state: g.lost ? 'lost' : ok ? 'value' : 'no-value',
    value: ok ? v : null,
    level: ok ? level(v, metric) : null,
    hot: g.hot,
    stale: g.stale,
  };
}

/** Node order of the heat map: head first, then by name (numbers in names by value). */
export function sortNodes(nodes: readonly MonitorNode[]): MonitorNode[] {
  return [...nodes].sort(
    (a, b) =>
      (a.role === 'head' ? 0 : 1) - (b.role === 'head' ? 0 : 1) ||
      NAME_ORDER.compare(a.name, b.name),
  );
}

/**
 * Rows in node order (head first, then by name), each node's GPUs by index. `sorted` is
 * `sortNodes(nodes)` when the caller keeps it between deltas that move only GPUs.
 */
export function heatRows(
  nodes: readonly MonitorNode[],
  gpus: readonly GpuSample[],
  metric: HeatMetric,
  sorted: readonly MonitorNode[] = sortNodes(nodes),
): HeatRow[] {
  const byNode = new Map<string, GpuSample[]>();
  for (const g of gpus) {
    const list = byNode.get(g.nodeId);
    if (list) list.push(g);
    else byNode.set(g.nodeId, [g]);
  }
  return sorted.map((node) => ({
    node,
    cells: (byNode.get(node.nodeId) ?? [])
      .sort((a, b) => a.index - b.index)
      .map((g) => heatCell(g, metric)),
  }));
}

export interface HeatLayout {
  cell: number;
  gap: number;
  labelW: number;
  /** Cells per block (the most GPUs any node has, at least 1). */
  perBlock: number;
  blockW: number;
  rowH: number;
  blockGap: number;
  /** Node-name font size (px). */
  fontPx: number;
  columns: number;
  width: number;
  height: number;
  rowCount: number;
}

export const HEAT_GEOMETRY = {
  cell: 14,
  gap: 2,
  labelW: 96,
  blockGap: 16,
  rowH: 18,
  fontPx: 11,
} as const;

/** Smaller cells for a fleet: 512 nodes fit on a screen, and a draw writes a third of the pixels. */
export const COMPACT_GEOMETRY = {
  cell: 9,
  gap: 1,
  labelW: 72,
  blockGap: 12,
  rowH: 11,
  fontPx: 9,
} as const;

/** Above this many nodes the heat map uses COMPACT_GEOMETRY. */
export const COMPACT_FROM_NODES = 128;

export function heatLayout(rows: readonly HeatRow[], width: number): HeatLayout {
  const { cell, gap, labelW, blockGap, rowH, fontPx } =
    rows.length > COMPACT_FROM_NODES ? COMPACT_GEOMETRY : HEAT_GEOMETRY;
  const perBlock = Math.max(1, ...rows.map((r) => r.cells.length));
  const blockW = labelW + perBlock * (cell + gap);
  const columns = Math.max(1, Math.floor((width + blockGap) / (blockW + blockGap)));
  const rowCount = Math.ceil(rows.length / columns);
  return {
    cell,
    gap,
    labelW,
    perBlock,
    blockW,
    rowH,
    blockGap,
    fontPx,
    columns,
    // As wide as the blocks, not the box: fewer pixels to write on every draw.
    width: Math.min(columns, Math.max(1, rows.length)) * (blockW + blockGap) - blockGap,
    height: Math.max(rowH, rowCount * rowH),
    rowCount,
  };
}

/** Top-left of node block `i` (column-major: nodes read down, then across). */
export function blockOrigin(l: HeatLayout, i: number): { x: number; y: number } {
  const col = Math.floor(i / l.rowCount);
  const row = i % l.rowCount;
  return { x: col * (l.blockW + l.blockGap), y: row * l.rowH };
}

/** Top-left of GPU cell `c` of node block `i`. */
export function cellOrigin(l: HeatLayout, i: number, c: number): { x: number; y: number } {
  const o = blockOrigin(l, i);
  return { x: o.x + l.labelW + c * (l.cell + l.gap), y: o.y + (l.rowH - l.cell) / 2 };
}

/** The node (and GPU cell, when over one) at a point of the canvas, in CSS pixels. */
export function hitTest(
  l: HeatLayout,
  rows: readonly HeatRow[],
  x: number,
  y: number,
): { row: number; cell: number | null } | null {
  if (x < 0 || y < 0) return null;
  const stride = l.blockW + l.blockGap;
  const col = Math.floor(x / stride);
  const within = x - col * stride;
  const r = Math.floor(y / l.rowH);
  if (col >= l.columns || r >= l.rowCount || within >= l.blockW) return null;
  const i = col * l.rowCount + r;
  const row = rows[i];
  if (!row) return null;
  if (within < l.labelW) return { row: i, cell: null };
  const c = Math.floor((within - l.labelW) / (l.cell + l.gap));
  const o = cellOrigin(l, i, c);
  const inCell = c < row.cells.length && y >= o.y && y < o.y + l.cell;
  return { row: i, cell: inCell ? c : null };
}

/** One line per fact for the tooltip; "no value" spelled out, never a 0. */
export function cellTooltip(row: HeatRow, cell: HeatCell | null): string[] {
  const n = row.node;
  const head = `${n.name} (${n.host})${n.stale ? ' — stale: no data for a while' : ''}`;
  if (!cell) {
    const lines = [head, `${row.cells.length} GPU${row.cells.length === 1 ? '' : 's'}`];
    return [...lines, ...n.problems];
  }
  const g = cell.gpu;
  const num = (v: number | null, unit: string) =>
    v === null ? 'no value' : `${Math.round(v * 10) / 10} ${unit}`;
  const lines = [head, `GPU ${g.index}${g.name ? ` · ${g.name}` : ''}`];
  if (cell.state === 'lost') lines.push('LOST: the GPU no longer reports');
  lines.push(
    `Utilization ${num(g.utilizationPct, '%')}`,
    `Memory ${g.memoryUsedMiB === null ? 'no value' : `${g.memoryUsedMiB} MiB`} of ${
      g.memoryTotalMiB === null ? 'no value' : `${g.memoryTotalMiB} MiB`
    }`,
    `Temperature ${num(g.temperatureC, '°C')}${g.hot ? ' — HOT' : ''}`,
    `Power ${num(g.powerW, 'W')}`,
  );
  if (g.xid !== null) lines.push(`Xid error ${g.xid}`);
  if (cell.stale) lines.push('Stale: no sample for a while');
  if (g.processes.length)
    lines.push(
      `Processes: ${g.processes.map((p) => (p.replicaId ? `${p.pid} (${p.replicaId})` : p.pid)).join(', ')}`,
    );
  return lines;
}
