/**
 * The heat map's cells as pixels: every GPU cell written straight into one RGBA buffer that the
 * canvas takes with a single putImageData (4,096 fillRect calls took ~50 ms a draw in Chromium's
 * software canvas). A value is its colour on the ramp, "no value" is hatched (never the ramp's
 * 0), a lost GPU is red with a cross, a hot GPU has a red frame, stale cells are faint. Pure, so
 * tests read pixels back without a canvas.
 */
import { cellOrigin, type HeatLayout, type HeatRow } from './heatmap-cells';

/** RGBA packed for a little-endian Uint32Array view of ImageData (every browser Raydeck runs in). */
export function packRgba(r: number, g: number, b: number, a = 255): number {
  return ((a << 24) | (b << 16) | (g << 8) | r) >>> 0;
}

export function unpackRgba(v: number): [number, number, number, number] {
  return [v & 255, (v >>> 8) & 255, (v >>> 16) & 255, v >>> 24];
}

export interface HeatPalette {
  /** 101 colours, level 0..1 in steps of 0.01. */
  ramp: Uint32Array;
  noValueBg: number;
  noValueLine: number;
  lost: number;
  lostMark: number;
  hot: number;
}

/** '#rrggbb' (or 'rgb(r, g, b)') to [r, g, b]; a fallback for anything else. */
export function parseColour(
  css: string,
  fallback: [number, number, number],
): [number, number, number] {
  const hex = /^#([0-9a-f]{6})$/i.exec(css.trim());
  if (hex) {
    const n = parseInt(hex[1]!, 16);
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  }
  const rgb = /^rgba?\((\d+),\s*(\d+),\s*(\d+)/i.exec(css.trim());
  if (rgb) return [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])];
  return fallback;
}

/** Low -> mid (at 70 %) -> high. */
export function makeRamp(
  low: [number, number, number],
  mid: [number, number, number],
  high: [number, number, number],
): Uint32Array {
  const out = new Uint32Array(101);
  for (let i = 0; i <= 100; i++) {
    const t = i / 100;
    const [a, b, f] = t < 0.7 ? [low, mid, t / 0.7] : [mid, high, (t - 0.7) / 0.3];
    out[i] = packRgba(
      Math.round(a[0] + (b[0] - a[0]) * f),
      Math.round(a[1] + (b[1] - a[1]) * f),
      Math.round(a[2] + (b[2] - a[2]) * f),
    );
  }
  return out;
}

const faint = (c: number) => ((c & 0x00ffffff) | (Math.round((c >>> 24) * 0.4) << 24)) >>> 0;

/**
 * Writes every cell of `rows` into `buf` (width `w` device pixels, row-major). `dpr` scales the
 * layout's CSS pixels to device pixels. Every cell covers its whole square, so a buffer painted
 * before with the same rows shape needs no clearing (`clear` false saves a 10 MB fill a draw).
 * A plain value cell (the common case, 4,096 of them a second on a fleet) is a tight loop of
 * stores; the marks (hatch, cross, frame) go through a bounds-checked pixel write.
 */
export function paintCells(
  buf: Uint32Array,
  w: number,
  h: number,
  rows: readonly HeatRow[],
  l: HeatLayout,
  dpr: number,
  pal: HeatPalette,
  clear = true,
): void {
  if (clear) buf.fill(0);
  const size = Math.max(1, Math.round(l.cell * dpr));
  const frame = Math.max(1, Math.round(2 * dpr));
  const margin = Math.round(3 * dpr);
  const stripe = Math.max(3, Math.round(6 * dpr));
  const lostT = Math.floor(0.75 * dpr);
  const put = (x: number, y: number, c: number) => {
    if (x >= 0 && x < w && y >= 0 && y < h) buf[y * w + x] = c;
  };
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const dimNode = row.node.stale;
    for (let k = 0; k < row.cells.length; k++) {
      const cell = row.cells[k]!;
      const o = cellOrigin(l, i, k);
      const x0 = Math.round(o.x * dpr);
      const y0 = Math.round(o.y * dpr);
      const dim = dimNode || cell.stale;
      const base =
        cell.state === 'lost'
          ? pal.lost
          : cell.state === 'no-value'
            ? pal.noValueBg
            : pal.ramp[Math.round((cell.level ?? 0) * 100)]!;
      const fill = dim ? faint(base) : base;
      const xa = Math.max(0, x0);
      const xb = Math.min(w, x0 + size);
      if (xb <= xa) continue;
      const ya = Math.max(0, y0);
      const yb = Math.min(h, y0 + size);
      for (let y = ya; y < yb; y++) {
        const end = y * w + xb;
        for (let p = y * w + xa; p < end; p++) buf[p] = fill;
      }
      if (cell.state === 'no-value') {
        const line = dim ? faint(pal.noValueLine) : pal.noValueLine;
        for (let dy = 0; dy < size; dy++)
          for (let dx = (stripe - (dy % stripe)) % stripe; dx < size; dx += stripe)
            put(x0 + dx, y0 + dy, line);
      } else if (cell.state === 'lost') {
        const mark = dim ? faint(pal.lostMark) : pal.lostMark;
        for (let d = margin; d < size - margin; d++)
          for (let off = -lostT; off <= lostT; off++) {
            const e = d + off;
            if (e < margin || e >= size - margin) continue;
            put(x0 + e, y0 + d, mark);
            put(x0 + size - 1 - e, y0 + d, mark);
          }
      }
      if (cell.hot) {
        const hot = dim ? faint(pal.hot) : pal.hot;
        for (let dy = 0; dy < size; dy++) {
          const y = y0 + dy;
          if (y < 0 || y >= h) continue;
          if (dy < frame || dy >= size - frame) buf.fill(hot, y * w + xa, y * w + xb);
          else
            for (let f = 0; f < frame; f++) {
              put(x0 + f, y, hot);
              put(x0 + size - 1 - f, y, hot);
            }
        }
      }
    }
  }
}
