/**
 * A dense live time-series chart on a canvas (uPlot): created once per mount and theme, then
 * fed by its LiveWindow — each append schedules one `setData` in an animation frame once the
 * page is idle after the delta (at most 250 ms later; several deltas in between draw once),
 * downsampled to the plot's pixel width, over a fixed time window that scrolls; a chart out of
 * view is not drawn until it shows. Colours come from
 * the app's CSS variables; a ResizeObserver keeps it the width of its box. React never
 * re-renders it for data (DESIGN.md "metrics": uPlot updates 16 charts x 600 points in a few
 * ms where recharts froze for 200 ms).
 *
 * uPlot is loaded on first use (it measures the screen as it loads, which jsdom cannot); where
 * there is no canvas (jsdom) the chart shows the newest values as text instead.
 */
import { useEffect, useRef, useState } from 'react';
import type uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useShell } from '../../shell/ui-store';
import type { LiveWindow } from './live-window';
import { perfEnabled, recordPerf } from './perf-sink';

export interface LiveSeriesSpec {
  label: string;
  /** A CSS variable of the theme ('--accent', '--ok', …); default: by position. */
  colour?: string;
  /** Appended to values in the legend and axis ('ms', '%', '/s'). */
  unit?: string;
}

const DEFAULT_COLOURS = ['--accent', '--ok', '--warn', '--bad', '--ansi-5', '--ansi-6'];

function cssVar(name: string, fallback: string): string {
  if (typeof getComputedStyle !== 'function') return fallback;
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}

/** Whether this browser can draw uPlot's canvas (jsdom has neither matchMedia nor a 2D context). */
function canvasAvailable(): boolean {
  return typeof window.matchMedia === 'function' && typeof ResizeObserver === 'function';
}

function formatValue(v: number | null | undefined, unit = ''): string {
  if (v === null || v === undefined) return 'no value';
  const abs = Math.abs(v);
  const s = abs >= 100 ? v.toFixed(0) : abs >= 10 ? v.toFixed(1) : v.toFixed(2);
  return unit ? `${s} ${unit}` : s;
}

export function LiveChart({
  title,
  window: data,
  series,
  windowS = 300,
  height = 140,
  yMin,
  yMax,
  testId,
}: {
  title: string;
  window: LiveWindow;
  series: readonly LiveSeriesSpec[];
  /** Seconds of history shown (the x axis scrolls with the newest point). */
  windowS?: number;
  height?: number;
  yMin?: number;
  yMax?: number;
  testId?: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const theme = useShell((s) => s.theme);
  const [latest, setLatest] = useState<(number | null)[]>([]);
  const canDraw = canvasAvailable();
  const seriesKey = series.map((s) => `${s.label}|${s.colour ?? ''}|${s.unit ?? ''}`).join(';');

  // The newest values as text (the legend; also what assistive tech and tests read), at most 4 times a second.
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const read = () => {
      timer = null;
      const a = data.toAligned(1);
      const n = a[0].length;
      setLatest(a.slice(1).map((ys) => (n ? ((ys as (number | null)[])[n - 1] ?? null) : null)));
    };
    read();
    const off = data.subscribe(() => {
      if (timer === null) timer = setTimeout(read, 250);
    });
    return () => {
      off();
      if (timer !== null) clearTimeout(timer);
    };
  }, [data]);

  useEffect(() => {
    const el = box.current;
    if (!el || !canDraw) return;
    let plot: uPlot | null = null;
    let frame = 0;
    let drawn = -1;
    let cancelled = false;
    let observer: ResizeObserver | null = null;
    // A chart scrolled out of view is not drawn (uPlot redraws everything on setData); it
    // catches up when it shows again.
    let visible = true;
    const io =
      typeof IntersectionObserver === 'function'
        ? new IntersectionObserver((entries) => {
            visible = entries.some((e) => e.isIntersecting);
            if (visible) schedule();
          })
        : null;
    io?.observe(el);
    // When the bench times updates: from setData to the end of uPlot's redraw (it redraws in a
    // microtask after setData returns), pixels included — Chromium records canvas drawing and
    // rasterizes it later, so a pixel is read back to make it draw now.
    let timedFrom: number | null = null;
    const afterDraw = () => {
      if (timedFrom === null || !plot) return;
      plot.ctx.getImageData(0, 0, 1, 1);
      recordPerf('chart', performance.now() - timedFrom);
      timedFrom = null;
    };
    const draw = () => {
      frame = 0;
      if (!plot || !visible || drawn === data.version) return;
      if (perfEnabled()) timedFrom = performance.now();
      drawn = data.version;
      plot.setData(data.toAligned(Math.max(2, Math.floor(plot.width))) as uPlot.AlignedData);
    };
    // New points come with a delta, the page's busiest moment (the frame is parsed, merged and
    // rendered; the heat map repaints): draw once the page is idle again, in the frame after,
    // at most 250 ms later.
    let idle = 0;
    const schedule = () => {
      if (frame || idle) return;
      if (typeof requestIdleCallback !== 'function') frame = requestAnimationFrame(draw);
      else
        idle = requestIdleCallback(
          () => {
            idle = 0;
            if (!frame) frame = requestAnimationFrame(draw);
          },
          { timeout: 250 },
        );
    };
    void import('uplot').then((mod) => {
      if (cancelled) return;
      const UPlot = mod.default;
      const text = cssVar('--muted', '#8b93a6');
      const grid = cssVar('--border', '#2a2f3a');
      const width = Math.max(120, Math.floor(el.clientWidth));
      const opts: uPlot.Options = {
        width,
        height,
        legend: { show: false },
        hooks: { draw: [afterDraw] },
        cursor: { drag: { x: false, y: false } },
        scales: {
          x: {
            time: true,
            // Ends at the newest point or now, whichever is later: an empty chart shows the last
            // minutes (not 1970), and a series that stopped shows its gap at the right.
            range: (_u, _min, max) => {
              const end = Math.max(Number.isFinite(max) ? max : 0, Date.now() / 1000);
              return [end - windowS, end];
            },
          },
          y: {
            range: (_u, min, max) => [yMin ?? Math.min(0, min), yMax ?? (max > 0 ? max * 1.1 : 1)],
          },
        },
        axes: [
          { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } },
          {
            stroke: text,
            grid: { stroke: grid, width: 1 },
            ticks: { stroke: grid, width: 1 },
            size: 48,
          },
        ],
        series: [
          {},
          ...series.map((s, i) => ({
            label: s.label,
            stroke: cssVar(s.colour ?? DEFAULT_COLOURS[i % DEFAULT_COLOURS.length]!, '#6ea8fe'),
            width: 1.5,
            spanGaps: false,
            points: { show: false },
          })),
        ],
      };
      plot = new UPlot(opts, data.toAligned(width) as uPlot.AlignedData, el);
      drawn = data.version;
      observer = new ResizeObserver(() => {
        const w = Math.max(120, Math.floor(el.clientWidth));
        if (plot && w !== plot.width) {
          plot.setSize({ width: w, height });
          drawn = -1;
          schedule();
        }
      });
      observer.observe(el);
    });
    const off = data.subscribe(schedule);
    return () => {
      cancelled = true;
      off();
      if (frame) cancelAnimationFrame(frame);
      if (idle) cancelIdleCallback(idle);
      observer?.disconnect();
      io?.disconnect();
      plot?.destroy();
    };
    // seriesKey stands for `series` (a new array each render with the same content).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [data, seriesKey, theme, height, windowS, yMin, yMax, canDraw]);

  return (
    <figure className="live-chart mon-card" data-testid={testId} aria-label={title}>
      <figcaption className="live-chart-head">
        <span className="live-chart-title">{title}</span>
        <span className="live-chart-legend">
          {series.map((s, i) => (
            <span
              key={s.label}
              className="live-chart-key"
              data-testid="chart-latest"
              data-series={s.label}
              data-value={latest[i] ?? ''}
            >
              <span
                className="live-chart-swatch"
                aria-hidden
                style={{
                  background: `var(${s.colour ?? DEFAULT_COLOURS[i % DEFAULT_COLOURS.length]})`,
                }}
              />
              {s.label} {formatValue(latest[i], s.unit)}
            </span>
          ))}
        </span>
      </figcaption>
      {canDraw ? <div ref={box} className="live-chart-plot" style={{ height }} /> : null}
    </figure>
  );
}
