/**
 * The Monitor page in real Chromium, through its page object (e2e/pages/monitor-page.ts, which
 * the cluster suite drives against the testbed): the built renderer over a stand-in monitor core
 * (e2e/support/monitor-stand-in.ts) whose pushes the test makes — totals with a lost and a hot
 * GPU, a deployment's live numbers moving with a delta, the alert badge, alerts and timeline,
 * GPU -> replica rows, and a scale previewed (fit rows, warning, diff), applied and followed.
 * Any console error or failed request fails it.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MonitorPage } from '../pages/monitor-page';
import { launchChromium, watchProblems, type PageProblems } from '../support/chromium';
import { startMonitorStandIn, type MonitorStandIn } from '../support/monitor-stand-in';
import { CLUSTER, EMPTY_DIFF, labSnapshot } from '../whole-app/monitor-fake-core';
import { measured } from '../../renderer/features/monitor/monitor-fixtures';

const none = {
  nodes: [],
  gpus: [],
  applications: [],
  deployments: [],
  replicas: [],
  collectors: [],
};

let standIn: MonitorStandIn;
let browser: Browser;
let page: Page;
let watched: PageProblems;
beforeAll(async () => {
  standIn = await startMonitorStandIn(CLUSTER, labSnapshot());
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme: 'dark' });
  watched = watchProblems(page);
  await page.goto(standIn.url);
});
afterAll(async () => {
  await browser?.close();
  await standIn?.close();
});
afterEach(() => expect(watched.problems).toEqual([]));

describe('Monitor page in Chromium', () => {
  it('reads totals, a deployment moving live, alerts, the timeline and GPU -> replica rows', async () => {
    const mp = new MonitorPage(page);
    await mp.openCluster('lab');
    expect(await mp.total('gpus-lost')).toBe('1');
    expect(await mp.total('gpus-hot')).toBe('1');
    expect(await mp.total('gpus-no-value')).toBe('2');
    await page.getByTestId('heatmap-canvas').waitFor();
    const unsupported = await mp.gpuTooltip('n1', 1);
    expect(unsupported).toContain('GPU 1');
    expect(unsupported).toContain('Utilization no value');
    expect(unsupported).not.toContain('Utilization 0');
    expect(await mp.gpuTooltip('n2', 0)).toContain('LOST');
    expect(await mp.gpuTooltip('n2', 1)).toContain('HOT');
    await page.screenshot({ path: 'e2e/artifacts/monitor-overview.png' }).catch(() => {});

    await mp.openDeployment('llm', 'LLMServer');
    expect(await mp.metric('llm', 'LLMServer', 'queue')).toBe(3);
    expect(await mp.metric('llm', 'LLMServer', 'ongoing')).toBe(5);
    expect(await mp.replicaCounts('llm', 'LLMServer')).toEqual({
      desired: 1,
      running: 1,
      starting: 0,
      pending: 0,
    });
    expect(await mp.replicas('llm', 'LLMServer')).toEqual([
      { id: 'r-llm-1', state: 'RUNNING', nodeId: 'n1' },
    ]);
    const d = standIn.snapshot.deployments[0]!;
    standIn.emit('monitor.delta', {
      clusterId: 'c1',
      at: Date.now(),
      series: {},
      upserts: {
        ...none,
        deployments: [
          {
            ...d,
            metrics: { ...d.metrics, queueLength: measured(11), ongoingRequests: measured(null) },
          },
        ],
      },
      removed: { ...none },
      cost: null,
    });
    await mp.waitFor(
      () => mp.metric('llm', 'LLMServer', 'queue'),
      (q) => q === 11,
    );
    expect(await mp.metric('llm', 'LLMServer', 'ongoing')).toBeNull();
    await page
      .screenshot({ path: 'e2e/artifacts/monitor-deployment.png', fullPage: true })
      .catch(() => {});

    standIn.emit('monitor.alerts', {
      clusterId: 'c1',
      alerts: [
        {
          key: 'gpu-lost:n2/0',
          kind: 'gpu-lost',
          severity: 'critical',
          subject: 'n2/0',
          message: 'GPU 0 of gpu-worker is lost',
          since: Date.now(),
        },
      ],
    });
    standIn.emit('monitor.event', {
      clusterId: 'c1',
      events: [
        {
          seq: 1,
          at: Date.now(),
          kind: 'replica-restarted',
          severity: 'warning',
          subject: 'llm/LLMServer/r-llm-1',
          message: 'Replica r-llm-1 restarted',
        },
      ],
    });
    await mp.navAlertBadge.filter({ hasText: '1' }).waitFor();
    expect(await mp.alerts()).toEqual([
      {
        kind: 'gpu-lost',
        severity: 'critical',
        subject: 'n2/0',
        text: expect.stringContaining('GPU 0 of gpu-worker is lost'),
      },
    ]);
    const timeline = await mp.timeline();
    expect(timeline.map((e) => e.kind)).toEqual(['replica-restarted']);

    const rows = await mp.gpuRows();
    const onGpu = rows.find((r) => r.replica === 'r-llm-1')!;
    expect(onGpu.gpu).toBe('n1/0');
    expect(onGpu.queue).toBe(11);
  });

  it('scales through preview (fit rows, warning, diff) and apply, followed to the end', async () => {
    standIn.answers['serve.scalePreview'] = () => ({
      diff: {
        ...EMPTY_DIFF,
        changed: true,
        applications: [
          {
            name: 'llm',
            change: 'changed',
            liveStatus: 'RUNNING',
            fields: [],
            deployments: [
              {
                name: 'LLMServer',
                change: 'changed',
                fields: [{ path: ['num_replicas'], kind: 'changed', before: 1, after: 3 }],
              },
            ],
          },
        ],
      },
      fit: {
        currentReplicas: 1,
        nextReplicas: 3,
        perReplica: { CPU: 1, GPU: 1 },
        placements: [
          {
            replica: 1,
            nodeId: 'n2',
            nodeIp: '198.51.100.12',
            gpus: 1,
            pending: false,
            reason: null,
          },
          {
            replica: 2,
            nodeId: null,
            nodeIp: null,
            gpus: 1,
            pending: true,
            reason: 'needs 1 GPU; the most free on a node is 0',
          },
        ],
        nodes: [],
        maxThatFit: 2,
      },
      warnings: ['1 of 2 new replicas will stay pending: no node has a free GPU'],
      text: 'applications: []',
    });
    const op = {
      id: 'op-scale',
      kind: 'serve-apply',
      title: 'Scale llm/LLMServer to 3 replicas',
      state: 'running' as const,
      progress: null,
      detail: 'Waiting for replicas',
      startedAt: new Date().toISOString(),
      endedAt: null,
      error: null,
      clusterId: 'c1',
    };
    standIn.answers['serve.scale'] = () => ({
      operationId: 'op-scale',
      version: 7,
      rollbackOf: null,
      diff: EMPTY_DIFF,
      warnings: [],
    });
    standIn.answers['operations.get'] = () => op;
    const mp = new MonitorPage(page);
    await mp.openDeployment('llm', 'LLMServer');
    const fit = await mp.previewReplicas(3);
    expect(fit.map((r) => [r.replica, r.nodeId, r.pending])).toEqual([
      [1, 'n2', false],
      [2, null, true],
    ]);
    expect(fit[1]!.text).toContain('needs 1 GPU');
    expect(await mp.scaleWarnings()).toEqual([
      '1 of 2 new replicas will stay pending: no node has a free GPU',
    ]);
    expect(await mp.scaleDiff()).toEqual(['llm/LLMServer num_replicas: 1 → 3']);
    expect(await mp.apply()).toBe(7);
    expect(standIn.calls.filter((c) => c.method === 'serve.scale')).toHaveLength(1);
    standIn.emit('operation.progress', {
      ...op,
      state: 'succeeded',
      progress: 1,
      detail: '3 replicas running',
      endedAt: new Date().toISOString(),
    });
    expect(await mp.waitForScaled(10_000)).toEqual({ state: 'succeeded', error: null });
  });
});
