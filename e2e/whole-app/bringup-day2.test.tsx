// @vitest-environment jsdom
/**
 * Whole-app: day-2 worker changes in the Bring-up page's Cluster panel (real App, shell and
 * renderer against the stand-in core): adding the inventory's workers that Ray does not run as a
 * partial bring-up that shows in the run view, the empty state, and draining and removing a live
 * worker after a confirmation, with its operation's progress and the status read again.
 */
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { RaydeckError, type Operation } from '../../shared';
import { HEAD, RUNNING_STATUS, SPARE, SPARE2, WORKER, installedRun } from './bringup-fake-core';
import { useBringupHarness } from './bringup-harness';
import { useShell } from '../../renderer/shell/ui-store';

const harness = useBringupHarness();
const renderApp = () => harness.renderApp();
const emit = harness.emit;

/** gpu3 is in the inventory only; gpu4 is in the inventory and Ray lists it dead; gpu2 is alive. */
function withSpareWorkers() {
  harness.core.nodes = [
    WORKER,
    HEAD,
    harness.core.nodes.find((n) => n.role === 'jump')!,
    SPARE,
    SPARE2,
  ];
  harness.core.status = {
    ...RUNNING_STATUS,
    nodes: [
      ...RUNNING_STATUS.nodes,
      {
        nodeId: SPARE2.id,
        name: 'gpu4',
        ip: SPARE2.host,
        rayNodeId: 'r4',
        alive: false,
        isHead: false,
        gpus: 1,
        cpus: 8,
      },
    ],
  };
}

async function runningPanel() {
  const panel = await screen.findByTestId('cluster-panel');
  await waitFor(() => expect(panel.dataset.state).toBe('running'));
  return panel;
}

const removeOp = (patch: Partial<Operation> = {}): Operation => ({
  id: 'op-remove-gpu2',
  kind: 'remove-worker',
  title: 'Remove gpu2',
  state: 'running',
  progress: 0.1,
  detail: 'Draining gpu2',
  startedAt: new Date().toISOString(),
  endedAt: null,
  error: null,
  ...patch,
});

describe('Bring-up page: Ray dashboard (issue 19 item 8)', () => {
  it("links to the core's proxy of Ray's dashboard while Ray runs (degraded too); none while stopped; Stop allowed when degraded", async () => {
    harness.core.status = { ...RUNNING_STATUS, state: 'degraded', downNodes: ['gpu2'] };
    renderApp();
    const panel = await screen.findByTestId('cluster-panel');
    const link = (await within(panel).findByTestId('ray-dashboard-link')) as HTMLAnchorElement;
    expect(link.href).toMatch(/^http:\/\/127\.0\.0\.1:41234\/\?raydeck-key=key-of-/);
    expect(link.target).toBe('_blank');
    expect(link.rel).toContain('noopener');
    expect(
      (within(panel).getByRole('button', { name: 'Stop Ray on every node' }) as HTMLButtonElement)
        .disabled,
    ).toBe(false);
  });

  it('offers no dashboard link while Ray is stopped', async () => {
    harness.core.status = {
      ...RUNNING_STATUS,
      state: 'stopped',
      nodes: [],
      aliveNodes: 0,
      gpus: 0,
      dashboardReachable: false,
    };
    harness.core.runs = [installedRun()];
    renderApp();
    const panel = await screen.findByTestId('cluster-panel');
    await waitFor(() => expect(panel.dataset.state).toBe('stopped'));
    expect(within(panel).queryByTestId('ray-dashboard-link')).toBeNull();
    expect(harness.core.callsOf('cluster.dashboard')).toEqual([]);
  });
});

describe('Bring-up page: add workers', () => {
  it('lists only the inventory workers Ray does not run, saying why', async () => {
    withSpareWorkers();
    renderApp();
    const panel = await runningPanel();
    const add = await within(panel).findByTestId('add-workers');
    await waitFor(() =>
      expect(
        within(add)
          .getAllByTestId('add-worker')
          .map((r) => r.dataset.node),
      ).toEqual(['gpu3', 'gpu4']),
    );
    expect(within(add).getByRole('checkbox', { name: 'gpu3' })).toBeTruthy();
    expect(within(add).queryByRole('checkbox', { name: 'gpu2' })).toBeNull();
    expect(within(add).queryByRole('checkbox', { name: 'gpu1' })).toBeNull();
    expect(within(add).queryByRole('checkbox', { name: 'bastion' })).toBeNull();
    expect(within(add).getAllByTestId('add-worker')[0]!.textContent).toContain(
      '198.51.100.13 · not in Ray',
    );
    expect(within(add).getAllByTestId('add-worker')[1]!.textContent).toContain(
      'Ray lists it as dead',
    );
    expect(
      (within(add).getByRole('button', { name: 'Add to the cluster' }) as HTMLButtonElement)
        .disabled,
    ).toBe(true);
  });

  it("starts a bring-up of exactly the chosen workers with the form's options, and the run replaces a reviewed plan", async () => {
    withSpareWorkers();
    renderApp();
    const form = await screen.findByTestId('bringup-options');
    fireEvent.click(within(form).getByRole('radio', { name: 'Custom index URL' }));
    fireEvent.change(within(form).getByRole('textbox', { name: /^Index URL/ }), {
      target: { value: 'http://203.0.113.1:8080/simple' },
    });
    fireEvent.click(within(form).getByRole('checkbox', { name: 'Install vLLM' }));
    fireEvent.click(within(form).getByRole('button', { name: 'Review plan' }));
    await screen.findByTestId('bringup-plan');

    const add = await within(await runningPanel()).findByTestId('add-workers');
    expect(add.textContent).toContain(
      'Installs Ray from the index http://203.0.113.1:8080/simple without vLLM',
    );
    fireEvent.click(await within(add).findByRole('checkbox', { name: 'gpu4' }));
    fireEvent.click(within(add).getByRole('checkbox', { name: 'gpu3' }));
    fireEvent.click(within(add).getByRole('checkbox', { name: 'gpu4' }));
    fireEvent.click(within(add).getByRole('button', { name: 'Add to the cluster' }));

    const run = await screen.findByTestId('bringup-run');
    expect(harness.core.callsOf('bringup.start')).toEqual([
      {
        clusterId: 'c1',
        options: {
          source: { kind: 'index', url: 'http://203.0.113.1:8080/simple' },
          withVllm: false,
          nodeIds: [SPARE.id],
        },
      },
    ]);
    expect(screen.queryByTestId('bringup-plan')).toBeNull();
    expect(run.dataset.state).toBe('running');
    expect(
      within(run)
        .getAllByTestId('bringup-node')
        .map((n) => n.dataset.node),
    ).toEqual(['gpu1', 'gpu3']);
    expect(
      [
        ...document.querySelectorAll<HTMLElement>('[data-testid="bringup-step"][data-node="gpu1"]'),
      ].map((s) => s.dataset.step),
    ).toEqual(['verify']);
    expect(within(add).getByTestId('add-workers-started').textContent).toBe(
      'Adding gpu3: follow the bring-up above.',
    );
    // While that run runs, nothing else can be added.
    fireEvent.click(within(add).getByRole('checkbox', { name: 'gpu4' }));
    expect(
      (within(add).getByRole('button', { name: 'Add to the cluster' }) as HTMLButtonElement)
        .disabled,
    ).toBe(true);
    expect(add.textContent).toContain('A bring-up is running');
  });

  it("shows the core's refusal as text that names the option to fix", async () => {
    withSpareWorkers();
    harness.core.handlers['bringup.start'] = () => {
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
    const add = await within(await runningPanel()).findByTestId('add-workers');
    fireEvent.click(await within(add).findByRole('checkbox', { name: 'gpu3' }));
    fireEvent.click(within(add).getByRole('button', { name: 'Add to the cluster' }));
    const error = await within(add).findByTestId('add-workers-error');
    expect(error.textContent).toBe(
      'Check the options above: Index URL must be a URL like https://mirror.example/simple',
    );
    expect(error.getAttribute('role')).toBe('alert');
    expect(screen.queryByTestId('bringup-run')).toBeNull();
  });

  it('says every worker is in the cluster when there is nothing to add, and only while Ray runs', async () => {
    renderApp();
    const panel = await runningPanel();
    const empty = await within(panel).findByTestId('add-workers-empty');
    expect(empty.textContent).toContain(
      'Every worker is in the cluster. Add nodes on the Nodes page, then add them here.',
    );
    expect(within(panel).queryByRole('button', { name: 'Add to the cluster' })).toBeNull();
    fireEvent.click(within(empty).getByRole('button', { name: 'Go to Nodes' }));
    expect(useShell.getState().page).toBe('nodes');
  });

  it('has no add list while Ray is stopped (Start or a bring-up sets up every node)', async () => {
    withSpareWorkers();
    harness.core.runs = [installedRun()];
    harness.core.status = {
      ...RUNNING_STATUS,
      state: 'stopped',
      nodes: [],
      aliveNodes: 0,
      gpus: 0,
      dashboardReachable: false,
    };
    renderApp();
    await waitFor(() => expect(screen.getByTestId('cluster-panel').dataset.state).toBe('stopped'));
    const panel = screen.getByTestId('cluster-panel');
    expect(within(panel).queryByTestId('add-workers')).toBeNull();
  });
});

describe('Bring-up page: drain and remove a worker', () => {
  it('asks first, removes the worker by id, shows the progress and reads the status again', async () => {
    renderApp();
    const panel = await runningPanel();
    const button = within(panel).getByRole('button', { name: 'Drain and remove gpu2' });

    // As from the keyboard: the button has focus when it opens the dialog, and gets it back.
    button.focus();
    fireEvent.click(button);
    let dialog = screen.getByRole('dialog', { name: 'Drain and remove gpu2?' });
    expect(dialog.textContent).toContain(
      'Ray stops scheduling on gpu2, Serve moves its replicas, then Ray stops there and gpu2 leaves the inventory',
    );
    expect(document.activeElement?.textContent).toBe('Keep gpu2');
    fireEvent.keyDown(document.activeElement!, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(button);
    expect(harness.core.callsOf('cluster.removeWorker')).toEqual([]);

    fireEvent.click(button);
    dialog = screen.getByRole('dialog', { name: 'Drain and remove gpu2?' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Drain and remove' }));
    await waitFor(() =>
      expect(harness.core.callsOf('cluster.removeWorker')).toEqual([{ nodeId: WORKER.id }]),
    );
    expect(screen.queryByRole('dialog')).toBeNull();

    await emit('operation.progress', removeOp());
    const op = await within(panel).findByTestId('cluster-operation');
    expect(op.dataset.node).toBe('gpu2');
    expect(
      within(op).getByRole('progressbar', { name: 'Remove gpu2' }).getAttribute('aria-valuenow'),
    ).toBe('10');
    expect(op.textContent).toContain('Remove gpu2: Draining gpu2');
    expect(
      (within(panel).getByRole('button', { name: 'Drain and remove gpu2' }) as HTMLButtonElement)
        .disabled,
    ).toBe(true);
    expect(
      (within(panel).getByRole('button', { name: 'Stop Ray on every node' }) as HTMLButtonElement)
        .disabled,
    ).toBe(true);

    const statusCalls = harness.core.callsOf('cluster.status').length;
    harness.core.status = {
      ...RUNNING_STATUS,
      nodes: RUNNING_STATUS.nodes.filter((n) => n.nodeId !== WORKER.id),
      aliveNodes: 1,
      gpus: 2,
    };
    harness.core.nodes = harness.core.nodes.filter((n) => n.id !== WORKER.id);
    await emit(
      'operation.progress',
      removeOp({
        state: 'succeeded',
        progress: 1,
        detail: 'Removing gpu2 from the inventory',
        endedAt: new Date().toISOString(),
      }),
    );
    await waitFor(() =>
      expect(screen.getAllByTestId('ray-node').map((r) => r.dataset.node)).toEqual(['gpu1']),
    );
    expect(harness.core.callsOf('cluster.status').length).toBe(statusCalls + 1);
    expect(op.dataset.state).toBe('succeeded');
    expect(within(panel).getByTestId('remove-worker-done').textContent).toBe(
      'gpu2 left the cluster: drained, Ray stopped there, removed from the inventory.',
    );
    expect(within(panel).queryByRole('button', { name: 'Drain and remove gpu2' })).toBeNull();
  });

  it('offers no removal for the head or a dead worker', async () => {
    withSpareWorkers();
    renderApp();
    const panel = await runningPanel();
    const rows = within(panel).getAllByTestId('ray-node');
    expect(rows.map((r) => r.dataset.node)).toEqual(['gpu1', 'gpu2', 'gpu4']);
    expect(within(rows[0]!).queryByRole('button')).toBeNull();
    expect(within(rows[2]!).queryByRole('button')).toBeNull();
    expect(
      within(panel)
        .getAllByRole('button', { name: /^Drain and remove/ })
        .map((b) => b.getAttribute('aria-label')),
    ).toEqual(['Drain and remove gpu2']);
  });

  it("shows the core's refusal and a failed drain as readable text", async () => {
    harness.core.handlers['cluster.removeWorker'] = () => {
      throw new RaydeckError({
        code: 'conflict',
        message: 'gpu2 cannot be reached over SSH: connection refused.',
      });
    };
    renderApp();
    const panel = await runningPanel();
    fireEvent.click(within(panel).getByRole('button', { name: 'Drain and remove gpu2' }));
    fireEvent.click(
      within(screen.getByRole('dialog')).getByRole('button', { name: 'Drain and remove' }),
    );
    await waitFor(() =>
      expect(within(panel).getByRole('alert').textContent).toBe(
        'gpu2 cannot be reached over SSH: connection refused.',
      ),
    );
    expect(panel.textContent).not.toMatch(/\bat .*\.tsx?:\d+/);

    harness.core.handlers['cluster.removeWorker'] = () => ({ operationId: 'op-remove-gpu2' });
    fireEvent.click(within(panel).getByRole('button', { name: 'Drain and remove gpu2' }));
    fireEvent.click(
      within(screen.getByRole('dialog')).getByRole('button', { name: 'Drain and remove' }),
    );
    await waitFor(() => expect(harness.core.callsOf('cluster.removeWorker')).toHaveLength(2));
    const statusCalls = harness.core.callsOf('cluster.status').length;
    await emit(
      'operation.progress',
      removeOp({
        state: 'failed',
        endedAt: new Date().toISOString(),
        error: 'gpu2: ray drain-node timed out after 10 s',
      }),
    );
    const op = await within(panel).findByTestId('cluster-operation');
    expect(op.dataset.state).toBe('failed');
    expect(within(op).getByRole('alert').textContent).toBe(
      'gpu2: ray drain-node timed out after 10 s',
    );
    expect(within(panel).queryByTestId('remove-worker-done')).toBeNull();
    await waitFor(() =>
      expect(harness.core.callsOf('cluster.status').length).toBe(statusCalls + 1),
    );
  });
});
