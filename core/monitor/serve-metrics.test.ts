/** Per-deployment metrics from the live Ray 2.60 Serve LLM page: gauges, rates across restarts, latency from deltas, vLLM gauges that vanish. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PromTextParser } from './prometheus-text';
import { SERVE_METRIC_PREFIXES, ServeMetrics } from './serve-metrics';
import { SeriesStore } from './series-store';
import { seriesKey } from '../../shared/domain/monitor';

const PAGE = fs.readFileSync(
  path.resolve(__dirname, 'fixtures/ray-2.60-serve-llm-cpu-metrics.txt'),
  'utf8',
);
const LLM = 'llm/LLMServer:tiny-llama';
const INGRESS = 'llm/OpenAiIngress';

/** The page with every ray_serve_deployment_request_counter_total value raised by `add`. */
const withRequests = (add: number) =>
  PAGE.replace(
    /^(ray_serve_deployment_request_counter_total\{[^\n]*\}) ([0-9.e+]+)$/gm,
    (_, s: string, v: string) => `${s} ${Number(v) + add}`,
  );

describe('serve metrics', () => {
  it('reads queue, ongoing and vLLM gauges on the first page; rates and latency need a second', () => {
    const store = new SeriesStore();
    const m = new ServeMetrics(store);
    const parser = new PromTextParser({ keepPrefixes: SERVE_METRIC_PREFIXES });
    m.ingest('head', parser.parse(PAGE), 1000);
    const first = m.tick(1000, 3000);
    const llm = first.deployments.get(LLM)!;
    expect(llm.queueLength).toBe(0);
    expect(llm.ongoingRequests).toBe(6);
    expect(llm.vllmRunning).toBe(5);
    expect(llm.kvCacheUsage).toBeCloseTo(0.000305, 5);
    expect(llm.rps).toBeUndefined(); // one reading of a counter is no rate
    expect(first.replicas.get('llm/LLMServer:tiny-llama/pyae00yf')).toBe(6);

    m.ingest('head', parser.parse(withRequests(10)), 2000);
    const second = m.tick(2000, 3000);
    // Three routes per replica each +10 over one second.
    expect(second.deployments.get(INGRESS)!.rps).toBeGreaterThan(0);
    expect(store.last('dep/llm/OpenAiIngress/rps')!.v).toBe(second.deployments.get(INGRESS)!.rps);
    expect(second.deployments.get(LLM)!.errorRate).toBe(0);
  });

  it('a restarted node: its counter drop is a reset, not a negative rate', () => {
    const m = new ServeMetrics(new SeriesStore());
    const parser = new PromTextParser({ keepPrefixes: SERVE_METRIC_PREFIXES });
    m.ingest('head', parser.parse(withRequests(1000)), 1000);
    m.ingest('head', parser.parse(PAGE), 2000);
    const rps = m.tick(2000, 3000).deployments.get(INGRESS)!.rps!;
    expect(rps).toBeGreaterThan(0);
  });

  it('vLLM gauges that vanish while idle are no value, and a stale node counts for nothing', () => {
    const m = new ServeMetrics(new SeriesStore());
    const parser = new PromTextParser({ keepPrefixes: SERVE_METRIC_PREFIXES });
    const idle = PAGE.split('\n')
      .filter(
        (l) => !/^ray_vllm_(num_requests_running|num_requests_waiting|kv_cache_usage_perc)/.test(l),
      )
      .join('\n');
    m.ingest('head', parser.parse(idle), 1000);
    const v = m.tick(1000, 3000).deployments.get(LLM)!;
    expect(v.vllmRunning).toBeUndefined();
    expect(v.kvCacheUsage).toBeUndefined();
    expect(m.tick(10_000, 3000).deployments.size).toBe(0);
  });
  it('a page read every 500 ms while Ray moves it every 1 s: rates over >= 1 s, not 0 and twice the truth in turn', () => {
    const store = new SeriesStore();
    const m = new ServeMetrics(store, () => null, 900);
    const parser = new PromTextParser({ keepPrefixes: SERVE_METRIC_PREFIXES });
    const rates: number[] = [];
    // Ray adds 10 requests per route each second; the node reads the page twice a second.
    for (let k = 0; k <= 8; k++) {
      const t = 1000 + k * 500;
      m.ingest('head', parser.parse(withRequests(10 * Math.floor(k / 2))), t);
      const rps = m.tick(t, 3000).deployments.get(INGRESS)!.rps;
      if (rps !== undefined) rates.push(rps);
    }
    expect(rates.length).toBeGreaterThan(4);
    expect(Math.min(...rates)).toBeGreaterThan(0);
    expect(Math.max(...rates)).toBeCloseTo(Math.min(...rates), 6);
    // Without the window the same pages give 0 between Ray's moves.
    const raw = new ServeMetrics(new SeriesStore());
    raw.ingest('head', parser.parse(withRequests(0)), 1000);
    raw.ingest('head', parser.parse(withRequests(10)), 1500);
    raw.ingest('head', parser.parse(withRequests(10)), 2000);
    expect(raw.tick(2000, 3000).deployments.get(INGRESS)!.rps).toBe(0);
  });

  it('tick without series: the values, no points appended', () => {
    const store = new SeriesStore();
    const m = new ServeMetrics(store);
    const parser = new PromTextParser({ keepPrefixes: SERVE_METRIC_PREFIXES });
    m.ingest('head', parser.parse(PAGE), 1000);
    expect(m.tick(1000, 3000, false).deployments.get(LLM)!.ongoingRequests).toBe(6);
    expect(
      store.last(seriesKey.deployment('llm', 'LLMServer:tiny-llama', 'ongoingRequests')),
    ).toBeNull();
    m.tick(1000, 3000);
    expect(
      store.last(seriesKey.deployment('llm', 'LLMServer:tiny-llama', 'ongoingRequests'))!.v,
    ).toBe(6);
  });
});
