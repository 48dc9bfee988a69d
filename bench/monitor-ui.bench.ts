/**
 * The Monitor page under a simulated fleet, in Debian Chromium: the built renderer served by
 * the real browser-mode server (startBrowserServer) over a stand-in CoreService that answers
 * the page's calls with a fleet of 512 nodes x 8 GPUs and pushes a monitor.delta every second
 * that moves every GPU as the core does (a `gpuValues` row per GPU: 4,096; with `--gpu-upserts`
 * the form the core sent before: every GPU re-sent whole plus a point on each of its 4 series,
 * 16,384 points, for a renderer built before) and appends one point to each deployment series. The page is measured twice — the overview (one-canvas heat map) and a
 * deployment page (uPlot charts backfilled with 600 points per line) — for frame times
 * (requestAnimationFrame deltas, p50 / p95 / max), the longest chart update and heat map draw
 * (the page's opt-in perf sink).
 *
 *   npx tsx bench/monitor-ui.bench.ts [--seconds 20] [--nodes 512] [--gpus 8] [--renderer DIR] [--trace DIR] [--control] [--gpu-upserts] [--views overview,deployment]
 *
 * Needs a built renderer: `npm run build:renderer` (dist/renderer, the default), or a build of
 * its own elsewhere (`npx vite build --outDir /some/dir` then `--renderer /some/dir`), so a bench
 * build never replaces the dist/ that browser tests serve. `--trace DIR` also writes a Chromium
 * performance trace of each view (open in DevTools' Performance panel) and reads the main
 * thread's CPU from it; TRACE_CATEGORIES replaces the trace's categories (with
 * disabled-by-default-v8.cpu_profiler it holds a CPU profile, which costs the page time).
 * `--control` measures the overview once more with no deltas pushed: what the machine alone does
 * to frame times. `--views` picks the views measured (default both; `--views deployment
 * --seconds 600` is the 10 minutes of chart updates). Reports the load average during
 * each view (this machine's cores are shared).
 * Prints a JSON summary and writes it to bench/results/monitor-ui.json. Targets (issue 18):
 * frame p95 <= 18 ms, longest chart update <= 8 ms. This measures the UI only; the collectors'
 * CPU and memory are the core's bench.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { RENDERER_DIR, startMonitorStandIn } from '../e2e/support/monitor-stand-in';
import {
  applyGpuValues,
  seriesKey,
  DEPLOYMENT_SERIES,
  type MonitorSnapshot,
  type SeriesDelta,
} from '../shared';
import {
  deployment,
  fleet,
  fleetDelta,
  metrics,
  replica,
} from '../renderer/features/monitor/monitor-fixtures';
import { launchChromium } from '../e2e/support/chromium';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '20' },
    nodes: { type: 'string', default: '512' },
    gpus: { type: 'string', default: '8' },
    renderer: { type: 'string', default: RENDERER_DIR },
    trace: { type: 'string' },
    control: { type: 'boolean', default: false },
    'gpu-upserts': { type: 'boolean', default: false },
    views: { type: 'string', default: 'overview,deployment' },
  },
});
const RENDERER = path.resolve(values.renderer);
const SECONDS = Number(values.seconds);
const NODES = Number(values.nodes);
const GPUS = Number(values.gpus);
const VIEWS = new Set(values.views.split(','));
for (const v of VIEWS)
  if (v !== 'overview' && v !== 'deployment')
    throw new Error(`--views: "${v}" is not a view (overview, deployment)`);
const DEPLOYMENTS = [
  ['llm', 'LLMServer'],
  ['rag', 'Embedder'],
] as const;

function buildSnapshot(): MonitorSnapshot {
  const s = fleet(NODES, GPUS, 'c1');
  return {
    ...s,
    applications: DEPLOYMENTS.map(([app]) => ({
      key: app,
      name: app,
      status: 'RUNNING',
      message: '',
    })),
    deployments: DEPLOYMENTS.map(([app, name]) =>
      deployment(app, name, {
        desired: 64,
        running: 64,
        metrics: metrics({
          queueLength: 3,
          ongoingRequests: 40,
          rps: 120,
          kvCacheUsage: 0.5,
          tokensPerS: 900,
        }),
      }),
    ),
    replicas: DEPLOYMENTS.flatMap(([app, name]) =>
      Array.from({ length: 64 }, (_, i) =>
        replica(app, name, `r${i}`, { nodeId: `n${i}`, gpuIds: [`n${i}/0`] }),
      ),
    ),
  };
}

/** A plausible value of a deployment series at time t (seconds). */
function wave(field: string, t: number): number {
  const base = field.includes('Ms') ? 200 : field === 'kvCacheUsage' ? 0.5 : 50;
  return base * (1 + 0.5 * Math.sin(t / 7 + field.length));
}

function seriesAt(keys: readonly string[], fromS: number, toS: number): SeriesDelta {
  const out: SeriesDelta = {};
  for (const k of keys) {
    const field = k.split('/').pop()!;
    const pts: [number, number][] = [];
    for (let t = fromS; t <= toS; t++) pts.push([t * 1000, wave(field, t)]);
    out[k] = pts;
  }
  return out;
}

const ALL_KEYS = DEPLOYMENTS.flatMap(([app, name]) =>
  DEPLOYMENT_SERIES.map((f) => seriesKey.deployment(app, name, f)),
);

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string };
}

/**
 * The page's main thread in a trace, by thread CPU time (not stretched by waiting for a core):
 * its work per second, and its tasks over 8 ms of CPU per second.
 */
function mainThreadWork(events: TraceEvent[]) {
  const mains = new Set(
    events
      .filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
      .map((e) => `${e.pid}:${e.tid}`),
  );
  const byThread = new Map<string, TraceEvent[]>();
  for (const e of events)
    if (e.ph === 'X' && e.name === 'RunTask' && mains.has(`${e.pid}:${e.tid}`)) {
      const k = `${e.pid}:${e.tid}`;
      byThread.set(k, [...(byThread.get(k) ?? []), e]);
    }
  const tasks = [...byThread.values()].sort((a, b) => b.length - a.length)[0] ?? [];
  if (tasks.length === 0) return null;
  const from = Math.min(...tasks.map((t) => t.ts));
  const to = Math.max(...tasks.map((t) => t.ts + (t.dur ?? 0)));
  const seconds = (to - from) / 1e6;
  const cpu = tasks.map((t) => (t.tdur ?? 0) / 1000);
  const main = `${tasks[0]!.pid}:${tasks[0]!.tid}`;
  const rafCpu = events
    .filter((e) => e.ph === 'X' && e.name === 'FireAnimationFrame' && `${e.pid}:${e.tid}` === main)
    .map((e) => (e.tdur ?? 0) / 1000);
  return {
    mainCpuMsPerS: +(cpu.reduce((a, b) => a + b, 0) / seconds).toFixed(1),
    tasksOver8MsCpuPerS: +(cpu.filter((c) => c > 8).length / seconds).toFixed(2),
    // The longest animation-frame callback by CPU: on the deployment page a chart update with
    // uPlot's redraw and its pixels (what chartUpdateMaxMs times by the clock, waits included).
    rafCallbackCpuMaxMs: rafCpu.length ? +Math.max(...rafCpu).toFixed(1) : null,
  };
}

async function main() {
  if (!fs.existsSync(path.join(RENDERER, 'index.html')))
    throw new Error(`${RENDERER} has no index.html: run "npm run build:renderer" first.`);
  let snap = buildSnapshot();
  const standIn = await startMonitorStandIn(
    { id: 'c1', name: 'fleet', createdAt: new Date().toISOString(), nodeCount: NODES },
    snap,
    RENDERER,
  );
  standIn.series = (keys) => {
    const now = Math.floor(Date.now() / 1000);
    return seriesAt(keys, now - 599, now);
  };
  let tick = 0;
  let pushing = true;
  let deltaBytes = 0;
  const timer = setInterval(() => {
    if (!pushing) return;
    tick++;
    const now = Date.now();
    const d = fleetDelta(snap, now, tick, { upserts: values['gpu-upserts'] });
    const t = Math.floor(now / 1000);
    Object.assign(d.series, seriesAt(ALL_KEYS, t, t));
    snap = {
      ...snap,
      gpus: values['gpu-upserts'] ? d.upserts.gpus : applyGpuValues(snap.gpus, d.gpuValues),
    };
    if (tick === 1) deltaBytes = JSON.stringify(d).length;
    standIn.snapshot = snap;
    standIn.emit('monitor.delta', d);
  }, 1000);

  const browser = await launchChromium();
  const result: Record<string, unknown> = {
    nodes: NODES,
    gpusPerNode: GPUS,
    secondsPerView: SECONDS,
    cores: os.cpus().length,
    gpuUpserts: values['gpu-upserts'],
  };
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.addInitScript(() => {
      (globalThis as { __RAYDECK_PERF__?: unknown[] }).__RAYDECK_PERF__ = [];
    });
    await page.goto(standIn.url);
    await page.getByTestId('connection-status').filter({ hasText: 'Connected' }).waitFor();
    await page.getByTestId('nav-monitor').click();
    await page.getByTestId('heatmap-canvas').waitFor({ timeout: 60_000 });
    const measure = async (label: string) => {
      await page.evaluate(() => {
        (globalThis as { __RAYDECK_PERF__?: unknown[] }).__RAYDECK_PERF__!.length = 0;
      });
      let work: ReturnType<typeof mainThreadWork> = null;
      const loads: number[] = [];
      const loadTimer = setInterval(() => loads.push(os.loadavg()[0]!), 1000);
      const cdp = values.trace ? await page.context().newCDPSession(page) : null;
      const traceEvents: unknown[] = [];
      if (cdp) {
        cdp.on('Tracing.dataCollected', (e) => traceEvents.push(...e.value));
        await cdp.send('Tracing.start', {
          categories:
            process.env.TRACE_CATEGORIES ??
            'devtools.timeline,disabled-by-default-devtools.timeline,disabled-by-default-devtools.timeline.frame',
          transferMode: 'ReportEvents',
        });
      }
      loads.push(os.loadavg()[0]!);
      // A string, not a function: tsx's name-keeping helper (__name) does not exist in the page.
      const frames = (await page.evaluate(`new Promise((resolve) => {
        const out = [];
        let last = performance.now();
        const end = last + ${SECONDS * 1000};
        requestAnimationFrame(function step(t) {
          out.push(t - last);
          last = t;
          if (t < end) requestAnimationFrame(step);
          else resolve(out);
        });
      })`)) as number[];
      clearInterval(loadTimer);
      loads.push(os.loadavg()[0]!);
      if (cdp) {
        const done = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
        await cdp.send('Tracing.end');
        await done;
        await cdp.detach();
        fs.mkdirSync(values.trace!, { recursive: true });
        const file = path.join(values.trace!, `monitor-ui-${label}.trace.json`);
        fs.writeFileSync(file, JSON.stringify({ traceEvents }));
        console.error(`trace: ${file}`);
        work = mainThreadWork(traceEvents as TraceEvent[]);
      }
      const perf = await page.evaluate(
        () =>
          (globalThis as { __RAYDECK_PERF__?: { what: string; ms: number }[] }).__RAYDECK_PERF__!,
      );
      const sorted = [...frames].sort((a, b) => a - b);
      const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
      const of = (what: string) => perf.filter((x) => x.what === what).map((x) => x.ms);
      const max = (xs: number[]) => (xs.length ? +Math.max(...xs).toFixed(1) : null);
      const median = (xs: number[]) =>
        xs.length ? +[...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!.toFixed(1) : null;
      const r = {
        frames: frames.length,
        fps: +(frames.length / SECONDS).toFixed(1),
        frameP50Ms: +q(0.5).toFixed(1),
        frameP95Ms: +q(0.95).toFixed(1),
        frameMaxMs: +sorted.at(-1)!.toFixed(1),
        framesOver18Ms: frames.filter((f) => f > 18).length,
        framesOver50Ms: frames.filter((f) => f > 50).length,
        longestFrames: sorted.slice(-5).map((f) => +f.toFixed(0)),
        chartUpdates: of('chart').length,
        chartUpdateP50Ms: median(of('chart')),
        chartUpdateMaxMs: max(of('chart')),
        chartUpdatesOver8Ms: of('chart').filter((x) => x > 8).length,
        chartUpdatesLongest: [...of('chart')]
          .sort((a, b) => a - b)
          .slice(-5)
          .map((x) => +x.toFixed(1)),
        heatmapDraws: of('heatmap').length,
        heatmapDrawP50Ms: median(of('heatmap')),
        heatmapDrawMaxMs: max(of('heatmap')),
        deltaMergeMaxMs: max(of('delta')),
        // 1-minute load average, sampled each second while measuring (cores: result.cores).
        loadAvgMin: +Math.min(...loads).toFixed(2),
        loadAvgMax: +Math.max(...loads).toFixed(2),
        ...work,
      };
      result[label] = r;
      console.error(label, JSON.stringify(r));
    };
    if (VIEWS.has('overview')) await measure('overview');
    if (VIEWS.has('deployment')) {
      await page.getByTestId('monitor-tab-deployments').click();
      await page.getByTestId('chart-latency').waitFor();
      await page.waitForTimeout(2000);
      await measure('deployment');
    }
    if (values.control) {
      // The same page with no deltas: what this machine alone does to frame times.
      pushing = false;
      await page.getByTestId('monitor-tab-overview').click();
      await page.getByTestId('heatmap-canvas').waitFor();
      await page.waitForTimeout(2000);
      await measure('controlNoDeltas');
    }
  } finally {
    clearInterval(timer);
    await browser.close();
    await standIn.close();
  }
  result.deltaKiB = Math.round(deltaBytes / 1024);
  fs.mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
  fs.writeFileSync(
    path.join(ROOT, 'bench', 'results', 'monitor-ui.json'),
    JSON.stringify(result, null, 2),
  );
  console.log(JSON.stringify(result, null, 2));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
