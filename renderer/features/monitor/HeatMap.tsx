/**
 * The cluster overview's heat map: every node's GPUs on ONE canvas (not a grid of components,
 * so 512 nodes x 8 GPUs redraw in a few ms), coloured by the chosen metric. A GPU without a
 * value is hatched grey ("no value", never 0), a lost GPU is red with a cross, a hot GPU has a
 * red frame, a stale node or GPU is dimmed. Hovering shows the GPU's (or node's) facts in a
 * tooltip. Cells are written as pixels in one putImageData (heatmap-pixels.ts); node names sit on a canvas of their own under the cells, redrawn only when the
 * nodes change (text is the slow part of a canvas). Geometry and data mapping live in
 * heatmap-cells.ts.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { useShell } from '../../shell/ui-store';
import {
  blockOrigin,
  cellTooltip,
  heatLayout,
  hitTest,
  type HeatLayout,
  type HeatRow,
} from './heatmap-cells';
import { makeRamp, packRgba, paintCells, parseColour, type HeatPalette } from './heatmap-pixels';
import { perfEnabled, recordPerf } from './perf-sink';

function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}

function palette(): HeatPalette {
  const c = (name: string, fb: [number, number, number]) => parseColour(cssVar(name, ''), fb);
  const [r, g, b] = c('--bad', [240, 106, 106]);
  const text = c('--text', [230, 232, 238]);
  const muted = c('--muted', [139, 147, 166]);
  const panel = c('--panel', [23, 26, 33]);
  return {
    ramp: makeRamp(
      c('--panel-2', [30, 34, 43]),
      c('--accent', [110, 168, 254]),
      c('--warn', [224, 164, 58]),
    ),
    noValueBg: packRgba(...panel),
    noValueLine: packRgba(...muted),
    lost: packRgba(r, g, b),
    lostMark: packRgba(...text),
    hot: packRgba(r, g, b),
  };
}

/** Node names (redrawn only when the nodes, their staleness or the layout change: text is slow on a canvas). */
export function drawLabels(ctx: CanvasRenderingContext2D, rows: readonly HeatRow[], l: HeatLayout) {
  const c = {
    text: cssVar('--text', '#e6e8ee'),
    muted: cssVar('--muted', '#8b93a6'),
    mono: cssVar('--mono', 'monospace'),
  };
  ctx.clearRect(0, 0, l.width, l.height);
  ctx.font = `${l.fontPx}px ${c.mono}`;
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

  // The palette follows the theme; the pixel buffer follows the canvas size.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const pal = useMemo(() => palette(), [theme]);
  const image = useRef<ImageData | null>(null);
  const painted = useRef('');
  useEffect(() => {
    const c = canvas.current;
    const ctx = c && fit(c, layout);
    if (!c || !ctx) return;
    const t0 = performance.now();
    // Same canvas and same nodes and GPU counts: every cell overwrites its own square, no clear.
    const shape = `${c.width}x${c.height}|${labelKey}`;
    const fresh = !image.current || painted.current !== shape;
    if (!image.current || image.current.width !== c.width || image.current.height !== c.height)
      image.current = ctx.createImageData(c.width, c.height);
    painted.current = shape;
    const img = image.current;
    paintCells(
      new Uint32Array(img.data.buffer),
      img.width,
      img.height,
      rows,
      layout,
      window.devicePixelRatio || 1,
      pal,
      fresh,
    );
    ctx.putImageData(img, 0, 0);
    // Timed by the bench: read a pixel back so the time includes the canvas taking the pixels.
    if (perfEnabled()) ctx.getImageData(0, 0, 1, 1);
    const ms = performance.now() - t0;
    c.dataset.drawMs = ms.toFixed(2);
    recordPerf('heatmap', ms);
    // labelKey is read for the shape only; rows and layout already change with it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [rows, layout, pal]);

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
        data-node-order={rows.map((r) => r.node.nodeId).join(' ')}
        data-geometry={JSON.stringify({
          cell: layout.cell,
          gap: layout.gap,
          labelW: layout.labelW,
          rowH: layout.rowH,
          rowCount: layout.rowCount,
          blockW: layout.blockW,
          blockGap: layout.blockGap,
        })}
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
