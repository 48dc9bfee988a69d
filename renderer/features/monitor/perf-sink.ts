/**
 * Opt-in timing of the Monitor page's drawing, for the UI bench (bench/monitor-ui.bench.ts):
 * when the page was opened with `globalThis.__RAYDECK_PERF__` set to an array, every chart
 * update, heat map draw and delta merge pushes `{ what, ms }` onto it. Otherwise nothing is recorded (no
 * buffer grows in a long-running app).
 */
export interface PerfSample {
  what: 'chart' | 'heatmap' | 'delta';
  ms: number;
}

/** Whether the bench asked for timings (the page then also forces what it times to finish: see LiveChart). */
export function perfEnabled(): boolean {
  return Array.isArray((globalThis as { __RAYDECK_PERF__?: PerfSample[] }).__RAYDECK_PERF__);
}

export function recordPerf(what: PerfSample['what'], ms: number): void {
  const sink = (globalThis as { __RAYDECK_PERF__?: PerfSample[] }).__RAYDECK_PERF__;
  if (Array.isArray(sink)) sink.push({ what, ms });
}
