/**
 * The Monitor page under a simulated fleet, in Debian Chromium: the built renderer served by
 * the real browser-mode server (startBrowserServer) over a stand-in CoreService that answers
 * the page's calls with a fleet of 512 nodes x 8 GPUs and pushes a monitor.delta every second
 * that moves every GPU (4,096 upserts) and appends one point to each deployment series. The
 * page is measured twice — the overview (one-canvas heat map) and a deployment page (uPlot
 * charts backfilled with 600 points per line) — for frame times (requestAnimationFrame deltas,
 * p50 / p95 / max), the longest chart update and heat map draw (the page's opt-in perf sink).
 *
 *   npx tsx bench/monitor-ui.bench.ts [--seconds 20] [--nodes 512] [--gpus 8]
 *
 * Needs `npm run build:renderer` first (it serves dist/renderer). Prints a JSON summary and
 * writes it to bench/results/monitor-ui.json. Targets (issue 18): frame p95 <= 18 ms, longest
 * chart update <= 8 ms. This measures the UI only; the collectors' CPU and memory are the core's bench.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { RENDERER_DIR, startMonitorStandIn } from '../e2e/support/monitor-stand-in';
import { seriesKey, DEPLOYMENT_SERIES, type MonitorSnapshot, type SeriesDelta } from '../shared';
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
  },
});
const SECONDS = Number(values.seconds);
const NODES = Number(values.nodes);
const GPUS = Number(values.gpus);
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

async function main() {
  if (!fs.existsSync(path.join(RENDERER_DIR, 'index.html')))
    throw new Error('dist/renderer is missing: run "npm run build:renderer" first.');
  let snap = buildSnapshot();
  const standIn = await startMonitorStandIn(
    { id: 'c1', name: 'fleet', createdAt: new Date().toISOString(), nodeCount: NODES },
    snap,
  );
  standIn.series = (keys) => {
    const now = Math.floor(Date.now() / 1000);
    return seriesAt(keys, now - 599, now);
  };
  let tick = 0;
  const timer = setInterval(() => {
    tick++;
    const now = Date.now();
    const d = fleetDelta(snap, now, tick);
    const t = Math.floor(now / 1000);
    d.series = seriesAt(ALL_KEYS, t, t);
    snap = { ...snap, gpus: d.upserts.gpus };
    standIn.snapshot = snap;
    standIn.emit('monitor.delta', d);
  }, 1000);

  const browser = await launchChromium();
  const result: Record<string, unknown> = {
    nodes: NODES,
    gpusPerNode: GPUS,
    secondsPerView: SECONDS,
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
      const perf = await page.evaluate(
        () =>
          (globalThis as { __RAYDECK_PERF__?: { what: string; ms: number }[] }).__RAYDECK_PERF__!,
      );
      const sorted = [...frames].sort((a, b) => a - b);
      const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
      const of = (what: string) => perf.filter((x) => x.what === what).map((x) => x.ms);
      const max = (xs: number[]) => (xs.length ? Math.max(...xs) : null);
      const r = {
        frames: frames.length,
        fps: +(frames.length / SECONDS).toFixed(1),
        frameP50Ms: +q(0.5).toFixed(1),
        frameP95Ms: +q(0.95).toFixed(1),
        frameMaxMs: +sorted.at(-1)!.toFixed(1),
        framesOver50Ms: frames.filter((f) => f > 50).length,
        longestFrames: sorted.slice(-5).map((f) => +f.toFixed(0)),
        chartUpdates: of('chart').length,
        chartUpdateMaxMs: max(of('chart')),
        heatmapDraws: of('heatmap').length,
        heatmapDrawMaxMs: max(of('heatmap')),
        deltaMergeMaxMs: max(of('delta')),
      };
      result[label] = r;
      console.error(label, JSON.stringify(r));
    };
    await measure('overview');
    await page.getByTestId('monitor-tab-deployments').click();
    await page.getByTestId('chart-latency').waitFor();
    await page.waitForTimeout(2000);
    await measure('deployment');
  } finally {
    clearInterval(timer);
    await browser.close();
    await standIn.close();
  }
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
