/**
 * Routes a cluster's series points (from `monitor.delta` and the `monitor.series` backfill) to
 * the live charts that show them: a chart registers a LiveWindow with one series key per line;
 * points of keys nobody shows are dropped (the page holds only what it draws). Points of one
 * delta for one window are merged by time first, so lines sampled at the same instant share an
 * x value and none is dropped for arriving after another key's newer point.
 */
import type { SeriesDelta } from '../../../shared';
import type { LiveWindow } from './live-window';

interface Slot {
  window: LiveWindow;
  index: number;
}

type Row = (number | null | undefined)[];

export class SeriesHub {
  private readonly byKey = new Map<string, Slot[]>();

  /** Sends the points of `keys` to `window` (line i = keys[i]); call the returned function when the chart goes. */
  attach(window: LiveWindow, keys: readonly string[]): () => void {
    keys.forEach((key, index) => {
      const list = this.byKey.get(key) ?? [];
      list.push({ window, index });
      this.byKey.set(key, list);
    });
    return () => {
      for (const key of keys) {
        const list = this.byKey.get(key)?.filter((s) => s.window !== window) ?? [];
        if (list.length) this.byKey.set(key, list);
        else this.byKey.delete(key);
      }
    };
  }

  /** Keys some chart shows now. */
  keys(): string[] {
    return [...this.byKey.keys()];
  }

  /** Appends a delta's points to every window that shows them. */
  feed(series: SeriesDelta): void {
    const perWindow = new Map<LiveWindow, Map<number, Row>>();
    for (const key in series) {
      const slots = this.byKey.get(key);
      if (!slots) continue;
      for (const { window, index } of slots) {
        let rows = perWindow.get(window);
        if (!rows) perWindow.set(window, (rows = new Map()));
        for (const [ms, v] of series[key]!) {
          const t = ms / 1000;
          let row = rows.get(t);
          if (!row) rows.set(t, (row = new Array(window.seriesCount).fill(undefined)));
          row[index] = v;
        }
      }
    }
    for (const [window, rows] of perWindow) appendRows(window, rows);
  }

  /**
   * Older points (the backfill of `monitor.series`) for one window: merged under what live
   * deltas already put there, then the window is rebuilt in time order.
   */
  backfill(window: LiveWindow, keys: readonly string[], series: SeriesDelta): void {
    const rows = new Map<number, Row>();
    keys.forEach((key, index) => {
      for (const [ms, v] of series[key] ?? []) {
        const t = ms / 1000;
        let row = rows.get(t);
        if (!row) rows.set(t, (row = new Array(window.seriesCount).fill(undefined)));
        row[index] = v;
      }
    });
    if (rows.size === 0) return;
    const [xs, ...ys] = window.toAligned();
    xs.forEach((t, i) => {
      const row = rows.get(t) ?? new Array(window.seriesCount).fill(undefined);
      ys.forEach((y, k) => {
        if (y[i] !== null) row[k] = y[i];
      });
      rows.set(t, row);
    });
    window.clear();
    appendRows(window, rows);
  }
}

function appendRows(window: LiveWindow, rows: Map<number, Row>): void {
  const times = [...rows.keys()].sort((a, b) => a - b);
  for (const t of times) window.append(t, rows.get(t)!);
}
