// @vitest-environment jsdom
/**
 * Whole-app, issue 19 ("the first hour"), Bring-up page against the stand-in core (a real
 * bring-up needs SSH nodes): no Start before anything was brought up, buttons that start work
 * start it once and the page follows the run that did start, an operation's progress where the
 * state badge is, the retry's options said plainly, colours in logs, live "what it waits on".
 */
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { RaydeckError, type Operation } from '../../shared';
import { RUNNING_STATUS, installedRun, makeRun } from './bringup-fake-core';
import { useBringupHarness } from './bringup-harness';

const harness = useBringupHarness();
const renderApp = () => harness.renderApp();
const emit = harness.emit;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

/** The testbed's head before any bring-up: sshd answers, Ray's ports do not. */
const NEVER_BROUGHT_UP = { ...RUNNING_STATUS, state: 'stopped' as const, detail: '(SSH) Channel open failure: Connection refused', dashboardReachable: false, rayVersion: null, nodes: [], aliveNodes: 0, gpus: 0 };

describe('Cluster panel before the first bring-up (issue 19, item 1)', () => {
  it('offers no Start: it says nothing is brought up yet and points at Review plan / Bring up', async () => {
    harness.core.status = NEVER_BROUGHT_UP;
    renderApp();
    const empty = await screen.findByTestId('cluster-not-brought-up');
    const panel = screen.getByTestId('cluster-panel');
    expect(empty.textContent).toContain('Nothing is installed on lab');
    expect(empty.textContent).toContain('Bring up');
    expect(within(panel).queryByRole('button', { name: 'Start Ray on every node' })).toBeNull();
    // No red "not reachable" / channel failure for a cluster that was never started.
    expect(panel.textContent).not.toContain('Channel open failure');
    expect(panel.textContent).not.toContain('not reachable');

    fireEvent.click(within(empty).getByRole('button', { name: 'Review plan' }));
    await screen.findByTestId('bringup-plan');
    expect(harness.core.callsOf('bringup.plan')).toHaveLength(1);
    expect(harness.core.callsOf('cluster.start')).toEqual([]);
  });

  it("shows the core's message when it refuses a Start, and a double click starts once", async () => {
    harness.core.runs = [installedRun()];
    harness.core.status = { ...NEVER_BROUGHT_UP, detail: 'Ray is not running on the head.' };
    const refuse = new RaydeckError({ code: 'conflict', message: 'Nothing is brought up on cluster lab yet: review the plan and press "Bring up" first.' });
    harness.core.handlers['cluster.start'] = () => {
      throw refuse;
    };
    renderApp();
    await waitFor(() => expect(screen.getByTestId('cluster-panel').dataset.state).toBe('stopped'));
    const start = within(screen.getByTestId('cluster-panel')).getByRole('button', { name: 'Start Ray on every node' });
    fireEvent.click(start);
    fireEvent.click(start);
    await waitFor(() => expect(screen.getByTestId('cluster-error').textContent).toBe(refuse.message));
    expect(harness.core.callsOf('cluster.start')).toHaveLength(1);
  });
});

describe('Buttons that start work (issue 19, item 2)', () => {
  it('a double click on "Bring up" starts one run and the page shows it, with no error', async () => {
    renderApp();
    fireEvent.click(within(await screen.findByTestId('bringup-options')).getByRole('button', { name: 'Review plan' }));
    const plan = await screen.findByTestId('bringup-plan');
    const bringUp = within(plan).getByRole('button', { name: 'Bring up' });
    fireEvent.click(bringUp);
    fireEvent.click(bringUp);
    const run = await screen.findByTestId('bringup-run');
    expect(run.dataset.state).toBe('running');
    expect(harness.core.callsOf('bringup.start')).toHaveLength(1);
    expect(screen.queryByTestId('bringup-plan')).toBeNull();
    expect(screen.queryAllByRole('alert')).toEqual([]);
  });

  it('when the core says a bring-up already runs (another window), the page follows that run instead of showing an error', async () => {
    renderApp();
    fireEvent.click(within(await screen.findByTestId('bringup-options')).getByRole('button', { name: 'Review plan' }));
    const plan = await screen.findByTestId('bringup-plan');
    harness.core.handlers['bringup.start'] = () => {
      harness.core.runs = [makeRun({ id: 'run-elsewhere', state: 'running', startedAt: ago(2_000) }), ...harness.core.runs];
      throw new RaydeckError({ code: 'conflict', message: 'A bring-up of this cluster is already running: wait for it, or cancel it first.' });
    };
    fireEvent.click(within(plan).getByRole('button', { name: 'Bring up' }));
    await waitFor(() => expect(screen.getByTestId('bringup-run').dataset.run).toBe('run-elsewhere'));
    expect(screen.queryByTestId('bringup-plan')).toBeNull();
    expect(screen.queryByText(/already running/)).toBeNull();
  });
});

describe('Operation progress where the state is (issue 19, item 5)', () => {
  it('while Stop runs, the badge says "stopping…" and the progress sits right under it, above the node table', async () => {
    renderApp();
    await waitFor(() => expect(screen.getByTestId('cluster-panel').dataset.state).toBe('running'));
    const panel = screen.getByTestId('cluster-panel');
    fireEvent.click(within(panel).getByRole('button', { name: 'Stop Ray on every node' }));
    fireEvent.click(within(screen.getByRole('dialog', { name: 'Stop Ray on every node?' })).getByRole('button', { name: 'Stop Ray' }));
    await waitFor(() => expect(harness.core.callsOf('cluster.stop')).toHaveLength(1));
    const op: Operation = { id: 'op-stop', kind: 'cluster-stop', title: 'Stop Ray on lab', state: 'running', progress: 2 / 3, detail: 'Stop Ray: 2 of 3 nodes', startedAt: ago(1_000), endedAt: null, error: null };
    await emit('operation.progress', op);
    await waitFor(() => expect(within(panel).getByTestId('cluster-state').textContent).toBe('stopping…'));
    const progress = within(panel).getByTestId('cluster-operation');
    const table = within(panel).getByRole('table', { name: 'Ray nodes' });
    expect(progress.compareDocumentPosition(table) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(progress.textContent).toContain('2 of 3 nodes');
  });
});
