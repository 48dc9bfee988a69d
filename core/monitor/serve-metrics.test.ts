/** Per-deployment metrics from the live Ray 2.60 Serve LLM page: gauges, rates across restarts, latency from deltas, vLLM gauges that vanish. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PromTextParser } from './prometheus-text';
import { SERVE_METRIC_PREFIXES, ServeMetrics } from './serve-metrics';
import { SeriesStore } from './series-store';

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
});
