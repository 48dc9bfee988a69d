// @vitest-environment jsdom
/**
 * Whole-app tests: the real renderer (App, shell, features) talking to a real core over the
 * in-memory transport, in jsdom. Fast, and they exercise every layer but the socket.
 */
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClient } from '../../shared';
import { createCore, type Core } from '../../core/api/create-core';
import { createMemoryTransport } from '../../core/transport/memory-transport';
import { makeTempHome } from '../../core/testing/temp-home';
import { App } from '../../renderer/app/App';
import { useShell } from '../../renderer/shell/ui-store';

let home: { home: string; cleanup(): void };
let core: Core;

function renderApp() {
  const client = createClient(createMemoryTransport(core.service));
  return render(<App client={client} />);
}

beforeEach(() => {
  home = makeTempHome();
  core = createCore({ home: home.home, mode: 'memory' });
  location.hash = '';
  useShell.setState({ page: 'clusters', helpOpen: false, theme: 'dark' });
});
afterEach(() => {
  cleanup();
  core.dispose();
  home.cleanup();
});

describe('the app over the in-memory transport', () => {
  it('starts on an empty clusters list that invites "Add cluster"', async () => {
    renderApp();
    const empty = await screen.findByTestId('clusters-empty');
    expect(within(empty).getByText('No clusters yet')).toBeTruthy();
    expect(within(empty).getByRole('button', { name: 'Add cluster' })).toBeTruthy();
  });

  it("adds a cluster; a hostile name gets the core's field error and nothing is saved", async () => {
    renderApp();
    fireEvent.click(await screen.findByRole('button', { name: 'Add cluster' }));
    const dialog = within(screen.getByRole('dialog', { name: 'Add cluster' }));
    const input = dialog.getByRole('textbox', { name: /name/i });
    fireEvent.change(input, { target: { value: '$(rm -rf ~)' } });
    fireEvent.click(dialog.getByRole('button', { name: 'Add cluster' }));
    await waitFor(() =>
      expect(screen.getByTestId('cluster-name-error').textContent).toMatch(
        /^Name may contain only letters/,
      ),
    );
    expect(await core.inventory.list()).toEqual([]);

    fireEvent.change(input, { target: { value: 'gpu-lab' } });
    fireEvent.click(dialog.getByRole('button', { name: 'Add cluster' }));
    await waitFor(() => expect(screen.getAllByTestId('cluster-card')).toHaveLength(1));
    expect(screen.getByText('gpu-lab')).toBeTruthy();
    expect((await core.inventory.list()).map((c) => c.name)).toEqual(['gpu-lab']);
  });

  it('shows clusters created elsewhere (pushed event, no reload)', async () => {
    renderApp();
    await screen.findByTestId('clusters-empty');
    await act(async () => {
      await core.inventory.create('from-cli');
    });
    await waitFor(() => expect(screen.getByText('from-cli')).toBeTruthy());
  });

  it('navigates with the sidebar and with g-shortcuts, and switches theme with Shift+D', async () => {
    renderApp();
    fireEvent.click(screen.getByTestId('nav-pipeline'));
    expect(await screen.findByTestId('pipeline-empty', {}, { timeout: 5000 })).toBeTruthy();
    fireEvent.keyDown(window, { key: 'g' });
    fireEvent.keyDown(window, { key: 'm' });
    expect(await screen.findByTestId('monitor-no-cluster')).toBeTruthy();
    expect(location.hash).toBe('#/monitor');
    fireEvent.keyDown(window, { key: 'D', shiftKey: true });
    await waitFor(() => expect(document.documentElement.dataset.theme).toBe('light'));
    fireEvent.keyDown(window, { key: '?' });
    expect(screen.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeTruthy();
    fireEvent.keyDown(window, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('runs "Check this machine" as an operation with a progress bar and log', async () => {
    renderApp();
    fireEvent.click(screen.getByTestId('nav-activity'));
    fireEvent.click(await screen.findByRole('button', { name: 'Check this machine' }));
    await waitFor(() => expect(screen.getByTestId('operation').dataset.state).toBe('succeeded'), {
      timeout: 5000,
    });
    expect(
      screen.getByRole('progressbar', { name: 'Check this machine' }).getAttribute('aria-valuenow'),
    ).toBe('100');
    await waitFor(() =>
      expect(screen.getByTestId('operation-log').textContent).toContain(
        'PASS State folder writable',
      ),
    );
    await waitFor(() =>
      expect(screen.getByTestId('local-checks').textContent).toContain('Node.js'),
    );
  });
});
