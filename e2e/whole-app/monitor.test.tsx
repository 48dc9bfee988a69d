// @vitest-environment jsdom
/**
 * Whole-app: the Monitor page against a stand-in core — empty states (no cluster, a cluster
 * whose collectors cannot start, nothing on Serve), the overview's totals (no value is never
 * counted as 0, lost and hot GPUs), deltas and alerts pushed live (with the sidebar badge),
 * GPU -> replica -> queue, the deployment's live numbers, the views' keyboard shortcuts, prices,
 * and scaling: preview with the fit and its warning, a double-clicked Apply that starts one
 * scale, followed to the end.
 */
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { measured, gpu } from '../../renderer/features/monitor/monitor-fixtures';
import { EMPTY_DIFF } from './monitor-fake-core';
import { useMonitorHarness } from './monitor-harness';

const h = useMonitorHarness();

const none = {
  nodes: [],
  gpus: [],
  applications: [],
  deployments: [],
  replicas: [],
  collectors: [],
};

describe('Monitor page', () => {
  it('without a cluster says to add one, and the button goes to Clusters', async () => {
    h.core.clusters = [];
    h.renderApp();
    const empty = await screen.findByTestId('monitor-no-cluster');
    fireEvent.click(within(empty).getByRole('button', { name: 'Go to Clusters' }));
    await waitFor(() => expect(location.hash).toBe('#/clusters'));
  });

  it("a cluster whose collectors cannot start shows the core's reason; Try again once it answers", async () => {
    h.core.subscribeError = 'Cannot reach the head 198.51.100.10: connect ECONNREFUSED';
    h.renderApp();
    const reason = await screen.findByTestId('monitor-unreachable-reason');
    expect(reason.textContent).toContain('connect ECONNREFUSED');
    h.core.subscribeError = null;
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await screen.findByTestId('monitor-totals');
  });

  it('overview totals: a GPU without a value is not idle (never 0), lost and hot counted; a delta updates them live', async () => {
    h.renderApp();
    await screen.findByTestId('monitor-totals');
    expect(screen.getByTestId('total-gpus-busy').textContent).toContain('2 / 4');
    expect(screen.getByTestId('total-gpus-lost').textContent).toContain('1');
    expect(screen.getByTestId('total-gpus-hot').textContent).toContain('1');
    expect(screen.getByTestId('total-gpus-no-value').textContent).toContain('2');
    const canvas = screen.getByTestId('heatmap-canvas');
    expect(canvas.dataset.cells).toBe('4');
    expect(canvas.getAttribute('aria-label')).toBe('Utilization of 4 GPUs on 2 nodes');
    await h.emit('monitor.delta', {
      clusterId: 'c1',
      at: Date.now(),
      series: {},
      upserts: { ...none, gpus: [gpu('n1', 0, { lost: true })] },
      removed: { ...none },
      cost: null,
    });
    expect(screen.getByTestId('total-gpus-lost').textContent).toContain('2');
    expect(screen.getByTestId('total-gpus-busy').textContent).toContain('1 / 4');
  });

  it('alerts pushed by the core show in the sidebar badge and the alerts list; timeline entries append', async () => {
    h.renderApp();
    await screen.findByTestId('monitor-totals');
    expect(screen.queryByTestId('nav-monitor-alerts')).toBeNull();
    await h.emit('monitor.alerts', {
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
        {
          key: 'gpu-hot:n2/1',
          kind: 'gpu-hot',
          severity: 'warning',
          subject: 'n2/1',
          message: 'GPU 1 of gpu-worker is at 94 °C',
          since: Date.now(),
        },
      ],
    });
    expect(screen.getByTestId('nav-monitor-alerts').textContent).toBe('2');
    await h.emit('monitor.event', {
      clusterId: 'c1',
      events: [
        {
          seq: 1,
          at: Date.now(),
          kind: 'replica-died',
          severity: 'warning',
          subject: 'llm/LLMServer/r-llm-1',
          message: 'Replica r-llm-1 died',
        },
      ],
    });
    fireEvent.keyDown(window, { key: '4' });
    const alerts = await screen.findAllByTestId('alert');
    expect(alerts.map((a) => a.dataset.kind)).toEqual(['gpu-lost', 'gpu-hot']);
    const entries = screen.getAllByTestId('timeline-entry');
    expect(entries).toHaveLength(1);
    expect(entries[0]!.dataset.kind).toBe('replica-died');
    expect(entries[0]!.textContent).toContain('Replica r-llm-1 died');
  });

  it('GPU -> replica -> queue: the replica on its GPU with its deployment queue beside it; an unsupported GPU reads "no value"', async () => {
    h.renderApp();
    await screen.findByTestId('monitor-totals');
    fireEvent.click(screen.getByTestId('monitor-tab-gpus'));
    const rows = await screen.findAllByTestId('gpu-row');
    const onGpu = rows.find((r) => r.dataset.replica === 'r-llm-1')!;
    expect(onGpu.dataset.gpu).toBe('n1/0');
    expect(within(onGpu).getByTestId('queue-length').dataset.value).toBe('3');
    expect(within(onGpu).getByTestId('ongoing').dataset.value).toBe('5');
    const unsupported = rows.find((r) => r.dataset.gpu === 'n1/1')!;
    expect(unsupported.textContent).toContain('no value');
    expect(unsupported.textContent).not.toMatch(/\b0 %/);
    expect(rows.find((r) => r.dataset.gpu === 'n2/0')!.textContent).toContain('LOST');
  });

  it('the deployment page shows the live numbers; a delta moves them and a vanished gauge reads "no value"', async () => {
    h.renderApp();
    await screen.findByTestId('monitor-totals');
    fireEvent.keyDown(window, { key: '3' });
    const dep = await screen.findByTestId('monitor-deployment');
    expect(dep.dataset.name).toBe('LLMServer');
    expect(within(dep).getByTestId('metric-queue').dataset.value).toBe('3');
    expect(within(dep).getByTestId('metric-kv-cache').textContent).toContain('42');
    const d = h.core.snapshot.deployments[0]!;
    await h.emit('monitor.delta', {
      clusterId: 'c1',
      at: Date.now(),
      series: {},
      upserts: {
        ...none,
        deployments: [
          {
            ...d,
            metrics: { ...d.metrics, queueLength: measured(11), tokensPerS: measured(null) },
          },
        ],
      },
      removed: { ...none },
      cost: null,
    });
    expect(within(dep).getByTestId('metric-queue').dataset.value).toBe('11');
    expect(within(dep).getByTestId('metric-tokens').textContent).toContain('no value');
  });

  it('nothing on Serve: the deployments view says so and goes to the Serve page', async () => {
    h.core.snapshot = { ...h.core.snapshot, deployments: [], replicas: [], applications: [] };
    h.renderApp();
    await screen.findByTestId('monitor-totals');
    fireEvent.click(screen.getByTestId('monitor-tab-deployments'));
    const empty = await screen.findByTestId('monitor-no-serve');
    fireEvent.click(within(empty).getByRole('button', { name: 'Go to Serve' }));
    await waitFor(() => expect(location.hash).toBe('#/serve'));
  });

  it('scaling: preview shows the diff, the fit and its warning; a double-clicked Apply starts one scale, followed to the end', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    h.core.handlers['serve.scalePreview'] = ({ change }) => ({
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
                fields: [
                  {
                    path: ['num_replicas'],
                    kind: 'changed',
                    before: 1,
                    after: 'replicas' in change ? change.replicas : 0,
                  },
                ],
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
        maxThatFit: null,
      },
      warnings: ['1 of 2 new replicas will stay pending: the cluster has no free GPU for it'],
      text: 'applications: []',
    });
    h.core.handlers['serve.scale'] = async () => {
      await gate;
      return {
        operationId: 'op-scale',
        version: 7,
        rollbackOf: null,
        diff: EMPTY_DIFF,
        warnings: [],
      };
    };
    h.core.operations.set('op-scale', {
      id: 'op-scale',
      kind: 'serve-apply',
      title: 'Scale llm/LLMServer to 3 replicas',
      state: 'running',
      progress: null,
      detail: 'Waiting for replicas',
      startedAt: new Date().toISOString(),
      endedAt: null,
      error: null,
      clusterId: 'c1',
    });
    h.renderApp();
    await screen.findByTestId('monitor-totals');
    fireEvent.keyDown(window, { key: '3' });
    const panel = await screen.findByTestId('scale-panel');
    const apply = within(panel).getByTestId('scale-apply') as HTMLButtonElement;
    expect(apply.disabled).toBe(true);
    fireEvent.click(within(panel).getByRole('button', { name: 'One replica more' }));
    fireEvent.click(within(panel).getByRole('button', { name: 'One replica more' }));
    expect(
      (within(panel).getByRole('textbox', { name: 'Replicas' }) as HTMLInputElement).value,
    ).toBe('3');
    fireEvent.click(within(panel).getByTestId('scale-preview-button'));
    await within(panel).findByTestId('scale-preview');
    expect(h.core.callsOf('serve.scalePreview')[0]!.change).toEqual({ replicas: 3 });
    expect(within(panel).getByTestId('scale-diff').textContent).toContain(
      'llm/LLMServer num_replicas: 1 → 3',
    );
    expect(within(panel).getByTestId('scale-warning').textContent).toContain('will stay pending');
    const fit = within(panel).getAllByTestId('fit-row');
    expect(fit.map((r) => [r.dataset.node, r.dataset.pending])).toEqual([
      ['n2', 'false'],
      ['', 'true'],
    ]);
    expect(fit[1]!.textContent).toContain('needs 1 GPU');
    // Changing the form after the preview asks for a new preview before Apply.
    fireEvent.click(within(panel).getByRole('button', { name: 'One replica fewer' }));
    expect(apply.disabled).toBe(true);
    fireEvent.click(within(panel).getByRole('button', { name: 'One replica more' }));
    expect(apply.disabled).toBe(false);
    fireEvent.click(apply);
    fireEvent.click(apply);
    release();
    const follow = await within(panel).findByTestId('scale-follow');
    expect(h.core.callsOf('serve.scale')).toHaveLength(1);
    expect(h.core.callsOf('serve.scale')[0]).toMatchObject({
      app: 'llm',
      deployment: 'LLMServer',
      change: { replicas: 3 },
    });
    expect(follow.dataset.version).toBe('7');
    // Another view and back: the deployment page is drawn anew, the followed scale stays.
    fireEvent.keyDown(window, { key: '1' });
    await waitFor(() => expect(screen.queryByTestId('scale-panel')).toBeNull());
    fireEvent.keyDown(window, { key: '3' });
    expect(
      (await within(await screen.findByTestId('scale-panel')).findByTestId('scale-follow')).dataset
        .version,
    ).toBe('7');
    // While it runs, "Stop following" ends Raydeck's wait (Ray goes on): operations.cancel.
    const shown = within(await screen.findByTestId('scale-panel')).getByTestId('scale-follow');
    fireEvent.click(within(shown).getByTestId('scale-follow-stop'));
    await waitFor(() => expect(h.core.callsOf('operations.cancel')).toEqual([{ id: 'op-scale' }]));
    await h.emit('operation.progress', {
      ...h.core.operations.get('op-scale')!,
      state: 'succeeded',
      progress: 1,
      detail: '3 replicas running',
    });
    await waitFor(() => expect(shown.dataset.state).toBe('succeeded'));
    fireEvent.click(within(shown).getByRole('button', { name: /Serve page's history/ }));
    await waitFor(() => expect(location.hash).toBe('#/serve'));
  });

  it('a bad number in the scale form is named, and Preview stays off', async () => {
    h.renderApp();
    await screen.findByTestId('monitor-totals');
    fireEvent.keyDown(window, { key: '3' });
    const panel = await screen.findByTestId('scale-panel');
    fireEvent.click(within(panel).getByRole('radio', { name: /Autoscaling/ }));
    fireEvent.change(within(panel).getByRole('textbox', { name: 'Min replicas' }), {
      target: { value: '5' },
    });
    fireEvent.change(within(panel).getByRole('textbox', { name: 'Max replicas' }), {
      target: { value: '2' },
    });
    expect(within(panel).getByTestId('scale-form-error').textContent).toBe(
      'Min replicas (5) must be at most max replicas (2)',
    );
    expect((within(panel).getByTestId('scale-preview-button') as HTMLButtonElement).disabled).toBe(
      true,
    );
  });

  it('prices: a node price is saved with monitor.setPrices; a bad one is refused with its reason', async () => {
    h.renderApp();
    await screen.findByTestId('monitor-totals');
    fireEvent.keyDown(window, { key: '5' });
    const panel = await screen.findByTestId('cost-panel');
    expect(within(panel).getByTestId('cost-per-hour').textContent).toContain('—');
    const input = within(panel).getByRole('textbox', { name: 'Price per hour of node gpu-head' });
    fireEvent.change(input, { target: { value: '-1' } });
    expect(within(panel).getByRole('alert').textContent).toContain(
      'must be a number of dollars per hour',
    );
    fireEvent.change(input, { target: { value: '2.5' } });
    // A delta carrying the (unchanged) cost view must not wipe what is being typed.
    await h.emit('monitor.delta', {
      clusterId: 'c1',
      at: Date.now(),
      series: {},
      upserts: { ...none },
      removed: { ...none },
      cost: { ...h.core.snapshot.cost, rps: 4 },
    });
    expect((input as HTMLInputElement).value).toBe('2.5');
    fireEvent.click(within(panel).getByRole('button', { name: 'Save prices' }));
    await waitFor(() => expect(h.core.callsOf('monitor.setPrices')).toHaveLength(1));
    expect(h.core.callsOf('monitor.setPrices')[0]).toEqual({
      clusterId: 'c1',
      perNodeHour: { n1: 2.5 },
      perGpuModelHour: {},
    });
  });
});
