// @vitest-environment jsdom
/** Whole-app: the Nodes page against a real core over the in-memory transport. */
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
  home.cleanup();
});

function renderApp() {
  return render(<App client={createClient(createMemoryTransport(core.service))} />);
}

describe('Nodes page', () => {
  it('asks for a cluster first when there is none', async () => {
    location.hash = '#/nodes';
    useShell.setState({ page: 'nodes' });
    renderApp();
    expect(await screen.findByTestId('nodes-no-cluster')).toBeTruthy();
  });

  it("adds a node from the cluster card; bad fields get the core's messages; the table is live", async () => {
    const lab = await core.inventory.create('lab');
    renderApp();
    fireEvent.click(await screen.findByRole('button', { name: 'Add nodes' }));
    expect(await screen.findByTestId('nodes-empty')).toBeTruthy();
    fireEvent.click(
      within(screen.getByTestId('nodes-empty')).getByRole('button', { name: 'Add node' }),
    );
    const dialog = within(screen.getByRole('dialog', { name: 'Add node' }));
    fireEvent.change(dialog.getByRole('textbox', { name: /^Name/ }), { target: { value: 'gpu1' } });
    fireEvent.change(dialog.getByRole('textbox', { name: /^Host/ }), {
      target: { value: 'host;reboot' },
    });
    fireEvent.change(dialog.getByRole('textbox', { name: /^User/ }), {
      target: { value: '-oProxyCommand=x' },
    });
    fireEvent.change(dialog.getByRole('textbox', { name: /^Port/ }), {
      target: { value: '70000' },
    });
    fireEvent.click(dialog.getByRole('button', { name: 'Add node' }));
    await waitFor(() =>
      expect(dialog.getByTestId('error-host').textContent).toBe(
        'Host must be a host name, an IPv4 or an IPv6 address',
      ),
    );
    expect(dialog.getByTestId('error-user').textContent).toMatch(
      /^User must be a valid login name/,
    );
    expect(dialog.getByTestId('error-port').textContent).toBe('Port must be 1 to 65535');
    expect(await core.nodes.list(lab.id)).toEqual([]);

    fireEvent.change(dialog.getByRole('textbox', { name: /^Host/ }), {
      target: { value: '198.51.100.10' },
    });
    fireEvent.change(dialog.getByRole('textbox', { name: /^User/ }), { target: { value: 'root' } });
    fireEvent.change(dialog.getByRole('textbox', { name: /^Port/ }), { target: { value: '22' } });
    fireEvent.click(dialog.getByRole('button', { name: 'Add node' }));
    await waitFor(() => expect(screen.getAllByTestId('node-row')).toHaveLength(1));
    const row = within(screen.getAllByTestId('node-row')[0]!);
    expect(row.getByText('head')).toBeTruthy();
    expect(row.getByTestId('conn-badge').dataset.state).toBe('idle');

    // A node added elsewhere (CLI, another window) appears without a reload.
    await core.nodes.add({
      clusterId: lab.id,
      name: 'gpu2',
      host: '198.51.100.11',
      port: 22,
      user: 'root',
      auth: { kind: 'agent' },
      jumpNodeId: null,
      role: 'worker',
    });
    await waitFor(() => expect(screen.getAllByTestId('node-row')).toHaveLength(2));
  });

  it('says where a remembered password would be stored before the user opts in', async () => {
    await core.inventory.create('lab');
    location.hash = '#/nodes';
    useShell.setState({ page: 'nodes' });
    renderApp();
    fireEvent.click(await screen.findByRole('button', { name: 'Add node' }));
    const dialog = within(screen.getByRole('dialog', { name: 'Add node' }));
    fireEvent.click(dialog.getByRole('radio', { name: 'Password' }));
    await waitFor(() =>
      expect(dialog.getByTestId('secret-storage-note').textContent).toContain(
        'stored unencrypted in',
      ),
    );
    expect(dialog.getByTestId('secret-storage-note').textContent).toContain('kept in memory only');
  });
});

describe('Import dialog', () => {
  it('previews an ssh config, unticks hostile hosts, imports the rest', async () => {
    await core.inventory.create('lab');
    location.hash = '#/nodes';
    useShell.setState({ page: 'nodes' });
    renderApp();
    fireEvent.click(
      await screen.findByRole('button', { name: 'Import from ssh config or testbed' }),
    );
    const dialog = within(screen.getByRole('dialog', { name: 'Import nodes' }));
    fireEvent.click(dialog.getByRole('radio', { name: /Paste/ }));
    fireEvent.change(dialog.getByRole('textbox', { name: 'SSH config' }), {
      target: {
        value:
          'Host bastion\n  HostName 203.0.113.7\n  User jump\nHost gpu1\n  HostName 10.0.0.1\n  User ubuntu\n  ProxyJump bastion\nHost bad\n  HostName a;b\n',
      },
    });
    fireEvent.click(dialog.getByRole('button', { name: 'Preview' }));
    await waitFor(() => expect(dialog.getAllByTestId('import-candidate')).toHaveLength(3));
    expect(
      (dialog.getByRole('checkbox', { name: 'Import bad' }) as HTMLInputElement).disabled,
    ).toBe(true);
    fireEvent.click(dialog.getByRole('button', { name: 'Import 2 nodes' }));
    await waitFor(() =>
      expect(dialog.getByTestId('import-result').textContent).toContain('Added 2 nodes'),
    );
    await waitFor(() => expect(screen.getAllByTestId('node-row')).toHaveLength(2));
  });

  it("the terminal's node picker reads the nodes feature's one cache, live from nodes.changed", async () => {
    const lab = await core.inventory.create('lab');
    const node = (name: string, host: string) =>
      core.nodes.add({
        clusterId: lab.id,
        name,
        host,
        port: 22,
        user: 'root',
        auth: { kind: 'agent' },
        jumpNodeId: null,
        role: 'worker',
      });
    await node('gpu1', '198.51.100.10');
    location.hash = '#/terminal';
    useShell.setState({ page: 'terminal' });
    const { container } = renderApp();
    const picker = await screen.findByRole('combobox', { name: 'New shell on node' });
    const options = () => [...picker.querySelectorAll('option')].map((o) => o.textContent);
    await waitFor(() => expect(options()).toContain('gpu1 (root@198.51.100.10)'));
    // Added elsewhere: the event updates the one cache, no focus or refetch needed.
    await node('gpu2', '198.51.100.11');
    await waitFor(() => expect(options()).toContain('gpu2 (root@198.51.100.11)'));
    expect(container.querySelectorAll('optgroup')).toHaveLength(1);
  });
});
