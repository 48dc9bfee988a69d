// @vitest-environment jsdom
/**
 * Whole-app: the Bring-up page (real App, shell and renderer) against a stand-in core, since a
 * real bring-up needs SSH nodes: the plan before anything runs, live progress and states from
 * `bringup.changed`, bounded live logs, a failed node's error, hint, log and Retry, the newest
 * run after a reload, and the cluster panel's tear-down with its operation's progress.
 */
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { RaydeckError } from '../../shared';
import { HEAD, RUNNING_STATUS, WORKER, logKey, makeRun } from './bringup-fake-core';
import { stepLogBytes } from '../../core/bringup/run-store';
import { useBringupHarness } from './bringup-harness';
import { useShell } from '../../renderer/shell/ui-store';

const harness = useBringupHarness();
const renderApp = () => harness.renderApp();
const emit = harness.emit;

const stepEl = (node: string, kind: string) =>
  document.querySelector<HTMLElement>(
    `[data-testid="bringup-step"][data-node="${node}"][data-step="${kind}"]`,
  )!;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

describe('Bring-up page: empty states', () => {
  it('asks for a cluster, then nodes, then a head', async () => {
    harness.core.clusters = [];
    const first = renderApp();
    expect(
      within(await screen.findByTestId('bringup-no-cluster')).getByRole('button', {
        name: 'Go to Clusters',
      }),
    ).toBeTruthy();
    first.unmount();

    harness.core.clusters = [
      { id: 'c1', name: 'lab', createdAt: '2025-01-01T00:00:00.000Z', nodeCount: 0 },
    ];
    harness.core.nodes = [];
    const second = renderApp();
    fireEvent.click(
      within(await screen.findByTestId('bringup-no-nodes')).getByRole('button', {
        name: 'Go to Nodes',
      }),
    );
    expect(useShell.getState().page).toBe('nodes');
    second.unmount();

    location.hash = '#/bringup';
    useShell.setState({ page: 'bringup' });
    harness.core.nodes = [{ ...WORKER }];
    renderApp();
    expect((await screen.findByTestId('bringup-no-head')).textContent).toContain(
      'mark one node as head on the Nodes page',
    );
  });
});

describe('Bring-up page: plan and run', () => {
  it('reviews the plan on Enter (head first) and starts only on "Bring up"', async () => {
    renderApp();
    const form = await screen.findByTestId('bringup-options');
    expect(await screen.findByTestId('bringup-no-runs')).toBeTruthy();
    fireEvent.click(within(form).getByRole('radio', { name: 'Custom index URL' }));
    const url = within(form).getByRole('textbox', { name: /^Index URL/ });
    fireEvent.change(url, { target: { value: 'http://203.0.113.1:8080/simple' } });
    fireEvent.click(within(form).getByRole('checkbox', { name: 'Install vLLM' }));
    fireEvent.keyDown(url, { key: 'Enter' });

    const plan = await screen.findByTestId('bringup-plan');
    expect(harness.core.callsOf('bringup.plan')).toEqual([
      {
        clusterId: 'c1',
        options: {
          source: { kind: 'index', url: 'http://203.0.113.1:8080/simple' },
          withVllm: false,
        },
      },
    ]);
    expect(harness.core.callsOf('bringup.start')).toEqual([]);
    expect(
      within(plan)
        .getAllByTestId('plan-node')
        .map((n) => n.dataset.node),
    ).toEqual(['gpu1', 'gpu2']);
    const headSteps = within(within(plan).getAllByTestId('plan-node')[0]!)
      .getAllByTestId('plan-step')
      .map((s) => s.dataset.step);
    expect(headSteps).toEqual(['preflight', 'install', 'start-head', 'verify']);
    expect(plan.textContent).toContain('vLLM is not installed');

    fireEvent.click(within(plan).getByRole('button', { name: 'Bring up' }));
    const run = await screen.findByTestId('bringup-run');
    expect(harness.core.callsOf('bringup.start')).toEqual([
      {
        clusterId: 'c1',
        options: {
          source: { kind: 'index', url: 'http://203.0.113.1:8080/simple' },
          withVllm: false,
        },
      },
    ]);
    expect(screen.queryByTestId('bringup-plan')).toBeNull();
    expect(run.dataset.state).toBe('running');
    expect(
      within(run)
        .getAllByTestId('bringup-node')
        .map((n) => n.dataset.node),
    ).toEqual(['gpu1', 'gpu2']);
  });

  it("shows the core's field error next to the field", async () => {
    harness.core.handlers['bringup.plan'] = () => {
      throw new RaydeckError({
        code: 'validation',
        message: 'Invalid input',
        issues: [
          {
            path: 'options.source.url',
            message: 'must be a URL like https://mirror.example/simple',
          },
        ],
      });
    };
    renderApp();
    const form = await screen.findByTestId('bringup-options');
    fireEvent.click(within(form).getByRole('radio', { name: 'Custom index URL' }));
    fireEvent.change(within(form).getByRole('textbox', { name: /^Index URL/ }), {
      target: { value: 'not a url' },
    });
    fireEvent.click(within(form).getByRole('button', { name: 'Review plan' }));
    await waitFor(() =>
      expect(screen.getByTestId('error-source.url').textContent).toBe(
        'Index URL must be a URL like https://mirror.example/simple',
      ),
    );
    expect(screen.queryByTestId('bringup-plan')).toBeNull();
  });

  it('renders progress, states, details and ticking elapsed times from bringup.changed', async () => {
    harness.core.runs = [makeRun({ state: 'running', startedAt: ago(70_000) })];
    renderApp();
    await screen.findByTestId('bringup-run');
    await emit(
      'bringup.changed',
      makeRun(
        { state: 'running', startedAt: ago(70_000) },
        {
          preflight: { state: 'done', progress: 1, startedAt: ago(70_000), endedAt: ago(65_000) },
          install: {
            state: 'running',
            progress: 0.42,
            detail: 'Downloading ray-2.60.0 (42%)',
            startedAt: ago(65_000),
          },
        },
        {
          preflight: { state: 'skipped', detail: 'already checked' },
          install: {
            state: 'running',
            progress: null,
            detail: 'Resolving packages',
            startedAt: ago(5_000),
          },
        },
      ),
    );
    const install = stepEl('gpu1', 'install');
    expect(install.dataset.state).toBe('running');
    expect(within(install).getByRole('progressbar').getAttribute('aria-valuenow')).toBe('42');
    expect(within(install).getByTestId('step-detail').textContent).toBe(
      'Downloading ray-2.60.0 (42%)',
    );
    expect(within(install).getByTestId('elapsed').textContent).toBe('1m 05s');
    expect(stepEl('gpu1', 'preflight').dataset.state).toBe('done');
    expect(within(stepEl('gpu1', 'preflight')).getByTestId('elapsed').textContent).toBe('5s');
    expect(within(stepEl('gpu1', 'start-head')).getByTestId('step-state').textContent).toBe(
      'pending',
    );
    expect(stepEl('gpu2', 'preflight').dataset.state).toBe('skipped');

    const workerInstall = within(stepEl('gpu2', 'install'));
    expect(workerInstall.getByRole('progressbar').getAttribute('aria-valuenow')).toBeNull();
    expect(workerInstall.getByRole('progressbar').querySelector('.bar.indeterminate')).toBeTruthy();
    const before = workerInstall.getByTestId('elapsed').textContent;
    await waitFor(() => expect(workerInstall.getByTestId('elapsed').textContent).not.toBe(before), {
      timeout: 2500,
    });

    fireEvent.click(
      within(screen.getByTestId('bringup-run')).getByRole('button', {
        name: 'Cancel the bring-up',
      }),
    );
    await waitFor(() =>
      expect(harness.core.callsOf('bringup.cancel')).toEqual([{ runId: 'run-1' }]),
    );
  });

  it('streams log lines into an open pane, only its own, bounded to the last 2,000', async () => {
    const run = makeRun(
      { state: 'running', startedAt: ago(10_000) },
      { install: { state: 'running', startedAt: ago(5_000) } },
    );
    harness.core.runs = [run];
    harness.core.logs.set(logKey(run.id, HEAD.id, 'install'), [
      'Collecting ray==2.60.0',
      'Downloading ray',
    ]);
    renderApp();
    await screen.findByTestId('bringup-run');
    const install = stepEl('gpu1', 'install');
    expect(within(install).queryByTestId('step-log')).toBeNull();
    fireEvent.click(
      within(install).getByRole('button', { name: 'Show log of Install Ray 2.60.0 on gpu1' }),
    );
    const pane = await within(install).findByTestId('step-log');
    await waitFor(() => expect(pane.textContent).toBe('Collecting ray==2.60.0\nDownloading ray'));
    // Only this step's log is read (the running row reads it too, for its "what it waits on" line).
    expect(new Set(harness.core.callsOf('bringup.logs').map((c) => JSON.stringify(c)))).toEqual(
      new Set([JSON.stringify({ runId: run.id, nodeId: HEAD.id, step: 'install' })]),
    );

    const end = stepLogBytes(['Collecting ray==2.60.0', 'Downloading ray']);
    await emit('bringup.log', {
      runId: run.id,
      nodeId: HEAD.id,
      step: 'install',
      lines: ['Downloading ray'],
      at: end - stepLogBytes(['Downloading ray']),
    }); // already in the backlog
    await emit('bringup.log', {
      runId: run.id,
      nodeId: HEAD.id,
      step: 'install',
      lines: ['Installing collected packages: ray'],
      at: end,
    });
    await emit('bringup.log', {
      runId: run.id,
      nodeId: WORKER.id,
      step: 'install',
      lines: ['a worker line'],
      at: 0,
    });
    await emit('bringup.log', {
      runId: run.id,
      nodeId: HEAD.id,
      step: 'preflight',
      lines: ['a preflight line'],
      at: 0,
    });
    expect(pane.textContent).toBe(
      'Collecting ray==2.60.0\nDownloading ray\nInstalling collected packages: ray',
    );

    const flood = Array.from({ length: 2500 }, (_, i) => `pip line ${i}`);
    const floodAt = end + stepLogBytes(['Installing collected packages: ray']);
    await emit('bringup.log', {
      runId: run.id,
      nodeId: HEAD.id,
      step: 'install',
      lines: flood.slice(0, 1200),
      at: floodAt,
    });
    await emit('bringup.log', {
      runId: run.id,
      nodeId: HEAD.id,
      step: 'install',
      lines: flood.slice(1200),
      at: floodAt + stepLogBytes(flood.slice(0, 1200)),
    });
    const lines = pane.textContent!.split('\n');
    expect(lines).toHaveLength(2000);
    expect(lines[0]).toBe('pip line 500');
    expect(lines.at(-1)).toBe('pip line 2499');
    expect(pane.dataset.lines).toBe('2000');
    expect(install.textContent).toContain('Showing the last 2,000 lines.');
  });

  it('shows a failed node with its error, hint and log, and retries that node or every failed one', async () => {
    const run = makeRun(
      { state: 'running', startedAt: ago(60_000) },
      { preflight: { state: 'done' }, install: { state: 'running', startedAt: ago(30_000) } },
    );
    harness.core.runs = [run];
    harness.core.logs.set(logKey(run.id, WORKER.id, 'install'), [
      'Looking in indexes: http://203.0.113.1:8080/simple',
      'ERROR: No matching distribution found for ray==2.60.0',
    ]);
    renderApp();
    await screen.findByTestId('bringup-run');
    expect(screen.queryByRole('button', { name: 'Retry gpu2' })).toBeNull();

    await emit(
      'bringup.changed',
      makeRun(
        { state: 'failed', startedAt: ago(60_000), endedAt: ago(0) },
        {
          preflight: { state: 'done' },
          install: { state: 'done' },
          'start-head': { state: 'done' },
        },
        {
          preflight: { state: 'done' },
          install: {
            state: 'failed',
            startedAt: ago(20_000),
            endedAt: ago(1_000),
            error: 'pip could not find ray==2.60.0',
            hint: 'Check the index URL; the nodes must reach it.',
          },
        },
      ),
    );
    const failed = stepEl('gpu2', 'install');
    expect(failed.dataset.state).toBe('failed');
    expect(within(failed).getByTestId('step-error').textContent).toContain(
      'pip could not find ray==2.60.0',
    );
    expect(within(failed).getByTestId('step-hint').textContent).toBe(
      'Check the index URL; the nodes must reach it.',
    );
    const pane = await within(failed).findByTestId('step-log');
    await waitFor(() =>
      expect(pane.textContent).toContain('ERROR: No matching distribution found for ray==2.60.0'),
    );
    expect(screen.getByTestId('bringup-failed').textContent).toContain('1 node failed (gpu2)');
    const nodes = screen.getAllByTestId('bringup-node');
    expect(nodes.map((n) => n.dataset.state)).toEqual(['pending', 'failed']);
    expect(screen.queryByRole('button', { name: 'Retry gpu1' })).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'Retry gpu2' }));
    await waitFor(() =>
      expect(harness.core.callsOf('bringup.retry')).toEqual([{ runId: run.id, nodeId: WORKER.id }]),
    );
    await waitFor(() => expect(screen.getByTestId('bringup-run').dataset.state).toBe('running'));

    await emit(
      'bringup.changed',
      makeRun(
        { state: 'failed' },
        {},
        { install: { state: 'failed', error: 'again', hint: null } },
      ),
    );
    fireEvent.click(await screen.findByRole('button', { name: 'Retry failed' }));
    await waitFor(() =>
      expect(harness.core.callsOf('bringup.retry').at(-1)).toEqual({ runId: run.id }),
    );
  });

  it('on success shows the verified summary and reads the cluster status again', async () => {
    harness.core.runs = [makeRun({ state: 'running', startedAt: ago(60_000) })];
    harness.core.status = {
      ...RUNNING_STATUS,
      state: 'stopped',
      dashboardReachable: false,
      rayVersion: null,
      nodes: [],
      aliveNodes: 0,
      gpus: 0,
    };
    renderApp();
    // The first bring-up has installed nothing yet: the panel says what to do instead of a red status.
    await screen.findByTestId('cluster-not-brought-up');
    await waitFor(() => expect(harness.core.callsOf('cluster.status').length).toBe(1));
    const statusCalls = harness.core.callsOf('cluster.status').length;
    harness.core.status = RUNNING_STATUS;
    const done = { state: 'done' as const, progress: 1 };
    await emit(
      'bringup.changed',
      makeRun(
        {
          state: 'succeeded',
          startedAt: ago(60_000),
          endedAt: ago(0),
          verified: { nodes: 2, gpus: 3, rayVersion: '2.60.0' },
        },
        { preflight: done, install: done, 'start-head': done, verify: done },
        { preflight: done, install: done, join: done },
      ),
    );
    expect(screen.getByTestId('bringup-summary').textContent).toBe(
      '✓ 2 nodes, 3 GPUs, Ray 2.60.0 verified',
    );
    await waitFor(() => expect(screen.getByTestId('cluster-state').textContent).toBe('running'));
    expect(harness.core.callsOf('cluster.status').length).toBe(statusCalls + 1);
    expect(screen.getByTestId('cluster-dashboard').textContent).toContain('reachable');
    expect(screen.getAllByTestId('ray-node').map((r) => r.dataset.node)).toEqual(['gpu1', 'gpu2']);
  });

  it('after a reload shows the newest run from bringup.list (reviewed plans are not runs)', async () => {
    const older = makeRun(
      { id: 'run-old', state: 'failed', startedAt: ago(600_000), endedAt: ago(500_000) },
      {},
      { preflight: { state: 'failed', error: 'old failure' } },
    );
    const newest = makeRun(
      { id: 'run-new', state: 'running', startedAt: ago(30_000) },
      { preflight: { state: 'running', progress: 0.5, startedAt: ago(3_000) } },
    );
    const plannedOnly = makeRun({ id: 'plan-x', state: 'planned' });
    harness.core.runs = [plannedOnly, newest, older];
    const first = renderApp();
    await waitFor(() => expect(screen.getByTestId('bringup-run').dataset.run).toBe('run-new'));
    first.unmount();

    harness.core.runs = [
      plannedOnly,
      {
        ...newest,
        state: 'succeeded',
        endedAt: ago(0),
        verified: { nodes: 2, gpus: 0, rayVersion: '2.60.0' },
      },
      older,
    ];
    renderApp();
    await waitFor(() => expect(screen.getByTestId('bringup-run').dataset.run).toBe('run-new'));
    expect(screen.getByTestId('bringup-run').dataset.state).toBe('succeeded');
    expect(screen.getByTestId('bringup-summary').textContent).toBe(
      '✓ 2 nodes, 0 GPUs, Ray 2.60.0 verified',
    );
  });
});

describe('Bring-up page: cluster panel', () => {
  it('tears down after a confirmation (with the virtualenv) and shows the operation', async () => {
    renderApp();
    const panel = await screen.findByTestId('cluster-panel');
    await waitFor(() => expect(panel.dataset.state).toBe('running'));
    fireEvent.click(within(panel).getByRole('button', { name: 'Tear down…' }));
    const dialog = within(screen.getByRole('dialog', { name: 'Tear the cluster down?' }));
    expect(document.activeElement?.textContent).toBe('Keep running');
    fireEvent.click(dialog.getByRole('checkbox', { name: /Also remove the virtualenv/ }));
    fireEvent.click(dialog.getByRole('button', { name: 'Tear down' }));
    await waitFor(() =>
      expect(harness.core.callsOf('cluster.down')).toEqual([{ clusterId: 'c1', uninstall: true }]),
    );
    expect(screen.queryByRole('dialog')).toBeNull();

    const op = {
      id: 'op-down',
      kind: 'cluster-down',
      title: 'Tear down lab',
      state: 'running' as const,
      progress: 0.5,
      detail: 'Stopping Ray on gpu2',
      startedAt: ago(1_000),
      endedAt: null,
      error: null,
    };
    await emit('operation.progress', op);
    await waitFor(() =>
      expect(
        within(panel)
          .getByRole('progressbar', { name: 'Tear down lab' })
          .getAttribute('aria-valuenow'),
      ).toBe('50'),
    );
    expect(panel.textContent).toContain('Stopping Ray on gpu2');
    expect(
      (within(panel).getByRole('button', { name: 'Stop Ray on every node' }) as HTMLButtonElement)
        .disabled,
    ).toBe(true);

    const statusCalls = harness.core.callsOf('cluster.status').length;
    harness.core.status = {
      ...RUNNING_STATUS,
      state: 'stopped',
      nodes: [],
      aliveNodes: 0,
      gpus: 0,
      dashboardReachable: false,
    };
    await emit('operation.progress', { ...op, state: 'succeeded', progress: 1, endedAt: ago(0) });
    await waitFor(() => expect(panel.dataset.state).toBe('stopped'));
    expect(harness.core.callsOf('cluster.status').length).toBe(statusCalls + 1);

    fireEvent.click(within(panel).getByRole('button', { name: 'Start Ray on every node' }));
    await waitFor(() =>
      expect(harness.core.callsOf('cluster.start')).toEqual([{ clusterId: 'c1' }]),
    );
    await waitFor(() => expect(screen.getByTestId('bringup-run').dataset.state).toBe('running'));
  });
});
