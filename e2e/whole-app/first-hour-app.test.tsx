// @vitest-environment jsdom
/**
 * Whole-app, issue 19 ("the first hour"): the Clusters page, empty pages and help against the
 * real core over the in-memory transport — Add cluster once on a double click, no stale field
 * error while typing, a styled dialog (not `confirm()`) before removing, the cluster's name opening
 * its home with a summary of its state, honest empty pages once a cluster exists, `?` listing
 * the arrow keys.
 */
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClient } from '../../shared';
import { createCore, type Core } from '../../core/api/create-core';
import { createMemoryTransport } from '../../core/transport/memory-transport';
import { makeTempHome } from '../../core/testing/temp-home';
import { App } from '../../renderer/app/App';
import { useShell } from '../../renderer/shell/ui-store';

let home: { home: string; cleanup(): void };
let core: Core;

beforeEach(() => {
  home = makeTempHome();
  core = createCore({ home: home.home, mode: 'memory' });
  localStorage.clear();
  location.hash = '';
  useShell.setState({ page: 'clusters', helpOpen: false, theme: 'dark', clusterId: null });
});
afterEach(() => {
  cleanup();
  core.dispose();
  vi.restoreAllMocks();
  home.cleanup();
});

const renderApp = () => render(<App client={createClient(createMemoryTransport(core.service))} />);

describe('Add cluster (issue 19 items 2 and "stale Name is required")', () => {
  it('a double click adds the cluster once and closes the dialog, with no "name taken" error', async () => {
    renderApp();
    fireEvent.click(await screen.findByRole('button', { name: 'Add cluster' }));
    const dialog = screen.getByRole('dialog', { name: 'Add cluster' });
    fireEvent.change(within(dialog).getByRole('textbox', { name: /name/i }), {
      target: { value: 'gpu-lab' },
    });
    const add = within(dialog).getByRole('button', { name: 'Add cluster' });
    fireEvent.click(add);
    fireEvent.click(add);
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    await waitFor(() => expect(screen.getAllByTestId('cluster-card')).toHaveLength(1));
    expect((await core.inventory.list()).map((c) => c.name)).toEqual(['gpu-lab']);
    expect(screen.queryAllByRole('alert')).toEqual([]);
  });

  it("drops the core's name error as soon as the name is edited", async () => {
    renderApp();
    fireEvent.click(await screen.findByRole('button', { name: 'Add cluster' }));
    const dialog = within(screen.getByRole('dialog', { name: 'Add cluster' }));
    fireEvent.click(dialog.getByRole('button', { name: 'Add cluster' }));
    await waitFor(() =>
      expect(dialog.getByTestId('cluster-name-error').className).toBe('field-error'),
    );
    fireEvent.change(dialog.getByRole('textbox', { name: /name/i }), { target: { value: 'g' } });
    expect(dialog.getByTestId('cluster-name-error').className).toBe('muted');
    expect(dialog.getByTestId('cluster-name-error').textContent).toMatch(/^Letters, digits/);
  });
});

describe('Remove cluster (issue 19 smaller; issue 15 item 2)', () => {
  it('asks in a styled dialog, never window.confirm; Escape keeps the cluster, Remove removes it', async () => {
    const confirmSpy = vi.spyOn(window, 'confirm').mockImplementation(() => true);
    await core.inventory.create('gpu-lab');
    renderApp();
    const remove = await screen.findByRole('button', { name: 'Remove gpu-lab' });
    remove.focus();
    fireEvent.click(remove);
    const dialog = screen.getByRole('dialog', { name: 'Remove gpu-lab?' });
    expect(dialog.textContent).toContain('Nothing on the nodes themselves is touched');
    expect(document.activeElement?.textContent).toBe('Keep gpu-lab');
    fireEvent.keyDown(document.activeElement!, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(remove);
    expect(await core.inventory.list()).toHaveLength(1);

    fireEvent.click(remove);
    fireEvent.click(
      within(screen.getByRole('dialog', { name: 'Remove gpu-lab?' })).getByRole('button', {
        name: 'Remove',
      }),
    );
    await waitFor(() => expect(screen.queryAllByTestId('cluster-card')).toHaveLength(0));
    expect(await core.inventory.list()).toEqual([]);
    expect(confirmSpy).not.toHaveBeenCalled();
  });
});

describe("A cluster's home (issue 19 item 8)", () => {
  it("the card's name opens the cluster's page, and the card says it is not brought up yet and what to do", async () => {
    await core.inventory.create('first');
    const lab = await core.inventory.create('lab');
    await core.nodes.add({
      clusterId: lab.id,
      name: 'gpu1',
      host: '198.51.100.10',
      port: 22,
      user: 'root',
      auth: { kind: 'agent' },
      jumpNodeId: null,
      role: 'head',
    });
    renderApp();
    const card = (await screen.findAllByTestId('cluster-card')).find((c) =>
      c.textContent?.includes('lab'),
    )!;
    const summary = await within(card).findByTestId('cluster-summary');
    expect(summary.dataset.state).toBe('none');
    expect(summary.textContent).toContain('Not brought up yet');
    fireEvent.click(within(card).getByRole('button', { name: 'lab' }));
    expect(useShell.getState().page).toBe('bringup');
    expect(useShell.getState().clusterId).toBe(lab.id);
    expect(await screen.findByTestId('cluster-not-brought-up')).toBeTruthy();
  });
});

describe('Empty pages and help (issue 19 smaller)', () => {
  it('once a cluster exists, the Pipeline page (no longer a page not in this build) offers templates, not "Start by adding a cluster"', async () => {
    await core.inventory.create('lab');
    location.hash = '#/pipeline';
    useShell.setState({ page: 'pipeline' });
    renderApp();
    const empty = await screen.findByTestId('pipeline-empty', {}, { timeout: 5000 });
    expect(within(empty).getByTestId('template-rag')).toBeTruthy();
    expect(empty.textContent).not.toContain('not in this build');
    expect(empty.textContent).not.toContain('Start by adding a cluster');
  });

  it('? lists the arrow keys of the sidebar', async () => {
    renderApp();
    await screen.findByTestId('clusters-empty');
    fireEvent.keyDown(window, { key: '?' });
    const help = screen.getByRole('dialog', { name: 'Keyboard shortcuts' });
    expect(help.textContent).toContain('↑ ↓');
    expect(help.textContent).toContain('Move between pages in the sidebar');
  });
});

describe("Dates in the user's locale (issue 19 smaller)", () => {
  it("writes a cluster's date in the browser's language (de-DE), not in US format", async () => {
    vi.spyOn(navigator, 'languages', 'get').mockReturnValue(['de-DE']);
    await core.inventory.create('lab');
    renderApp();
    const facts = await screen.findByTestId('cluster-card-facts');
    const created = (await core.inventory.list())[0]!.createdAt;
    const d = new Date(created);
    // de-DE medium date: "6. Dez. 2026" — day first, a dot after it; never "12/6/2026".
    expect(facts.textContent).toContain(`${d.getDate()}.`);
    expect(facts.textContent).toContain(String(d.getFullYear()));
    expect(facts.textContent).not.toMatch(/\d+\/\d+\/\d{4}/);
    expect(facts.textContent).toContain(
      d.toLocaleString('de-DE', { dateStyle: 'medium', timeStyle: 'short' }),
    );
  });
});

describe('Remove node (same family as Remove cluster)', () => {
  it('asks in a styled dialog, never window.confirm', async () => {
    const confirmSpy = vi.spyOn(window, 'confirm').mockImplementation(() => true);
    const lab = await core.inventory.create('lab');
    await core.nodes.add({
      clusterId: lab.id,
      name: 'gpu1',
      host: '198.51.100.10',
      port: 22,
      user: 'root',
      auth: { kind: 'agent' },
      jumpNodeId: null,
      role: 'head',
    });
    location.hash = '#/nodes';
    useShell.setState({ page: 'nodes' });
    renderApp();
    fireEvent.click(await screen.findByRole('button', { name: 'Remove gpu1' }));
    const dialog = screen.getByRole('dialog', { name: 'Remove gpu1?' });
    expect(document.activeElement?.textContent).toBe('Keep gpu1');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Remove' }));
    await waitFor(() => expect(screen.queryAllByTestId('node-row')).toHaveLength(0));
    expect(await core.nodes.list(lab.id)).toEqual([]);
    expect(confirmSpy).not.toHaveBeenCalled();
  });
});

describe('Add node starts once (issue 19 item 2)', () => {
  it('a double click on "Add node" adds one node and closes the dialog, with no "name taken" error', async () => {
    const lab = await core.inventory.create('lab');
    location.hash = '#/nodes';
    useShell.setState({ page: 'nodes' });
    renderApp();
    fireEvent.click(
      within(await screen.findByTestId('nodes-empty')).getByRole('button', { name: 'Add node' }),
    );
    const dialog = within(screen.getByRole('dialog', { name: 'Add node' }));
    fireEvent.change(dialog.getByRole('textbox', { name: /^Name/ }), { target: { value: 'gpu1' } });
    fireEvent.change(dialog.getByRole('textbox', { name: /^Host/ }), {
      target: { value: '198.51.100.10' },
    });
    fireEvent.change(dialog.getByRole('textbox', { name: /^User/ }), { target: { value: 'root' } });
    const add = dialog.getByRole('button', { name: 'Add node' });
    fireEvent.click(add);
    fireEvent.click(add);
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect((await core.nodes.list(lab.id)).map((n) => n.name)).toEqual(['gpu1']);
    expect(screen.queryAllByRole('alert')).toEqual([]);
  });
});

describe('Activity names the cluster of an operation (issue 19 item 7)', () => {
  it("shows a preflight's cluster and when it started", async () => {
    const lab = await core.inventory.create('lab');
    await core.nodes.add({
      clusterId: lab.id,
      name: 'gpu1',
      host: '127.0.0.1',
      port: 1,
      user: 'root',
      auth: { kind: 'agent' },
      jumpNodeId: null,
      role: 'head',
    });
    await createClient(createMemoryTransport(core.service)).call('nodes.check', {
      clusterId: lab.id,
    });
    location.hash = '#/activity';
    useShell.setState({ page: 'activity' });
    renderApp();
    const card = await screen.findByTestId('operation');
    expect(within(card).getByRole('button', { name: 'Preflight checks' })).toBeTruthy();
    await waitFor(() =>
      expect(within(card).getByTestId('activity-cluster').textContent).toBe('lab'),
    );
    expect(within(card).getByTestId('activity-when').textContent).toMatch(/\d/);
  });
});

describe('Add node: no stale field message while typing (issue 19 smaller)', () => {
  it("drops a field's message once that field is edited, keeping the others until the next try", async () => {
    await core.inventory.create('lab');
    location.hash = '#/nodes';
    useShell.setState({ page: 'nodes' });
    renderApp();
    fireEvent.click(
      within(await screen.findByTestId('nodes-empty')).getByRole('button', { name: 'Add node' }),
    );
    const dialog = within(screen.getByRole('dialog', { name: 'Add node' }));
    fireEvent.click(dialog.getByRole('button', { name: 'Add node' }));
    await waitFor(() => expect(dialog.getByTestId('error-name').textContent).toMatch(/^Name /));
    expect(dialog.getByTestId('error-host')).toBeTruthy();
    fireEvent.change(dialog.getByRole('textbox', { name: /^Name/ }), { target: { value: 'g' } });
    expect(dialog.queryByTestId('error-name')).toBeNull();
    expect(dialog.getByTestId('error-host')).toBeTruthy();
  });
});
