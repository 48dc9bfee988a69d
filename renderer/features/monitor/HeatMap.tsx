/**
 * The cluster overview's heat map: every node's GPUs on ONE canvas (not a grid of components,
 * so 512 nodes x 8 GPUs redraw in a few ms), coloured by the chosen metric. A GPU without a
 * value is hatched grey ("no value", never 0), a lost GPU is red with a cross, a hot GPU has a
 * red frame, a stale node or GPU is dimmed. Hovering shows the GPU's (or node's) facts in a
 * tooltip. Node names sit on a canvas of their own under the cells, redrawn only when the
 * nodes change (text is the slow part of a canvas). Geometry and data mapping live in
 * heatmap-cells.ts.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { useShell } from '../../shell/ui-store';
import {
  blockOrigin,
  cellOrigin,
  cellTooltip,
  heatLayout,
  hitTest,
  type HeatLayout,
  type HeatRow,
} from './heatmap-cells';
import { recordPerf } from './perf-sink';

function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}

function rgb(hex: string): [number, number, number] {
  const m = /^#?([0-9a-f]{6})$/i.exec(hex.trim());
  if (!m) return [110, 168, 254];
  const n = parseInt(m[1]!, 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** Three-stop ramp (low, accent, warn) as 101 CSS colours, built once per theme. */
function ramp(low: string, mid: string, high: string): string[] {
  const [a, b, c] = [rgb(low), rgb(mid), rgb(high)];
  return Array.from({ length: 101 }, (_, i) => {
    const t = i / 100;
    const [from, to, f] = t < 0.7 ? [a, b, t / 0.7] : [b, c, (t - 0.7) / 0.3];
    const mix = from.map((x, k) => Math.round(x + (to[k]! - x) * f));
    return `rgb(${mix[0]},${mix[1]},${mix[2]})`;
  });
}

function hatch(ctx: CanvasRenderingContext2D, bg: string, line: string): CanvasPattern | string {
  const tile = document.createElement('canvas');
  tile.width = 6;
  tile.height = 6;
  const t = tile.getContext('2d');
  if (!t) return bg;
  t.fillStyle = bg;
  t.fillRect(0, 0, 6, 6);
  t.strokeStyle = line;
  t.lineWidth = 1;
  t.beginPath();
  t.moveTo(0, 6);
  t.lineTo(6, 0);
  t.stroke();
  return ctx.createPattern(tile, 'repeat') ?? bg;
}

function colours() {
  return {
    ramp: ramp(
      cssVar('--panel-2', '#1e222b'),
      cssVar('--accent', '#6ea8fe'),
      cssVar('--warn', '#e0a43a'),
    ),
    text: cssVar('--text', '#e6e8ee'),
    muted: cssVar('--muted', '#8b93a6'),
    bad: cssVar('--bad', '#f06a6a'),
    panel: cssVar('--panel', '#171a21'),
    mono: cssVar('--mono', 'monospace'),
  };
}

/** Node names (redrawn only when the nodes, their staleness or the layout change: text is slow on a canvas). */
export function drawLabels(ctx: CanvasRenderingContext2D, rows: readonly HeatRow[], l: HeatLayout) {
  const c = colours();
  ctx.clearRect(0, 0, l.width, l.height);
  ctx.font = `11px ${c.mono}`;
  ctx.textBaseline = 'middle';
  rows.forEach((row, i) => {
    const o = blockOrigin(l, i);
    ctx.fillStyle = row.node.stale ? c.muted : c.text;
    ctx.globalAlpha = row.node.stale ? 0.5 : 1;
    const name = row.node.name.length > 12 ? `${row.node.name.slice(0, 11)}…` : row.node.name;
    ctx.fillText(name, o.x, o.y + l.rowH / 2, l.labelW - 6);
    if (row.cells.length === 0) {
      ctx.fillStyle = c.muted;
      ctx.fillText('no GPUs', o.x + l.labelW, o.y + l.rowH / 2);
    }
  });
  ctx.globalAlpha = 1;
}

/** Every GPU cell; returns how long it took (ms). */
export function drawCells(ctx: CanvasRenderingContext2D, rows: readonly HeatRow[], l: HeatLayout) {
  const t0 = performance.now();
  const c = colours();
  const noValue = hatch(ctx, c.panel, c.muted);
  ctx.clearRect(0, 0, l.width, l.height);
  rows.forEach((row, i) => {
    row.cells.forEach((cell, k) => {
      const p = cellOrigin(l, i, k);
      ctx.globalAlpha = row.node.stale || cell.stale ? 0.4 : 1;
      if (cell.state === 'lost') {
        ctx.fillStyle = c.bad;
        ctx.fillRect(p.x, p.y, l.cell, l.cell);
        ctx.strokeStyle = c.text;
        ctx.lineWidth = 1.5;
        ctx.beginPath();
        ctx.moveTo(p.x + 3, p.y + 3);
        ctx.lineTo(p.x + l.cell - 3, p.y + l.cell - 3);
        ctx.moveTo(p.x + l.cell - 3, p.y + 3);
        ctx.lineTo(p.x + 3, p.y + l.cell - 3);
        ctx.stroke();
      } else if (cell.state === 'no-value') {
        ctx.fillStyle = noValue;
        ctx.fillRect(p.x, p.y, l.cell, l.cell);
      } else {
        ctx.fillStyle = c.ramp[Math.round((cell.level ?? 0) * 100)]!;
        ctx.fillRect(p.x, p.y, l.cell, l.cell);
      }
      if (cell.hot) {
        ctx.strokeStyle = c.bad;
        ctx.lineWidth = 2;
        ctx.strokeRect(p.x + 1, p.y + 1, l.cell - 2, l.cell - 2);
      }
    });
  });
  ctx.globalAlpha = 1;
  return performance.now() - t0;
}

/** Sizes a canvas for the layout (only when it changed: resizing clears and reallocates it). */
function fit(c: HTMLCanvasElement, l: HeatLayout): CanvasRenderingContext2D | null {
  const ctx = c.getContext('2d');
  if (!ctx) return null;
  const dpr = window.devicePixelRatio || 1;
  const w = Math.round(l.width * dpr);
  const h = Math.round(l.height * dpr);
  if (c.width !== w || c.height !== h) {
    c.width = w;
    c.height = h;
    c.style.width = `${l.width}px`;
    c.style.height = `${l.height}px`;
  }
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return ctx;
}

export function HeatMap({ rows, label }: { rows: readonly HeatRow[]; label: string }) {
  const box = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const labels = useRef<HTMLCanvasElement>(null);
  const theme = useShell((s) => s.theme);
  const [width, setWidth] = useState(800);
  const [hover, setHover] = useState<{ x: number; y: number; lines: string[] } | null>(null);
  const layout = useMemo(() => heatLayout(rows, width), [rows, width]);

  useEffect(() => {
    const el = box.current;
    if (!el || typeof ResizeObserver !== 'function') return;
    const ro = new ResizeObserver(() => setWidth(Math.max(200, Math.floor(el.clientWidth))));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // What the labels show: they are redrawn only when this changes.
  const labelKey = `${theme}|${layout.width}x${layout.height}|${rows
    .map((r) => `${r.node.name}${r.node.stale ? '!' : ''}${r.cells.length}`)
    .join('|')}`;
  const rowsRef = useRef(rows);
  rowsRef.current = rows;
  useEffect(() => {
    const c = labels.current;
    const ctx = c && fit(c, layout);
    if (ctx) drawLabels(ctx, rowsRef.current, layout);
    // labelKey stands for the rows' names and staleness and the layout's size.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [labelKey]);

  useEffect(() => {
    const c = canvas.current;
    const ctx = c && fit(c, layout);
    if (!c || !ctx) return;
    const ms = drawCells(ctx, rows, layout);
    c.dataset.drawMs = ms.toFixed(2);
    recordPerf('heatmap', ms);
  }, [rows, layout, theme]);

  const onMove = (e: React.MouseEvent<HTMLCanvasElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    const x = e.clientX - r.left;
    const y = e.clientY - r.top;
    const hit = hitTest(layout, rows, x, y);
    if (!hit) return setHover(null);
    const row = rows[hit.row]!;
    setHover({ x, y, lines: cellTooltip(row, hit.cell === null ? null : row.cells[hit.cell]!) });
  };

  return (
    <div className="heatmap" ref={box}>
      <canvas ref={labels} className="heatmap-labels" aria-hidden />
      <canvas
        ref={canvas}
        className="heatmap-cells"
        role="img"
        aria-label={label}
        data-testid="heatmap-canvas"
        data-nodes={rows.length}
        data-cells={rows.reduce((n, r) => n + r.cells.length, 0)}
        onMouseMove={onMove}
        onMouseLeave={() => setHover(null)}
      />
      {hover ? (
        <div
          className="heatmap-tooltip"
          role="tooltip"
          data-testid="heatmap-tooltip"
          style={{ left: hover.x + 14, top: hover.y + 14 }}
        >
          {hover.lines.map((line, i) => (
            <div key={i} className={i === 0 ? 'strong' : undefined}>
              {line}
            </div>
          ))}
        </div>
      ) : null}
    </div>
  );
}
