// @vitest-environment jsdom
/**
 * Whole-app: the Monitor page over the real MonitorService (views, alerts, deltas), its
 * collectors replaced by fakes fed with real captures — nvidia-smi lines with [Not Supported],
 * Ray 2.60's Serve LLM status and its /metrics page (core/ray/fixtures, core/monitor/fixtures). Checks
 * that what the core builds is what the page shows: GPUs, the hot alert, the LLM deployment's
 * ongoing requests, and a rate that has no value yet (one page) shown as "no value", not 0.
 * And GPU -> replica with what gpu-stream.sh sends: a GPU replica Ray placed but with no process
 * on a GPU yet said so, then on GPU 1 once vLLM's EngineCore (a child of the replica actor) is
 * there; an Xid line from the real kernel-log capture on that GPU's bus flagged on its row, as a
 * critical alert and in the timeline.
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
  const lines = new Map<string, (line: string, at: number) => void>(); // `${node}:${stream}`
  const pages = new Map<string, (page: Buffer, at: number) => void>();
  let serve: ((i: typeof APPS, at: number) => void) | null = null;
  const factory: CollectorFactory = {
    gpuStream: (nodeId, stream, _p, onLine) => {
      if (stream === 'gpu') gpu.set(nodeId, onLine);
      lines.set(`${nodeId}:${stream}`, onLine);
      return new FakeCollector(
        ({ gpu: 'gpu', apps: 'gpu-apps', xid: 'gpu-xid' } as const)[stream],
        nodeId,
      );
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
  const send = (stream: 'gpu' | 'apps' | 'xid', ...ls: string[]) =>
    ls.forEach((l) => lines.get(`n1:${stream}`)!(l, now));
  return { svc, client, feed, send, serve: (i: typeof APPS) => serve!(i, now) };
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

  it('GPU -> replica: a GPU replica with no process yet says so, then sits on the GPU its EngineCore uses; an Xid flags that GPU, alerts and enters the timeline', async () => {
    const m = realMonitor();
    // The captured LLM deployment runs vLLM's CPU build; as a GPU deployment it asks Ray for 1 GPU.
    const gpuApps = structuredClone(APPS);
    const llm = gpuApps.applications[0]!.deployments.find(
      (d) => d.name === 'LLMServer:tiny-llama',
    )!;
    llm.requiredResources = { CPU: 1, GPU: 1 };
    const tick = async () =>
      act(async () => {
        m.svc.get(CLUSTER.id)!.tick();
        await new Promise((r) => setTimeout(r, 20));
      });
    render(createElement(App, { client: m.client }));
    await screen.findByTestId('monitor-totals');
    await act(async () => {
      m.serve(gpuApps);
      m.send(
        'gpu',
        '0, GPU-a, NVIDIA H100 80GB HBM3, 3, 1000, 81559, 40, 70.5',
        '1, GPU-b, NVIDIA H100 80GB HBM3, 4, 1000, 81559, 41, 71.5',
        '0, GPU-a, NVIDIA H100 80GB HBM3, 3, 1000, 81559, 40, 70.5',
      );
      m.send('apps', 'bus GPU-a, 00000000:19:00.0', 'bus GPU-b, 00000000:3B:00.0', '--end--');
      await Promise.resolve();
    });
    await tick();
    fireEvent.keyDown(window, { key: '2' });
    const row = async () =>
      (await screen.findAllByTestId('gpu-row')).find((r) => r.dataset.replica === 'pyae00yf')!;
    let r = await row();
    expect(r.dataset.noGpu).toBe('assigned');
    expect(r.textContent).toContain('assigned by Ray, no process on a GPU yet');
    expect(within(r).getByTestId('replica-on-gpu').textContent).toContain('1 GPU from Ray');
    const ingress = (await screen.findAllByTestId('gpu-row')).find(
      (x) => x.dataset.replica === '2vqiibm7',
    )!;
    expect(ingress.dataset.noGpu).toBe('cpu');
    // The deployment page says the same of the replica.
    fireEvent.keyDown(window, { key: '3' });
    fireEvent.click(await screen.findByRole('button', { name: /^LLMServer:tiny-llama/ }));
    const replicaRow = (await screen.findAllByTestId('replica-row')).find(
      (x) => x.dataset.replica === 'pyae00yf',
    )!;
    expect(replicaRow.textContent).toContain('1 assigned by Ray, no process on a GPU yet');
    fireEvent.keyDown(window, { key: '2' });

    // vLLM's EngineCore (pid 4301) under the replica actor (pid 4279) appears on GPU 1, and the
    // kernel logs Xid 79 for GPU 1's bus (the capture's line, its bus id swapped for GPU 1's).
    const xid = fs
      .readFileSync(
        path.resolve(
          __dirname,
          '../../core/monitor/fixtures/dmesg-xid79-fallen-off-bus-sxid20034-RECONSTRUCTED.log',
        ),
        'utf8',
      )
      .split('\n')
      .find((l) => l.includes('NVRM: Xid'))!
      .replace('91:00', '3b:00');
    m.send(
      'apps',
      'bus GPU-a, 00000000:19:00.0',
      'bus GPU-b, 00000000:3B:00.0',
      'GPU-b, 4301, 20000',
      'GPU-a, 999, 100', // a process of no Serve replica
      'chain 4301 4279 4100 1',
      'chain 999 1',
      '--end--',
    );
    m.send(
      'xid',
      '{"kind":"started","stream":"xid","sources":["dmesg"],"monotonicS":6781800}',
      xid,
    );
    await tick();
    await waitFor(async () => expect((await row()).dataset.gpu).toBe('n1/1'));
    r = await row();
    expect(within(r).getByTestId('replica-on-gpu').textContent).toContain(
      'pid 4301 under actor 4279',
    );
    const gpu0 = (await screen.findAllByTestId('gpu-row')).find((x) => x.dataset.gpu === 'n1/0')!;
    expect(within(gpu0).getByTestId('gpu-no-replica').textContent).toBe(
      'no Serve replica: pid 999 on it',
    );
    const gpuNow = within(r).getByTestId('gpu-now');
    expect(gpuNow.textContent).toContain('Xid 79');
    expect(gpuNow.getAttribute('title')).toMatch(/^Xid 79 \(GPU has fallen off the bus\)/);

    fireEvent.keyDown(window, { key: '4' });
    const alert = (await screen.findAllByTestId('alert')).find(
      (a) => a.dataset.kind === 'gpu-xid',
    )!;
    expect([alert.dataset.severity, alert.dataset.subject]).toEqual(['critical', 'n1/1']);
    const entry = screen
      .getAllByTestId('timeline-entry')
      .find((e) => e.dataset.kind === 'gpu-xid')!;
    expect(entry.textContent).toContain('Xid 79 (GPU has fallen off the bus) on GPU 1 of n1');
    await m.svc.unsubscribe(CLUSTER.id);
  });
});
