// @vitest-environment jsdom
/**
 * Whole-app: the Monitor page over the real MonitorService (views, alerts, deltas), its
 * collectors replaced by fakes fed with real captures — nvidia-smi lines with [Not Supported],
 * Ray 2.60's Serve LLM status and its /metrics page (core/ray/fixtures, core/monitor/fixtures). Checks
 * that what the core builds is what the page shows: GPUs, the hot alert, the LLM deployment's
 * ongoing requests, and a rate that has no value yet (one page) shown as "no value", not 0.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { createElement } from 'react';
import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ClusterNode, RaydeckClient } from '../../shared';
import { EventBus } from '../../core/api/event-bus';
import { readServeInstance } from '../../core/ray/serve-api';
import type { Collector, CollectorFactory } from '../../core/monitor/collector';
import { PriceBook } from '../../core/monitor/cost';
import { MonitorService } from '../../core/monitor/monitor-service';
import { App } from '../../renderer/app/App';
import { CLUSTER } from './monitor-fake-core';
import { useMonitorHarness } from './monitor-harness';

useMonitorHarness(); // clean shell and canvas stand-in per test

const PAGE = fs.readFileSync(
  path.resolve(__dirname, '../../core/monitor/fixtures/ray-2.60-serve-llm-cpu-metrics.txt'),
  'utf8',
);
const REF = path.resolve(__dirname, '../../core/ray/fixtures');
const APPS = readServeInstance(
  JSON.parse(fs.readFileSync(path.join(REF, 'ray-2.60-serve-llm-applications.json'), 'utf8')),
);

class FakeCollector implements Collector {
  status;
  constructor(kind: Collector['status']['kind'], nodeId: string | null) {
    this.status = {
      key: `${kind}:${nodeId ?? 'cluster'}`,
      kind,
      nodeId,
      state: 'stopped' as const,
      message: null,
    };
  }
  start() {
    (this.status as { state: string }).state = 'running';
  }
  stop() {
    (this.status as { state: string }).state = 'stopped';
  }
}

const node = (id: string, host: string, role: 'head' | 'worker') =>
  ({
    id,
    clusterId: CLUSTER.id,
    name: id,
    host,
    port: 22,
    user: 'ray',
    auth: { kind: 'agent' },
    jumpNodeId: null,
    role,
    hasSecret: false,
    vouchedFingerprints: [],
    createdAt: '',
  }) as ClusterNode;

function realMonitor() {
  const bus = new EventBus();
  const gpu = new Map<string, (line: string, at: number) => void>();
  const pages = new Map<string, (page: Buffer, at: number) => void>();
  let serve: ((i: typeof APPS, at: number) => void) | null = null;
  const factory: CollectorFactory = {
    gpuStream: (nodeId, stream, _p, onLine) => {
      if (stream === 'gpu') gpu.set(nodeId, onLine);
      return new FakeCollector(stream === 'gpu' ? 'gpu' : 'gpu-apps', nodeId);
    },
    metrics: (nodeId, _p, onPage) => {
      pages.set(nodeId, onPage);
      return new FakeCollector('metrics', nodeId);
    },
    serve: (_id, _p, onInstance) => {
      serve = onInstance;
      return new FakeCollector('serve', null);
    },
  };
  const now = Date.now();
  const svc = new MonitorService({
    bus,
    nodes: { list: async () => [node('n1', '192.0.2.2', 'head')] },
    collectors: factory,
    prices: new PriceBook(
      path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mon-ui-')), 'prices.json'),
    ),
    periodMs: 10_000, // ticks are driven by the test
    now: () => now,
  });
  const client: RaydeckClient = {
    call: (async (
      method: string,
      input: { clusterId: string; keys?: string[]; sinceMs?: number },
    ) => {
      await Promise.resolve();
      switch (method) {
        case 'clusters.list':
          return [CLUSTER];
        case 'monitor.subscribe':
          return svc.subscribe(input.clusterId);
        case 'monitor.unsubscribe':
          return { stopped: await svc.unsubscribe(input.clusterId) };
        case 'monitor.series':
          return svc.series({
            clusterId: input.clusterId,
            keys: input.keys ?? [],
            sinceMs: input.sinceMs ?? 0,
          });
        default:
          throw new Error(`not answered here: ${method}`);
      }
    }) as RaydeckClient['call'],
    subscribe: ((event: string, l: (p: unknown) => void) =>
      bus.on(event as never, l as never)) as RaydeckClient['subscribe'],
    onStatus: (l) => {
      l('open');
      return () => {};
    },
    close: () => {},
  };
  const feed = () => {
    serve!(APPS, now);
    gpu.get('n1')!('0, GPU-a, NVIDIA H100 80GB HBM3, 37, 1000, 81559, 52, [Not Supported]', now);
    gpu.get('n1')!('1, GPU-b, NVIDIA H100 80GB HBM3, 90, 2000, 81559, 91, 300.5', now);
    gpu.get('n1')!('0, GPU-a, NVIDIA H100 80GB HBM3, 37, 1000, 81559, 52, [Not Supported]', now);
    pages.get('n1')!(Buffer.from(PAGE), now);
    svc.get(CLUSTER.id)!.tick();
  };
  return { svc, client, feed };
}

describe('Monitor page over the real monitor service', () => {
  it('shows what the core builds from real captures: GPUs, the hot alert, the LLM deployment, no value for a missing rate', async () => {
    const m = realMonitor();
    render(createElement(App, { client: m.client }));
    await screen.findByTestId('monitor-totals');
    await act(async () => {
      m.feed();
      await new Promise((r) => setTimeout(r, 20));
    });
    await waitFor(() => expect(screen.getByTestId('heatmap-canvas').dataset.cells).toBe('2'));
    expect(screen.getByTestId('total-gpus-hot').textContent).toContain('1');
    await waitFor(() => expect(screen.getByTestId('nav-monitor-alerts').textContent).not.toBe(''));
    fireEvent.keyDown(window, { key: '3' });
    fireEvent.click(await screen.findByRole('button', { name: /^LLMServer:tiny-llama/ }));
    const dep = await screen.findByTestId('monitor-deployment');
    expect(dep.dataset.name).toBe('LLMServer:tiny-llama');
    expect(within(dep).getByTestId('metric-ongoing').dataset.value).toBe('6');
    expect(within(dep).getByTestId('metric-rps').textContent).toContain('no value');
    expect(within(dep).getAllByTestId('replica-row').length).toBeGreaterThan(0);
    await m.svc.unsubscribe(CLUSTER.id);
  });
});
